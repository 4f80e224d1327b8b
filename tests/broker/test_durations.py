"""Durations on the broker's clock: tests move the clock instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbroker.broker import Broker
from paperbroker.engine.model import Duration, NewOrder, OrderStatus, OrderType, Side
from paperbroker.store.sqlite import SQLiteStore


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def resting_buy(duration: Duration) -> NewOrder:
    return NewOrder("ZZZ", OrderType.Limit, Side.Buy, Decimal(1), limit_price=Decimal(90), duration=duration)


def test_a_day_order_expires_at_the_session_close() -> None:
    clock = Clock(ms("2026-11-27T14:30:00"))
    broker = Broker(SQLiteStore(":memory:"), clock=clock)
    order = broker.place_order(resting_buy(Duration("DAY")))
    clock.now = ms("2026-11-27T20:59:59")
    assert broker.expire_orders() == []
    clock.now = ms("2026-11-27T21:00:00")
    [expired] = broker.expire_orders()
    assert (expired.id, expired.status, expired.message) == (
        order.id,
        OrderStatus.Canceled,
        "Expired: its DAY duration ended.",
    )


def test_an_expired_order_never_fills_even_without_the_clock_task() -> None:
    clock = Clock(1_000_000)
    broker = Broker(SQLiteStore(":memory:"), clock=clock)
    order = broker.place_order(resting_buy(Duration("GTT", 1_060_000)))
    clock.now = 1_060_000
    broker.set_quote("ZZZ", Decimal(80), Decimal(81))  # would fill it; the write expires it first
    assert broker.get_order(order.id).status is OrderStatus.Canceled
    assert broker.list_executions("ZZZ") == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40_000), st.integers(80, 100)), min_size=1, max_size=12))
def test_an_order_never_fills_at_or_after_its_expiry(steps: list[tuple[int, int]]) -> None:
    clock = Clock(1_000_000)
    broker = Broker(SQLiteStore(":memory:"), clock=clock)
    expiry = clock.now + 100_000
    order = broker.place_order(resting_buy(Duration("GTT", expiry)))
    for advance, ask in steps:
        clock.now += advance
        broker.set_quote("ZZZ", Decimal(ask - 1), Decimal(ask))
    final = broker.get_order(order.id)
    executions = broker.list_executions("ZZZ")
    assert all(execution.time < expiry for execution in executions)
    if final.status is OrderStatus.Filled:
        assert final.update_time < expiry
    elif clock.now >= expiry:
        assert final.status is OrderStatus.Canceled
