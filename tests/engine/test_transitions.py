import re
from dataclasses import replace
from decimal import Decimal
from itertools import product

import pytest

from paperbroker.engine import orders
from paperbroker.engine.errors import InvalidTransition
from paperbroker.engine.model import NewOrder, Order, OrderChanges, OrderStatus, OrderType, Side
from paperbroker.engine.transitions import TRANSITIONS, OrderEvent, transition


def order_in(status: OrderStatus) -> Order:
    order = orders.open_order(
        NewOrder("AAPL", OrderType.Limit, Side.Buy, Decimal(10), limit_price=Decimal(100)), "7", 0
    )
    return replace(order, status=status)


@pytest.mark.parametrize(("status", "event"), list(product(OrderStatus, OrderEvent)))
def test_every_pair_in_the_table_moves_to_its_status_and_every_other_pair_is_refused(
    status: OrderStatus, event: OrderEvent
) -> None:
    order = order_in(status)
    if (status, event) in TRANSITIONS:
        assert transition(order, event) is TRANSITIONS[status, event]
    else:
        with pytest.raises(InvalidTransition, match=f"Order 7 is {status.name};"):
            transition(order, event)


def test_final_statuses_have_no_way_out() -> None:
    final = {OrderStatus.Canceled, OrderStatus.Filled, OrderStatus.Rejected}
    assert not [pair for pair in TRANSITIONS if pair[0] in final]


def test_a_new_order_can_be_rejected() -> None:
    rejected = orders.reject(order_in(OrderStatus.Working), "No quote for AAPL.", now=3)
    assert (rejected.status, rejected.message, rejected.update_time) == (
        OrderStatus.Rejected,
        "No quote for AAPL.",
        3,
    )


def test_a_filled_order_cannot_be_rejected() -> None:
    with pytest.raises(
        InvalidTransition, match=re.escape("Order 7 is Filled; only a Working order can be rejected.")
    ):
        orders.reject(order_in(OrderStatus.Filled), "too late", now=1)


def test_an_inactive_bracket_cannot_fill_before_it_activates() -> None:
    with pytest.raises(
        InvalidTransition, match=re.escape("Order 7 is Inactive; only a Working order can be filled.")
    ):
        orders.fill(order_in(OrderStatus.Inactive), Decimal(99), 1, Decimal(0))


def test_only_an_inactive_order_activates() -> None:
    with pytest.raises(
        InvalidTransition, match=re.escape("Order 7 is Working; only an Inactive order can be activated.")
    ):
        orders.activate(order_in(OrderStatus.Working), now=1)


def test_the_refusal_names_the_order_its_status_and_every_status_the_event_allows() -> None:
    with pytest.raises(
        InvalidTransition,
        match=f"^{re.escape('Order 7 is Filled; only a Working or Inactive order can be canceled.')}$",
    ):
        orders.cancel(order_in(OrderStatus.Filled), now=1)


def test_modify_keeps_the_status_of_a_pending_order() -> None:
    for status in (OrderStatus.Working, OrderStatus.Inactive):
        assert orders.modify(order_in(status), OrderChanges(qty=Decimal(5)), now=1).status is status


def test_a_rejected_order_cannot_be_modified() -> None:
    with pytest.raises(InvalidTransition, match="only a Working or Inactive order can be modified"):
        orders.modify(order_in(OrderStatus.Rejected), OrderChanges(qty=Decimal(5)), now=1)


def test_a_status_change_is_refused_before_anything_else_is_checked() -> None:
    with pytest.raises(InvalidTransition):
        orders.modify(order_in(OrderStatus.Canceled), OrderChanges(), now=1)
