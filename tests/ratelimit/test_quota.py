from paperbroker.ratelimit.quota import Decision, Policy, Usage, count, decide

POLICY = Policy(limit=3, window=10)
T0 = 1_800_000_000_000


def run(times: list[int]) -> list[Decision]:
    usage = None
    decisions = []
    for now in times:
        usage = count(POLICY, usage, now)
        decisions.append(decide(POLICY, usage, now))
    return decisions


def test_a_burst_of_the_limit_passes_and_the_next_request_is_refused() -> None:
    decisions = run([T0, T0, T0, T0, T0])
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]


def test_the_whole_quota_returns_when_the_window_that_the_first_request_opened_ends() -> None:
    decisions = run([T0, T0 + 1, T0 + 2, T0 + 9_999, T0 + 10_000, T0 + 10_001])
    assert [d.allowed for d in decisions] == [True, True, True, False, True, True]
    assert decisions[4].remaining == 2


def test_retry_after_is_the_whole_seconds_left_in_the_window_rounded_up() -> None:
    decisions = run([T0, T0, T0, T0 + 2_500, T0 + 9_001])
    assert decisions[3] == Decision(allowed=False, remaining=0, reset=8)  # 7.5 s left
    assert decisions[4].reset == 1  # 0.999 s left: never 0 while the window lasts


def test_refused_requests_do_not_grow_the_count_without_bound() -> None:
    usage = None
    for _ in range(1000):
        usage = count(POLICY, usage, T0)
    assert usage == Usage(T0, POLICY.limit + 1)


def test_a_window_started_by_another_workers_later_clock_never_reports_more_than_a_window() -> None:
    assert decide(POLICY, Usage(T0 + 5_000, 1), T0).reset == 10
