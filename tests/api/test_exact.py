"""Exact amounts, on both stores: positions net and average exactly, so getPositions always conforms.

With floats, 20 and then 5 bought at 1e-9 averaged 9.999999999999999e-10, below the contract's smallest
price, and every getPositions answered 500; 1e9 bought and 999999999.5 sold left no position at all while
the executions summed to +0.5.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from starlette.testclient import TestClient

from paperbroker.app import create_app, create_stub_app
from paperbroker.engine.numbers import CONTEXT, ZERO, to_decimal
from tests.contract.spec import SPEC, inlined
from tests.keys import AUTH, local_settings
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema


@pytest.fixture(params=["sqlite", "postgres"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """The service over a fresh SQLite file or a fresh PostgreSQL schema (the stub in the red phase)."""
    with ExitStack() as stack:
        if os.environ.get("PAPERBROKER_API_UNDER_TEST") == "stub":
            app = create_stub_app()
        elif request.param == "sqlite":
            app = create_app(local_settings(db=str(tmp_path / "broker.db"), market=False))
        else:
            dsn = postgres_dsn()
            schema = stack.enter_context(fresh_schema(dsn))
            app = create_app(local_settings(db=url_with_schema(dsn, schema), market=False))
        yield stack.enter_context(TestClient(app, base_url="http://testserver/api/v1", headers=AUTH))


@cache
def contract_schema(name: str) -> dict[str, Any]:
    """A component schema of the contract with every $ref inlined (none is recursive)."""
    schema: dict[str, Any] = inlined(SPEC["components"]["schemas"][name])
    return schema


def trade(client: TestClient, symbol: str, price: float, fills: list[tuple[int, float]]) -> None:
    """Quote `symbol` at `price` both ways, then send a market order per (side, qty)."""
    response = client.put(f"/sim/quotes/{symbol}", json={"bid": price, "ask": price})
    assert response.status_code == 200, response.text
    for side, qty in fills:
        placed = client.post("/broker/orders", json={"symbol": symbol, "type": 2, "side": side, "qty": qty})
        assert placed.status_code == 201, placed.text


def positions(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/broker/positions")
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    for position in body:
        jsonschema.Draft4Validator(contract_schema("Position")).validate(position)
    return body


def executed(client: TestClient, symbol: str) -> Decimal:
    """The signed sum of the symbol's executions, as the decimals their JSON numbers write."""
    response = client.get(f"/broker/executions/{symbol}")
    assert response.status_code == 200, response.text
    total = ZERO
    for execution in response.json():
        jsonschema.Draft4Validator(contract_schema("Execution")).validate(execution)
        qty = to_decimal(execution["qty"])
        total = CONTEXT.add(total, qty if execution["side"] == 1 else qty.copy_negate())
    return total


def test_buys_at_the_smallest_price_average_to_exactly_that_price(served: TestClient) -> None:
    trade(served, "TINY", 1e-9, [(1, 20), (1, 5)])
    assert positions(served) == [{"id": "TINY", "symbol": "TINY", "qty": 25, "side": 1, "avgPrice": 1e-9}]
    assert executed(served, "TINY") == 25


def test_selling_all_but_half_of_a_huge_position_leaves_half(served: TestClient) -> None:
    trade(served, "HUGE", 10, [(1, 1e9), (-1, 999999999.5)])
    assert positions(served) == [{"id": "HUGE", "symbol": "HUGE", "qty": 0.5, "side": 1, "avgPrice": 10}]
    assert executed(served, "HUGE") == Decimal("0.5")


def test_a_quantity_off_the_step_is_refused_so_no_remainder_falls_below_the_smallest(
    served: TestClient,
) -> None:
    trade(served, "DUST", 10, [(1, 0.1)])
    refused = served.post(
        "/broker/orders", json={"symbol": "DUST", "type": 2, "side": -1, "qty": 0.0999999995}
    )
    assert refused.status_code == 422
    assert (
        refused.json()["detail"] == "The quantity 0.0999999995 is not a multiple of DUST's step 0.000000001."
    )
    assert positions(served) == [{"id": "DUST", "symbol": "DUST", "qty": 0.1, "side": 1, "avgPrice": 10}]
    assert executed(served, "DUST") == Decimal("0.1")
