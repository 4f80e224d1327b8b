"""Conditional reads: what a terminal polls carries a weak ETag; If-None-Match naming it gets 304, no body."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

Place = Callable[..., str]
SetQuote = Callable[[str, float, float], None]

POLLED = [
    "/broker/orders",
    "/broker/orders-history",
    "/broker/positions",
    "/broker/account",
    "/broker/executions/AAPL",
]


def tag_of(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    tag: str = response.headers["ETag"]
    assert tag.startswith('W/"') and tag.endswith('"')
    return tag


def not_modified(client: TestClient, path: str, condition: str) -> bool:
    response = client.get(path, headers={"If-None-Match": condition})
    if response.status_code == 304:
        assert response.content == b""
        assert "content-type" not in response.headers
        return True
    assert response.status_code == 200, response.text
    return False


@pytest.mark.parametrize("path", POLLED)
def test_the_tag_of_a_200_gets_a_304_with_no_body(client: TestClient, path: str) -> None:
    tag = tag_of(client, path)
    response = client.get(path, headers={"If-None-Match": tag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == tag


def test_one_order_has_a_tag(client: TestClient, place: Place) -> None:
    order_id = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=90)
    path = f"/broker/orders/{order_id}"
    assert not_modified(client, path, tag_of(client, path))


def test_placing_an_order_changes_the_orders_tag(client: TestClient, place: Place) -> None:
    before = tag_of(client, "/broker/orders")
    place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=90)
    assert not not_modified(client, "/broker/orders", before)
    assert tag_of(client, "/broker/orders") != before


def test_modifying_an_order_changes_its_tag(client: TestClient, place: Place) -> None:
    order_id = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=90)
    path = f"/broker/orders/{order_id}"
    before = tag_of(client, path)
    assert client.put(path, json={"qty": 2}).status_code == 200
    assert not not_modified(client, path, before)
    assert client.get(path).json()["qty"] == 2


def test_a_quote_of_an_open_position_changes_the_account_tag(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    before = tag_of(client, "/broker/account")
    quote("AAPL", 109, 110)
    response = client.get("/broker/account", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.json()["unrealizedPnl"] == 90
    assert response.headers["ETag"] != before


def test_a_quote_of_a_symbol_not_held_leaves_the_tags_alone(client: TestClient, quote: SetQuote) -> None:
    tags = {path: tag_of(client, path) for path in POLLED}
    quote("MSFT", 9, 10)
    assert all(not_modified(client, path, tag) for path, tag in tags.items())


def test_a_fill_changes_the_positions_and_executions_tags(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    positions, executions = tag_of(client, "/broker/positions"), tag_of(client, "/broker/executions/AAPL")
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    assert not not_modified(client, "/broker/positions", positions)
    assert not not_modified(client, "/broker/executions/AAPL", executions)


def test_editing_a_positions_brackets_changes_its_tag(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    before = tag_of(client, "/broker/positions")
    assert client.put("/broker/positions/AAPL/brackets", json={"takeProfit": 120}).status_code == 200
    assert not not_modified(client, "/broker/positions", before)


def test_a_reset_changes_every_tag(client: TestClient, place: Place) -> None:
    tags = {path: tag_of(client, path) for path in POLLED}
    assert client.post("/sim/reset").status_code == 200
    assert not any(not_modified(client, path, tag) for path, tag in tags.items())


def test_query_strings_have_tags_of_their_own(client: TestClient, place: Place) -> None:
    place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=90)
    working, filled = tag_of(client, "/broker/orders?status=6"), tag_of(client, "/broker/orders?status=2")
    assert working != filled
    assert not not_modified(client, "/broker/orders?status=2", working)
    assert not_modified(client, "/broker/orders?status=6", working)


def test_a_tag_of_another_order_does_not_match(client: TestClient, place: Place) -> None:
    first = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=90)
    second = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=91)
    assert not not_modified(client, f"/broker/orders/{second}", tag_of(client, f"/broker/orders/{first}"))


def test_comparison_is_weak_and_takes_a_list(client: TestClient) -> None:
    tag = tag_of(client, "/broker/orders")
    strong = tag.removeprefix("W/")
    assert not_modified(client, "/broker/orders", strong)
    assert not_modified(client, "/broker/orders", f'"stale", W/"older",{tag}')
    assert not not_modified(client, "/broker/orders", 'W/"stale", "older"')
    assert not not_modified(client, "/broker/orders", strong.rstrip('"'))


def test_several_if_none_match_lines_are_one_list(client: TestClient) -> None:
    tag = tag_of(client, "/broker/account")
    response = client.get("/broker/account", headers=[("If-None-Match", '"stale"'), ("If-None-Match", tag)])
    assert response.status_code == 304


def test_a_star_matches_what_exists(client: TestClient, place: Place) -> None:
    order_id = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=90)
    assert not_modified(client, f"/broker/orders/{order_id}", "*")
    assert not_modified(client, "/broker/orders", "*")


def test_a_star_for_a_missing_order_is_still_a_404(client: TestClient) -> None:
    response = client.get("/broker/orders/404", headers={"If-None-Match": "*"})
    assert response.status_code == 404


def test_an_empty_outbox_gives_no_tag_and_a_full_answer(client: TestClient, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "broker.db") as db:
        db.execute("DELETE FROM events")
    response = client.get("/broker/orders", headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert response.json() == []


def test_an_outbox_pruned_of_orders_still_sees_the_next_one(
    client: TestClient, place: Place, tmp_path: Path
) -> None:
    place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=90)
    with sqlite3.connect(tmp_path / "broker.db") as db:
        db.execute("DELETE FROM events WHERE kind = 'order'")
    before = tag_of(client, "/broker/orders")
    assert not_modified(client, "/broker/orders", before)
    place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=91)
    assert not not_modified(client, "/broker/orders", before)
