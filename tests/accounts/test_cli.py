"""`paperbroker accounts create | key | list | revoke` on a SQLite file: what each prints, and that what it
made (or revoked) is what the service then sees."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from paperbroker.accounts.directory import open_directory
from paperbroker.accounts.keys import KEY_FORMAT
from paperbroker.accounts.registry import Accounts, Caller
from paperbroker.app import build_accounts, build_broker
from paperbroker.cli import main
from tests.keys import LOCAL_KEY, local_settings

KEY_LINE = "API key (shown once; only its digest is kept): "


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A store after the service's first start: the local user holds `paper` with LOCAL_KEY."""
    path = str(tmp_path / "broker.db")
    settings = local_settings(db=path)
    broker = build_broker(settings)
    build_accounts(settings, broker).directory.close()
    broker.store.close()
    return path


@pytest.fixture
def service(db: str) -> Iterator[Accounts]:
    """What the service sees of the store (no remembered callers, so each change shows at once)."""
    settings = local_settings(db=db)
    accounts = Accounts(open_directory(db), build_broker(settings), cache_ttl=0)
    yield accounts
    accounts.directory.close()
    accounts.broker.store.close()


def accounts(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str, str]:
    status = main(["accounts", *args, "--db", db])
    out, err = capsys.readouterr()
    return status, out, err


def issued_key(out: str) -> str:
    key = out.splitlines()[-1].removeprefix(KEY_LINE)
    assert KEY_FORMAT.fullmatch(key), out
    return key


def test_create_prints_the_account_and_a_key_the_service_accepts(
    capsys: pytest.CaptureFixture[str], db: str, service: Accounts
) -> None:
    status, out, err = accounts(capsys, db, "create", "alice")
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == "account alice of user alice"
    assert out.splitlines()[1].startswith(KEY_LINE)
    key = issued_key(out)
    assert service.authenticate(key) == Caller("alice", False, ("alice",), key[4:20])
    assert service.broker.account("alice").account_summary().balance == Decimal(100_000)


def test_create_with_cash_and_admin(capsys: pytest.CaptureFixture[str], db: str, service: Accounts) -> None:
    status, out, _ = accounts(capsys, db, "create", "ops", "--cash", "2500.25", "--admin")
    assert status == 0
    caller = service.authenticate(issued_key(out))
    assert caller is not None and caller.admin
    assert service.broker.account("ops").account_summary().balance == Decimal("2500.25")


def test_create_for_an_existing_user_adds_an_account_and_no_key(
    capsys: pytest.CaptureFixture[str], db: str, service: Accounts
) -> None:
    status, out, _ = accounts(capsys, db, "create", "paper-2", "--user", "local")
    assert (status, out) == (0, "account paper-2 of user local\n")
    assert service.authenticate(LOCAL_KEY) == Caller("local", True, ("paper", "paper-2"), "00000000000000a1")


@pytest.mark.parametrize(
    ("args", "status", "err"),
    [
        (("create", "paper"), 1, "paperbroker accounts create: the account paper exists already\n"),
        (("create", "x", "--user", "nobody"), 1, "paperbroker accounts create: there is no user nobody\n"),
        (("create", "x", "--cash", "lots"), 2, "paperbroker accounts: --cash 'lots' is not a number\n"),
        (
            ("create", "x", "--cash", "-1"),
            2,
            "paperbroker accounts: --cash '-1' is not a number of at least 0\n",
        ),
        (("key", "nobody"), 1, "paperbroker accounts key: there is no user nobody\n"),
        (("revoke", "ffffffffffffffff"), 1, "paperbroker accounts revoke: no active key ffffffffffffffff\n"),
    ],
)
def test_a_refused_command_says_why_in_one_line(
    capsys: pytest.CaptureFixture[str], db: str, args: tuple[str, ...], status: int, err: str
) -> None:
    assert accounts(capsys, db, *args) == (status, "", err)


def test_key_issues_another_key_for_the_user(
    capsys: pytest.CaptureFixture[str], db: str, service: Accounts
) -> None:
    status, out, _ = accounts(capsys, db, "key", "local")
    assert status == 0
    assert out.startswith("API key for local (shown once; only its digest is kept): pbk_")
    key = out.strip().rsplit(" ", 1)[-1]
    assert key != LOCAL_KEY
    assert service.authenticate(key) == Caller("local", True, ("paper",), key[4:20])


def test_list_shows_users_accounts_and_key_ids_never_secrets(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    _, created, _ = accounts(capsys, db, "create", "alice")
    accounts(capsys, db, "create", "alice-2", "--user", "alice")
    accounts(capsys, db, "revoke", "00000000000000a1")
    status, out, _ = accounts(capsys, db, "list")
    alice_key_id = issued_key(created)[4:20]
    assert status == 0
    assert out.splitlines() == [
        "user local (admin)",
        "  account paper",
        "  key 00000000000000a1 revoked",
        "user alice",
        "  account alice",
        "  account alice-2",
        f"  key {alice_key_id} active",
    ]
    assert issued_key(created) not in out


def test_revoke_stops_the_key_at_once_for_a_service_that_remembers_nothing(
    capsys: pytest.CaptureFixture[str], db: str, service: Accounts
) -> None:
    assert service.authenticate(LOCAL_KEY) is not None
    assert accounts(capsys, db, "revoke", "00000000000000a1") == (0, "key 00000000000000a1 revoked\n", "")
    assert service.authenticate(LOCAL_KEY) is None
    assert accounts(capsys, db, "revoke", "00000000000000a1")[0] == 1


def test_accounts_need_a_store_not_memory(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = accounts(capsys, ":memory:", "list")
    assert (status, out) == (2, "")
    assert err.startswith("paperbroker accounts: accounts live in a store") and err.count("\n") == 1
