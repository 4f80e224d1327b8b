# Generated from openapi/broker.yaml by `make generate` (datamodel-code-generator). Do not edit.

from __future__ import annotations

from typing import Annotated
from pydantic import BaseModel, ConfigDict, Field, RootModel
from enum import IntEnum, StrEnum


class Event(StrEnum):
    order = "order"
    execution = "execution"
    position = "position"
    account = "account"
    pl = "pl"
    quote = "quote"
    resync = "resync"


class StreamEvent(BaseModel):
    id: Annotated[
        str,
        Field(
            description="An event's id in the stream; ids only increase.",
            examples=["41"],
            max_length=18,
            pattern="^[0-9]{1,18}$",
        ),
    ]
    event: Event
    data: Annotated[
        str,
        Field(
            description="The payload's JSON text (a payload carries at most a request body's worth of client text).",
            examples=['{"reason":"reset"}'],
            max_length=1048576,
        ),
    ]


class Side(IntEnum):
    Buy = 1
    Sell = -1


class OrderType(IntEnum):
    Limit = 1
    Market = 2
    Stop = 3
    StopLimit = 4


class OrderStatus(IntEnum):
    Canceled = 1
    Filled = 2
    Inactive = 3
    Placing = 4
    Rejected = 5
    Working = 6


class StopType(IntEnum):
    StopLoss = 0
    TrailingStop = 1
    GuaranteedStop = 2


class ParentType(IntEnum):
    Order = 1
    Position = 2
    Trade = 3


class OrderMessageType(StrEnum):
    information = "information"
    warning = "warning"
    error = "error"


class OrderId(RootModel[str]):
    root: Annotated[
        str,
        Field(
            examples=["1"], max_length=64, min_length=1, pattern="^[A-Za-z0-9_-]{1,64}$"
        ),
    ]


class Bar(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    time: Annotated[
        int,
        Field(
            description="Milliseconds since the Unix epoch.",
            examples=[1764072000000],
            ge=0,
            le=253402300799999,
        ),
    ]
    open: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    high: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    low: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    close: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    ticks: Annotated[
        int,
        Field(
            description="How many quotes the bar was built from.",
            examples=[12],
            ge=1,
            le=2147483647,
        ),
    ]


class DurationType(StrEnum):
    GTC = "GTC"
    DAY = "DAY"
    GTT = "GTT"
    IOC = "IOC"
    FOK = "FOK"


class OrderDuration(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    type: DurationType
    datetime: Annotated[
        int | None,
        Field(
            description="Milliseconds since the Unix epoch.",
            examples=[1764072000000],
            ge=0,
            le=253402300799999,
        ),
    ] = None


class FreeText(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]


class CurrentQuotes(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ask: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    bid: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]


class OrderMessage(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    text: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]
    type: OrderMessageType


class Type(IntEnum):
    Limit = 1
    Market = 2
    Stop = 3
    StopLimit = 4
    integer_1 = 1


class Type1(IntEnum):
    Limit = 1
    Market = 2
    Stop = 3
    StopLimit = 4
    integer_2 = 2


class Type2(IntEnum):
    Limit = 1
    Market = 2
    Stop = 3
    StopLimit = 4
    integer_3 = 3


class Type3(IntEnum):
    Limit = 1
    Market = 2
    Stop = 3
    StopLimit = 4
    integer_4 = 4


class PlaceOrderResult(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    orderId: Annotated[
        str,
        Field(
            examples=["1"], max_length=64, min_length=1, pattern="^[A-Za-z0-9_-]{1,64}$"
        ),
    ]


class Position(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    qty: Annotated[
        float,
        Field(
            description="Net quantity held; positions grow past the largest single order, so no maximum.",
            examples=[10],
            ge=1e-09,
        ),
    ]
    side: Side
    avgPrice: Annotated[
        float,
        Field(
            description="Quantity-weighted average of the fills that built the position.",
            examples=[189.5],
            ge=1e-09,
        ),
    ]
    takeProfit: Annotated[
        float | None,
        Field(
            description="Price of the position's take-profit bracket, if it has one.",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopLoss: Annotated[
        float | None,
        Field(
            description="Current stop price of the position's stop-loss bracket (a trailing stop's moves with the market).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    guaranteedStop: Annotated[
        float | None,
        Field(
            description="Price of the position's guaranteed stop, if its stop-loss is one.",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    trailingStopPips: Annotated[
        float | None,
        Field(
            description="Distance of the position's trailing stop, if its stop-loss is one.",
            examples=[50],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None


class Execution(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    price: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    qty: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    side: Side
    time: Annotated[
        int,
        Field(
            description="Milliseconds since the Unix epoch.",
            examples=[1764072000000],
            ge=0,
            le=253402300799999,
        ),
    ]
    commission: Annotated[float | None, Field(examples=[0.05], ge=0.0)] = None
    netAmount: Annotated[float | None, Field(examples=[100000.0])] = None


class AccountMetainfo(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[
        str,
        Field(
            description="An account's id (also its name at creation); one path or query segment, no escaping.",
            examples=["paper"],
            max_length=64,
            pattern="^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        ),
    ]
    name: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]
    currency: Annotated[
        str,
        Field(
            description="A currency code (ISO 4217 for real currencies, such as USD).",
            examples=["USD"],
            max_length=16,
            min_length=1,
            pattern="^[^\\u0000]*$",
        ),
    ]
    currencySign: Annotated[
        str,
        Field(
            description="The currency's sign, for amounts the terminal formats ($ for USD, else the code).",
            examples=["$"],
            max_length=16,
            pattern="^[^\\u0000]*$",
        ),
    ]


class AccountInfo(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[
        str,
        Field(
            description="An account's id (also its name at creation); one path or query segment, no escaping.",
            examples=["paper"],
            max_length=64,
            pattern="^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        ),
    ]
    name: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]
    currency: Annotated[
        str,
        Field(
            description="A currency code (ISO 4217 for real currencies, such as USD).",
            examples=["USD"],
            max_length=16,
            min_length=1,
            pattern="^[^\\u0000]*$",
        ),
    ]
    currencySign: Annotated[
        str,
        Field(
            description="The currency's sign, for amounts the terminal formats ($ for USD, else the code).",
            examples=["$"],
            max_length=16,
            pattern="^[^\\u0000]*$",
        ),
    ]
    balance: Annotated[float, Field(examples=[100000.0])]
    equity: Annotated[float, Field(examples=[100000.0])]
    realizedPnl: Annotated[float, Field(examples=[100000.0])]
    unrealizedPnl: Annotated[float, Field(examples=[100000.0])]


class Quote(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    bid: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    ask: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    last: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    time: Annotated[
        int,
        Field(
            description="Milliseconds since the Unix epoch.",
            examples=[1764072000000],
            ge=0,
            le=253402300799999,
        ),
    ]


class QuoteUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    bid: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    ask: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    last: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None


class QuantityRules(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    min: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    max: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    step: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    default: Annotated[
        float | None,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None


class InstrumentInfo(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    description: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]
    type: Annotated[
        str,
        Field(
            description="TradingView's SymbolType (stock, forex, crypto, futures, index, cfd, ...).",
            examples=["stock"],
            max_length=32,
            min_length=1,
            pattern="^[a-z_-]{1,32}$",
        ),
    ]
    currency: Annotated[
        str,
        Field(
            description="A currency code (ISO 4217 for real currencies, such as USD).",
            examples=["USD"],
            max_length=16,
            min_length=1,
            pattern="^[^\\u0000]*$",
        ),
    ]
    qty: QuantityRules
    minTick: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    pipSize: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    pipValue: Annotated[
        float,
        Field(
            description="Value of one pip for a quantity of 1, in the account's currency.",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    marginRate: Annotated[
        float,
        Field(
            description="The share of an order's value held as margin.",
            examples=[0.2],
            ge=0.0,
            le=1.0,
        ),
    ]
    allowedDurations: Annotated[
        list[DurationType],
        Field(
            examples=[["GTC", "DAY", "GTT", "IOC", "FOK"]], max_length=5, min_length=1
        ),
    ]


class OrderPreviewSectionRow(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    title: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]
    value: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]


class OrderPreviewSection(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    header: Annotated[
        str | None,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ] = None
    rows: Annotated[list[OrderPreviewSectionRow], Field(max_length=64)]


class OrderPreviewResult(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    sections: Annotated[list[OrderPreviewSection], Field(max_length=16)]
    confirmId: Annotated[
        str | None,
        Field(
            description="Names one preview; valid for one placeOrder of the same order for a limited time.",
            examples=["9f1c2a7e4b6d4f0e8a3b5c7d9e1f2a3b"],
            max_length=64,
            min_length=8,
            pattern="^[A-Za-z0-9_-]{8,64}$",
        ),
    ] = None
    warnings: Annotated[
        list[FreeText] | None,
        Field(
            examples=[["No quote for ZZZ yet; a market order would be rejected."]],
            max_length=64,
        ),
    ] = None
    errors: Annotated[
        list[FreeText] | None,
        Field(
            examples=[["The quantity 0.5 is not a multiple of AAPL's step 1."]],
            max_length=64,
        ),
    ] = None


class OrderCancellation1(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    side: Side | None = None


class OrderCancellation2(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    orderIds: Annotated[list[OrderId], Field(max_length=1000, min_length=1)]


class OrderCancellation(RootModel[OrderCancellation1 | OrderCancellation2]):
    root: Annotated[
        OrderCancellation1 | OrderCancellation2,
        Field(
            description="Which orders cancelOrders cancels, by symbol (and side) or by id.",
            examples=[{"symbol": "AAPL", "side": 1}],
        ),
    ]


class PositionClose(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    amount: Annotated[
        float | None,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None


class Brackets(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    takeProfit: Annotated[
        float | None,
        Field(
            description="A price, or null to remove what it sets.",
            examples=[195.0],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopLoss: Annotated[
        float | None,
        Field(
            description="A price, or null to remove what it sets.",
            examples=[195.0],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    guaranteedStop: Annotated[
        float | None,
        Field(
            description="A price, or null to remove what it sets.",
            examples=[195.0],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    trailingStopPips: Annotated[
        float | None,
        Field(
            description="A distance in pips, or null to remove the trailing stop.",
            examples=[50],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None


class Problem(BaseModel):
    type: Annotated[str | None, Field(examples=["about:blank"], max_length=2048)] = None
    title: Annotated[str, Field(examples=["Conflict"], max_length=256)]
    status: Annotated[int, Field(examples=[409], ge=400, le=599)]
    detail: Annotated[
        str | None,
        Field(
            description="What was wrong, for people. A 400 may quote the offending value from the request, so the bound\nis that of a request body, not of a sentence.\n",
            examples=["Order 1 is Filled; only a Working order can be modified."],
            max_length=1048576,
        ),
    ] = None
    instance: Annotated[
        str | None, Field(examples=["/api/v1/broker/orders/1"], max_length=65536)
    ] = None


class PositionUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    qty: Annotated[
        float,
        Field(
            description="Net quantity held; 0 when the position is closed.",
            examples=[0],
            ge=0.0,
        ),
    ]
    side: Side
    avgPrice: Annotated[float, Field(examples=[189.5], ge=1e-09)]


class PositionPl(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    pl: Annotated[float, Field(examples=[100000.0])]


class StreamResync(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    reason: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]


class TextWithCheckboxValue(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    text: Annotated[
        str,
        Field(
            description="Human-readable text: what a client chooses (custom field values, kept as sent) or what the service\nwrites (messages, preview rows, names); any characters but NUL, which PostgreSQL cannot store in\ntext and no terminal shows.\n",
            examples=["scalp"],
            max_length=256,
            pattern="^[^\\u0000]*$",
        ),
    ]
    checked: Annotated[bool, Field(examples=[True])]


class CustomInputFieldsValues(
    RootModel[dict[str, FreeText | bool | TextWithCheckboxValue]]
):
    root: Annotated[
        dict[str, FreeText | bool | TextWithCheckboxValue], Field(max_length=16)
    ]


class PreOrder1(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    type: Annotated[
        Type, Field(description="Limit=1, Market=2, Stop=3, StopLimit=4.", examples=[1])
    ]
    side: Side
    qty: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    limitPrice: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    stopPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    takeProfit: Annotated[
        float | None,
        Field(
            description="Price of the take-profit bracket (a Limit on the other side).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopLoss: Annotated[
        float | None,
        Field(
            description="Price of the stop-loss bracket (a Stop on the other side).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    guaranteedStop: Annotated[
        float | None,
        Field(
            description="Price of a guaranteed stop-loss bracket, which fills exactly at this price.",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    trailingStopPips: Annotated[
        float | None,
        Field(
            description="Makes the stop-loss a trailing stop this many pips behind the best price since the order filled\n(its first stop price: `stopLoss` when given, else this distance from the fill price).\n",
            examples=[50],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopType: Annotated[
        StopType | None,
        Field(
            description="Kind of the stop-loss bracket: StopLoss (0), TrailingStop (1, needs `trailingStopPips`) or\nGuaranteedStop (2, needs `guaranteedStop` or `stopLoss`). Inferred from the fields when left out.\n"
        ),
    ] = None
    duration: OrderDuration | None = None
    customFields: CustomInputFieldsValues | None = None
    currentQuotes: CurrentQuotes | None = None
    seenPrice: Annotated[
        float | None,
        Field(
            description="The price the trader saw when placing the order (for reference; fills use the service's quotes).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    isClose: Annotated[
        bool | None, Field(description="True when the order closes a position.")
    ] = None


class PreOrder2(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    type: Annotated[
        Type1,
        Field(description="Limit=1, Market=2, Stop=3, StopLimit=4.", examples=[1]),
    ]
    side: Side
    qty: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    limitPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    takeProfit: Annotated[
        float | None,
        Field(
            description="Price of the take-profit bracket (a Limit on the other side).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopLoss: Annotated[
        float | None,
        Field(
            description="Price of the stop-loss bracket (a Stop on the other side).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    guaranteedStop: Annotated[
        float | None,
        Field(
            description="Price of a guaranteed stop-loss bracket, which fills exactly at this price.",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    trailingStopPips: Annotated[
        float | None,
        Field(
            description="Makes the stop-loss a trailing stop this many pips behind the best price since the order filled\n(its first stop price: `stopLoss` when given, else this distance from the fill price).\n",
            examples=[50],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopType: Annotated[
        StopType | None,
        Field(
            description="Kind of the stop-loss bracket: StopLoss (0), TrailingStop (1, needs `trailingStopPips`) or\nGuaranteedStop (2, needs `guaranteedStop` or `stopLoss`). Inferred from the fields when left out.\n"
        ),
    ] = None
    duration: OrderDuration | None = None
    customFields: CustomInputFieldsValues | None = None
    currentQuotes: CurrentQuotes | None = None
    seenPrice: Annotated[
        float | None,
        Field(
            description="The price the trader saw when placing the order (for reference; fills use the service's quotes).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    isClose: Annotated[
        bool | None, Field(description="True when the order closes a position.")
    ] = None


class PreOrder3(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    type: Annotated[
        Type2,
        Field(description="Limit=1, Market=2, Stop=3, StopLimit=4.", examples=[1]),
    ]
    side: Side
    qty: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    limitPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopPrice: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    takeProfit: Annotated[
        float | None,
        Field(
            description="Price of the take-profit bracket (a Limit on the other side).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopLoss: Annotated[
        float | None,
        Field(
            description="Price of the stop-loss bracket (a Stop on the other side).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    guaranteedStop: Annotated[
        float | None,
        Field(
            description="Price of a guaranteed stop-loss bracket, which fills exactly at this price.",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    trailingStopPips: Annotated[
        float | None,
        Field(
            description="Makes the stop-loss a trailing stop this many pips behind the best price since the order filled\n(its first stop price: `stopLoss` when given, else this distance from the fill price).\n",
            examples=[50],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopType: Annotated[
        StopType | None,
        Field(
            description="Kind of the stop-loss bracket: StopLoss (0), TrailingStop (1, needs `trailingStopPips`) or\nGuaranteedStop (2, needs `guaranteedStop` or `stopLoss`). Inferred from the fields when left out.\n"
        ),
    ] = None
    duration: OrderDuration | None = None
    customFields: CustomInputFieldsValues | None = None
    currentQuotes: CurrentQuotes | None = None
    seenPrice: Annotated[
        float | None,
        Field(
            description="The price the trader saw when placing the order (for reference; fills use the service's quotes).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    isClose: Annotated[
        bool | None, Field(description="True when the order closes a position.")
    ] = None


class PreOrder4(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    type: Annotated[
        Type3,
        Field(description="Limit=1, Market=2, Stop=3, StopLimit=4.", examples=[1]),
    ]
    side: Side
    qty: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    limitPrice: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    stopPrice: Annotated[
        float,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    takeProfit: Annotated[
        float | None,
        Field(
            description="Price of the take-profit bracket (a Limit on the other side).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopLoss: Annotated[
        float | None,
        Field(
            description="Price of the stop-loss bracket (a Stop on the other side).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    guaranteedStop: Annotated[
        float | None,
        Field(
            description="Price of a guaranteed stop-loss bracket, which fills exactly at this price.",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    trailingStopPips: Annotated[
        float | None,
        Field(
            description="Makes the stop-loss a trailing stop this many pips behind the best price since the order filled\n(its first stop price: `stopLoss` when given, else this distance from the fill price).\n",
            examples=[50],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopType: Annotated[
        StopType | None,
        Field(
            description="Kind of the stop-loss bracket: StopLoss (0), TrailingStop (1, needs `trailingStopPips`) or\nGuaranteedStop (2, needs `guaranteedStop` or `stopLoss`). Inferred from the fields when left out.\n"
        ),
    ] = None
    duration: OrderDuration | None = None
    customFields: CustomInputFieldsValues | None = None
    currentQuotes: CurrentQuotes | None = None
    seenPrice: Annotated[
        float | None,
        Field(
            description="The price the trader saw when placing the order (for reference; fills use the service's quotes).",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    isClose: Annotated[
        bool | None, Field(description="True when the order closes a position.")
    ] = None


class PreOrder(RootModel[PreOrder1 | PreOrder2 | PreOrder3 | PreOrder4]):
    root: Annotated[
        PreOrder1 | PreOrder2 | PreOrder3 | PreOrder4,
        Field(
            description="An order as the order ticket sends it. Prices by type: Limit needs `limitPrice`, Stop needs\n`stopPrice`, StopLimit needs both, Market takes neither (expressed by the `oneOf` below, one branch\nper order type).\n",
            examples=[
                {"symbol": "AAPL", "type": 1, "side": 1, "qty": 10, "limitPrice": 189.5}
            ],
        ),
    ]


class ModifiedOrder(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[
        str | None,
        Field(
            examples=["1"], max_length=64, min_length=1, pattern="^[A-Za-z0-9_-]{1,64}$"
        ),
    ] = None
    symbol: Annotated[
        str | None,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ] = None
    type: OrderType | None = None
    side: Side | None = None
    qty: Annotated[
        float | None,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    limitPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    takeProfit: Annotated[
        float | None,
        Field(
            description="A price, or null to remove what it sets.",
            examples=[195.0],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopLoss: Annotated[
        float | None,
        Field(
            description="A price, or null to remove what it sets.",
            examples=[195.0],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    guaranteedStop: Annotated[
        float | None,
        Field(
            description="A price, or null to remove what it sets.",
            examples=[195.0],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    trailingStopPips: Annotated[
        float | None,
        Field(
            description="A distance in pips, or null to remove the trailing stop.",
            examples=[50],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopType: StopType | None = None
    duration: OrderDuration | None = None
    customFields: CustomInputFieldsValues | None = None
    status: OrderStatus | None = None
    filledQty: Annotated[float | None, Field(examples=[0], ge=0.0)] = None
    avgPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    updateTime: Annotated[
        int | None,
        Field(
            description="Milliseconds since the Unix epoch.",
            examples=[1764072000000],
            ge=0,
            le=253402300799999,
        ),
    ] = None
    parentId: Annotated[
        str | None,
        Field(
            examples=["1"], max_length=64, min_length=1, pattern="^[A-Za-z0-9_-]{1,64}$"
        ),
    ] = None
    parentType: ParentType | None = None
    message: OrderMessage | None = None
    currentQuotes: CurrentQuotes | None = None
    seenPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    isClose: bool | None = None


class PlacedOrder(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: Annotated[
        str,
        Field(
            examples=["1"], max_length=64, min_length=1, pattern="^[A-Za-z0-9_-]{1,64}$"
        ),
    ]
    symbol: Annotated[
        str,
        Field(
            description="An instrument's symbol, optionally prefixed by its exchange.",
            examples=["AAPL"],
            max_length=32,
            min_length=1,
            pattern="^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$",
        ),
    ]
    type: OrderType
    side: Side
    qty: Annotated[
        float,
        Field(
            description="Strictly positive; the smallest quantity accepted is 1e-9.",
            examples=[10],
            ge=1e-09,
            le=1000000000.0,
        ),
    ]
    status: OrderStatus
    filledQty: Annotated[float | None, Field(examples=[0], ge=0.0)] = None
    avgPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    updateTime: Annotated[
        int | None,
        Field(
            description="Milliseconds since the Unix epoch.",
            examples=[1764072000000],
            ge=0,
            le=253402300799999,
        ),
    ] = None
    limitPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopPrice: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    takeProfit: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopLoss: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    guaranteedStop: Annotated[
        float | None,
        Field(
            description="Strictly positive: the smallest price accepted is 1e-9 (a `minimum` rather than 3.0's boolean\n`exclusiveMinimum`, which JSON Schema tools outside OpenAPI 3.0 misread).\n",
            examples=[189.5],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    trailingStopPips: Annotated[
        float | None,
        Field(
            description="A distance in pips (the instrument's `pipSize`), as TradingView's `trailingStopPips`.",
            examples=[50],
            ge=1e-09,
            le=1000000000.0,
        ),
    ] = None
    stopType: StopType | None = None
    duration: OrderDuration | None = None
    customFields: CustomInputFieldsValues | None = None
    parentId: Annotated[
        str | None,
        Field(
            description="The order (parentType 1) or position (parentType 2) this bracket protects.",
            examples=["1"],
            max_length=64,
            min_length=1,
            pattern="^[A-Za-z0-9_-]{1,64}$",
        ),
    ] = None
    parentType: Annotated[
        ParentType | None, Field(description="Present whenever parentId is.")
    ] = None
    message: OrderMessage | None = None
