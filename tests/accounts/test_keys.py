"""API keys: their format, and that only a salted digest is kept, which the right secret alone matches."""

from __future__ import annotations

import dataclasses

import pytest

from paperbroker.accounts import keys
from tests.keys import LOCAL_KEY


def test_a_new_key_is_well_formed_and_unique() -> None:
    issued = {keys.new_key() for _ in range(100)}
    assert len(issued) == 100
    assert all(keys.KEY_FORMAT.fullmatch(key) for key in issued)


def test_parse_splits_a_key_into_its_id_and_secret() -> None:
    assert keys.parse(LOCAL_KEY) == ("00000000000000a1", "local-test-key-0123456789abcdefghij")


@pytest.mark.parametrize(
    "key",
    [
        "",
        "pbk_",
        "Bearer " + LOCAL_KEY,
        LOCAL_KEY + " ",
        "pbk_00000000000000A1_local-test-key-0123456789abcdefghij",  # upper-case hex in the id
        "pbk_00000000000000a_local-test-key-0123456789abcdefghij",  # 15 hex digits
        "pbk_00000000000000a1_short-secret",
        "pbk_00000000000000a1_" + "x" * 129,
        "pbk_00000000000000a1_local-test-key-0123456789abcdef/hij",
        "xyz_00000000000000a1_local-test-key-0123456789abcdefghij",
    ],
)
def test_anything_else_is_not_a_key(key: str) -> None:
    assert keys.parse(key) is None
    with pytest.raises(ValueError, match="pbk_"):
        keys.stored(key, "alice", 0)


def test_the_stored_row_keeps_the_id_and_a_salted_digest_never_the_secret() -> None:
    row = keys.stored(LOCAL_KEY, "local", 1_700_000_000_000)
    assert (row.key_id, row.user_id, row.created_at, row.revoked_at) == (
        "00000000000000a1",
        "local",
        1_700_000_000_000,
        None,
    )
    secret = "local-test-key-0123456789abcdefghij"
    assert not any(secret in str(value) for value in dataclasses.astuple(row))
    assert row.digest == keys.digest(row.salt, secret)


def test_each_stored_key_has_its_own_salt() -> None:
    first, second = keys.stored(LOCAL_KEY, "local", 0), keys.stored(LOCAL_KEY, "local", 0)
    assert first.salt != second.salt
    assert first.digest != second.digest


def test_only_the_keys_own_secret_matches_and_only_while_not_revoked() -> None:
    row = keys.stored(LOCAL_KEY, "local", 0)
    assert keys.matches(row, "local-test-key-0123456789abcdefghij")
    assert not keys.matches(row, "local-test-key-0123456789abcdefghiJ")
    assert not keys.matches(row, "")
    assert not keys.matches(dataclasses.replace(row, revoked_at=1), "local-test-key-0123456789abcdefghij")
