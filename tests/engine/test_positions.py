import pytest

from paperbroker.engine.model import Position, Side
from paperbroker.engine.positions import apply_fill, unrealized_pnl


def test_first_fill_opens_a_position_at_the_fill_price() -> None:
    assert apply_fill(None, "AAPL", Side.Sell, 5, 100) == (Position("AAPL", -5, 100), 0.0)


def test_adding_to_a_position_weights_the_average_price() -> None:
    position, realized = apply_fill(Position("AAPL", 10, 100), "AAPL", Side.Buy, 30, 120)
    assert position == Position("AAPL", 40, 115)
    assert realized == 0


def test_reducing_a_long_realizes_pnl_and_keeps_the_average() -> None:
    position, realized = apply_fill(Position("AAPL", 10, 100), "AAPL", Side.Sell, 4, 110)
    assert position == Position("AAPL", 6, 100)
    assert realized == pytest.approx(40)


def test_reducing_a_short_realizes_pnl_the_other_way() -> None:
    position, realized = apply_fill(Position("AAPL", -10, 100), "AAPL", Side.Buy, 4, 110)
    assert position == Position("AAPL", -6, 100)
    assert realized == pytest.approx(-40)


def test_closing_exactly_leaves_no_position() -> None:
    position, realized = apply_fill(Position("AAPL", 10, 100), "AAPL", Side.Sell, 10, 90)
    assert position is None
    assert realized == pytest.approx(-100)


def test_a_fill_through_zero_flips_the_side_at_the_fill_price() -> None:
    position, realized = apply_fill(Position("AAPL", 10, 100), "AAPL", Side.Sell, 15, 105)
    assert position == Position("AAPL", -5, 105)
    assert position.side is Side.Sell
    assert realized == pytest.approx(50)


def test_unrealized_pnl_values_a_long_at_the_bid_and_a_short_at_the_ask() -> None:
    assert unrealized_pnl(Position("AAPL", 10, 100), bid=101, ask=102) == pytest.approx(10)
    assert unrealized_pnl(Position("AAPL", -10, 100), bid=101, ask=102) == pytest.approx(-20)
