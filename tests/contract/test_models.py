"""The generated models cannot drift from the spec, and the engine speaks the spec's enums."""

from enum import IntEnum

import pytest

from paperbroker.contract import generate, models, spec_path
from paperbroker.engine import model


def test_committed_models_are_what_the_spec_generates() -> None:
    assert generate.render(spec_path()) == generate.MODELS.read_text(), "run `make generate`"


@pytest.mark.parametrize(
    ("engine_enum", "contract_enum"),
    [
        (model.Side, models.Side),
        (model.OrderType, models.OrderType),
        (model.OrderStatus, models.OrderStatus),
        (model.StopType, models.StopType),
        (model.ParentType, models.ParentType),
    ],
)
def test_engine_enums_match_the_spec(engine_enum: type[IntEnum], contract_enum: type[IntEnum]) -> None:
    assert {m.name: m.value for m in engine_enum} == {m.name: m.value for m in contract_enum}
