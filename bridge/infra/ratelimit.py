"""Client-side pacing: several sliding windows (n requests per s seconds), as a transport.

Each window keeps the start times of its last ``n`` requests. A new request may start once the
oldest of those is ``s`` seconds old. A caller reserves its start time under the lock and sleeps
outside it, so concurrent callers queue in order instead of waking up together.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

import httpx

from bridge.infra import interrupt
from bridge.vocab.connector import RateLimit


def _interruptible_sleep(seconds: float) -> None:
    interrupt.sleep(seconds)


class SlidingWindowLimiter:
    """Pace calls so that no window ever holds more than its share (thread-safe)."""

    def __init__(
        self,
        limits: Sequence[RateLimit],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        for limit in limits:
            if limit.requests < 1 or limit.seconds <= 0:
                raise ValueError(f"a rate limit needs requests >= 1 and seconds > 0: {limit}")
        self.limits = tuple(limits)
        self._clock = clock
        # By default a wait ends early when the process is stopping (bridge/infra/interrupt.py); the
        # request then fails at once in the HTTP stack instead of waiting out the window.
        self._sleep = sleep if sleep is not None else _interruptible_sleep
        self._starts = [deque[float](maxlen=limit.requests) for limit in self.limits]
        self._last = float("-inf")
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Book the earliest start allowed by every window; return the seconds to wait."""
        with self._lock:
            now = self._clock()
            start = max(now, self._last)
            for limit, starts in zip(self.limits, self._starts, strict=True):
                if len(starts) == limit.requests:
                    start = max(start, starts[0] + limit.seconds)
            for starts in self._starts:
                starts.append(start)
            self._last = start
            return start - now

    def acquire(self) -> float:
        """Wait until a request may start; return how long we waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


class RateLimitedTransport(httpx.BaseTransport):
    """An httpx transport that asks a limiter before every request it passes on."""

    def __init__(self, inner: httpx.BaseTransport, limiter: SlidingWindowLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Wait for a slot, then send."""
        self.limiter.acquire()
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


_shared: dict[tuple[str, tuple[RateLimit, ...]], SlidingWindowLimiter] = {}
_shared_lock = threading.Lock()


def limiter_for(key: str | None, limits: Sequence[RateLimit]) -> SlidingWindowLimiter:
    """Return the process-wide limiter for ``key`` (one per vendor account), or a new one."""
    if key is None:
        return SlidingWindowLimiter(limits)
    with _shared_lock:
        found = _shared.get((key, tuple(limits)))
        if found is None:
            found = _shared[(key, tuple(limits))] = SlidingWindowLimiter(limits)
        return found
