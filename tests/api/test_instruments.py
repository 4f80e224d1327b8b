"""symbolInfo and getSymbols: what the broker trades, for an order ticket and a terminal's isTradable."""

from collections.abc import Callable

from starlette.testclient import TestClient

SetQuote = Callable[[str, float, float], None]


def test_symbol_info_gives_an_instruments_rules(client: TestClient) -> None:
    response = client.get("/broker/symbols/AAPL")
    assert response.status_code == 200
    info = response.json()
    assert info["qty"] == {"min": 1, "max": 1_000_000, "step": 1, "default": 1}
    assert (info["minTick"], info["pipSize"], info["type"], info["currency"]) == (0.01, 0.01, "stock", "USD")
    assert info["allowedDurations"] == ["GTC", "DAY", "GTT", "IOC", "FOK"]


def test_an_unknown_symbol_is_a_404_until_it_is_quoted(client: TestClient, quote: SetQuote) -> None:
    missing = client.get("/broker/symbols/NASDAQ:ZZZ")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "NASDAQ:ZZZ is not traded here: it has no rules and no quote."
    quote("NASDAQ:ZZZ", 1, 2)
    assert client.get("/broker/symbols/NASDAQ:ZZZ").json()["qty"]["step"] == 1e-9


def test_symbols_list_configured_and_quoted_instruments_and_search(
    client: TestClient, quote: SetQuote
) -> None:
    quote("ZZZ", 1, 2)
    symbols = [info["symbol"] for info in client.get("/broker/symbols").json()]
    assert symbols == ["AAPL", "EURUSD", "GOOG", "MSFT", "TSLA", "ZZZ"]
    found = client.get("/broker/symbols?search=euro").json()
    assert [info["symbol"] for info in found] == ["EURUSD"]
