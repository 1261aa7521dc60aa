"""Send a request with retries where, and only where, a retry cannot do a thing twice.

- GETs are safe. A write is safe when it carries an idempotency key the vendor honours.
- 429 and 408 mean the vendor did not process the request: safe for any method.
- A connection that never opened sent nothing: safe for any method.
- Anything else after the request left (a read timeout, a 5xx) leaves a write's outcome
  unknown: it is raised at once, so the caller reads back before anything is tried again.

Waits honour Retry-After, else exponential backoff with jitter, within a hard deadline.
:func:`set_waits` turns every wait off (tests), the way stamina's test mode does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
import structlog
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from bridge.infra import interrupt, metrics
from bridge.infra.http_bounds import send_bounded
from bridge.infra.http_status import DEFAULT_TABLE, StatusTable, raise_for_vendor
from bridge.vocab.errors import ConnectorError, RateLimited, Transient
from bridge.vocab.redact import redact_text, redact_url

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Failures where the request provably never reached the vendor.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Statuses with which the vendor says it did not process the request.
_NOT_PROCESSED = frozenset({408, 429})

log = structlog.get_logger("bridge.infra.retry")

_waits = True


def set_waits(enabled: bool) -> None:
    """Turn all retry waits on or off process-wide (off in tests)."""
    global _waits  # noqa: PLW0603  # one switch for the whole process, by design
    _waits = enabled


def waits_enabled() -> bool:
    """Tell whether retries actually wait."""
    return _waits


def _sleep(seconds: float) -> None:
    if _waits and seconds > 0:
        interrupt.sleep(seconds)  # ends early when the process is stopping


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: attempts, a deadline, backoff, and the vendor's idempotency header."""

    attempts: int = 5
    deadline: float = 120.0  # seconds from the first try; a wait that would cross it stops
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    # The header the vendor honours as an idempotency key on writes; None when it has none.
    idempotency_header: str | None = None


DEFAULT_POLICY = RetryPolicy()


class _PastDeadline(stop_base):
    """Stop when the next wait would end past ``deadline`` seconds from the first try.

    tenacity's own ``stop_before_delay`` counts from its start, which comes after the first
    try (sent before tenacity is set up, see :func:`send`).
    """

    def __init__(self, started: float, deadline: float) -> None:
        self.started = started
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        waited = retry_state.upcoming_sleep or 0.0
        return time.monotonic() - self.started + waited >= self.deadline


def is_safe(request: httpx.Request, policy: RetryPolicy) -> bool:
    """Tell whether sending ``request`` twice has the same effect as sending it once."""
    if request.method in SAFE_METHODS:
        return True
    header = policy.idempotency_header
    return header is not None and bool(request.headers.get(header))


def send(
    client: httpx.Client,
    request: httpx.Request,
    *,
    classify: StatusTable = DEFAULT_TABLE,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> httpx.Response:
    """Send ``request``, classify the answer, retry what is safe; return a successful response."""
    safe = is_safe(request, policy)
    started = time.monotonic()

    def attempt() -> httpx.Response:
        try:
            # Bounded: one deadline for connect and every read, a size cap, and the process's
            # stop event (bridge/infra/http.py); never a bare client.send.
            response = send_bounded(client, request)
        except httpx.TransportError as exc:
            metrics.observe_transport_error(request.url.host)
            raise _transport_error(exc, request, safe) from exc
        raise_for_vendor(response, classify)
        return response

    def retryable(exc: BaseException) -> bool:
        if not isinstance(exc, Transient) or interrupt.stopping():
            return False
        if safe or isinstance(exc.__cause__, _NOT_SENT):
            return True
        return exc.status in _NOT_PROCESSED

    try:
        # Nearly every request succeeds at once: only a retry needs tenacity's machinery, whose
        # set-up costs more than httpx's own send (thousands of requests a cycle).
        return attempt()
    except Exception as exc:
        if policy.attempts <= 1 or not retryable(exc):
            raise
        failed: BaseException | None = exc

    def again() -> httpx.Response:
        """The first try's failure, then further tries: tenacity counts and waits as before."""
        nonlocal failed
        if failed is not None:
            first, failed = failed, None
            raise first
        return attempt()

    backoff = wait_random_exponential(multiplier=policy.backoff_initial, max=policy.backoff_max)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return exc.retry_after
        return backoff(state)

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        metrics.observe_retry(request.url.host)
        log.warning(
            "http.retry",
            method=request.method,
            url=redact_url(request.url),
            attempt=state.attempt_number,
            wait_s=round(state.upcoming_sleep, 2),
            error=str(exc),
        )

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts) | _PastDeadline(started, policy.deadline),
        wait=wait,
        retry=retry_if_exception(retryable),
        sleep=_sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    return retrying(again)


def _transport_error(
    exc: httpx.TransportError, request: httpx.Request, safe: bool
) -> ConnectorError:
    url = redact_url(request.url)
    what = redact_text(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.ProxyError):
        return ConnectorError(f"cannot reach the vendor ({what})", url=url)
    if isinstance(exc, _NOT_SENT):
        return Transient(f"could not connect to the vendor ({what})", url=url)
    if safe:
        return Transient(f"the connection failed ({what})", url=url)
    return Transient(
        f"outcome unknown: the {request.method} was sent but no answer came back ({what}); "
        "read back before trying again",
        url=url,
    )
