"""The sliding-window limiter paces calls with a fake clock, alone and under threads."""

from __future__ import annotations

import threading
from bisect import bisect_left

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.infra.ratelimit import RateLimitedTransport, SlidingWindowLimiter, limiter_for
from bridge.vocab.connector import RateLimit


class FakeClock:
    """A clock that only moves when someone sleeps (or a test moves it)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def _starts(limiter: SlidingWindowLimiter, clock: FakeClock, count: int) -> list[float]:
    starts = []
    for _ in range(count):
        wait = limiter.reserve()
        starts.append(clock.now + wait)
    return starts


def test_first_burst_passes_then_waits_for_the_window() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter([RateLimit(3, 1.0)], clock=clock, sleep=clock.sleep)
    assert _starts(limiter, clock, 7) == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]


def test_acquire_sleeps_for_the_wait() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter([RateLimit(1, 2.0)], clock=clock, sleep=clock.sleep)
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == 2.0
    assert clock.sleeps == [2.0]


def test_slots_free_up_as_time_passes() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter([RateLimit(2, 10.0)], clock=clock, sleep=clock.sleep)
    limiter.reserve()
    limiter.reserve()
    clock.now = 10.0
    assert limiter.reserve() == 0.0


def test_the_strictest_of_several_windows_wins() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(
        [RateLimit(10, 1.0), RateLimit(4, 60.0)], clock=clock, sleep=clock.sleep
    )
    starts = _starts(limiter, clock, 6)
    assert starts == [0.0, 0.0, 0.0, 0.0, 60.0, 60.0]


def test_threads_queue_in_order_without_overshooting() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter([RateLimit(5, 1.0)], clock=clock, sleep=clock.sleep)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        wait = limiter.reserve()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == [float(i // 5) for i in range(40)]


@settings(max_examples=100, deadline=None)
@given(
    arrivals=st.lists(st.floats(min_value=0, max_value=5, allow_nan=False), max_size=60),
    limits=st.lists(
        st.tuples(st.integers(1, 6), st.sampled_from([0.5, 1.0, 2.0, 3.0])), min_size=1, max_size=3
    ),
)
def test_no_window_ever_holds_more_than_its_share(
    arrivals: list[float], limits: list[tuple[int, float]]
) -> None:
    clock = FakeClock()
    declared = [RateLimit(n, s) for n, s in limits]
    limiter = SlidingWindowLimiter(declared, clock=clock, sleep=clock.sleep)
    starts = []
    for arrival in sorted(arrivals):
        clock.now = max(clock.now, arrival)
        starts.append(clock.now + limiter.reserve())
    assert starts == sorted(starts)
    for limit in declared:
        for start in starts:
            # Starts within [start, start + seconds) must not exceed the window's share (the
            # test rebuilds each start as now + wait, so allow for float rounding).
            end = start + limit.seconds - 1e-9
            inside = bisect_left(starts, end) - bisect_left(starts, start - 1e-9)
            assert inside <= limit.requests


def test_invalid_limits_are_refused() -> None:
    for bad in (RateLimit(0, 1.0), RateLimit(1, 0.0)):
        try:
            SlidingWindowLimiter([bad])
        except ValueError:
            continue
        raise AssertionError(f"{bad} accepted")


def test_transport_asks_the_limiter_before_each_request() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter([RateLimit(1, 1.0)], clock=clock, sleep=clock.sleep)
    transport = RateLimitedTransport(httpx.MockTransport(lambda r: httpx.Response(204)), limiter)
    with httpx.Client(transport=transport) as client:
        for _ in range(3):
            assert client.get("https://api.example.test/").status_code == 204
    assert clock.sleeps == [1.0, 2.0]


def test_shared_limiter_per_account_key() -> None:
    limits = (RateLimit(50_000, 86_400.0),)
    assert limiter_for("economic:acme", limits) is limiter_for("economic:acme", limits)
    assert limiter_for("economic:acme", limits) is not limiter_for("economic:other", limits)
    assert limiter_for(None, limits) is not limiter_for(None, limits)
