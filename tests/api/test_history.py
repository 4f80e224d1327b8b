"""What a terminal polls stays bounded: getOrders lists the pending orders and the 100 newest final ones;
getOrdersHistory pages with a cursor announced in a Link header (RFC 8288), one ETag per page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from paperbroker.broker import RECENT_FINAL

Place = Callable[..., str]
SetQuote = Callable[[str, float, float], None]
BUY_AAPL = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 150}
BUY_MSFT_NOW = {"symbol": "MSFT", "type": 2, "side": 1, "qty": 1}
LINK = re.compile(r'^<(?P<target>[^>]+)>; rel="next"$')


def next_target(response: Any) -> str | None:
    """The next page's path and query from the Link header, or None on the last page."""
    link = response.headers.get("link")
    if link is None:
        return None
    found = LINK.match(link)
    assert found is not None, link
    target = found["target"]
    assert target.startswith("/api/v1/broker/orders-history?"), target
    return target.removeprefix("/api/v1")


def walk(client: TestClient, first: str, between: Callable[[], None] = lambda: None) -> list[list[str]]:
    """Every page's order ids, following Link from `first`; `between` runs after each page."""
    pages: list[list[str]] = []
    target: str | None = first
    while target is not None:
        response = client.get(target)
        assert response.status_code == 200, response.text
        pages.append([order["id"] for order in response.json()])
        between()
        target = next_target(response)
    return pages


def fill(place: Place, count: int) -> list[str]:
    return [place(**BUY_MSFT_NOW) for _ in range(count)]


def test_orders_lists_every_pending_order_and_only_the_most_recent_final_ones(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("MSFT", 9.99, 10)
    working = place(**BUY_AAPL)
    filled = fill(place, RECENT_FINAL + 5)
    later_working = place(**BUY_AAPL)
    listed = [order["id"] for order in client.get("/broker/orders").json()]
    assert listed == [working, *filled[5:], later_working]
    assert [o["id"] for o in client.get("/broker/orders?status=2").json()] == filled[5:]
    assert [o["id"] for o in client.get("/broker/orders?status=6").json()] == [working, later_working]
    assert [o["id"] for o in client.get("/broker/orders?status=2,6&symbol=AAPL").json()] == [
        working,
        later_working,
    ]


def test_an_order_finalized_now_enters_the_window_and_pushes_the_oldest_out(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("MSFT", 9.99, 10)
    filled = fill(place, RECENT_FINAL)
    working = place(**BUY_AAPL)
    assert client.delete(f"/broker/orders/{working}").status_code == 200
    listed = [order["id"] for order in client.get("/broker/orders").json()]
    assert listed == [*filled[1:], working]


def test_history_walks_every_final_order_once_newest_first(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("MSFT", 9.99, 10)
    filled = fill(place, 7)
    pages = walk(client, "/broker/orders-history?limit=3")
    assert pages == [filled[::-1][0:3], filled[::-1][3:6], filled[::-1][6:7]]
    assert walk(client, "/broker/orders-history?limit=7") == [filled[::-1]]


def test_orders_finalized_during_a_walk_neither_repeat_nor_hide_the_others(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("MSFT", 9.99, 10)
    resting = [place(**BUY_AAPL) for _ in range(3)]
    filled = fill(place, 8)
    finalized_later = []

    def finalize_more() -> None:
        finalized_later.append(place(**BUY_MSFT_NOW))
        if resting:
            order_id = resting.pop()
            assert client.delete(f"/broker/orders/{order_id}").status_code == 200
            finalized_later.append(order_id)

    seen = [
        order_id
        for page in walk(client, "/broker/orders-history?limit=2", finalize_more)
        for order_id in page
    ]
    assert seen == filled[::-1]
    assert len(finalized_later) > 3


def test_the_next_link_keeps_the_account_and_the_limit(client: TestClient, quote: SetQuote) -> None:
    client.app.accounts.create("second", user="local")  # type: ignore[attr-defined]
    quote("MSFT", 9.99, 10)
    ids = [
        client.post("/broker/orders?accountId=second", json=BUY_MSFT_NOW).json()["orderId"] for _ in range(3)
    ]
    first = client.get("/broker/orders-history?accountId=second&limit=2")
    target = next_target(first)
    assert target is not None and "accountId=second" in target and "limit=2" in target
    assert [order["id"] for order in first.json()] == ids[:0:-1]
    last = client.get(target)
    assert [order["id"] for order in last.json()] == ids[:1]
    assert "link" not in last.headers


def test_page_size_is_bounded(client: TestClient) -> None:
    for limit in (0, 501, 1001):
        response = client.get(f"/broker/orders-history?limit={limit}")
        assert response.status_code == 400, limit
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/broker/orders-history?limit=500").status_code == 200


def assert_bad_cursor(response: Any) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 400


def test_a_cursor_altered_or_made_up_is_a_400(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("MSFT", 9.99, 10)
    fill(place, 3)
    target = next_target(client.get("/broker/orders-history?limit=1"))
    assert target is not None
    cursor = target.split("cursor=")[1]
    altered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    for bad in (altered, "MTIzLjQ1Ni43ODk", "not-a-cursor", "A"):
        assert_bad_cursor(client.get(f"/broker/orders-history?cursor={bad}"))
    assert_bad_cursor(client.get("/broker/orders-history?cursor=a%2Fb"))  # outside the pattern
    assert client.get(f"/broker/orders-history?cursor={cursor}").status_code == 200


def test_a_cursor_of_another_account_is_a_400_that_shows_nothing_of_it(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    client.app.accounts.create("second", user="local")  # type: ignore[attr-defined]
    quote("MSFT", 9.99, 10)
    fill(place, 3)
    for _ in range(3):
        client.post("/broker/orders?accountId=second", json=BUY_MSFT_NOW)
    target = next_target(client.get("/broker/orders-history?limit=1"))
    assert target is not None
    foreign = client.get(f"{target}&accountId=second")
    assert_bad_cursor(foreign)
    assert "second" not in foreign.text and "paper" not in foreign.text


def test_each_page_has_its_own_etag_and_answers_304_while_unchanged(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("MSFT", 9.99, 10)
    fill(place, 3)
    first = client.get("/broker/orders-history?limit=2")
    target = next_target(first)
    assert target is not None
    second = client.get(target)
    assert first.headers["etag"] != second.headers["etag"]
    for url, page in (("/broker/orders-history?limit=2", first), (target, second)):
        again = client.get(url, headers={"If-None-Match": page.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
    fill(place, 1)
    changed = client.get(target, headers={"If-None-Match": second.headers["etag"]})
    assert changed.status_code == 200
