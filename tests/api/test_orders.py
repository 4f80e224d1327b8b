"""placeOrder, getOrder, getOrders, modifyOrder, cancelOrder and every order type's fill rule."""

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

Place = Callable[..., str]
SetQuote = Callable[[str, float, float], None]
FILLED, REJECTED, WORKING, CANCELED, INACTIVE = 2, 5, 6, 1, 3


def get(client: TestClient, order_id: str) -> dict[str, Any]:
    response = client.get(f"/broker/orders/{order_id}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_place_order_returns_an_id_that_get_order_finds(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 101)
    order_id = place(symbol="AAPL", type=1, side=1, qty=10, limitPrice=95)
    order = get(client, order_id)
    assert order == {
        "id": order_id,
        "symbol": "AAPL",
        "type": 1,
        "side": 1,
        "qty": 10,
        "status": WORKING,
        "filledQty": 0,
        "limitPrice": 95,
        "updateTime": order["updateTime"],
    }


def test_get_orders_lists_every_order_oldest_first(client: TestClient, place: Place) -> None:
    first = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=10)
    second = place(symbol="MSFT", type=3, side=-1, qty=2, stopPrice=10)
    response = client.get("/broker/orders")
    assert response.status_code == 200
    assert [order["id"] for order in response.json()] == [first, second]


def test_market_buy_fills_at_the_ask(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("AAPL", 99, 101)
    order = get(client, place(symbol="AAPL", type=2, side=1, qty=3))
    assert (order["status"], order["filledQty"], order["avgPrice"]) == (FILLED, 3, 101)


def test_market_sell_fills_at_the_bid(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("AAPL", 99, 101)
    order = get(client, place(symbol="AAPL", type=2, side=-1, qty=3))
    assert (order["status"], order["avgPrice"]) == (FILLED, 99)


def test_market_order_without_a_quote_is_rejected_not_filled(client: TestClient, place: Place) -> None:
    order = get(client, place(symbol="NOQUOTE", type=2, side=1, qty=1))
    assert order["status"] == REJECTED
    assert order["message"] == {"text": "No quote for NOQUOTE.", "type": "error"}
    assert client.get("/broker/positions").json() == []


def test_limit_buy_works_until_the_ask_reaches_the_limit(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 101)
    order_id = place(symbol="AAPL", type=1, side=1, qty=5, limitPrice=99)
    quote("AAPL", 99.5, 99.6)
    assert get(client, order_id)["status"] == WORKING
    quote("AAPL", 98.5, 98.7)
    order = get(client, order_id)
    assert (order["status"], order["avgPrice"]) == (FILLED, 98.7)  # at the limit or better


def test_limit_sell_placed_marketable_fills_at_once_at_the_bid(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 101)
    order = get(client, place(symbol="AAPL", type=1, side=-1, qty=5, limitPrice=99))
    assert (order["status"], order["avgPrice"]) == (FILLED, 100)


def test_stop_sell_triggers_when_the_bid_falls_to_the_stop(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 101)
    order_id = place(symbol="AAPL", type=3, side=-1, qty=2, stopPrice=95)
    quote("AAPL", 96, 97)
    assert get(client, order_id)["status"] == WORKING
    quote("AAPL", 94, 94.5)
    order = get(client, order_id)
    assert (order["status"], order["avgPrice"]) == (FILLED, 94)


def test_stop_limit_buy_triggers_then_waits_for_its_limit(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 101)
    order_id = place(symbol="AAPL", type=4, side=1, qty=2, stopPrice=105, limitPrice=106)
    quote("AAPL", 107, 108)  # through the stop, above the limit
    assert get(client, order_id)["status"] == WORKING
    quote("AAPL", 105, 105.5)
    order = get(client, order_id)
    assert (order["status"], order["avgPrice"]) == (FILLED, 105.5)


def test_one_quote_fills_every_order_it_makes_marketable(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 101)
    near = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=99)
    nearer = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=100)
    far = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=50)
    other = place(symbol="MSFT", type=1, side=1, qty=1, limitPrice=1000)
    quote("AAPL", 98, 98.5)
    assert [get(client, i)["status"] for i in (near, nearer, far, other)] == [
        FILLED,
        FILLED,
        WORKING,
        WORKING,
    ]


def test_modify_changes_a_working_order_and_rematches_it(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 101)
    order_id = place(symbol="AAPL", type=1, side=1, qty=5, limitPrice=90)
    response = client.put(f"/broker/orders/{order_id}", json={"qty": 7})
    assert response.status_code == 200
    assert (response.json()["qty"], response.json()["status"]) == (7, WORKING)
    response = client.put(f"/broker/orders/{order_id}", json={"limitPrice": 101})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["avgPrice"], response.json()["filledQty"]) == (
        FILLED,
        101,
        7,
    )


def test_cancel_moves_a_working_order_to_canceled(client: TestClient, place: Place) -> None:
    order_id = place(symbol="AAPL", type=1, side=1, qty=5, limitPrice=90)
    response = client.delete(f"/broker/orders/{order_id}")
    assert response.status_code == 200
    assert response.json()["status"] == CANCELED
    assert get(client, order_id)["status"] == CANCELED


def test_duration_is_kept_and_returned(client: TestClient, place: Place) -> None:
    order_id = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=9, duration={"type": "GTC"})
    assert get(client, order_id)["duration"] == {"type": "GTC"}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1},
            "'limitPrice' is a required property for a Limit order",
        ),
        (
            {"symbol": "AAPL", "type": 3, "side": 1, "qty": 1},
            "'stopPrice' is a required property for a Stop order",
        ),
        ({"symbol": "AAPL", "type": 2, "side": 1, "qty": 1, "limitPrice": 5}, "'limitPrice' is not allowed"),
        ({"symbol": "AAPL", "type": 2, "side": 1, "qty": 0}, "qty"),
        ({"symbol": "AAPL", "type": 2, "side": 2, "qty": 1}, "side"),
        ({"symbol": "AAPL", "type": 2, "side": 1, "qty": 1, "colour": "red"}, "'colour' was unexpected"),
        ({"symbol": "no spaces", "type": 2, "side": 1, "qty": 1}, "symbol"),
        ({"type": 2, "side": 1, "qty": 1}, "'symbol' is a required property"),
    ],
)
def test_invalid_orders_get_400_problem_naming_the_field(
    client: TestClient, body: dict[str, Any], detail: str
) -> None:
    response = client.post("/broker/orders", json=body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]
    assert client.get("/broker/orders").json() == []  # nothing half-written


def test_a_body_that_is_not_json_is_a_400(client: TestClient) -> None:
    for raw in (b"{", b"\xff\xfe"):
        response = client.post("/broker/orders", content=raw, headers={"content-type": "application/json"})
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"


def test_a_body_of_another_media_type_is_a_415(client: TestClient) -> None:
    response = client.post("/broker/orders", content=b"symbol=AAPL", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_brackets_wait_inactive_then_work_when_the_parent_fills(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 101)
    parent = place(symbol="AAPL", type=1, side=1, qty=5, limitPrice=99, takeProfit=110, stopLoss=95)
    take_profit, stop_loss = [o for o in client.get("/broker/orders").json() if o.get("parentId") == parent]
    assert (take_profit["type"], take_profit["side"], take_profit["limitPrice"], take_profit["status"]) == (
        1,
        -1,
        110,
        INACTIVE,
    )
    assert (stop_loss["type"], stop_loss["stopPrice"], stop_loss["stopType"], stop_loss["status"]) == (
        3,
        95,
        0,
        INACTIVE,
    )
    assert take_profit["parentType"] == 1
    assert get(client, parent)["takeProfit"] == 110
    quote("AAPL", 98, 99)  # the parent fills; its brackets start working
    assert [get(client, i)["status"] for i in (parent, take_profit["id"], stop_loss["id"])] == [
        FILLED,
        WORKING,
        WORKING,
    ]
    quote("AAPL", 110, 111)  # the take-profit fills and cancels the stop-loss
    assert [get(client, i)["status"] for i in (take_profit["id"], stop_loss["id"])] == [FILLED, CANCELED]
    assert client.get("/broker/positions").json() == []
    assert client.get("/broker/account").json()["realizedPnl"] == pytest.approx(5 * (110 - 99))


def test_canceling_a_parent_cancels_its_inactive_brackets(client: TestClient, place: Place) -> None:
    parent = place(symbol="AAPL", type=1, side=-1, qty=1, limitPrice=200, takeProfit=150, stopLoss=210)
    client.delete(f"/broker/orders/{parent}")
    statuses = [o["status"] for o in client.get("/broker/orders").json()]
    assert statuses == [CANCELED, CANCELED, CANCELED]


def test_brackets_on_the_wrong_side_and_trailing_stops_are_a_422(client: TestClient) -> None:
    crossed = {"symbol": "AAPL", "type": 2, "side": 1, "qty": 1, "takeProfit": 90, "stopLoss": 95}
    response = client.post("/broker/orders", json=crossed)
    assert response.status_code == 422
    assert "takeProfit must be above its stopLoss" in response.json()["detail"]
    trailing = {"symbol": "AAPL", "type": 2, "side": 1, "qty": 1, "stopLoss": 95, "stopType": 1}
    assert client.post("/broker/orders", json=trailing).status_code == 422
    assert client.get("/broker/orders").json() == []


def test_unknown_order_is_a_404(client: TestClient) -> None:
    for response in (
        client.get("/broker/orders/999"),
        client.put("/broker/orders/999", json={"qty": 1}),
        client.delete("/broker/orders/999"),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "Order 999 does not exist."


def test_modifying_or_canceling_a_final_order_is_a_409(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 101)
    filled = place(symbol="AAPL", type=2, side=1, qty=1)
    assert client.put(f"/broker/orders/{filled}", json={"qty": 2}).status_code == 409
    assert client.delete(f"/broker/orders/{filled}").status_code == 409
    canceled = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=50)
    client.delete(f"/broker/orders/{canceled}")
    response = client.delete(f"/broker/orders/{canceled}")
    assert response.status_code == 409
    assert "Canceled" in response.json()["detail"]


def test_modify_with_a_price_the_type_does_not_use_is_a_422(client: TestClient, place: Place) -> None:
    order_id = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=50)
    response = client.put(f"/broker/orders/{order_id}", json={"stopPrice": 40})
    assert response.status_code == 422
    assert get(client, order_id)["limitPrice"] == 50


def test_modify_with_an_empty_body_is_a_400(client: TestClient, place: Place) -> None:
    order_id = place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=50)
    assert client.put(f"/broker/orders/{order_id}", json={}).status_code == 400


# TradingView's order desk: previews, whole-order modifications, cancelOrders, history, durations, rules.

BUY_AAPL = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 10, "limitPrice": 189.5}


def test_a_preview_shows_the_rows_of_the_confirmation_dialog(client: TestClient, quote: SetQuote) -> None:
    quote("AAPL", 190, 190.02)
    response = client.post("/broker/order-previews", json=BUY_AAPL)
    assert response.status_code == 200
    preview = response.json()
    rows = {row["title"]: row["value"] for row in preview["sections"][0]["rows"]}
    assert preview["sections"][0]["header"] == "Buy 10 AAPL Limit 189.5"
    assert rows["Estimated fill price"] == "189.5"
    assert rows["Order value"] == "1895.00 USD"
    assert rows["Margin"] == "379.00 USD"  # AAPL's margin rate is 0.2
    assert rows["Cash after"] == "100000.00 USD"
    assert len(preview["confirmId"]) == 32
    assert "errors" not in preview


def test_a_preview_lists_broken_rules_and_gives_no_confirm_id(client: TestClient) -> None:
    preview = client.post(
        "/broker/order-previews", json={**BUY_AAPL, "qty": 1.5, "limitPrice": 189.555}
    ).json()
    assert preview["errors"] == [
        "The quantity 1.5 is not a multiple of AAPL's step 1.",
        "The limitPrice 189.555 is not a multiple of AAPL's minTick 0.01.",
    ]
    assert "confirmId" not in preview
    assert preview["warnings"] == ["No quote for AAPL yet; it will wait for one."]


def test_a_confirm_id_places_its_own_order_once(client: TestClient) -> None:
    confirm = client.post("/broker/order-previews", json=BUY_AAPL).json()["confirmId"]
    placed = client.post(f"/broker/orders?confirmId={confirm}", json=BUY_AAPL)
    assert placed.status_code == 201
    again = client.post(f"/broker/orders?confirmId={confirm}", json=BUY_AAPL)
    assert again.status_code == 409
    assert "used already" in again.json()["detail"]


def test_a_confirm_id_of_another_order_or_unknown_is_a_422(client: TestClient) -> None:
    confirm = client.post("/broker/order-previews", json=BUY_AAPL).json()["confirmId"]
    other = client.post(f"/broker/orders?confirmId={confirm}", json={**BUY_AAPL, "qty": 11})
    assert other.status_code == 422
    assert "another order" in other.json()["detail"]
    unknown = client.post("/broker/orders?confirmId=abcdefgh12345678", json=BUY_AAPL)
    assert unknown.status_code == 422
    assert client.get("/broker/orders").json() == []


def test_modify_takes_the_whole_order_as_the_terminal_sends_it(client: TestClient, place: Place) -> None:
    order_id = place(**BUY_AAPL, takeProfit=200, stopLoss=180)
    whole = client.get(f"/broker/orders/{order_id}").json()
    response = client.put(
        f"/broker/orders/{order_id}", json={**whole, "qty": 20, "stopLoss": None, "status": 2}
    )
    assert response.status_code == 200, response.text
    modified = response.json()
    assert (modified["qty"], modified["status"], modified.get("stopLoss")) == (20, 6, None)
    legs = [o for o in client.get("/broker/orders").json() if o.get("parentId") == order_id]
    assert [(leg["type"], leg["qty"], leg["status"]) for leg in legs] == [(1, 20, 3), (3, 10, 1)]


def test_modify_refuses_a_different_identity_naming_the_field(client: TestClient, place: Place) -> None:
    order_id = place(**BUY_AAPL)
    whole = client.get(f"/broker/orders/{order_id}").json()
    response = client.put(f"/broker/orders/{order_id}", json={**whole, "side": -1})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("The order's side is Buy")


def test_cancel_orders_by_symbol_and_side_in_one_call(client: TestClient, place: Place) -> None:
    buys = [place(**BUY_AAPL), place(**BUY_AAPL)]
    sell = place(symbol="AAPL", type=1, side=-1, qty=1, limitPrice=250)
    other = place(symbol="MSFT", type=1, side=1, qty=1, limitPrice=10)
    response = client.post("/broker/order-cancellations", json={"symbol": "AAPL", "side": 1})
    assert response.status_code == 200
    assert [order["id"] for order in response.json()] == buys
    working = client.get("/broker/orders?status=6").json()
    assert sorted(order["id"] for order in working) == sorted([sell, other])


def test_cancel_orders_by_ids_and_an_unknown_id_cancels_nothing(client: TestClient, place: Place) -> None:
    first, second = place(**BUY_AAPL), place(**BUY_AAPL)
    assert client.post("/broker/order-cancellations", json={"orderIds": [first, "999"]}).status_code == 404
    assert len(client.get("/broker/orders?status=6").json()) == 2
    canceled = client.post("/broker/order-cancellations", json={"orderIds": [second]}).json()
    assert [(order["id"], order["status"]) for order in canceled] == [(second, 1)]


def test_orders_filter_by_status_and_symbol(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("MSFT", 9.99, 10)
    working = place(**BUY_AAPL)
    filled = place(symbol="MSFT", type=2, side=1, qty=1)
    assert [o["id"] for o in client.get("/broker/orders?status=3,6").json()] == [working]
    assert [o["id"] for o in client.get("/broker/orders?symbol=MSFT").json()] == [filled]
    assert client.get("/broker/orders?status=2&symbol=AAPL").json() == []
    assert client.get("/broker/orders?status=9").status_code == 400


def test_history_lists_final_orders_newest_first_and_bounded(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("MSFT", 9.99, 10)
    first = place(symbol="MSFT", type=2, side=1, qty=1)
    resting = place(**BUY_AAPL)
    second = place(symbol="MSFT", type=2, side=1, qty=1)
    client.delete(f"/broker/orders/{resting}")
    history = client.get("/broker/orders-history").json()
    assert [order["id"] for order in history] == [resting, second, first]
    assert [o["id"] for o in client.get("/broker/orders-history?limit=1").json()] == [resting]
    assert client.get("/broker/orders-history?limit=1001").status_code == 400


def test_ioc_and_fok_fill_at_once_or_are_canceled(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("AAPL", 190, 190.02)
    for kind in ("IOC", "FOK"):
        resting = place(**BUY_AAPL, duration={"type": kind})
        order = client.get(f"/broker/orders/{resting}").json()
        assert (order["status"], order["message"]["text"]) == (1, f"{kind}: not filled at once.")
        marketable = place(**{**BUY_AAPL, "limitPrice": 191}, duration={"type": kind})
        assert client.get(f"/broker/orders/{marketable}").json()["status"] == 2


def test_a_gtt_in_the_past_or_without_datetime_is_a_422(client: TestClient) -> None:
    for duration in ({"type": "GTT", "datetime": 1}, {"type": "GTT"}):
        response = client.post("/broker/orders", json={**BUY_AAPL, "duration": duration})
        assert response.status_code == 422
    assert client.post("/broker/orders", json={**BUY_AAPL, "duration": {"type": "GTD"}}).status_code == 400


def test_instrument_rules_are_a_422_naming_the_rule(client: TestClient) -> None:
    response = client.post("/broker/orders", json={**BUY_AAPL, "qty": 0.5})
    assert response.status_code == 422
    assert response.json()["detail"] == "The quantity 0.5 is below AAPL's minimum 1."
    off_tick = client.post("/broker/orders", json={**BUY_AAPL, "takeProfit": 200.001})
    assert off_tick.json()["detail"] == "The takeProfit 200.001 is not a multiple of AAPL's minTick 0.01."


def test_custom_fields_take_text_checkboxes_and_text_with_checkbox(client: TestClient, place: Place) -> None:
    fields = {"comment": "scalp", "hedge": False, "note": {"text": "earnings", "checked": True}}
    order_id = place(**BUY_AAPL, customFields=fields, guaranteedStop=180)
    order = client.get(f"/broker/orders/{order_id}").json()
    assert order["customFields"] == fields
    assert (order["guaranteedStop"], order["stopType"]) == (180, 2)
