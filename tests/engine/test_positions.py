from decimal import Decimal

from paperbroker.engine.model import Position, Side
from paperbroker.engine.positions import apply_fill, average_in, unrealized_pnl


def position(qty: str, avg: str) -> Position:
    return Position("AAPL", Decimal(qty), Decimal(avg))


def fill(held: Position | None, side: Side, qty: str, price: str) -> tuple[Position | None, Decimal]:
    return apply_fill(held, "AAPL", side, Decimal(qty), Decimal(price))


def test_first_fill_opens_a_position_at_the_fill_price() -> None:
    assert fill(None, Side.Sell, "5", "100") == (position("-5", "100"), Decimal(0))


def test_adding_to_a_position_weights_the_average_price() -> None:
    assert fill(position("10", "100"), Side.Buy, "30", "120") == (position("40", "115"), Decimal(0))


def test_reducing_a_long_realizes_pnl_and_keeps_the_average() -> None:
    assert fill(position("10", "100"), Side.Sell, "4", "110") == (position("6", "100"), Decimal(40))


def test_reducing_a_short_realizes_pnl_the_other_way() -> None:
    assert fill(position("-10", "100"), Side.Buy, "4", "110") == (position("-6", "100"), Decimal(-40))


def test_closing_exactly_leaves_no_position() -> None:
    assert fill(position("10", "100"), Side.Sell, "10", "90") == (None, Decimal(-100))


def test_a_fill_through_zero_flips_the_side_at_the_fill_price() -> None:
    flipped, realized = fill(position("10", "100"), Side.Sell, "15", "105")
    assert flipped == position("-5", "105")
    assert flipped.side is Side.Sell
    assert realized == 50


def test_unrealized_pnl_values_a_long_at_the_bid_and_a_short_at_the_ask() -> None:
    assert unrealized_pnl(position("10", "100"), bid=Decimal(101), ask=Decimal(102)) == 10
    assert unrealized_pnl(position("-10", "100"), bid=Decimal(101), ask=Decimal(102)) == -20


def test_fills_at_one_price_average_to_exactly_that_price() -> None:
    held, _ = fill(None, Side.Buy, "20", "1e-9")
    held, _ = fill(held, Side.Buy, "5", "1e-9")
    assert held == position("25", "1e-9")  # floats made it 9.999999999999999e-10, below the smallest price


def test_decimal_parts_net_to_exactly_zero() -> None:
    held = None
    for part in ("0.1", "0.2"):
        held, _ = fill(held, Side.Buy, part, "10")
    closed, realized = fill(held, Side.Sell, "0.3", "10")  # 0.1 + 0.2 - 0.3 is 5.55e-17 in floats
    assert (closed, realized) == (None, Decimal(0))


def test_a_tiny_remainder_is_a_position_not_rounded_away() -> None:
    held, _ = fill(None, Side.Buy, "0.1", "10")
    assert fill(held, Side.Sell, "0.0999999995", "10") == (position("5e-10", "10"), Decimal(0))


def test_a_remainder_of_a_huge_position_is_kept() -> None:
    held, _ = fill(None, Side.Buy, "1e9", "10")
    remaining, realized = fill(held, Side.Sell, "999999999.5", "10")
    assert (remaining, realized) == (
        position("0.5", "10"),
        Decimal(0),
    )  # a float tolerance of 1e-9 x 1e9 dropped it


def test_realized_pnl_is_the_exact_product() -> None:
    held, _ = fill(None, Side.Buy, "999999999.123456789", "0.000000001")
    _, realized = fill(held, Side.Sell, "999999999.123456789", "999999999.999999999")
    # 37 digits: the default 28-digit context would have rounded it to ...787.0000000018
    assert realized == Decimal("999999999123456787.000000001753086422")


def test_a_rounded_average_stays_between_the_old_average_and_the_fill_price() -> None:
    held = position("3", "1e-9")
    average = average_in(held, Decimal(1), Decimal("1.000000001e-9"), Decimal(4))
    assert Decimal("1e-9") <= average <= Decimal("1.000000001e-9")
    assert average == Decimal("1.00000000025e-9")
    third = average_in(position("2", "1"), Decimal(1), Decimal(2), Decimal(3))
    assert Decimal(1) < third < Decimal(2)
    assert str(third) == "1." + "3" * 49  # the quotient is rounded at the 50th digit
