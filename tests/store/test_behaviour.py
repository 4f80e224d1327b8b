"""What every store promises, run against SQLite (a real file), PostgreSQL (a real server, a fresh schema) and
the in-memory store: round trips across a reopen (the first two), atomic transactions, the waiting-orders
query, bracket children."""

import time
from dataclasses import replace
from decimal import Decimal

import pytest

from paperbroker.engine.bars import Bar
from paperbroker.engine.model import (
    Account,
    Duration,
    Execution,
    Order,
    OrderStatus,
    OrderType,
    ParentType,
    Position,
    Quote,
    Side,
    StopType,
)
from paperbroker.store.base import Store
from tests.store.conftest import OpenStore


def working(
    order_id: str, side: Side, type_: OrderType, limit: int | None = None, stop: int | None = None
) -> Order:
    limit_price = None if limit is None else Decimal(limit)
    stop_price = None if stop is None else Decimal(stop)
    order = Order(order_id, "AAPL", type_, side, Decimal(1), OrderStatus.Working, 0)
    return replace(order, limit_price=limit_price, stop_price=stop_price)


def quote(symbol: str, bid: str, ask: str, last: str, time: int) -> Quote:
    return Quote(symbol, Decimal(bid), Decimal(ask), Decimal(last), time)


def position(symbol: str, qty: str, avg_price: str) -> Position:
    return Position(symbol, Decimal(qty), Decimal(avg_price))


def account(starting_cash: str, realized_pnl: str = "0", commissions: str = "0") -> Account:
    return Account(
        "paper", "Paper", "USD", Decimal(starting_cash), Decimal(realized_pnl), Decimal(commissions)
    )


def test_everything_round_trips_across_a_reopen(store_opener: OpenStore) -> None:
    order = Order(
        "1", "AAPL", OrderType.StopLimit, Side.Sell, Decimal("0.000000003"), OrderStatus.Working, 5,
        limit_price=Decimal(9), stop_price=Decimal("10.0"), stop_type=StopType.StopLoss,
        duration=Duration("GTD", 1_795_000_000_123), triggered=True, message="a note",
        take_profit=Decimal("12.5"), stop_loss=Decimal("8.25"),
    )  # fmt: skip
    qty, price, commission = Decimal("0.1"), Decimal("999999999.999999999"), Decimal("0.03")
    execution = Execution("1", "AAPL", Side.Sell, qty, price, 1_795_000_000_456, commission)
    store = store_opener()
    with store.transaction() as ledger:
        assert ledger.next_order_id() == "1"
        ledger.add_order(order)
        ledger.add_execution(execution)
        ledger.put_position("AAPL", position("AAPL", "-3", "9.5"))
        ledger.put_account(account("1000", "0.3", "0.03"))
        ledger.put_quote(quote("AAPL", "9", "9.1", "9.05", 6))
    store.close()

    reopened = store_opener()
    with reopened.transaction() as ledger:
        assert ledger.get_order("1") == order
        assert ledger.get_order("2") is None
        assert ledger.list_executions("AAPL") == [execution]
        assert ledger.list_executions("MSFT") == []
        assert ledger.get_position("AAPL") == position("AAPL", "-3", "9.5")
        assert ledger.list_positions() == [position("AAPL", "-3", "9.5")]
        assert ledger.get_account() == account("1000", "0.3", "0.03")
        assert ledger.get_quote("AAPL") == quote("AAPL", "9", "9.1", "9.05", 6)
        assert ledger.get_quote("MSFT") is None
        assert ledger.list_quotes(["AAPL", "MSFT", "AAPL"]) == {"AAPL": quote("AAPL", "9", "9.1", "9.05", 6)}
        assert ledger.list_quotes([]) == {}
        assert int(ledger.next_order_id()) > 1  # never an id issued before (PostgreSQL's skip a block)


def test_updates_replace_what_was_stored(store: Store) -> None:
    order = working("1", Side.Buy, OrderType.Limit, limit=100)
    filled = replace(
        order, status=OrderStatus.Filled, update_time=7, filled_qty=Decimal(1), avg_price=Decimal("99.5")
    )
    with store.transaction() as ledger:
        ledger.add_order(order)
        ledger.update_order(filled)
        ledger.put_account(account("1000"))
        ledger.put_account(account("1000", realized_pnl="-2", commissions="1"))
        ledger.put_quote(quote("AAPL", "1", "2", "1.5", 1))
        ledger.put_quote(quote("AAPL", "3", "4", "3.5", 2))
        ledger.put_position("AAPL", position("AAPL", "1", "1"))
        ledger.put_position("AAPL", position("AAPL", "2", "1.5"))
    with store.transaction() as ledger:
        assert ledger.list_orders() == [filled]
        assert ledger.orders_waiting_on(quote("AAPL", "1", "2", "1.5", 3)) == []
        assert ledger.get_account() == account("1000", "-2", "1")
        assert ledger.get_quote("AAPL") == quote("AAPL", "3", "4", "3.5", 2)
        assert ledger.list_positions() == [position("AAPL", "2", "1.5")]


def test_order_ids_are_unique_and_increasing(store: Store) -> None:
    ids = []
    for _ in range(5):
        with store.transaction() as ledger:
            ids.append(int(ledger.next_order_id()))
    assert ids == sorted(set(ids))


def test_a_failed_transaction_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as ledger:
        ledger.add_order(working("1", Side.Buy, OrderType.Limit, limit=1))
        ledger.put_position("AAPL", position("AAPL", "1", "1"))
        ledger.put_account(account("1000"))
        raise RuntimeError("boom")
    with store.transaction() as ledger:
        assert ledger.list_orders() == []
        assert ledger.list_positions() == []
        assert ledger.get_account() is None


def _everything(store: Store) -> list[object]:
    """What every read of the store's ledgers returns, of two accounts and the market."""
    seen: list[object] = []
    for owner in ("paper", "bob"):
        with store.snapshot(owner) as ledger:
            seen += [ledger.list_orders(), ledger.current_orders(10), ledger.final_orders_page(1),
                     ledger.list_positions(), ledger.get_account(), ledger.list_executions("AAPL"),
                     ledger.children_of("1"), ledger.events_after(0, 100),
                     ledger.newest_event(["order", "quote"]), ledger.orders_expiring(10**15)]  # fmt: skip
    with store.snapshot(None) as market:
        seen += [market.orders_waiting_on(quote("AAPL", "90", "91", "90.5", 9)),
                 market.trailing_stops("AAPL"), market.orders_expiring(10**15),
                 market.accounts_holding(["AAPL", "MSFT"]),
                 market.list_quotes(["AAPL", "MSFT"]), market.quoted_symbols(), market.event_bounds(),
                 market.minute_bars("AAPL", None, None, 10), market.all_events_after(0, 100),
                 [market.owner_of(order_id) for order_id in "123456"]]  # fmt: skip
    return seen


def test_a_failed_transaction_leaves_every_row_and_every_index_as_it_found_them(store: Store) -> None:
    expiring = replace(working("1", Side.Buy, OrderType.Limit, limit=95), expires_at=10**12)
    bracket = replace(working("2", Side.Sell, OrderType.Limit, limit=120), parent_id="1",
                      parent_type=ParentType.Order, status=OrderStatus.Inactive)  # fmt: skip
    trailing = replace(working("3", Side.Sell, OrderType.Stop, stop=80), stop_type=StopType.TrailingStop)
    filled = replace(working("4", Side.Buy, OrderType.Market), status=OrderStatus.Filled, update_time=5)
    with store.transaction() as ledger:
        for order in (expiring, bracket, trailing, filled):
            ledger.add_order(order)
        ledger.put_position("AAPL", position("AAPL", "1", "90"))
        ledger.put_account(account("1000"))
        ledger.add_execution(Execution("4", "AAPL", Side.Buy, Decimal(1), Decimal(90), 5, Decimal(0)))
        ledger.add_preview("c1", "key", 10**12, 0)
        ledger.put_quote(quote("AAPL", "90", "91", "90.5", 5))
        ledger.put_minute_bar("AAPL", Bar(60_000, Decimal(1), Decimal(2), Decimal(1), Decimal(2), 3))
        ledger.add_event("order", "{}")
        ledger.on_account(None).add_event("quote", "{}")
        bob = ledger.on_account("bob")
        bob.add_order(working("5", Side.Buy, OrderType.Limit, limit=91))
        bob.put_position("AAPL", position("AAPL", "-1", "92"))
    before = _everything(store)

    with pytest.raises(RuntimeError), store.transaction() as ledger:
        ledger.update_order(
            replace(expiring, status=OrderStatus.Filled, update_time=6, filled_qty=Decimal(1))
        )
        ledger.update_order(replace(bracket, status=OrderStatus.Working))
        ledger.update_order(replace(trailing, stop_price=Decimal(85)))
        ledger.add_order(replace(working("6", Side.Sell, OrderType.Limit, limit=90), expires_at=1))
        ledger.add_execution(Execution("1", "AAPL", Side.Buy, Decimal(1), Decimal(91), 6, Decimal(0)))
        ledger.put_position("AAPL", None)
        ledger.put_position("MSFT", position("MSFT", "3", "10"))
        ledger.put_account(account("1000", realized_pnl="5"))
        assert ledger.use_preview("c1") == ("key", 10**12, False)
        ledger.add_preview("c2", "other", 10**12, 10**13)  # and c1 expired
        ledger.put_quote(quote("AAPL", "1", "2", "1.5", 6))
        ledger.put_quote(quote("MSFT", "1", "2", "1.5", 6))
        ledger.put_minute_bar("AAPL", Bar(60_000, Decimal(1), Decimal(9), Decimal(1), Decimal(9), 4))
        ledger.put_minute_bar("AAPL", Bar(120_000, Decimal(9), Decimal(9), Decimal(9), Decimal(9), 1))
        ledger.add_events([("paper", "order", "{}"), (None, "quote", "{}"), ("bob", "order", "{}")])
        ledger.prune_events(1)
        ledger.on_account("bob").clear_trading()
        ledger.on_account("carol").put_position("AAPL", position("AAPL", "1", "1"))
        ledger.next_order_id()
        raise RuntimeError("boom")

    assert _everything(store) == before
    with store.transaction() as ledger:
        assert ledger.use_preview("c1") == ("key", 10**12, False)
        assert ledger.use_preview("c2") is None


def test_flat_positions_are_deleted(store: Store) -> None:
    with store.transaction() as ledger:
        ledger.put_position("AAPL", position("AAPL", "1", "1"))
        ledger.put_position("MSFT", position("MSFT", "-2", "3"))
        ledger.put_position("AAPL", None)
        assert ledger.list_positions() == [position("MSFT", "-2", "3")]
        assert ledger.get_position("AAPL") is None


def test_orders_waiting_on_a_quote_are_only_those_it_may_fill(store: Store) -> None:
    orders = [
        working("buy-limit-hit", Side.Buy, OrderType.Limit, limit=100),
        working("buy-limit-far", Side.Buy, OrderType.Limit, limit=90),
        working("sell-limit-hit", Side.Sell, OrderType.Limit, limit=98),
        working("sell-limit-far", Side.Sell, OrderType.Limit, limit=110),
        working("buy-stop-hit", Side.Buy, OrderType.Stop, stop=99),
        working("buy-stop-far", Side.Buy, OrderType.Stop, stop=105),
        working("sell-stop-hit", Side.Sell, OrderType.Stop, stop=101),
        working("sell-stop-far", Side.Sell, OrderType.Stop, stop=95),
    ]
    with store.transaction() as ledger:
        for order in orders:
            ledger.add_order(order)
        done = working("done", Side.Buy, OrderType.Limit, limit=200)
        ledger.add_order(replace(done, status=OrderStatus.Canceled))
        ledger.add_order(replace(working("other", Side.Buy, OrderType.Limit, limit=200), symbol="MSFT"))
        waiting = ledger.orders_waiting_on(quote("AAPL", "99", "100", "99.5", 0))
    assert [order.id for order in waiting] == [
        "buy-limit-hit",
        "sell-limit-hit",
        "buy-stop-hit",
        "sell-stop-hit",
    ]


def test_children_of_an_order_are_its_bracket_orders_oldest_first(store: Store) -> None:
    def child(order_id: str, parent: str, stop: int) -> Order:
        return Order(
            order_id, "AAPL", OrderType.Stop, Side.Sell, Decimal(1), OrderStatus.Inactive, 0,
            stop_price=Decimal(stop), parent_id=parent, parent_type=ParentType.Order,
        )  # fmt: skip

    with store.transaction() as ledger:
        ledger.add_order(working("1", Side.Buy, OrderType.Limit, limit=100))
        ledger.add_order(child("3", "1", 90))
        ledger.add_order(working("4", Side.Buy, OrderType.Limit, limit=100))
        ledger.add_order(child("2", "1", 95))
        ledger.add_order(child("5", "4", 80))
    with store.transaction() as ledger:
        assert [order.id for order in ledger.children_of("1")] == ["3", "2"]
        assert ledger.children_of("1")[0] == child("3", "1", 90)
        assert [order.id for order in ledger.children_of("4")] == ["5"]
        assert ledger.children_of("5") == []


def test_a_snapshot_reads_what_transactions_committed(store: Store) -> None:
    with store.transaction() as ledger:
        ledger.add_order(working("1", Side.Buy, OrderType.Limit, limit=1))
    with store.snapshot() as ledger:
        assert [order.id for order in ledger.list_orders()] == ["1"]
    with store.transaction() as ledger:  # a snapshot leaves nothing open behind it
        ledger.add_order(working("2", Side.Buy, OrderType.Limit, limit=1))
    with store.snapshot() as ledger:
        assert [order.id for order in ledger.list_orders()] == ["1", "2"]


def test_an_unchanged_order_read_again_is_reused_and_a_changed_one_is_read_anew(
    store_opener: OpenStore,
) -> None:
    store = store_opener()
    order = working("1", Side.Buy, OrderType.Limit, limit=10)
    with store.transaction() as ledger:
        ledger.add_order(order)
    with store.snapshot() as ledger:
        first = ledger.get_order("1")
        assert first == order
        assert ledger.list_orders()[0] is first
    with store.transaction() as ledger:
        ledger.update_order(replace(order, status=OrderStatus.Canceled))
    with store.snapshot() as ledger:
        assert ledger.get_order("1") == replace(order, status=OrderStatus.Canceled)
        assert ledger.list_orders() == [replace(order, status=OrderStatus.Canceled)]


def test_event_ids_begin_at_the_stores_creation_and_survive_a_reopen(store_opener: OpenStore) -> None:
    """A replaced store (a new file, schema or in-memory mock) never reuses the ids of the one it replaced."""
    before = time.time_ns() // 1_000
    store = store_opener()
    with store.transaction() as ledger:
        ledger.add_event("quote", "{}")
    with store.snapshot() as ledger:
        bounds = ledger.event_bounds()
    assert bounds is not None
    first = bounds[0]
    assert before <= first <= time.time_ns() // 1_000 + 1
    reopened = store_opener()
    with reopened.transaction() as ledger:
        ledger.add_event("quote", "{}")
    with reopened.snapshot() as ledger:
        assert ledger.event_bounds() == (first, first + 1), "a reopened store counts on"


def test_events_written_together_keep_their_order_and_their_accounts(store: Store) -> None:
    with store.transaction("alice") as alice:
        alice.add_event("order", '"first"')
        alice.add_events([("alice", "order", '"a"'), (None, "quote", '"q"'), ("bob", "order", '"b"')])
        alice.add_events([])
        alice.add_events([("alice", "account", '"last"')])
    with store.snapshot(None) as market:
        rows = market.all_events_after(0, 10)
    assert [(data, owner) for _, _, data, owner in rows] == [
        ('"first"', "alice"), ('"a"', "alice"), ('"q"', None), ('"b"', "bob"), ('"last"', "alice")
    ]  # fmt: skip
    ids = [event_id for event_id, *_ in rows]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    with store.snapshot("bob") as bob:
        assert [data for _, _, data in bob.events_after(0, 10)] == ['"q"', '"b"']


def test_the_newest_event_of_some_kinds_skips_the_others(store: Store) -> None:
    with store.snapshot() as ledger:
        assert ledger.newest_event(["order"]) is None
    with store.transaction() as ledger:
        ledger.add_event("order", "{}")
        ledger.add_event("position", "{}")
        ledger.add_event("quote", "{}")
    with store.snapshot() as ledger:
        bounds = ledger.event_bounds()
        assert bounds is not None
        first = bounds[0]
        assert ledger.newest_event(["order"]) == first
        assert ledger.newest_event(["order", "position"]) == first + 1
        assert ledger.newest_event(["account"]) is None
    with store.transaction() as ledger:
        ledger.prune_events(1)
    with store.snapshot() as ledger:
        assert ledger.newest_event(["order", "position"]) is None
        assert ledger.newest_event(["quote"]) == first + 2


def test_a_ledger_reads_and_writes_only_its_accounts_rows_and_the_market_reads_every_accounts_waiting_orders(
    store: Store,
) -> None:
    bracket = replace(
        working("3", Side.Sell, OrderType.Limit, limit=120), parent_id="AAPL", parent_type=ParentType.Position
    )
    with store.transaction("alice") as alice:
        alice.add_order(working("1", Side.Buy, OrderType.Limit, limit=100))
        alice.add_order(bracket)
        alice.put_position("AAPL", position("AAPL", "1", "100"))
        alice.add_preview("confirm", "key", 10, 0)
        alice.add_event("order", "{}")
        bob = alice.on_account("bob")
        bob.add_order(working("2", Side.Buy, OrderType.Limit, limit=100))
        bob.put_position("AAPL", position("AAPL", "-5", "99"))
        bob.add_event("order", "{}")
        alice.on_account(None).add_event("quote", "{}")
    with store.snapshot("bob") as bob:
        assert [order.id for order in bob.list_orders()] == ["2"]
        assert bob.get_order("1") is None and bob.children_of("AAPL", ParentType.Position) == []
        assert bob.list_positions() == [position("AAPL", "-5", "99")]
        assert bob.owner_of("1") == "alice"
        assert [kind for _, kind, _ in bob.events_after(0, 10)] == ["order", "quote"]
        assert bob.accounts_holding(["AAPL", "MSFT"]) == ["alice", "bob"]
    with store.snapshot(None) as market:
        waiting = market.orders_waiting_on(quote("AAPL", "99", "100", "99.5", 0))
        assert [order.id for order in waiting] == ["1", "2"]
        assert [owner for *_, owner in market.all_events_after(0, 10)] == ["alice", "bob", None]
    with store.transaction("bob") as bob:
        assert bob.use_preview("confirm") is None
        bob.update_order(
            replace(working("1", Side.Buy, OrderType.Limit, limit=100), status=OrderStatus.Canceled)
        )
        bob.clear_trading()
    with store.snapshot("alice") as alice:
        assert [order.id for order in alice.list_orders()] == ["1", "3"]
        assert alice.get_order("1") == working("1", Side.Buy, OrderType.Limit, limit=100), (
            "bob changed nothing"
        )
        assert alice.children_of("AAPL", ParentType.Position) == [bracket]
        assert alice.list_positions() == [position("AAPL", "1", "100")]
        events = alice.events_after(0, 10)
        newest_order, newest_quote = alice.newest_event(["order"]), alice.newest_event(["quote"])
    assert [kind for _, kind, _ in events] == ["order", "quote"]
    assert (newest_order, newest_quote) == (events[0][0], events[1][0])
