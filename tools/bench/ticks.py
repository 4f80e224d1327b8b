"""Micro-benchmark of the engine and store on the hot path, without HTTP.

- tick: the cost of one quote (setQuote / a market tick) with 10 and with 10,000 working orders far from
  the market. The quote reads only the orders it may fill (index orders_waiting), so the two should be
  close (target: within 2x).
- list: the cost of reading all orders, per order, for 100, 1,000 and 10,000 orders (linear means flat).
- place: the cost of placing one order (one short transaction).

Run with `make bench-ticks` or `python -m tools.bench.ticks`; writes build/bench/ticks.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from paperbroker.broker import Broker
from paperbroker.engine.model import NewOrder, OrderType, Side
from paperbroker.engine.numbers import to_decimal
from paperbroker.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "bench"


_STORES = itertools.count()


def _broker(directory: Path, working: int) -> Broker:
    """A new file store (as served) with `working` orders on both sides, all far from a market at ~100."""
    broker = Broker(SQLiteStore(directory / f"ticks-{next(_STORES)}.db"))
    broker.set_quote("AAPL", Decimal("99.99"), Decimal("100.01"))
    one, low, high = Decimal(1), Decimal(10), Decimal(1000)
    kinds = [
        NewOrder("AAPL", OrderType.Limit, Side.Buy, one, limit_price=low),
        NewOrder("AAPL", OrderType.Limit, Side.Sell, one, limit_price=high),
        NewOrder("AAPL", OrderType.Stop, Side.Buy, one, stop_price=high),
        NewOrder("AAPL", OrderType.Stop, Side.Sell, one, stop_price=low),
    ]
    for i in range(working):
        broker.place_order(kinds[i % len(kinds)])
    return broker


def _per_call_us(action: Callable[[int], object], calls: int, repeats: int = 5) -> float:
    """Median over `repeats` runs of the mean time of one call, in microseconds."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for i in range(calls):
            action(i)
        runs.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(0)
    mids = [round(100 + rng.uniform(-5, 5), 6) for _ in range(args.ticks)]
    walk = [(to_decimal(mid - 0.01), to_decimal(mid + 0.01)) for mid in mids]  # converted before timing
    results: dict[str, dict[str, float]] = {"tick_us": {}, "list_us_per_order": {}, "place_us": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for working in (10, 10_000):
            broker = _broker(Path(tmp), working)

            def quote(i: int, broker: Broker = broker) -> object:
                return broker.set_quote("AAPL", *walk[i])

            results["tick_us"][str(working)] = round(_per_call_us(quote, args.ticks), 1)
            assert len(broker.list_orders()) == working, "a tick filled an order that should stay working"
        for count in (100, 1_000, 10_000):
            broker = _broker(Path(tmp), count)

            def list_all(_: int, broker: Broker = broker) -> object:
                return broker.list_orders()

            assert len(broker.list_orders()) == count
            per_call = _per_call_us(list_all, max(5, 50_000 // count))
            results["list_us_per_order"][str(count)] = round(per_call / count, 2)
        broker = _broker(Path(tmp), 0)
        order = NewOrder("AAPL", OrderType.Limit, Side.Buy, Decimal(1), limit_price=Decimal(10))

        def place(_: int, broker: Broker = broker) -> object:
            return broker.place_order(order)

        results["place_us"]["1"] = round(_per_call_us(place, 2000), 1)
    ratio = results["tick_us"]["10000"] / results["tick_us"]["10"]
    print(f"tick with 10 working orders:     {results['tick_us']['10']:8.1f} us")
    tick_10k = results["tick_us"]["10000"]
    print(f"tick with 10,000 working orders: {tick_10k:8.1f} us  ({ratio:.2f}x, target <= 2x)")
    for listed, cost in results["list_us_per_order"].items():
        print(f"list {int(listed):>6,} orders: {cost:6.2f} us per order")
    print(f"place one order:                 {results['place_us']['1']:8.1f} us")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ticks.json").write_text(json.dumps({**results, "tick_ratio": round(ratio, 2)}, indent=2) + "\n")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
