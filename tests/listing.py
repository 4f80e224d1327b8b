"""Every order of an account through the API, for tests that must find each order they placed.

getOrders is bounded (the pending orders and the RECENT_FINAL newest final ones), so the whole book is
the pending orders (getOrders narrowed to the pending statuses, all of which its window holds) plus the
whole history, walked page by page through the `Link: <...>; rel="next"` header getOrdersHistory sends.
Nothing is deduplicated here: an order listed twice stays twice, so the caller's checks can catch it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

Order = dict[str, Any]
PENDING = frozenset({3, 4, 6})
"""Inactive, Placing, Working: what getOrders lists whatever its window."""
FINAL = frozenset({1, 2, 5})
"""Canceled, Filled, Rejected: what the history pages hold."""
PAGE_LIMIT = 500
"""getOrdersHistory's largest page."""
NEXT = re.compile(r'^<(?P<target>[^>]+)>; rel="next"$')


@dataclass(frozen=True)
class Book:
    """An account's orders as the API lists them: pending from getOrders, final from the history pages."""

    pending: list[Order]
    history: list[Order]

    @property
    def orders(self) -> list[Order]:
        return [*self.pending, *self.history]

    @property
    def ids(self) -> list[str]:
        """Every listed id, duplicates kept."""
        return [order["id"] for order in self.orders]


def every_order(http: httpx.Client) -> Book:
    """The account's whole book; `http` has the API's base (…/api/v1) and the account's key.

    Call it with no writer running: a walk sees the orders that were final when it began, and an order
    finalized between the two reads would be in neither list."""
    pending = _get(http, "/broker/orders", {"status": ",".join(map(str, sorted(PENDING)))}).json()
    assert all(order["status"] in PENDING for order in pending), "getOrders?status= lists other statuses"
    history = _history(http)
    assert all(order["status"] in FINAL for order in history), "the history lists a pending order"
    return Book(pending, history)


def _history(http: httpx.Client) -> list[Order]:
    orders: list[Order] = []
    response = _get(http, "/broker/orders-history", {"limit": PAGE_LIMIT})
    while True:
        page: list[Order] = response.json()
        assert len(page) <= PAGE_LIMIT, f"a page of {len(page)} orders, more than limit={PAGE_LIMIT}"
        orders += page
        link = response.headers.get("link")
        if link is None:
            return orders
        found = NEXT.match(link)
        assert found is not None, f"not a next-page Link: {link}"
        assert page, f"an empty page announces another: {link}"
        response = _get(http, str(response.url.join(found["target"])))


def _get(http: httpx.Client, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
    response = http.get(url, params=params)
    assert response.status_code == 200, f"{url}: {response.status_code} {response.text}"
    return response
