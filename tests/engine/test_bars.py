from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from paperbroker.engine.bars import (
    MINUTE_MS,
    RESOLUTIONS,
    Bar,
    aggregate,
    complete_bars,
    first_period_from,
    fold,
    period_start,
)

HOUR = 60 * MINUTE_MS


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def bar(time: int, open_: str, high: str, low: str, close: str, ticks: int = 1) -> Bar:
    return Bar(time, Decimal(open_), Decimal(high), Decimal(low), Decimal(close), ticks)


def folded(*ticks: tuple[int, str]) -> Bar:
    current: Bar | None = None
    for time, price in ticks:
        current = fold(current, Decimal(price), time)
    assert current is not None
    return current


# Periods -------------------------------------------------------------------------------------------------


def test_a_period_starts_at_a_multiple_of_its_length_since_the_epoch() -> None:
    assert period_start(ms("2026-11-27T14:37:42.5"), 1) == ms("2026-11-27T14:37:00")
    assert period_start(ms("2026-11-27T14:37:42.5"), 5) == ms("2026-11-27T14:35:00")
    assert period_start(ms("2026-11-27T14:37:42.5"), 15) == ms("2026-11-27T14:30:00")
    assert period_start(ms("2026-11-27T14:37:42.5"), 60) == ms("2026-11-27T14:00:00")


def test_a_time_on_a_boundary_starts_its_own_period_and_the_millisecond_before_ends_the_last() -> None:
    boundary = ms("2026-11-27T15:00:00")
    assert period_start(boundary, 60) == boundary
    assert period_start(boundary - 1, 60) == boundary - HOUR


def test_the_first_period_from_a_time_is_that_period_on_a_boundary_else_the_next() -> None:
    assert first_period_from(ms("2026-11-27T14:35:00"), 5) == ms("2026-11-27T14:35:00")
    assert first_period_from(ms("2026-11-27T14:35:00.001"), 5) == ms("2026-11-27T14:40:00")
    assert first_period_from(0, 60) == 0


@given(st.integers(0, 253402300799999), st.sampled_from(RESOLUTIONS))
def test_a_period_holds_its_start_and_first_period_from_is_never_before_the_time(
    time: int, minutes: int
) -> None:
    start = period_start(time, minutes)
    assert start <= time < start + minutes * MINUTE_MS
    assert start % (minutes * MINUTE_MS) == 0
    first = first_period_from(time, minutes)
    assert time <= first < time + minutes * MINUTE_MS
    assert first in (start, start + minutes * MINUTE_MS)


# Folding quotes into a 1-minute bar ----------------------------------------------------------------------


def test_the_first_quote_opens_a_bar_at_its_minute_with_every_price_its_own() -> None:
    assert fold(None, Decimal("189.5"), ms("2026-11-27T14:37:42")) == bar(
        ms("2026-11-27T14:37:00"), "189.5", "189.5", "189.5", "189.5"
    )


def test_quotes_of_the_same_minute_keep_the_open_stretch_high_and_low_and_move_the_close() -> None:
    minute = ms("2026-11-27T14:37:00")
    got = folded(
        (minute + 1_000, "10"), (minute + 2_000, "12"), (minute + 3_000, "9"), (minute + 59_999, "11")
    )
    assert got == bar(minute, "10", "12", "9", "11", ticks=4)


def test_a_quote_of_another_minute_opens_a_new_bar() -> None:
    minute = ms("2026-11-27T14:37:00")
    earlier = folded((minute + 1_000, "10"), (minute + 2_000, "12"))
    assert fold(earlier, Decimal("11"), minute + MINUTE_MS) == bar(minute + MINUTE_MS, "11", "11", "11", "11")


def test_folding_is_exact() -> None:
    minute = ms("2026-11-27T14:37:00")
    got = folded((minute, "0.1"), (minute, "0.30000000000000004"), (minute, "0.2"))
    assert got == bar(minute, "0.1", "0.30000000000000004", "0.1", "0.2", ticks=3)
    assert str(got.high) == "0.30000000000000004"


@given(
    st.lists(st.decimals(min_value=Decimal("0.000000001"), max_value=Decimal(10**9), places=9), min_size=1)
)
def test_a_bar_holds_its_first_last_highest_and_lowest_price_and_counts_them(prices: list[Decimal]) -> None:
    minute = ms("2026-11-27T14:37:00")
    current: Bar | None = None
    for price in prices:
        current = fold(current, price, minute + 30_000)
    assert current == Bar(minute, prices[0], max(prices), min(prices), prices[-1], len(prices))


# Aggregating 1-minute bars -------------------------------------------------------------------------------


def test_minutes_of_one_period_make_one_bar_of_the_first_open_last_close_and_extremes() -> None:
    start = ms("2026-11-27T14:35:00")
    minutes = [
        bar(start, "10", "11", "9", "10.5", 3),
        bar(start + 2 * MINUTE_MS, "10.5", "13", "10", "12", 2),
        bar(start + 4 * MINUTE_MS, "12", "12.5", "8", "9", 4),
    ]
    assert aggregate(minutes, 5) == [bar(start, "10", "13", "8", "9", 9)]


def test_a_period_with_no_minutes_has_no_bar_and_the_next_starts_on_its_boundary() -> None:
    start = ms("2026-11-27T14:00:00")
    minutes = [
        bar(start + 14 * MINUTE_MS, "10", "10", "10", "10"),
        bar(start + 15 * MINUTE_MS, "11", "11", "11", "11"),
        bar(start + 59 * MINUTE_MS, "12", "12", "12", "12"),
    ]
    assert aggregate(minutes, 15) == [
        bar(start, "10", "10", "10", "10"),
        bar(start + 15 * MINUTE_MS, "11", "11", "11", "11"),
        bar(start + 45 * MINUTE_MS, "12", "12", "12", "12"),
    ]


def test_one_minute_bars_aggregate_to_themselves() -> None:
    start = ms("2026-11-27T14:00:00")
    minutes = [bar(start + i * MINUTE_MS, "10", "12", "9", "11", i + 1) for i in range(3)]
    assert aggregate(minutes, 1) == minutes


@given(
    st.lists(
        st.tuples(st.integers(0, 24 * 60 - 1), st.integers(1, 1000)), min_size=1, unique_by=lambda x: x[0]
    ),
    st.sampled_from(RESOLUTIONS),
)
def test_a_coarse_bar_holds_the_first_last_highest_and_lowest_price_of_its_period(
    ticks: list[tuple[int, int]], minutes: int
) -> None:
    """Whatever minutes of the period were quoted, and however the minutes fall between periods."""
    ticks.sort()
    day = ms("2026-11-27T00:00:00")
    minute_bars = [fold(None, Decimal(price), day + minute * MINUTE_MS) for minute, price in ticks]
    coarse = aggregate(minute_bars, minutes)
    prices: dict[int, list[Decimal]] = {}
    for minute, price in ticks:
        prices.setdefault(period_start(day + minute * MINUTE_MS, minutes), []).append(Decimal(price))
    assert coarse == [Bar(t, p[0], max(p), min(p), p[-1], len(p)) for t, p in prices.items()]


# Reading a bounded number of minutes ---------------------------------------------------------------------


def test_a_read_back_that_cuts_its_oldest_period_short_drops_that_period() -> None:
    """The latest 2 five-minute bars from the latest 10 minutes: the oldest period read is partial."""
    start = ms("2026-11-27T14:00:00")
    minutes = [
        bar(start + i * MINUTE_MS, str(10 + i), str(10 + i), str(10 + i), str(10 + i)) for i in range(12)
    ]
    read = minutes[-10:]  # 14:02 .. 14:11: the 14:00 period lacks 14:00 and 14:01
    assert complete_bars(read, 5, 2, first=False) == [
        bar(start + 5 * MINUTE_MS, "15", "19", "15", "19", 5),
        bar(start + 10 * MINUTE_MS, "20", "21", "20", "21", 2),
    ]


def test_a_read_forward_that_cuts_its_newest_period_short_drops_that_period() -> None:
    start = ms("2026-11-27T14:00:00")
    minutes = [
        bar(start + i * MINUTE_MS, str(10 + i), str(10 + i), str(10 + i), str(10 + i)) for i in range(12)
    ]
    read = minutes[:10]
    assert complete_bars(read, 5, 2, first=True) == [
        bar(start, "10", "14", "10", "14", 5),
        bar(start + 5 * MINUTE_MS, "15", "19", "15", "19", 5),
    ]


def test_a_read_of_fewer_minutes_than_the_bound_keeps_every_period() -> None:
    start = ms("2026-11-27T14:00:00")
    minutes = [bar(start, "10", "10", "10", "10"), bar(start + 7 * MINUTE_MS, "11", "11", "11", "11")]
    assert complete_bars(minutes, 5, 300, first=False) == aggregate(minutes, 5)
    assert complete_bars(minutes, 5, 300, first=True) == aggregate(minutes, 5)
