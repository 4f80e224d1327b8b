"""getAccountInfo and resetAccount."""

from collections.abc import Callable

from starlette.testclient import TestClient

Place = Callable[..., str]
SetQuote = Callable[[str, float, float], None]


def test_the_account_names_its_currency_sign(client: TestClient) -> None:
    account = client.get("/broker/account").json()
    assert (account["currency"], account["currencySign"]) == ("USD", "$")


def test_reset_brings_back_the_starting_state(client: TestClient, place: Place, quote: SetQuote) -> None:
    quote("AAPL", 99, 100)
    place(symbol="AAPL", type=2, side=1, qty=10)
    place(symbol="AAPL", type=1, side=1, qty=1, limitPrice=50)
    quote("AAPL", 109, 110)
    reset = client.post("/sim/reset")
    assert reset.status_code == 200
    assert reset.json() == {
        "id": "paper", "name": "Paper account", "currency": "USD", "currencySign": "$",
        "balance": 100000, "equity": 100000, "realizedPnl": 0, "unrealizedPnl": 0,
    }  # fmt: skip
    assert client.get("/broker/orders").json() == []
    assert client.get("/broker/positions").json() == []
    assert client.get("/broker/executions/AAPL").json() == []
    assert client.get("/market/quotes?symbols=AAPL").json()[0]["bid"] == 109  # the market stays
    next_id = client.post("/broker/orders", json={"symbol": "AAPL", "type": 2, "side": 1, "qty": 1}).json()
    assert int(next_id["orderId"]) > 2  # ids are never reused
