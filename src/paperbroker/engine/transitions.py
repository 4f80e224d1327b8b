"""Which events may change an order's status: one table, one check, one error.

Every legal (status, event) pair is listed in `TRANSITIONS`, as in nautilus_trader's order state machine;
anything not listed raises `InvalidTransition` from `transition`, so a new rule is one new row, not one
more ad hoc check. Placing (TradingView's "being sent") never appears: an order opens Working.
"""

from __future__ import annotations

from enum import Enum

from paperbroker.engine.errors import InvalidTransition
from paperbroker.engine.model import Order, OrderStatus


class OrderEvent(Enum):
    """What can happen to an order; each value is the word an error uses ("can be <value>")."""

    Activate = "activated"
    Fill = "filled"
    Reject = "rejected"
    Cancel = "canceled"
    Modify = "modified"


_S = OrderStatus
_E = OrderEvent

TRANSITIONS: dict[tuple[OrderStatus, OrderEvent], OrderStatus] = {
    (_S.Working, _E.Fill): _S.Filled,
    (_S.Working, _E.Reject): _S.Rejected,  # a new market order with no quote to fill at
    (_S.Working, _E.Cancel): _S.Canceled,
    (_S.Working, _E.Modify): _S.Working,
    (_S.Inactive, _E.Activate): _S.Working,  # a bracket whose parent filled
    (_S.Inactive, _E.Cancel): _S.Canceled,
    (_S.Inactive, _E.Modify): _S.Inactive,
}
"""Every legal (current status, event) -> next status; Canceled, Filled and Rejected have no way out."""


def transition(order: Order, event: OrderEvent) -> OrderStatus:
    """The status `event` moves `order` to; the only place an illegal transition is raised."""
    status = TRANSITIONS.get((order.status, event))
    if status is None:
        allowed = _statuses_allowing(event)
        raise InvalidTransition(
            f"Order {order.id} is {order.status.name}; only {allowed} order can be {event.value}."
        )
    return status


def _statuses_allowing(event: OrderEvent) -> str:
    """'a Working or Inactive', 'an Inactive': the statuses the table lets `event` leave, in table order."""
    names = [status.name for (status, allowed), _ in TRANSITIONS.items() if allowed is event]
    article = "an" if names[0][0] in "AEIOU" else "a"
    return f"{article} {' or '.join(names)}"
