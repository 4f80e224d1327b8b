"""Domain objects, named and numbered as in TradingView's Broker API; every amount is an exact Decimal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum

from paperbroker.engine.numbers import CONTEXT, ZERO, Money, Price, Quantity


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
    bid: Price
    ask: Price
    last: Price
    time: int

    def price_to(self, side: Side) -> Price:
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
    qty: Quantity
    limit_price: Price | None = None
    stop_price: Price | None = None
    take_profit: Price | None = None
    stop_loss: Price | None = None
    stop_type: StopType | None = None
    duration: Duration | None = None
    guaranteed_stop: Price | None = None
    trailing_stop_pips: Quantity | None = None
    custom_fields: str | None = None
    """The ticket's custom field values as canonical JSON text: kept as sent, never read by the engine."""


class Keep(Enum):
    """A modification's "leave this field as it is", distinct from None ("remove it")."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True, slots=True)
class OrderChanges:
    """What modifyOrder asks to change. None leaves qty, prices, stop type, duration and custom fields as
    they are; for bracket fields KEEP does, and None removes the bracket."""

    qty: Quantity | None = None
    limit_price: Price | None = None
    stop_price: Price | None = None
    take_profit: Price | Keep | None = KEEP
    stop_loss: Price | Keep | None = KEEP
    guaranteed_stop: Price | Keep | None = KEEP
    trailing_stop_pips: Quantity | Keep | None = KEEP
    stop_type: StopType | None = None
    duration: Duration | None = None
    custom_fields: str | None = None
    identity: tuple[tuple[str, object], ...] = ()
    """The identity fields the client sent (id, symbol, type, side), which must match the order's."""

    @property
    def is_empty(self) -> bool:
        brackets = (self.take_profit, self.stop_loss, self.guaranteed_stop, self.trailing_stop_pips)
        plain = (
            self.qty,
            self.limit_price,
            self.stop_price,
            self.stop_type,
            self.duration,
            self.custom_fields,
        )
        return all(value is None for value in plain) and all(value is KEEP for value in brackets)


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    symbol: str
    type: OrderType
    side: Side
    qty: Quantity
    status: OrderStatus
    update_time: int
    filled_qty: Quantity = ZERO
    avg_price: Price | None = None
    limit_price: Price | None = None
    stop_price: Price | None = None
    take_profit: Price | None = None
    stop_loss: Price | None = None
    stop_type: StopType | None = None
    duration: Duration | None = None
    parent_id: str | None = None
    parent_type: ParentType | None = None
    message: str | None = None
    triggered: bool = False
    """A Stop or StopLimit whose stop price the market has reached."""
    guaranteed_stop: Price | None = None
    """On a parent: the price of its guaranteed stop-loss bracket."""
    trailing_stop_pips: Quantity | None = None
    """On a parent: its stop-loss trails; on a trailing stop itself: the distance it keeps."""
    custom_fields: str | None = None
    expires_at: int | None = None
    """When a working order stops working (its duration), in ms on the broker's clock; None: never."""

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def trigger(self) -> tuple[TriggerKind, Price] | None:
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
    qty: Quantity
    price: Price
    time: int
    commission: Money

    @property
    def net_amount(self) -> Money:
        """Cash the fill moved: received for a sell, paid for a buy, commission always paid."""
        value = CONTEXT.multiply(self.price, self.qty)
        received = value if self.side is Side.Sell else value.copy_negate()
        return CONTEXT.subtract(received, self.commission)


@dataclass(frozen=True, slots=True)
class Position:
    """A net position; `qty` is signed (long > 0, short < 0) and never zero."""

    symbol: str
    qty: Quantity
    avg_price: Price

    @property
    def side(self) -> Side:
        return Side.Buy if self.qty > 0 else Side.Sell


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    currency: str
    starting_cash: Money
    realized_pnl: Money = ZERO
    commissions: Money = ZERO

    @property
    def balance(self) -> Money:
        return CONTEXT.subtract(CONTEXT.add(self.starting_cash, self.realized_pnl), self.commissions)
