"""Instrument rules: exact steps and ticks, named in the error a trader reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from paperbroker.engine.errors import UnacceptableRequest
from paperbroker.engine.instruments import BUILT_IN, Catalog, default_rules

AAPL = BUILT_IN["AAPL"]
EURUSD = BUILT_IN["EURUSD"]


def test_a_quantity_on_the_step_within_bounds_is_taken() -> None:
    assert AAPL.problems(Decimal(10), {"limitPrice": Decimal("189.5")}) == []
    assert EURUSD.problems(Decimal(3000), {"limitPrice": Decimal("1.08125")}) == []


@pytest.mark.parametrize(
    ("qty", "message"),
    [
        (Decimal("0.5"), "The quantity 0.5 is below AAPL's minimum 1."),
        (Decimal("1.5"), "The quantity 1.5 is not a multiple of AAPL's step 1."),
        (Decimal(2_000_000), "The quantity 2000000 is above AAPL's maximum 1000000."),
    ],
)
def test_a_quantity_off_the_rules_names_the_rule(qty: Decimal, message: str) -> None:
    with pytest.raises(UnacceptableRequest, match=message.replace(".", r"\.")):
        AAPL.check(qty, {})


def test_a_price_off_the_tick_names_the_field_and_the_tick() -> None:
    assert AAPL.problems(Decimal(1), {"limitPrice": Decimal("189.555"), "stopPrice": None}) == [
        "The limitPrice 189.555 is not a multiple of AAPL's minTick 0.01."
    ]


def test_steps_are_exact_not_floating_point() -> None:
    rules = default_rules("XYZ")
    assert rules.quantity_problem(Decimal("0.3")) is None  # 0.3 % 1e-9 is 0 in decimals, not in floats
    assert rules.quantity_problem(Decimal("0.0999999995")) == (
        "The quantity 0.0999999995 is not a multiple of XYZ's step 0.000000001."
    )


def test_a_duration_the_instrument_does_not_take_is_named() -> None:
    assert (
        AAPL.duration_problem("GTD") == "AAPL does not take duration GTD; it takes GTC, DAY, GTT, IOC, FOK."
    )


def test_the_catalog_lists_configured_and_quoted_symbols() -> None:
    catalog = Catalog(["AAPL", "ZZZ"])
    assert catalog.listed("AAPL", quoted=False) is AAPL
    assert catalog.listed("ZZZ", quoted=False) == default_rules("ZZZ")
    assert catalog.listed("QQQ", quoted=False) is None
    assert catalog.listed("QQQ", quoted=True) == default_rules("QQQ")
    assert catalog.rules("QQQ") == default_rules("QQQ")
    assert [i.symbol for i in catalog.all_listed(["QQQ", "AAPL"])] == ["AAPL", "QQQ", "ZZZ"]
