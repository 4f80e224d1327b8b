"""Users, their accounts and keys: creating them, and telling who a request's key belongs to."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from paperbroker.accounts import keys
from paperbroker.accounts.directory import Directory, User
from paperbroker.broker import Broker
from paperbroker.engine.errors import BrokerError
from paperbroker.engine.numbers import Money

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""User names and account ids: one path or query segment, no escaping needed."""
LOCAL_USER = "local"
"""The user a store's first start creates, holding the configured account: the operator, an admin."""


class AccountNotFound(BrokerError):
    """Not one of the caller's accounts: whether it exists is not the caller's business."""

    def __init__(self, account_id: str) -> None:
        super().__init__(f"Account {account_id} does not exist.")
        self.account_id = account_id


class AdminOnly(BrokerError):
    """The simulation controls move every account's market: an admin key is required."""

    def __init__(self) -> None:
        super().__init__("This operation needs an admin key.")


class DirectoryError(ValueError):
    """A command the directory cannot carry out (a taken name, an unknown user); the message says which."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request acts for: the key's user, whether an admin, and the user's accounts, default first."""

    user_id: str
    admin: bool
    accounts: tuple[str, ...]
    key_id: str | None = None

    def account(self, requested: str | None) -> str:
        """The account a request acts on: the one it names, if the caller's, else the caller's first."""
        if requested is None:
            if not self.accounts:
                raise AccountNotFound("(none: this user holds no account)")
            return self.accounts[0]
        if requested not in self.accounts:
            raise AccountNotFound(requested)
        return requested


@dataclass(frozen=True, slots=True)
class Created:
    user_id: str
    account_id: str
    key: str | None
    """Shown once: only its digest is kept."""


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class Accounts:
    """The directory with the broker that keeps each account's trading state.

    `authenticate` remembers a key's caller for `cache_ttl` seconds, so a request costs a dictionary look-up,
    not a database read: a revoked key, or an account added, takes effect within that time.
    """

    def __init__(
        self,
        directory: Directory,
        broker: Broker,
        *,
        clock: Callable[[], int] = wall_clock_ms,
        cache_ttl: float = 2.0,
        cache_size: int = 10_000,
    ) -> None:
        self.directory = directory
        self.broker = broker
        self.clock = clock
        self._cache_ttl = cache_ttl
        self._cache_size = cache_size
        self._cache: dict[str, tuple[float, Caller]] = {}
        self._lock = threading.Lock()

    # Commands -----------------------------------------------------------------------------------------

    def create(
        self,
        name: str,
        *,
        cash: Money | None = None,
        admin: bool = False,
        user: str | None = None,
        key: str | None = None,
    ) -> Created:
        """An account named `name`: for a new user of the same name with a new key, or, with `user`, for
        that existing user (no new key: theirs already reach all their accounts)."""
        _check_name(name, "account")
        if self.directory.owner_of(name) is not None or self.broker.account_exists(name):
            raise DirectoryError(f"the account {name} exists already")
        now = self.clock()
        if user is None:
            if self.directory.get_user(name) is not None:
                raise DirectoryError(f"the user {name} exists already: add an account with --user {name}")
            self.directory.add_user(User(name, admin, now))
            owner = name
        else:
            found = self.directory.get_user(user)
            if found is None:
                raise DirectoryError(f"there is no user {user}")
            owner = found.id
        self.broker.open_account(name, name, cash)
        self.directory.add_account(name, owner, now)
        issued = self.issue_key(owner, key) if user is None else None
        return Created(owner, name, issued)

    def issue_key(self, user_id: str, key: str | None = None) -> str:
        """A new key for the user (the one given, when it is well-formed), returned once."""
        if self.directory.get_user(user_id) is None:
            raise DirectoryError(f"there is no user {user_id}")
        issued = key or keys.new_key()
        try:
            row = keys.stored(issued, user_id, self.clock())
        except ValueError as error:
            raise DirectoryError(str(error)) from None
        if self.directory.get_key(row.key_id) is not None:
            raise DirectoryError(f"the key id {row.key_id} is taken")
        self.directory.add_key(row)
        return issued

    def revoke(self, key_id: str) -> bool:
        revoked = self.directory.revoke_key(key_id, self.clock())
        with self._lock:
            self._cache.clear()
        return revoked

    def bootstrap(self, account_id: str, local_key: str | None) -> str | None:
        """On a store's first start (no user yet): the local admin user, holding the configured account
        (which the broker has opened), and its key, returned once. None when there are users already."""
        if self.directory.users():
            return None
        if local_key is not None and keys.parse(local_key) is None:  # before the user: else no key, ever
            raise DirectoryError(
                "the local key is not an API key: pbk_<16 hex digits>_<32 to 128 of A-Z a-z 0-9 _ ->"
            )
        now = self.clock()
        self.directory.add_user(User(LOCAL_USER, True, now))
        self.directory.add_account(account_id, LOCAL_USER, now)
        return self.issue_key(LOCAL_USER, local_key)

    # Requests -----------------------------------------------------------------------------------------

    def authenticate(self, key: str) -> Caller | None:
        """The caller a key acts for; None for a malformed, unknown or revoked key."""
        return self._remembered(key, lambda: self._look_up(key))

    def _look_up(self, key: str) -> Caller | None:
        parsed = keys.parse(key)
        if parsed is None:
            return None
        key_id, secret = parsed
        row = self.directory.get_key(key_id)
        if row is None or not keys.matches(row, secret):
            return None
        return self.caller(row.user_id, key_id)

    def _remembered(self, name: str, look_up: Callable[[], Caller | None]) -> Caller | None:
        """A caller found within the last `cache_ttl` seconds; refusals are not remembered, so a flood of
        bad keys cannot fill the cache."""
        now = time.monotonic()
        cached = self._cache.get(name)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = look_up()
        if found is not None:
            with self._lock:
                if len(self._cache) >= self._cache_size:
                    self._cache.clear()
                self._cache[name] = (now + self._cache_ttl, found)
        return found

    def local_caller(self) -> Caller | None:
        """The local user, as every request is when auth is off (remembered like a key's caller)."""
        return self._remembered(f"user:{LOCAL_USER}", lambda: self.caller(LOCAL_USER))

    def caller(self, user_id: str, key_id: str | None = None) -> Caller | None:
        user = self.directory.get_user(user_id)
        if user is None:
            return None
        return Caller(user.id, user.admin, tuple(self.directory.accounts_of(user.id)), key_id)


def _check_name(name: str, what: str) -> None:
    if not NAME.fullmatch(name):
        raise DirectoryError(
            f"{name!r} is not a valid {what} name: 1 to 64 of A-Z a-z 0-9 . _ -,"
            " starting with a letter or digit"
        )
