"""The three apps the benchmark loads, each an ASGI factory over the same Broker and SQLiteStore.

- paperbroker: the real service (Connexion, spec validation of requests and responses).
- fastapi-peer: what a code-first team would write, validating with pydantic models both ways.
- starlette-ceiling: the same handlers with no validation at all, the upper bound.

Each reads its SQLite file from BENCH_DB so the runner can seed identical stores.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from paperbroker.api.orders import new_order
from paperbroker.app import create_app
from paperbroker.broker import Broker
from paperbroker.contract import models
from paperbroker.engine.model import Duration, NewOrder, OrderType, Side, StopType
from paperbroker.engine.numbers import to_decimal
from paperbroker.serialize import order_json
from paperbroker.settings import Settings
from paperbroker.store.sqlite import SQLiteStore

PREFIX = "/api/v1/broker/orders"


BENCH_KEY = "pbk_00000000000000be_bench-key-0123456789abcdefghijklmnop"
"""The local admin's key in every paperbroker the bench serves; wrk sends it to every app alike."""


def _db() -> str:
    return os.environ.get("BENCH_DB", ":memory:")


def paperbroker() -> Any:
    """The limiter stays on (its cost is part of every request), with a limit wrk cannot reach."""
    return create_app(Settings.from_env(db=_db(), market=False, rate_limit=10**9, local_key=BENCH_KEY))


def fastapi_peer() -> FastAPI:
    """Code-first: the generated pydantic models validate the body and the response."""
    broker = Broker(SQLiteStore(_db()))
    app = FastAPI()

    @app.post(PREFIX, status_code=201, response_model=models.PlaceOrderResult)
    async def place_order(body: models.PreOrder) -> dict[str, str]:
        order = broker.place_order(_new_order(body.root))
        return {"orderId": order.id}

    @app.get(PREFIX, response_model=list[models.PlacedOrder], response_model_exclude_none=True)
    async def get_orders() -> list[dict[str, Any]]:
        return [order_json(order) for order in broker.list_orders()]

    return app


def _new_order(pre: models.PreOrder1 | models.PreOrder2 | models.PreOrder3 | models.PreOrder4) -> NewOrder:
    """The peer's own mapping: a code-first service reads its validated pydantic model."""
    return NewOrder(
        symbol=pre.symbol,
        type=OrderType(int(pre.type)),
        side=Side(int(pre.side)),
        qty=to_decimal(pre.qty),
        limit_price=_price(pre.limitPrice),
        stop_price=_price(pre.stopPrice),
        take_profit=_price(pre.takeProfit),
        stop_loss=_price(pre.stopLoss),
        stop_type=None if pre.stopType is None else StopType(int(pre.stopType)),
        duration=None if pre.duration is None else Duration(pre.duration.type.value, pre.duration.datetime),
    )


def _price(value: float | None) -> Decimal | None:
    return None if value is None else to_decimal(value)


def starlette_ceiling() -> Starlette:
    """No validation, no models: how fast the same broker can be served at all."""
    broker = Broker(SQLiteStore(_db()))

    async def orders(request: Request) -> JSONResponse:
        if request.method == "POST":
            body = await request.json()
            order = broker.place_order(new_order(body))
            return JSONResponse({"orderId": order.id}, status_code=201)
        return JSONResponse([order_json(order) for order in broker.list_orders()])

    return Starlette(routes=[Route(PREFIX, orders, methods=["GET", "POST"])])
