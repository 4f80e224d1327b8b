"""Many accounts in one store: each account's orders, executions, positions, previews and cash are its own
(another account's ids are as unknown as ids never issued), while quotes are everyone's: one quote fills
the waiting orders of every account, each booked to its owner. Run on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from paperbroker.broker import BracketChanges, Broker, BrokerConfig
from paperbroker.engine.errors import OrderNotFound, PositionNotFound, UnacceptableRequest
from paperbroker.engine.model import Duration, NewOrder, OrderChanges, OrderStatus, OrderType, Side
from paperbroker.store.base import Store
from paperbroker.store.postgres import PostgresStore
from paperbroker.store.sqlite import SQLiteStore
from tests.store.pg import fresh_schema, postgres_dsn

ORDERS = ("order", "resync")
POSITIONS = ("position", "order", "resync")
ACCOUNT = ("account", "resync")
EXECUTIONS = ("execution", "resync")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        sqlite = SQLiteStore(tmp_path / "accounts.db")
        yield sqlite
        sqlite.close()
        return
    dsn = postgres_dsn()
    with fresh_schema(dsn) as schema:
        postgres = PostgresStore(dsn, schema=schema)
        yield postgres
        postgres.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def alice(store: Store, clock: Clock) -> Broker:
    broker = Broker(store, BrokerConfig(commission_per_unit=Decimal("0.5")), clock=clock)
    broker.open_account("alice", "Alice", Decimal(50_000))
    return broker.account("alice")


@pytest.fixture
def bob(alice: Broker) -> Broker:
    alice.open_account("bob", "Bob")
    return alice.account("bob")


def limit(side: Side, price: str, qty: int = 1, **extra: object) -> NewOrder:
    return NewOrder("AAPL", OrderType.Limit, side, Decimal(qty), limit_price=Decimal(price), **extra)  # type: ignore[arg-type]


def test_a_plain_broker_acts_on_the_configured_account_and_opening_is_idempotent(store: Store) -> None:
    broker = Broker(store)
    assert broker.account_id == "paper" and broker.account_exists("paper")
    assert not broker.account_exists("carol")
    broker.open_account("carol", "Carol", Decimal(10))
    broker.open_account("carol", "Someone else", Decimal(99))
    assert broker.account_exists("carol")
    summary = broker.account("carol").account_summary()
    assert (summary.account.name, summary.balance, summary.account.currency) == ("Carol", Decimal(10), "USD")
    assert broker.account_summary().balance == Decimal(100_000)


def test_another_accounts_order_is_unknown_to_every_operation(alice: Broker, bob: Broker) -> None:
    alice.set_quote("AAPL", Decimal(100), Decimal(101))
    order = alice.place_order(limit(Side.Buy, "90", take_profit=Decimal(120)))
    unknown: list[Callable[[], object]] = [
        lambda: bob.get_order(order.id),
        lambda: bob.cancel_order(order.id),
        lambda: bob.cancel_orders(order_ids=[order.id]),
        lambda: bob.modify_order(order.id, OrderChanges(limit_price=Decimal(91))),
    ]
    for operation in unknown:
        with pytest.raises(OrderNotFound):
            operation()
    assert bob.list_orders() == [] and bob.orders_history(10) == []
    assert bob.cancel_orders(symbol="AAPL") == []
    assert alice.get_order(order.id).status is OrderStatus.Working, "bob's attempts changed nothing"
    assert [o.id for o in alice.list_orders()] == [order.id, str(int(order.id) + 1)]


def test_another_accounts_position_is_unknown_and_its_executions_are_not_listed(
    alice: Broker, bob: Broker
) -> None:
    alice.set_quote("AAPL", Decimal(100), Decimal(101))
    alice.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(2)))
    for operation in (
        lambda: bob.close_position("AAPL"),
        lambda: bob.reverse_position("AAPL"),
        lambda: bob.edit_position_brackets("AAPL", BracketChanges(take_profit=Decimal(130))),
    ):
        with pytest.raises(PositionNotFound):
            operation()
    assert bob.list_positions() == [] and bob.protected_positions() == []
    assert bob.list_executions("AAPL") == []
    assert len(alice.list_executions("AAPL")) == 1
    assert [p.qty for p in alice.list_positions()] == [Decimal(2)]


def test_another_accounts_preview_confirm_id_is_unknown(alice: Broker, bob: Broker) -> None:
    alice.set_quote("AAPL", Decimal(100), Decimal(101))
    new = limit(Side.Buy, "90")
    _, confirm_id = alice.preview_order(new)
    assert confirm_id is not None
    with pytest.raises(UnacceptableRequest, match="is unknown"):
        bob.place_order(new, confirm_id)
    assert alice.place_order(new, confirm_id).status is OrderStatus.Working


def test_one_quote_fills_the_orders_of_two_accounts_each_booked_to_its_own(
    alice: Broker, bob: Broker
) -> None:
    alice.set_quote("AAPL", Decimal(100), Decimal(101))
    mine = alice.place_order(limit(Side.Buy, "95", qty=2))
    theirs = bob.place_order(limit(Side.Sell, "105", qty=3))
    assert int(theirs.id) > int(mine.id), "one sequence of order ids for the store"
    alice.set_quote("AAPL", Decimal(106), Decimal(107))
    assert bob.get_order(theirs.id).status is OrderStatus.Filled
    assert alice.get_order(mine.id).status is OrderStatus.Working
    alice.set_quote("AAPL", Decimal(94), Decimal(95))
    assert alice.get_order(mine.id).status is OrderStatus.Filled
    assert [(p.symbol, p.qty) for p in alice.list_positions()] == [("AAPL", Decimal(2))]
    assert [(p.symbol, p.qty) for p in bob.list_positions()] == [("AAPL", Decimal(-3))]
    assert [e.order_id for e in alice.list_executions("AAPL")] == [mine.id]
    assert [e.order_id for e in bob.list_executions("AAPL")] == [theirs.id]
    assert alice.account_summary().account.commissions == Decimal(1)
    assert bob.account_summary().account.commissions == Decimal("1.5")
    assert alice.account_summary().account.starting_cash == Decimal(50_000)


def test_position_brackets_of_the_same_symbol_stay_with_their_account(alice: Broker, bob: Broker) -> None:
    alice.set_quote("AAPL", Decimal(100), Decimal(101))
    alice.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    bob.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    alice.edit_position_brackets("AAPL", BracketChanges(take_profit=Decimal(130)))
    assert [protection.take_profit for _, protection in alice.protected_positions()] == [Decimal(130)]
    assert [protection.take_profit for _, protection in bob.protected_positions()] == [None]
    bob.close_position("AAPL")
    assert alice.protected_positions()[0][1].take_profit == Decimal(130), "bob's close left alice's bracket"


def test_expiry_acts_on_every_account(alice: Broker, bob: Broker, clock: Clock) -> None:
    alice.set_quote("AAPL", Decimal(100), Decimal(101))
    until = Duration("GTT", clock.now + 1_000)
    mine = alice.place_order(limit(Side.Buy, "90", duration=until))
    theirs = bob.place_order(limit(Side.Buy, "90", duration=until))
    clock.now += 2_000
    assert {order.id for order in alice.expire_orders()} == {mine.id, theirs.id}
    assert alice.get_order(mine.id).status is OrderStatus.Canceled
    assert bob.get_order(theirs.id).status is OrderStatus.Canceled


def test_a_reset_clears_only_its_account_and_restores_its_starting_cash(alice: Broker, bob: Broker) -> None:
    alice.set_quote("AAPL", Decimal(100), Decimal(101))
    alice.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    bob.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    waiting = bob.place_order(limit(Side.Buy, "90"))
    summary = alice.reset()
    assert summary.balance == Decimal(50_000) and summary.account.name == "Alice"
    assert alice.list_orders() == [] and alice.list_positions() == [] and alice.list_executions("AAPL") == []
    assert len(bob.list_orders()) == 2 and len(bob.list_positions()) == 1
    assert bob.get_order(waiting.id).status is OrderStatus.Working
    assert alice.get_quotes(["AAPL"])[0].bid == Decimal(100), "quotes are the market's"


def test_a_change_in_one_account_moves_only_its_own_change_marks(alice: Broker, bob: Broker) -> None:
    alice.set_quote("AAPL", Decimal(100), Decimal(101))
    alice.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    before = {kinds: alice.change_mark(kinds) for kinds in (ORDERS, POSITIONS, ACCOUNT, EXECUTIONS)}
    bob.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    bob.place_order(limit(Side.Buy, "90"))
    bob.reset()
    assert {kinds: alice.change_mark(kinds) for kinds in before} == before
    alice.set_quote("AAPL", Decimal(102), Decimal(103))  # moves alice's equity: her account tag moves
    assert alice.change_mark(ACCOUNT) != before[ACCOUNT]
    assert alice.change_mark(ORDERS) == before[ORDERS]
