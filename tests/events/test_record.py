"""The recorder: every change a write transaction makes is an outbox row, written in that transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
import pytest

from paperbroker.broker import Broker, BrokerConfig
from paperbroker.engine.errors import OrderNotFound
from paperbroker.engine.model import NewOrder, OrderType, Side
from paperbroker.store.sqlite import SQLiteStore
from tests.events.sse import payload


def _outbox(broker: Broker, after: int = 0) -> list[tuple[int, str, Any]]:
    with broker.store.snapshot() as ledger:
        rows = ledger.events_after(after, 10_000)
    for event_id, kind, data in rows:
        payload({"id": str(event_id), "event": kind, "data": data})
    return [(event_id, kind, orjson.loads(data)) for event_id, kind, data in rows]


def _newest(broker: Broker) -> int:
    with broker.store.snapshot() as ledger:
        bounds = ledger.event_bounds()
    return 0 if bounds is None else bounds[1]


@pytest.fixture
def broker() -> Broker:
    return Broker(SQLiteStore(":memory:"), BrokerConfig())


def test_a_fill_records_order_position_execution_its_pl_and_one_account_event(broker: Broker) -> None:
    broker.set_quote("AAPL", Decimal(100), Decimal(101))
    start = _newest(broker)
    broker.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(3)))
    kinds = [kind for _, kind, _ in _outbox(broker, start)]
    assert kinds == ["order", "position", "execution", "order", "pl", "account"]
    pl, account = (data for _, _, data in _outbox(broker, start)[-2:])
    assert pl == {"id": "AAPL", "symbol": "AAPL", "pl": -3.0}, "3 bought at the ask of 101, marked at the bid"
    assert account["balance"] == 100_000 and account["equity"] == 100_000 - 3


def test_a_position_going_flat_is_recorded_with_qty_zero(broker: Broker) -> None:
    broker.set_quote("AAPL", Decimal(100), Decimal(101))
    broker.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(3)))
    start = _newest(broker)
    broker.close_position("AAPL")
    positions = [data for _, kind, data in _outbox(broker, start) if kind == "position"]
    assert positions == [{"id": "AAPL", "symbol": "AAPL", "qty": 0.0, "side": 1, "avgPrice": 101.0}]


def test_ids_only_increase_and_every_payload_matches_its_schema(broker: Broker) -> None:
    broker.set_quote("MSFT", Decimal(10), Decimal(11))
    for side in (Side.Buy, Side.Sell, Side.Sell, Side.Buy):
        broker.place_order(NewOrder("MSFT", OrderType.Market, side, Decimal(2)))
    order = broker.place_order(
        NewOrder("MSFT", OrderType.Limit, Side.Buy, Decimal(1), limit_price=Decimal(5))
    )
    broker.cancel_order(order.id)
    ids = [event_id for event_id, _, _ in _outbox(broker)]
    assert ids == sorted(set(ids))


def test_a_quote_of_a_held_symbol_records_its_pl_and_the_account_and_others_do_not(broker: Broker) -> None:
    broker.set_quote("AAPL", Decimal(100), Decimal(101))
    broker.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    start = _newest(broker)
    broker.set_quote("MSFT", Decimal(10), Decimal(11))
    assert [kind for _, kind, _ in _outbox(broker, start)] == ["quote"]
    start = _newest(broker)
    broker.set_quote("AAPL", Decimal(110), Decimal(111))
    assert [kind for _, kind, _ in _outbox(broker, start)] == ["quote", "pl", "account"]
    assert _outbox(broker, start)[1][2] == {"id": "AAPL", "symbol": "AAPL", "pl": 9.0}


def test_reads_and_failed_transactions_record_nothing(broker: Broker) -> None:
    broker.set_quote("AAPL", Decimal(100), Decimal(101))
    start = _newest(broker)
    broker.list_orders()
    broker.account_summary()
    broker.list_positions()
    with pytest.raises(OrderNotFound):
        broker.cancel_order("404")
    assert _outbox(broker, start) == []


def test_a_reset_records_a_resync_then_the_starting_account(broker: Broker) -> None:
    start = _newest(broker)
    broker.reset()
    assert [(kind, data.get("reason")) for _, kind, data in _outbox(broker, start)] == [
        ("resync", "reset"),
        ("account", None),
    ]


def test_pruning_keeps_the_newest_events(broker: Broker) -> None:
    for price in range(10, 20):
        broker.set_quote("AAPL", Decimal(price), Decimal(price + 1))
    newest = _newest(broker)
    with broker.store.transaction() as ledger:
        ledger.prune_events(4)
        assert ledger.event_bounds() == (newest - 3, newest)
