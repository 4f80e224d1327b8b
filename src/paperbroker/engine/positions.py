"""Net positions per symbol: weighted average in, realized P&L out, flipping through zero."""

from __future__ import annotations

import math

from paperbroker.engine.model import Position, Side


def apply_fill(
    position: Position | None, symbol: str, side: Side, qty: float, price: float
) -> tuple[Position | None, float]:
    """Return the position after a fill and the P&L the fill realized.

    A fill in the position's direction averages in; against it, it realizes P&L on the part it closes and
    opens the remainder on the other side at the fill price. A flat position is None.
    """
    signed = side * qty
    if position is None:
        return Position(symbol, signed, price), 0.0
    held = position.qty
    if held * signed > 0:
        total = held + signed
        avg = (held * position.avg_price + signed * price) / total
        return Position(symbol, total, avg), 0.0
    closed = min(abs(held), qty)
    realized = closed * (price - position.avg_price) * math.copysign(1.0, held)
    remaining = held + signed
    if math.isclose(remaining, 0.0, abs_tol=1e-9 * max(abs(held), qty)):
        return None, realized
    if remaining * held > 0:
        return Position(symbol, remaining, position.avg_price), realized
    return Position(symbol, remaining, price), realized


def mark_price(position: Position, bid: float, ask: float) -> float:
    """What closing the position would get now: the bid for a long, the ask for a short."""
    return bid if position.qty > 0 else ask


def unrealized_pnl(position: Position, bid: float, ask: float) -> float:
    return position.qty * (mark_price(position, bid, ask) - position.avg_price)
