"""What the broker trades and each instrument's rules: quantity bounds and step, price tick, pips, margin.

Quantities and prices are Decimals, so "a multiple of the step" is an exact test: 0.3 is a multiple of 0.1.
A symbol the broker has no rules for trades under `default_rules`, which take any value the contract does
(nine decimals at most), so a simulation can use any symbol it quotes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from paperbroker.engine.errors import UnacceptableRequest
from paperbroker.engine.numbers import plain

DURATIONS = ("GTC", "DAY", "GTT", "IOC", "FOK")
NANO = Decimal("0.000000001")


@dataclass(frozen=True, slots=True)
class Instrument:
    symbol: str
    description: str
    type: str
    """TradingView's symbol type: stock, forex, crypto, futures, index, cfd..."""
    currency: str
    qty_min: Decimal
    qty_max: Decimal
    qty_step: Decimal
    qty_default: Decimal
    min_tick: Decimal
    pip_size: Decimal
    pip_value: Decimal
    """Value of one pip for a quantity of 1."""
    margin_rate: Decimal
    durations: tuple[str, ...] = DURATIONS

    def quantity_problem(self, qty: Decimal, name: str = "quantity") -> str | None:
        """Why the instrument does not take this quantity, or None."""
        if qty < self.qty_min:
            return f"The {name} {plain(qty)} is below {self.symbol}'s minimum {plain(self.qty_min)}."
        if qty > self.qty_max:
            return f"The {name} {plain(qty)} is above {self.symbol}'s maximum {plain(self.qty_max)}."
        if qty % self.qty_step != 0:
            return (
                f"The {name} {plain(qty)} is not a multiple of {self.symbol}'s step {plain(self.qty_step)}."
            )
        return None

    def price_problem(self, name: str, price: Decimal) -> str | None:
        """Why the instrument does not take this price, or None."""
        if price % self.min_tick != 0:
            tick = plain(self.min_tick)
            return f"The {name} {plain(price)} is not a multiple of {self.symbol}'s minTick {tick}."
        return None

    def duration_problem(self, duration_type: str) -> str | None:
        if duration_type not in self.durations:
            allowed = ", ".join(self.durations)
            return f"{self.symbol} does not take duration {duration_type}; it takes {allowed}."
        return None

    def problems(
        self,
        qty: Decimal | None,
        prices: Mapping[str, Decimal | None],
        duration_type: str | None = None,
    ) -> list[str]:
        """Every rule the values break, in the order a trader reads a ticket: quantity, prices, duration."""
        found = [] if qty is None else [self.quantity_problem(qty)]
        found += [self.price_problem(name, price) for name, price in prices.items() if price is not None]
        if duration_type is not None:
            found.append(self.duration_problem(duration_type))
        return [problem for problem in found if problem is not None]

    def check(
        self,
        qty: Decimal | None,
        prices: Mapping[str, Decimal | None],
        duration_type: str | None = None,
    ) -> None:
        """Raise UnacceptableRequest (422) naming the first rule broken."""
        problems = self.problems(qty, prices, duration_type)
        if problems:
            raise UnacceptableRequest(problems[0])

    def pips(self, count: Decimal) -> Decimal:
        """A distance of `count` pips as a price difference."""
        return count * self.pip_size


def default_rules(symbol: str) -> Instrument:
    """Rules for a symbol the broker was not configured with: whatever the contract accepts."""
    return Instrument(
        symbol=symbol,
        description=symbol,
        type="cfd",
        currency="USD",
        qty_min=NANO,
        qty_max=Decimal(1_000_000_000),
        qty_step=NANO,
        qty_default=Decimal(1),
        min_tick=NANO,
        pip_size=Decimal("0.01"),
        pip_value=Decimal("0.01"),
        margin_rate=Decimal("0.1"),
    )


def _stock(symbol: str, description: str) -> Instrument:
    return Instrument(
        symbol=symbol,
        description=description,
        type="stock",
        currency="USD",
        qty_min=Decimal(1),
        qty_max=Decimal(1_000_000),
        qty_step=Decimal(1),
        qty_default=Decimal(1),
        min_tick=Decimal("0.01"),
        pip_size=Decimal("0.01"),
        pip_value=Decimal("0.01"),
        margin_rate=Decimal("0.2"),
    )


BUILT_IN: dict[str, Instrument] = {
    instrument.symbol: instrument
    for instrument in (
        _stock("AAPL", "Apple Inc."),
        _stock("MSFT", "Microsoft Corporation"),
        _stock("GOOG", "Alphabet Inc. Class C"),
        _stock("TSLA", "Tesla, Inc."),
        Instrument(
            symbol="EURUSD",
            description="Euro / U.S. Dollar",
            type="forex",
            currency="USD",
            qty_min=Decimal(1000),
            qty_max=Decimal(100_000_000),
            qty_step=Decimal(1000),
            qty_default=Decimal(10_000),
            min_tick=Decimal("0.00001"),
            pip_size=Decimal("0.0001"),
            pip_value=Decimal("0.0001"),
            margin_rate=Decimal("0.02"),
        ),
    )
}
"""Rules for the simulated market's default symbols."""


class Catalog:
    """The instruments the broker lists: configured ones with their rules, the rest under default rules."""

    def __init__(
        self, configured: Iterable[str] = BUILT_IN, rules: Mapping[str, Instrument] = BUILT_IN
    ) -> None:
        self._listed = {symbol: rules.get(symbol) or default_rules(symbol) for symbol in configured}

    def rules(self, symbol: str) -> Instrument:
        """The rules an order on `symbol` follows, whether or not the symbol is listed."""
        return self._listed.get(symbol) or default_rules(symbol)

    def listed(self, symbol: str, quoted: bool) -> Instrument | None:
        """The instrument, if the broker trades it: configured, or quoted at least once."""
        if symbol in self._listed:
            return self._listed[symbol]
        return default_rules(symbol) if quoted else None

    def all_listed(self, quoted: Iterable[str]) -> list[Instrument]:
        found = dict(self._listed)
        for symbol in quoted:
            found.setdefault(symbol, default_rules(symbol))
        return [found[symbol] for symbol in sorted(found)]
