"""Accounts: users, their accounts and keys in the trading store's database (a SQLite file and PostgreSQL),
and the caller a request's key acts for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from paperbroker.accounts.directory import User, open_directory
from paperbroker.accounts.registry import AccountNotFound, Accounts, Caller, Created, DirectoryError
from paperbroker.app import build_broker
from paperbroker.settings import Settings
from tests.keys import LOCAL_KEY
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema

OpenAccounts = Callable[..., Accounts]
"""Opens the directory and broker of one database again, as another worker or a restart would; takes
Accounts' cache_ttl."""


@pytest.fixture(params=["sqlite", "postgres"])
def opening(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenAccounts]:
    opened: list[Accounts] = []

    def open_on(url: str) -> OpenAccounts:
        def open_one(cache_ttl: float = 2.0) -> Accounts:
            directory, broker = open_directory(url), build_broker(Settings(db=url))
            opened.append(Accounts(directory, broker, cache_ttl=cache_ttl))
            return opened[-1]

        return open_one

    try:
        if request.param == "sqlite":
            yield open_on(str(tmp_path / "broker.db"))
        else:
            dsn = postgres_dsn()
            with fresh_schema(dsn) as schema:
                yield open_on(url_with_schema(dsn, schema))
    finally:
        for accounts in opened:
            accounts.directory.close()
            accounts.broker.store.close()


@pytest.fixture
def accounts(opening: OpenAccounts) -> Accounts:
    """A store after its first start: the local user holds `paper` with LOCAL_KEY."""
    started = opening()
    assert started.bootstrap("paper", LOCAL_KEY) == LOCAL_KEY
    return started


def test_the_first_start_creates_the_local_admin_holding_the_configured_account(accounts: Accounts) -> None:
    assert accounts.authenticate(LOCAL_KEY) == Caller("local", True, ("paper",), "00000000000000a1")
    assert accounts.directory.users() == [User("local", True, accounts.directory.users()[0].created_at)]
    assert accounts.directory.owner_of("paper") == "local"


def test_a_later_start_creates_no_one(opening: OpenAccounts, accounts: Accounts) -> None:
    again = opening()
    assert again.bootstrap("paper", None) is None
    assert [user.id for user in again.directory.users()] == ["local"]
    assert [key.key_id for key in again.directory.keys_of("local")] == ["00000000000000a1"]


def test_without_a_local_key_the_first_start_issues_a_random_one(opening: OpenAccounts) -> None:
    started = opening()
    key = started.bootstrap("paper", None)
    assert key is not None and key != LOCAL_KEY
    assert started.authenticate(key) == Caller("local", True, ("paper",), key[4:20])


def test_a_malformed_local_key_is_refused_and_the_next_start_creates_the_local_user(
    opening: OpenAccounts,
) -> None:
    started = opening()
    with pytest.raises(DirectoryError, match="pbk_"):
        started.bootstrap("paper", "not-a-key")
    assert started.directory.users() == []
    assert started.bootstrap("paper", LOCAL_KEY) == LOCAL_KEY


def test_create_makes_a_user_of_the_same_name_with_an_account_and_a_key(accounts: Accounts) -> None:
    created = accounts.create("alice")
    assert (created.user_id, created.account_id) == ("alice", "alice")
    assert created.key is not None
    assert accounts.authenticate(created.key) == Caller("alice", False, ("alice",), created.key[4:20])
    summary = accounts.broker.account("alice").account_summary()
    assert (summary.account.id, summary.balance) == ("alice", Decimal(100_000))


def test_create_opens_the_account_with_the_cash_given(accounts: Accounts) -> None:
    accounts.create("alice", cash=Decimal("2500.5"))
    assert accounts.broker.account("alice").account_summary().balance == Decimal("2500.5")
    assert accounts.broker.account("paper").account_summary().balance == Decimal(100_000)


def test_an_admin_user_is_an_admin(accounts: Accounts) -> None:
    created = accounts.create("ops", admin=True)
    assert created.key is not None
    caller = accounts.authenticate(created.key)
    assert caller is not None and caller.admin


def test_an_account_added_to_a_user_comes_after_its_first_and_brings_no_key(accounts: Accounts) -> None:
    alice = accounts.create("alice")
    assert alice.key is not None
    assert accounts.create("alice-futures", user="alice") == Created("alice", "alice-futures", None)
    fresh = accounts.caller("alice")
    assert fresh is not None and fresh.accounts == ("alice", "alice-futures")
    assert len(accounts.directory.keys_of("alice")) == 1


@pytest.mark.parametrize(
    ("name", "user", "message"),
    [
        ("paper", None, "the account paper exists already"),
        ("local", None, "the user local exists already"),
        ("extra", "nobody", "there is no user nobody"),
        ("-dash", None, "is not a valid account name"),
        ("a/b", None, "is not a valid account name"),
        ("x" * 65, None, "is not a valid account name"),
    ],
)
def test_create_refuses_with_a_reason(accounts: Accounts, name: str, user: str | None, message: str) -> None:
    with pytest.raises(DirectoryError, match=message):
        accounts.create(name, user=user)
    assert [u.id for u in accounts.directory.users()] == ["local"]


def test_an_account_the_store_has_but_nobody_owns_is_not_created_again(accounts: Accounts) -> None:
    accounts.broker.open_account("orphan", "Orphan")
    with pytest.raises(DirectoryError, match="the account orphan exists already"):
        accounts.create("orphan")


def test_another_key_for_a_user_reaches_the_same_accounts(accounts: Accounts) -> None:
    key = accounts.issue_key("local")
    assert key != LOCAL_KEY
    assert accounts.authenticate(key) == Caller("local", True, ("paper",), key[4:20])
    assert accounts.authenticate(LOCAL_KEY) is not None


@pytest.mark.parametrize(
    ("user", "key", "message"),
    [
        ("nobody", None, "there is no user nobody"),
        ("local", "pbk_123", "pbk_"),
        ("local", LOCAL_KEY, "the key id 00000000000000a1 is taken"),
    ],
)
def test_issue_key_refuses_with_a_reason(
    accounts: Accounts, user: str, key: str | None, message: str
) -> None:
    with pytest.raises(DirectoryError, match=message):
        accounts.issue_key(user, key)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "nonsense",
        "pbk_00000000000000a1_local-test-key-0123456789abcdefghiX",  # the local key's id, another secret
        "pbk_00000000000000b2_local-test-key-0123456789abcdefghij",  # another id, the local key's secret
    ],
)
def test_a_malformed_or_unknown_key_has_no_caller(accounts: Accounts, key: str) -> None:
    assert accounts.authenticate(key) is None


def test_a_revoked_key_has_no_caller_and_the_users_other_keys_still_work(accounts: Accounts) -> None:
    other = accounts.issue_key("local")
    assert accounts.authenticate(LOCAL_KEY) is not None  # now remembered
    assert accounts.revoke("00000000000000a1")
    assert accounts.authenticate(LOCAL_KEY) is None
    assert accounts.authenticate(other) is not None
    assert [key.revoked_at is not None for key in accounts.directory.keys_of("local")] == [True, False]


def test_revoking_an_unknown_or_revoked_key_changes_nothing(accounts: Accounts) -> None:
    assert not accounts.revoke("ffffffffffffffff")
    assert accounts.revoke("00000000000000a1")
    assert not accounts.revoke("00000000000000a1")


def test_another_worker_sees_a_revocation_once_its_remembered_caller_expires(
    opening: OpenAccounts, accounts: Accounts
) -> None:
    remembering, uncached = opening(cache_ttl=3600), opening(cache_ttl=0)
    assert remembering.authenticate(LOCAL_KEY) is not None
    assert uncached.authenticate(LOCAL_KEY) is not None
    accounts.revoke("00000000000000a1")
    assert remembering.authenticate(LOCAL_KEY) is not None  # within its cache_ttl
    assert uncached.authenticate(LOCAL_KEY) is None


def test_a_new_account_reaches_another_workers_callers_once_remembered_ones_expire(
    opening: OpenAccounts, accounts: Accounts
) -> None:
    other = opening(cache_ttl=0)
    assert other.authenticate(LOCAL_KEY) == Caller("local", True, ("paper",), "00000000000000a1")
    accounts.create("paper-2", user="local")
    assert other.authenticate(LOCAL_KEY) == Caller("local", True, ("paper", "paper-2"), "00000000000000a1")


def test_the_local_caller_is_the_local_user_without_a_key(accounts: Accounts) -> None:
    assert accounts.local_caller() == Caller("local", True, ("paper",))


def test_users_accounts_and_keys_outlive_a_restart(opening: OpenAccounts, accounts: Accounts) -> None:
    alice = accounts.create("alice").key
    assert alice is not None
    restarted = opening()
    assert restarted.bootstrap("paper", None) is None
    assert restarted.authenticate(alice) == Caller("alice", False, ("alice",), alice[4:20])
    assert restarted.authenticate(LOCAL_KEY) is not None


def test_a_caller_acts_on_the_account_it_names_if_its_own_else_on_its_first() -> None:
    caller = Caller("alice", False, ("alice", "alice-2"))
    assert caller.account(None) == "alice"
    assert caller.account("alice-2") == "alice-2"
    with pytest.raises(AccountNotFound):
        caller.account("paper")
    with pytest.raises(AccountNotFound):
        Caller("nobody", False, ()).account(None)
