"""Durations: when an order stops working, on the broker's clock."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from paperbroker.engine.durations import expires_at, has_expired, is_immediate, next_session_close
from paperbroker.engine.errors import UnacceptableRequest
from paperbroker.engine.model import Duration


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def test_day_expires_at_the_same_days_close_before_it() -> None:
    assert next_session_close(ms("2026-11-27T14:30:00")) == ms("2026-11-27T21:00:00")


def test_day_placed_after_the_close_expires_at_the_next_close() -> None:
    assert next_session_close(ms("2026-11-27T21:00:00")) == ms("2026-11-28T21:00:00")
    assert next_session_close(ms("2026-11-27T22:10:00"), time(20, 0)) == ms("2026-11-28T20:00:00")


def test_gtc_ioc_fok_and_no_duration_never_expire() -> None:
    now = ms("2026-11-27T14:30:00")
    for duration in (None, Duration("GTC"), Duration("IOC"), Duration("FOK")):
        assert expires_at(duration, now) is None


def test_gtt_expires_at_its_datetime_which_must_lie_ahead() -> None:
    now = ms("2026-11-27T14:30:00")
    assert expires_at(Duration("GTT", now + 60_000), now) == now + 60_000
    with pytest.raises(UnacceptableRequest, match="not in the future"):
        expires_at(Duration("GTT", now), now)
    with pytest.raises(UnacceptableRequest, match="needs a datetime"):
        expires_at(Duration("GTT"), now)


def test_an_order_has_expired_from_its_expiry_on() -> None:
    assert not has_expired(None, 10**15)
    assert not has_expired(1000, 999)
    assert has_expired(1000, 1000)


def test_ioc_and_fok_are_immediate() -> None:
    assert is_immediate(Duration("IOC")) and is_immediate(Duration("FOK"))
    assert not is_immediate(Duration("DAY")) and not is_immediate(None)
