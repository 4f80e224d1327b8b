from decimal import Decimal

import pytest

from paperbroker.engine.numbers import CONTEXT, to_decimal, to_float


def test_a_json_float_becomes_the_decimal_a_person_wrote() -> None:
    assert str(to_decimal(0.1)) == "0.1"
    assert to_decimal(0.0999999995) == Decimal("0.0999999995")
    assert to_decimal(1e-9) == Decimal("1e-9")
    assert to_decimal(999999999.5) == Decimal("999999999.5")


def test_ints_strings_and_decimals_are_taken_exactly() -> None:
    assert to_decimal(10**9) == Decimal(1_000_000_000)
    assert to_decimal("0.000000001") == Decimal("1e-9")
    assert to_decimal(Decimal("2.50")) == Decimal("2.5")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "-Infinity"])
def test_only_finite_numbers_are_amounts(value: float | str) -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        to_decimal(value)


def test_the_wire_gets_back_the_float_that_came_in() -> None:
    for value in (0.1, 1e-9, 189.5, 999999999.5, 123.45678901234567):
        assert to_float(to_decimal(value)) == value


def test_the_engine_context_holds_a_quantity_times_a_price_without_rounding() -> None:
    qty, price = Decimal("999999999.123456789"), Decimal("999999999.987654321")
    product = CONTEXT.multiply(qty, price)
    assert product == Decimal("999999999111111110.010821521112635269")  # 36 digits; 28 would round
    assert product != qty * price  # the thread's default context does round


def test_zero_goes_on_the_wire_without_a_sign_whichever_zero_came_first() -> None:
    assert str(to_float(Decimal("-0.000"))) == "0.0"
    assert str(to_float(Decimal(0))) == "0.0"
