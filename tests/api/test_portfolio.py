"""getPositions, getExecutions, getAccountInfo, getQuotes, setQuote."""

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

Place = Callable[..., str]
SetQuote = Callable[[str, float, float], None]


def test_positions_net_fills_per_symbol(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    quote("AAPL", 109, 110)
    place(symbol="AAPL", type=2, side=1, qty=10)
    quote("AAPL", 120, 121)
    place(symbol="AAPL", type=2, side=-1, qty=25)
    response = client.get("/broker/positions")
    assert response.status_code == 200
    assert response.json() == [{"id": "AAPL", "symbol": "AAPL", "qty": 5, "side": -1, "avgPrice": 120}]


def test_a_closed_position_disappears(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    place(symbol="AAPL", type=2, side=-1, qty=10)
    assert client.get("/broker/positions").json() == []


def test_executions_list_every_fill_of_the_symbol(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("AAPL", 99, 100)
    quote("MSFT", 9, 10)
    place(symbol="AAPL", type=2, side=1, qty=10)
    place(symbol="MSFT", type=2, side=1, qty=1)
    place(symbol="AAPL", type=2, side=-1, qty=4)
    response = client.get("/broker/executions/AAPL")
    assert response.status_code == 200
    executions = response.json()
    assert [(e["side"], e["qty"], e["price"]) for e in executions] == [(1, 10, 100), (-1, 4, 99)]
    assert executions[0]["netAmount"] == pytest.approx(-1000)
    assert executions[1]["netAmount"] == pytest.approx(396)
    assert client.get("/broker/executions/NEVER").json() == []


def test_account_keeps_balance_equity_and_pnl(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)  # buy 10 at 100
    quote("AAPL", 104, 105)
    place(symbol="AAPL", type=2, side=-1, qty=4)  # sell 4 at 104: +16 realized
    quote("AAPL", 110, 111)  # 6 long marked at the bid 110: +60 unrealized
    response = client.get("/broker/account")
    assert response.status_code == 200
    account = response.json()
    assert account["realizedPnl"] == pytest.approx(16)
    assert account["unrealizedPnl"] == pytest.approx(60)
    assert account["balance"] == pytest.approx(100_016)
    assert account["equity"] == pytest.approx(100_076)
    assert (account["id"], account["name"], account["currency"]) == ("paper", "Paper account", "USD")


def test_quotes_are_returned_in_the_order_asked(client: TestClient, quote: SetQuote) -> None:
    quote("AAPL", 99, 100)
    quote("MSFT", 9, 10)
    response = client.get("/market/quotes", params={"symbols": "MSFT,AAPL"})
    assert response.status_code == 200
    assert [(q["symbol"], q["bid"], q["ask"], q["last"]) for q in response.json()] == [
        ("MSFT", 9, 10, 9.5),
        ("AAPL", 99, 100, 99.5),
    ]


def test_a_symbol_without_a_quote_is_a_404(client: TestClient, quote: SetQuote) -> None:
    quote("AAPL", 99, 100)
    response = client.get("/market/quotes", params={"symbols": "AAPL,NOPE"})
    assert response.status_code == 404
    assert response.json()["detail"] == "No quote for NOPE."


def test_a_bid_above_the_ask_is_a_422(client: TestClient) -> None:
    response = client.put("/sim/quotes/AAPL", json={"bid": 101, "ask": 100})
    assert response.status_code == 422
    assert client.get("/market/quotes", params={"symbols": "AAPL"}).status_code == 404


def test_unknown_query_parameters_are_a_400(client: TestClient) -> None:
    assert client.get("/broker/orders", params={"colour": "red"}).status_code == 400


# Closing, reversing and protecting positions, as a TradingView terminal does.


def test_close_position_whole_or_partly_at_the_market(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    partly = client.post("/broker/positions/AAPL/close", json={"amount": 4})
    assert partly.status_code == 201
    assert (partly.json()["side"], partly.json()["qty"], partly.json()["status"]) == (-1, 4, 2)
    assert client.get("/broker/positions").json()[0]["qty"] == 6
    whole = client.post("/broker/positions/AAPL/close")
    assert (whole.status_code, whole.json()["qty"]) == (201, 6)
    assert client.get("/broker/positions").json() == []


def test_closing_more_than_held_or_an_unknown_position_is_refused(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    too_much = client.post("/broker/positions/AAPL/close", json={"amount": 11})
    assert too_much.status_code == 422
    assert too_much.json()["detail"] == "The amount 11 is more than the position's 10."
    assert client.post("/broker/positions/MSFT/close").status_code == 404
    assert client.post("/broker/positions/MSFT/reverse").status_code == 404


def test_reverse_turns_a_long_into_a_short_of_the_same_size(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    reversing = client.post("/broker/positions/AAPL/reverse")
    assert (reversing.status_code, reversing.json()["qty"], reversing.json()["side"]) == (201, 20, -1)
    [position] = client.get("/broker/positions").json()
    assert (position["qty"], position["side"], position["avgPrice"]) == (10, -1, 99)


def test_position_brackets_are_set_changed_and_removed(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    response = client.put("/broker/positions/AAPL/brackets", json={"takeProfit": 120, "stopLoss": 90})
    assert response.status_code == 200
    assert (response.json()["takeProfit"], response.json()["stopLoss"]) == (120, 90)
    legs = client.get("/broker/orders?status=6").json()
    assert [(leg["type"], leg["side"], leg["qty"], leg["parentId"], leg["parentType"]) for leg in legs] == [
        (1, -1, 10, "AAPL", 2),
        (3, -1, 10, "AAPL", 2),
    ]
    removed = client.put("/broker/positions/AAPL/brackets", json={"takeProfit": None}).json()
    assert "takeProfit" not in removed and removed["stopLoss"] == 90
    crossed = client.put("/broker/positions/AAPL/brackets", json={"takeProfit": 80})
    assert crossed.status_code == 422


def test_position_brackets_follow_the_size_and_go_when_flat(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    client.put("/broker/positions/AAPL/brackets", json={"takeProfit": 120, "stopLoss": 90})
    place(symbol="AAPL", type=2, side=1, qty=5)
    assert {leg["qty"] for leg in client.get("/broker/orders?status=6").json()} == {15}
    client.post("/broker/positions/AAPL/close")
    assert client.get("/broker/orders?status=6").json() == []


def test_an_orders_brackets_become_its_positions_when_it_fills(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10, takeProfit=120, stopLoss=90)
    [position] = client.get("/broker/positions").json()
    assert (position["takeProfit"], position["stopLoss"]) == (120, 90)
    quote("AAPL", 120, 120.01)  # the take-profit fills; the stop-loss goes with the position
    assert client.get("/broker/positions").json() == []
    statuses = {
        o["type"]: o["status"] for o in client.get("/broker/orders").json() if o.get("parentType") == 2
    }
    assert statuses == {1: 2, 3: 1}


def test_a_trailing_stop_follows_the_bid_up_and_never_down(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 100.01)
    place(symbol="AAPL", type=2, side=1, qty=1)
    trailing = client.put("/broker/positions/AAPL/brackets", json={"trailingStopPips": 200}).json()
    assert (trailing["stopLoss"], trailing["trailingStopPips"]) == (98, 200)  # 200 pips of 0.01 below the bid
    quote("AAPL", 103, 103.01)
    assert client.get("/broker/positions").json()[0]["stopLoss"] == 101
    quote("AAPL", 102, 102.01)
    assert client.get("/broker/positions").json()[0]["stopLoss"] == 101
    quote("AAPL", 100.5, 100.51)
    assert client.get("/broker/positions").json() == []
    assert client.get("/broker/executions/AAPL").json()[-1]["price"] == 100.5


def test_a_guaranteed_stop_fills_exactly_at_its_price_through_a_gap(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 100, 100.01)
    place(symbol="AAPL", type=2, side=1, qty=1)
    client.put("/broker/positions/AAPL/brackets", json={"guaranteedStop": 95})
    quote("AAPL", 80, 80.01)
    assert client.get("/broker/executions/AAPL").json()[-1]["price"] == 95


def test_brackets_already_reached_by_the_market_are_refused(
    client: TestClient, place: Place, quote: SetQuote
) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    low_profit = client.put("/broker/positions/AAPL/brackets", json={"takeProfit": 98})
    assert low_profit.status_code == 422
    assert low_profit.json()["detail"] == "A long's takeProfit must be above the market (bid 99)."
    high_stop = client.put("/broker/positions/AAPL/brackets", json={"stopLoss": 99})
    assert high_stop.json()["detail"] == "A long's stopLoss must be below the market (bid 99)."
    assert client.get("/broker/orders?status=6").json() == []
    assert client.get("/broker/positions").json()[0]["qty"] == 10
