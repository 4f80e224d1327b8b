"""What placing an order now would do, in the rows of TradingView's order confirmation dialog.

Pure: the quote, the instrument's rules and the account's money are passed in. Amounts are formatted
here because the dialog shows them as they are (`OrderPreviewSectionRow.value` is a string).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from paperbroker.engine.instruments import Instrument
from paperbroker.engine.model import NewOrder, OrderType, Quote, Side
from paperbroker.engine.numbers import CONTEXT, plain


@dataclass(frozen=True, slots=True)
class PreviewRow:
    title: str
    value: str


@dataclass(frozen=True, slots=True)
class Preview:
    header: str
    rows: tuple[PreviewRow, ...]
    warnings: tuple[str, ...]
    errors: tuple[str, ...]

    @property
    def acceptable(self) -> bool:
        """Only an order that breaks no rule gets a confirmId."""
        return not self.errors


CENT = Decimal("0.01")


def money(amount: Decimal, currency: str) -> str:
    """An amount of the account's currency, to the cent: "1895.00 USD"."""
    return f"{format(amount.quantize(CENT, context=CONTEXT), 'f')} {currency}"


def estimated_fill_price(order: NewOrder, quote: Quote | None) -> Decimal | None:
    """The quote's side for orders that would fill now; a resting order's own price otherwise."""
    market = None if quote is None else quote.price_to(order.side)
    if order.type is OrderType.Market:
        return market
    if order.type is OrderType.Limit:
        assert order.limit_price is not None
        if market is not None and (
            market <= order.limit_price if order.side is Side.Buy else market >= order.limit_price
        ):
            return market
        return order.limit_price
    if order.type is OrderType.StopLimit:
        assert order.limit_price is not None
        return order.limit_price
    assert order.stop_price is not None
    return order.stop_price


def preview(
    order: NewOrder,
    instrument: Instrument,
    quote: Quote | None,
    balance: Decimal,
    equity: Decimal,
    commission_per_unit: Decimal,
    currency: str,
    problems: list[str],
) -> Preview:
    """The dialog's rows, warnings and errors; `problems` are the rules the order breaks (from the caller)."""
    side = "Buy" if order.side is Side.Buy else "Sell"
    header = f"{side} {plain(order.qty)} {order.symbol} {order.type.name}"
    price_text = (
        order.limit_price if order.type in (OrderType.Limit, OrderType.StopLimit) else order.stop_price
    )
    if price_text is not None:
        header += f" {plain(price_text)}"
    price = estimated_fill_price(order, quote)
    commission = order.qty * commission_per_unit
    rows = [PreviewRow("Symbol", f"{instrument.symbol} ({instrument.description})")]
    warnings: list[str] = []
    if quote is None:
        consequence = "it would be rejected" if order.type is OrderType.Market else "it will wait for one"
        warnings.append(f"No quote for {order.symbol} yet; {consequence}.")
    if price is None:
        rows.append(PreviewRow("Estimated fill price", "no quote"))
    else:
        value = CONTEXT.multiply(order.qty, price)
        margin = CONTEXT.multiply(value, instrument.margin_rate)
        rows += [
            PreviewRow("Estimated fill price", plain(price)),
            PreviewRow("Order value", money(value, currency)),
            PreviewRow("Commission", money(commission, currency)),
            PreviewRow("Margin", money(margin, currency)),
            PreviewRow("Cash after", money(CONTEXT.subtract(balance, commission), currency)),
        ]
        if margin > equity:
            warnings.append(
                f"The margin ({money(margin, currency)}) is more than the equity ({money(equity, currency)})."
            )
        if order.type is OrderType.Limit and quote is not None and price != order.limit_price:
            warnings.append(
                f"The limit is through the market: the order would fill at once at {plain(price)}."
            )
    if order.take_profit is not None:
        rows.append(PreviewRow("Take profit", plain(order.take_profit)))
    if order.stop_loss is not None:
        rows.append(PreviewRow("Stop loss", plain(order.stop_loss)))
    if order.duration is not None:
        rows.append(PreviewRow("Duration", order.duration.type))
    return Preview(header, tuple(rows), tuple(warnings), tuple(problems))


def order_key(order: NewOrder) -> str:
    """What a confirmId is bound to: the order's fields, with equal numbers written alike (10 and 10.0)."""
    fields = []
    for name in NewOrder.__slots__:
        value = getattr(order, name)
        fields.append(f"{name}={value.normalize() if isinstance(value, Decimal) else value!r}")
    return hashlib.sha256(";".join(fields).encode()).hexdigest()
