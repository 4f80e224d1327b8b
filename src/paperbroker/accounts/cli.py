"""`paperbroker accounts create | key | list | revoke`: users, accounts and keys in the store the settings
name. Safe while the service runs: it sees a new account or key at once, a revoked key within seconds."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from paperbroker.accounts.directory import open_directory
from paperbroker.accounts.registry import Accounts, DirectoryError
from paperbroker.settings import SettingError, Settings

Setup = Callable[[argparse.Namespace], Settings]


@contextmanager
def _accounts(settings: Settings) -> Iterator[Accounts]:
    from paperbroker.app import build_broker

    if settings.db == ":memory:":
        raise SettingError("accounts live in a store: name a SQLite file or a postgresql:// URL with --db")
    broker = build_broker(settings)
    directory = open_directory(settings.db)
    try:
        yield Accounts(directory, broker)
    finally:
        directory.close()
        broker.store.close()


def _cash(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        cash = Decimal(text)
    except InvalidOperation:
        raise SettingError(f"--cash {text!r} is not a number") from None
    if not cash.is_finite() or cash < 0:
        raise SettingError(f"--cash {text!r} is not a number of at least 0")
    return cash


def _create(args: argparse.Namespace, settings: Settings) -> int:
    with _accounts(settings) as accounts:
        created = accounts.create(args.name, cash=_cash(args.cash), admin=args.admin, user=args.user)
    print(f"account {created.account_id} of user {created.user_id}")
    if created.key is not None:
        print(f"API key (shown once; only its digest is kept): {created.key}")
    return 0


def _key(args: argparse.Namespace, settings: Settings) -> int:
    with _accounts(settings) as accounts:
        key = accounts.issue_key(args.user)
    print(f"API key for {args.user} (shown once; only its digest is kept): {key}")
    return 0


def _list(_args: argparse.Namespace, settings: Settings) -> int:
    with _accounts(settings) as accounts:
        directory = accounts.directory
        for user in directory.users():
            role = " (admin)" if user.admin else ""
            print(f"user {user.id}{role}")
            for account_id in directory.accounts_of(user.id):
                print(f"  account {account_id}")
            for key in directory.keys_of(user.id):
                state = "revoked" if key.revoked_at is not None else "active"
                print(f"  key {key.key_id} {state}")
    return 0


def _revoke(args: argparse.Namespace, settings: Settings) -> int:
    with _accounts(settings) as accounts:
        revoked = accounts.revoke(args.key_id)
    if not revoked:
        print(f"paperbroker accounts revoke: no active key {args.key_id}", file=sys.stderr)
        return 1
    print(f"key {args.key_id} revoked")
    return 0


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    setup: Setup,
    add_flags: Callable[..., None],
) -> None:
    """`accounts ...` under `commands`: `setup` makes settings of flags, `add_flags` adds --db etc."""
    parser = commands.add_parser("accounts", help="create accounts and API keys, list them, revoke keys")
    actions = parser.add_subparsers(dest="action", required=True)

    create = actions.add_parser("create", help="an account, for a new user of the same name with a new key")
    create.add_argument("name", help="the account's id and name (and the new user's)")
    create.add_argument("--cash", help="its starting cash (default: the starting_cash setting)")
    create.add_argument("--user", help="add the account to this existing user instead (no new key)")
    create.add_argument("--admin", action="store_true", help="the new user may call the simulation controls")
    create.set_defaults(act=_create)

    key = actions.add_parser("key", help="another API key for an existing user")
    key.add_argument("user")
    key.set_defaults(act=_key)

    listing = actions.add_parser("list", help="users, their accounts and their keys' ids")
    listing.set_defaults(act=_list)

    revoke = actions.add_parser("revoke", help="revoke a key by its id (the 16 hex digits after pbk_)")
    revoke.add_argument("key_id")
    revoke.set_defaults(act=_revoke)

    for action in (create, key, listing, revoke):
        add_flags(action, ("db", "starting_cash", "currency", "account_name"))

    def run(args: argparse.Namespace) -> int:
        settings = setup(args)
        try:
            result: int = args.act(args, settings)
        except DirectoryError as error:
            print(f"paperbroker accounts {args.action}: {error}", file=sys.stderr)
            return 1
        return result

    parser.set_defaults(run=run)
