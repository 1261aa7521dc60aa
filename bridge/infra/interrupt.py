"""The process is stopping: what every wait and every vendor request listens for.

The daemon's stop event (set on SIGTERM/SIGINT) is registered here for the length of a round
(:func:`stop_on`); the HTTP stack (bridge/infra/http.py), the retry waits (bridge/infra/retry.py)
and the
rate limiter's waits (bridge/infra/ratelimit.py) check :func:`stopping`, so no vendor (a trickling
answer, a Retry-After of an hour) holds the process once it has been told to stop.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

# Read without a lock by every request, many times (each read of an answer's body): a lock
# here, taken by 64 tenants' threads at once, queued them behind whichever thread the
# interpreter had paused while holding it. Writers replace the tuple whole, under the lock;
# readers see either the old tuple or the new one.
_watched: tuple[threading.Event, ...] = ()
_lock = threading.Lock()
# How often a wait looks at the stop events.
SLICE = 0.2


@contextlib.contextmanager
def stop_on(event: threading.Event | None) -> Iterator[None]:
    """Treat ``event`` being set as "the process is stopping" inside the block."""
    global _watched  # noqa: PLW0603  (one registry for the process, replaced whole)
    if event is None:
        yield
        return
    with _lock:
        _watched = (*_watched, event)
    try:
        yield
    finally:
        with _lock:
            kept = list(_watched)
            kept.remove(event)  # one registration of it: the same event may be nested
            _watched = tuple(kept)


def stopping() -> bool:
    """Tell whether a registered stop event is set."""
    return any(e.is_set() for e in _watched)


def sleep(seconds: float) -> bool:
    """Sleep up to ``seconds``, waking early when stopping; return False when woken early."""
    if not _watched:  # nothing can stop us: one plain sleep
        time.sleep(seconds)
        return True
    until = time.monotonic() + seconds
    while True:
        if stopping():
            return False
        left = until - time.monotonic()
        if left <= 0:
            return True
        time.sleep(min(SLICE, left))
