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
