"""The one place that builds HTTP clients: TLS only, paced, bounded, one log line per request.

Layers, outermost last: transport (paced by bridge/infra/ratelimit.py, bounded by
bridge/infra/http_bounds.py) -> auth (a connector's ``httpx.Auth``) -> retry
(bridge/infra/retry.py) -> paginator (bridge/infra/paging.py) -> typed methods in
``connectors/<system>/client.py``. Vendor answers are judged in bridge/infra/http_status.py and
their JSON read in bridge/infra/http_json.py. Keeping client construction here keeps a later
move to another httpx-compatible library mechanical.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import structlog

from bridge import __version__
from bridge.infra import logs, metrics
from bridge.infra.http_bounds import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BYTES,
    Bounds,
    bind_bounds,
    bounded_transport,
)
from bridge.infra.http_json import dump_json, encode_json, parse_json
from bridge.infra.http_status import (
    DEFAULT_TABLE,
    StatusRule,
    StatusTable,
    VendorError,
    request_id_of,
    retry_after_seconds,
    rule,
)
from bridge.infra.ratelimit import RateLimitedTransport, limiter_for
from bridge.vocab.connector import RateLimit
from bridge.vocab.errors import ConfigError
from bridge.vocab.redact import redact_url

# The connectors take their HTTP vocabulary from this one module: the status table and the JSON
# bodies are named here for them (bridge's own modules import them from their homes).
__all__ = [
    "DEFAULT_TABLE",
    "DEFAULT_USER_AGENT",
    "RequestStats",
    "StatusRule",
    "StatusTable",
    "VendorError",
    "build_client",
    "dump_json",
    "encode_json",
    "parse_json",
    "request_id_of",
    "retry_after_seconds",
    "rule",
    "stats_of",
]

DEFAULT_USER_AGENT = f"dunning-bridge/{__version__}"

log = structlog.get_logger("bridge.infra.http")


# ---------------------------------------------------------------------------------------------
# Request statistics: benchmarks and the cycle report count requests per tenant.


@dataclass
class RequestStats:
    """Counts of the requests one client made (thread-safe)."""

    total: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    by_method: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, method: str, status: int) -> None:
        """Count one answered request."""
        with self._lock:
            self.total += 1
            self.by_status[status] += 1
            self.by_method[method] += 1


_STATS: weakref.WeakKeyDictionary[httpx.Client, RequestStats] = weakref.WeakKeyDictionary()


def stats_of(client: httpx.Client) -> RequestStats:
    """Return the request counts of a client built by :func:`build_client`."""
    return _STATS.setdefault(client, RequestStats())


# ---------------------------------------------------------------------------------------------
# Client construction.

_STARTED = "bridge.started"


class _NoCookies(httpx.Cookies):
    """A jar that keeps no cookie a vendor sets.

    Every vendor authenticates each request by its token or headers; none needs a cookie back
    (no recording in the vendor specs sets one). httpx's own jar would copy every answer into
    urllib's cookie machinery, a third of its cost per request at thousands of requests a cycle.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing from ``Set-Cookie``."""


class VendorClient(httpx.Client):
    """httpx's client with no cookie jar (see :class:`_NoCookies`)."""

    _no_cookies = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty: a cookie a vendor sets is not sent back."""
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        raise TypeError("clients to vendors keep no cookies")


def _require_tls(base_url: str) -> None:
    """Refuse plain http except to this machine (a local test server or proxy)."""
    url = httpx.URL(base_url)
    if url.scheme == "https":
        return
    host = url.host
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    if url.scheme != "http" or not local:
        raise ConfigError(
            f"base URL {redact_url(url)} must use https (plain http only to localhost)"
        )


def build_client(
    *,
    base_url: str,
    auth: httpx.Auth | None,
    transport: httpx.BaseTransport | None = None,
    limits: Sequence[RateLimit] = (),
    timeout: float = 30.0,
    user_agent: str = DEFAULT_USER_AGENT,
    limiter_key: str | None = None,
    deadline: float = DEFAULT_DEADLINE,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> httpx.Client:
    """Build an httpx client: paced transport, auth, timeouts, and a log line per request.

    ``limiter_key`` shares one limiter between clients of the same vendor account, so a daily
    budget holds across sessions in one process; None gives this client its own limiter.
    ``timeout`` bounds each phase (connect, one read); ``deadline`` bounds a whole request
    (connect and every read) and ``max_bytes`` its answer, for every request sent through
    :func:`send_bounded` (bridge/infra/retry.py sends every connector request that way).
    """
    _require_tls(base_url)
    # TLS verification is httpx's default and no setting reaches it: it cannot be turned off.
    inner = transport if transport is not None else bounded_transport()
    if limits:
        limiter = limiter_for(limiter_key, limits)
        inner = RateLimitedTransport(inner, limiter)
    stats = RequestStats()

    def on_request(request: httpx.Request) -> None:
        request.extensions[_STARTED] = time.monotonic()

    def on_response(response: httpx.Response) -> None:
        request = response.request
        started = request.extensions.get(_STARTED)
        elapsed = time.monotonic() - started if isinstance(started, float) else None
        stats.record(request.method, response.status_code)
        metrics.observe_response(response.status_code, request.url.host)
        if not logs.enabled(logging.DEBUG):
            return
        log.debug(
            "http.request",
            method=request.method,
            url=redact_url(request.url),
            status=response.status_code,
            elapsed_ms=round(elapsed * 1000, 1) if elapsed is not None else None,
        )

    client = VendorClient(
        base_url=base_url,
        auth=auth,
        transport=inner,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": user_agent, "Accept": "application/json"},
        event_hooks={"request": [on_request], "response": [on_response]},
        follow_redirects=False,
    )
    _STATS[client] = stats
    bind_bounds(client, Bounds(deadline=deadline, max_bytes=max_bytes))
    return client
