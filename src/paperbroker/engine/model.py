"""Domain objects, named and numbered as in TradingView's Broker API."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


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


class TriggerKind(IntEnum):
    """How a working order waits for the market: until the price comes to it, or until it runs through it.

    A buy limit waits for the ask to fall to its price; a buy stop waits for the ask to rise to it.
    The store indexes working orders by (symbol, side, kind, price) so a quote tick reads only candidates.
    """

    Limit = 1
    Stop = 2


FINAL_STATUSES = frozenset({OrderStatus.Canceled, OrderStatus.Filled, OrderStatus.Rejected})


@dataclass(frozen=True, slots=True)
class Quote:
    symbol: str
    bid: float
    ask: float
    last: float
    time: int

    def price_to(self, side: Side) -> float:
        """The price a market order on this side pays or receives."""
        return self.ask if side is Side.Buy else self.bid


@dataclass(frozen=True, slots=True)
class Duration:
    type: str
    datetime: int | None = None


@dataclass(frozen=True, slots=True)
class NewOrder:
    """An order as the client asks for it, before it has an id or a status."""

    symbol: str
    type: OrderType
    side: Side
    qty: float
    limit_price: float | None = None
    stop_price: float | None = None
    take_profit: float | None = None
    stop_loss: float | None = None
    stop_type: StopType | None = None
    duration: Duration | None = None


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    symbol: str
    type: OrderType
    side: Side
    qty: float
    status: OrderStatus
    update_time: int
    filled_qty: float = 0.0
    avg_price: float | None = None
    limit_price: float | None = None
    stop_price: float | None = None
    take_profit: float | None = None
    stop_loss: float | None = None
    stop_type: StopType | None = None
    duration: Duration | None = None
    parent_id: str | None = None
    parent_type: ParentType | None = None
    message: str | None = None
    triggered: bool = False
    """A Stop or StopLimit whose stop price the market has reached."""

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def trigger(self) -> tuple[TriggerKind, float] | None:
        """What a working order waits for, or None when it waits for nothing."""
        if self.status is not OrderStatus.Working:
            return None
        if self.type is OrderType.Limit or (self.type is OrderType.StopLimit and self.triggered):
            assert self.limit_price is not None
            return TriggerKind.Limit, self.limit_price
        if self.type in (OrderType.Stop, OrderType.StopLimit) and not self.triggered:
            assert self.stop_price is not None
            return TriggerKind.Stop, self.stop_price
        return None


@dataclass(frozen=True, slots=True)
class Execution:
    order_id: str
    symbol: str
    side: Side
    qty: float
    price: float
    time: int
    commission: float

    @property
    def net_amount(self) -> float:
        """Cash the fill moved: received for a sell, paid for a buy, commission always paid."""
        return -self.side * self.price * self.qty - self.commission


@dataclass(frozen=True, slots=True)
class Position:
    """A net position; `qty` is signed (long > 0, short < 0) and never zero."""

    symbol: str
    qty: float
    avg_price: float

    @property
    def side(self) -> Side:
        return Side.Buy if self.qty > 0 else Side.Sell


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    currency: str
    starting_cash: float
    realized_pnl: float = 0.0
    commissions: float = 0.0

    @property
    def balance(self) -> float:
        return self.starting_cash + self.realized_pnl - self.commissions
