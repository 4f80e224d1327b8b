"""The random walk quotes exact decimals: the engine never sees a float."""

from decimal import Decimal

from paperbroker.engine.model import Quote
from paperbroker.market.simulated import RandomWalkMarket


def test_the_walk_quotes_decimals_of_at_most_six_places_and_repeats_with_its_seed() -> None:
    def walk() -> list[Quote]:
        market = RandomWalkMarket(["AAPL"], seed=7)
        quotes: dict[str, Quote] = {}
        seen = []
        for now in range(50):
            (quote,) = market.next_quotes(quotes, now)
            quotes[quote.symbol] = quote
            seen.append(quote)
        return seen

    quotes = walk()
    assert quotes == walk()
    for quote in quotes:
        for price in (quote.bid, quote.ask, quote.last):
            assert isinstance(price, Decimal)
            assert price == price.quantize(Decimal("0.000001"))
        assert quote.bid < quote.last < quote.ask


def test_the_walk_picks_up_from_a_price_set_by_hand() -> None:
    market = RandomWalkMarket(["AAPL"], seed=1, volatility=0.0, spread=0.0)
    by_hand = Quote("AAPL", Decimal("0.1"), Decimal("0.1"), Decimal("0.1"), 0)
    assert market.next_quotes({"AAPL": by_hand}, 1) == [
        Quote("AAPL", Decimal("0.1"), Decimal("0.1"), Decimal("0.1"), 1)
    ]


def test_quotes_lie_on_each_symbols_tick() -> None:
    market = RandomWalkMarket(
        ["AAPL", "EURUSD"], seed=3, ticks={"AAPL": Decimal("0.01"), "EURUSD": Decimal("1E-5")}
    )
    quotes: dict[str, Quote] = {}
    for now in range(30):
        for quote in market.next_quotes(quotes, now):
            quotes[quote.symbol] = quote
            tick = Decimal("0.01") if quote.symbol == "AAPL" else Decimal("0.00001")
            assert all(price % tick == 0 for price in (quote.bid, quote.ask, quote.last))
            assert quote.bid <= quote.last <= quote.ask
