from dataclasses import replace
from decimal import Decimal

import pytest

from paperbroker.engine.matching import evaluate
from paperbroker.engine.model import Order, OrderStatus, OrderType, Quote, Side
from paperbroker.engine.numbers import to_decimal


def price(value: float | None) -> Decimal | None:
    return None if value is None else to_decimal(value)


def order(type_: OrderType, side: Side, limit: float | None = None, stop: float | None = None) -> Order:
    return Order(
        "1", "AAPL", type_, side, Decimal(10), OrderStatus.Working, 0, limit_price=price(limit),
        stop_price=price(stop),
    )  # fmt: skip


def quote(bid: float, ask: float) -> Quote:
    return Quote("AAPL", to_decimal(bid), to_decimal(ask), to_decimal((bid + ask) / 2), 0)


def test_market_buy_fills_at_the_ask_and_sell_at_the_bid() -> None:
    assert evaluate(order(OrderType.Market, Side.Buy), quote(99, 101))[1] == 101
    assert evaluate(order(OrderType.Market, Side.Sell), quote(99, 101))[1] == 99


def test_nothing_fills_without_a_quote() -> None:
    assert evaluate(order(OrderType.Market, Side.Buy), None)[1] is None


@pytest.mark.parametrize(
    ("side", "limit", "bid", "ask", "expected"),
    [
        (Side.Buy, 100, 100.5, 101, None),  # ask above the limit: works
        (Side.Buy, 100, 99.5, 100, 100),  # ask at the limit: fills at the limit
        (Side.Buy, 100, 98, 99, 99),  # ask below the limit: fills better
        (Side.Sell, 100, 99, 99.5, None),
        (Side.Sell, 100, 100, 100.5, 100),
        (Side.Sell, 100, 101, 102, 101),
    ],
)
def test_limit_fills_at_the_limit_or_better_once_marketable(
    side: Side, limit: float, bid: float, ask: float, expected: float | None
) -> None:
    assert evaluate(order(OrderType.Limit, side, limit=limit), quote(bid, ask))[1] == price(expected)


@pytest.mark.parametrize(
    ("side", "stop", "bid", "ask", "expected"),
    [
        (Side.Buy, 105, 103, 104, None),
        (Side.Buy, 105, 104, 105, 105),
        (Side.Buy, 105, 106, 107, 107),  # gapped through the stop: fills at the market
        (Side.Sell, 95, 96, 97, None),
        (Side.Sell, 95, 95, 96, 95),
        (Side.Sell, 95, 93, 94, 93),
    ],
)
def test_stop_triggers_at_the_stop_then_fills_as_market(
    side: Side, stop: float, bid: float, ask: float, expected: float | None
) -> None:
    triggered, filled_at = evaluate(order(OrderType.Stop, side, stop=stop), quote(bid, ask))
    assert filled_at == price(expected)
    assert triggered.triggered == (expected is not None)


def test_stop_limit_triggers_then_waits_as_a_limit() -> None:
    buy = order(OrderType.StopLimit, Side.Buy, limit=106, stop=105)
    triggered, filled_at = evaluate(buy, quote(106.5, 107))  # stop reached, but ask above the limit
    assert filled_at is None
    assert triggered.triggered
    later, filled_at = evaluate(triggered, quote(105.5, 106))
    assert filled_at == 106
    assert later.triggered


def test_untriggered_stop_limit_ignores_a_marketable_limit() -> None:
    buy = order(OrderType.StopLimit, Side.Buy, limit=106, stop=105)
    result, filled_at = evaluate(buy, quote(100, 101))  # ask below the limit, but the stop is not reached
    assert filled_at is None
    assert not result.triggered


def test_trigger_tells_what_a_working_order_waits_for() -> None:
    stop_limit = order(OrderType.StopLimit, Side.Buy, limit=106, stop=105)
    assert stop_limit.trigger is not None and stop_limit.trigger[1] == 105
    triggered = replace(stop_limit, triggered=True)
    assert triggered.trigger is not None and triggered.trigger[1] == 106
    assert replace(stop_limit, status=OrderStatus.Canceled).trigger is None
