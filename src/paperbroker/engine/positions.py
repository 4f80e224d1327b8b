"""Net positions per symbol: weighted average in, realized P&L out, flipping through zero.

Quantities are exact (engine.numbers), so a position that nets to zero is zero, with no tolerance.
"""

from __future__ import annotations

from paperbroker.engine.model import Position, Side
from paperbroker.engine.numbers import CONTEXT, ZERO, Money, Price, Quantity


def apply_fill(
    position: Position | None, symbol: str, side: Side, qty: Quantity, price: Price
) -> tuple[Position | None, Money]:
    """Return the position after a fill and the P&L the fill realized.

    A fill in the position's direction averages in; against it, it realizes P&L on the part it closes and
    opens the remainder on the other side at the fill price. A flat position is None.
    """
    signed = qty if side is Side.Buy else qty.copy_negate()
    if position is None:
        return Position(symbol, signed, price), ZERO
    held = position.qty
    remaining = CONTEXT.add(held, signed)
    long = held > 0
    if long == (signed > 0):
        return Position(symbol, remaining, average_in(position, signed, price, remaining)), ZERO
    closed = min(held.copy_abs(), qty)
    gain = CONTEXT.multiply(closed, CONTEXT.subtract(price, position.avg_price))
    realized = gain if long else CONTEXT.minus(gain)  # copy_negate would make 0 a -0
    if remaining == 0:
        return None, realized
    if (remaining > 0) == long:
        return Position(symbol, remaining, position.avg_price), realized
    return Position(symbol, remaining, price), realized


def average_in(position: Position, signed: Quantity, price: Price, total: Quantity) -> Price:
    """The quantity-weighted average price after adding `signed` at `price` to `position`.

    Fills at one price average to exactly that price (20 and then 5 at 1e-9: 1e-9). Otherwise the exact
    average lies between the old average and the fill price, but the quotient is rounded (at the 50th
    digit), so it is clamped back between them: rounding never takes it below the smallest price.
    """
    cost = CONTEXT.add(CONTEXT.multiply(position.qty, position.avg_price), CONTEXT.multiply(signed, price))
    average = CONTEXT.divide(cost, total)
    low, high = sorted((position.avg_price, price))
    return min(max(average, low), high)


def mark_price(position: Position, bid: Price, ask: Price) -> Price:
    """What closing the position would get now: the bid for a long, the ask for a short."""
    return bid if position.qty > 0 else ask


def unrealized_pnl(position: Position, bid: Price, ask: Price) -> Money:
    change = CONTEXT.subtract(mark_price(position, bid, ask), position.avg_price)
    return CONTEXT.multiply(position.qty, change)
