"""The idempotency records on both stores' databases: a SQLite file and a PostgreSQL schema."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from paperbroker.idempotency import Records, open_records
from paperbroker.idempotency.records import Claimed, InFlight, Mismatch, Outcome, Replay, Stored
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema

NOW = 1_800_000_000_000
LEASE = 60_000
TTL = 86_400_000
RESPONSE = Stored(201, [(b"content-type", b"application/json")], b'{"orderId":"7"}')


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "broker.db")
        return
    dsn = postgres_dsn()
    with fresh_schema(dsn) as schema:
        yield url_with_schema(dsn, schema)


@pytest.fixture
def records(url: str) -> Iterator[Records]:
    opened = open_records(url)
    yield opened
    opened.close()


def claim(
    records: Records, key: str = "k", fingerprint: str = "f", now: int = NOW, account: str = "paper"
) -> Outcome:
    return records.claim(account, key, fingerprint, now, LEASE, TTL)


def test_a_new_key_is_claimed(records: Records) -> None:
    assert claim(records) == Claimed()


def test_the_same_request_while_the_first_runs_is_in_flight(records: Records) -> None:
    claim(records)
    assert claim(records, now=NOW + LEASE - 1) == InFlight()


def test_another_request_with_the_key_is_a_mismatch_running_or_done(records: Records) -> None:
    claim(records)
    assert claim(records, fingerprint="other") == Mismatch()
    records.complete("paper", "k", RESPONSE)
    assert claim(records, fingerprint="other") == Mismatch()


def test_a_completed_request_is_replayed_as_stored(records: Records) -> None:
    claim(records)
    records.complete("paper", "k", RESPONSE)
    assert claim(records, now=NOW + LEASE * 10) == Replay(RESPONSE)


def test_binary_bodies_and_several_headers_round_trip(records: Records) -> None:
    stored = Stored(200, [(b"content-type", b"text/plain"), (b"etag", b'W/"1"')], bytes(range(256)))
    claim(records)
    records.complete("paper", "k", stored)
    assert claim(records) == Replay(stored)


def test_a_released_claim_runs_again(records: Records) -> None:
    claim(records)
    records.release("paper", "k")
    assert claim(records) == Claimed()


def test_release_keeps_a_completed_response(records: Records) -> None:
    claim(records)
    records.complete("paper", "k", RESPONSE)
    records.release("paper", "k")
    assert claim(records) == Replay(RESPONSE)


def test_a_lapsed_claim_is_claimed_again_and_leased_anew(records: Records) -> None:
    claim(records)
    assert claim(records, now=NOW + LEASE) == Claimed()
    assert claim(records, now=NOW + LEASE + 1) == InFlight()


def test_a_record_older_than_the_ttl_is_forgotten(records: Records) -> None:
    claim(records)
    records.complete("paper", "k", RESPONSE)
    assert claim(records, now=NOW + TTL) == Replay(RESPONSE)
    assert claim(records, fingerprint="other", now=NOW + TTL + 1) == Claimed()


def test_keys_are_per_account(records: Records) -> None:
    claim(records, account="paper")
    records.complete("paper", "k", RESPONSE)
    assert claim(records, account="alice", fingerprint="other") == Claimed()
    assert claim(records, account="paper") == Replay(RESPONSE)


def test_every_connection_sees_every_key(url: str, records: Records) -> None:
    other = open_records(url)
    try:
        claim(records)
        assert claim(other) == InFlight()
        records.complete("paper", "k", RESPONSE)
        assert claim(other) == Replay(RESPONSE)
    finally:
        other.close()


def test_two_connections_claiming_one_new_key_at_once_claim_it_once(url: str) -> None:
    """Each round starts both claims of a fresh key together (a barrier): exactly one may run it."""
    connections = [open_records(url), open_records(url)]
    barrier = threading.Barrier(2, timeout=30)

    def race(index: int, key: str) -> Outcome:
        barrier.wait()
        return connections[index].claim("paper", key, "f", NOW, LEASE, TTL)

    try:
        with ThreadPoolExecutor(2) as pool:
            for round_ in range(50):
                outcomes = list(pool.map(race, (0, 1), (f"k{round_}", f"k{round_}")))
                assert sorted(map(repr, outcomes)) == [repr(Claimed()), repr(InFlight())], round_
    finally:
        for connection in connections:
            connection.close()
