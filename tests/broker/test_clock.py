"""The broker reads its clock only while it holds the write lock, so times follow commit order: with several
workers, an execution committed later never carries an earlier time (found by a hostile run: executions'
`time` went backwards by a few ms in sequence order, the clock having been read before the lock)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from paperbroker.broker import Broker
from paperbroker.engine.model import NewOrder, OrderType, Quote, Side
from paperbroker.store.base import DEFAULT_ACCOUNT
from paperbroker.store.sqlite import SQLiteLedger, SQLiteStore


class WatchedStore(SQLiteStore):
    """A store that knows whether a write transaction is open."""

    writing = False

    @contextmanager
    def transaction(
        self, account_id: str | None = DEFAULT_ACCOUNT, reads_quote: str | None = None
    ) -> Iterator[SQLiteLedger]:
        with super().transaction(account_id, reads_quote) as ledger:
            self.writing = True
            try:
                yield ledger
            finally:
                self.writing = False


def test_every_write_reads_the_clock_inside_its_transaction() -> None:
    store = WatchedStore(":memory:")
    outside: list[str] = []
    now = [1_795_788_000_000]

    def clock() -> int:
        if not store.writing:
            outside.append("read outside a write transaction")
        now[0] += 1
        return now[0]

    broker = Broker(store, clock=clock)
    broker.set_quote("AAPL", Decimal(100), Decimal(101))
    broker.set_quotes([Quote("MSFT", Decimal(10), Decimal(11), Decimal("10.5"), time=0)])  # a tick's quotes
    assert broker.get_quotes(["MSFT"])[0].time > 0, "stamped with the transaction's time, not the tick's"
    placed = broker.place_order(
        NewOrder("AAPL", OrderType.Limit, Side.Buy, Decimal(2), limit_price=Decimal(99))
    )
    broker.preview_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    broker.cancel_order(placed.id)
    broker.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(3)))
    broker.close_position("AAPL", Decimal(1))
    broker.reverse_position("AAPL")
    broker.expire_orders()
    assert outside == []
    executions = broker.list_executions("AAPL")
    assert len(executions) == 3
    assert [e.time for e in executions] == sorted(e.time for e in executions)
