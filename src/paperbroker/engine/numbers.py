"""Exact prices, quantities and money: `Decimal` inside the engine, JSON numbers (floats) on the wire.

Binary floats cannot hold 0.1, so a position bought at 0.1 and sold at 0.1 in parts need not net to zero,
and an average of equal prices can land below both. The engine keeps every amount as the `Decimal` the
trader wrote and computes in `CONTEXT`, which has room for a product of a quantity and a price (each up to
1e9 with 17 significant digits) without rounding: sums, differences and products are exact, and only a
quotient (an average price) is rounded, at the 50th digit.

Operators on `Decimal` round to the thread's context (28 digits by default), so engine code calls
`CONTEXT.add` / `subtract` / `multiply` / `divide`, and `copy_negate` / `copy_abs`, which never round.
"""

from __future__ import annotations

import functools
from decimal import Context, Decimal

CONTEXT = Context(prec=50)
"""The one context the engine computes in (rounding half-even; overflow and invalid operations raise)."""

ZERO = Decimal(0)

Price = Decimal
Quantity = Decimal
Money = Decimal


def to_decimal(value: float | int | str | Decimal) -> Decimal:
    """The number a person wrote: 0.1 (a JSON number, parsed as a float) is Decimal('0.1').

    A float becomes the shortest decimal that reads back as the same float (its repr), not its binary
    expansion (0.1000000000000000055511151231257827...); an int or a str is taken exactly.
    """
    number = Decimal(repr(value)) if type(value) is float else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


@functools.lru_cache(maxsize=16_384)
def to_float(value: Decimal) -> float:
    """The JSON number for the wire: the nearest float (a Decimal from `to_decimal` gives its float back).

    Cached: converting costs ~0.4 µs and a listing converts the same few prices and quantities again and
    again (of orders the store itself reuses); a hit costs ~0.1 µs. Equal Decimals share an entry, so -0
    and 0 must give one float: 0.0 (the wire never needs a negative zero).
    """
    return float(value) + 0.0


def plain(number: Decimal) -> str:
    """A decimal as a person writes it: 1895, 0.25, and 0.000000001 rather than 1E-9."""
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text
