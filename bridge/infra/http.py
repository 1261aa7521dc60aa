"""The one place that builds HTTP clients, classifies vendor answers and reads JSON bodies.

Layers, outermost last: transport (paced by bridge/infra/ratelimit.py) -> auth (a connector's
``httpx.Auth``) -> retry (bridge/infra/retry.py) -> paginator (bridge/infra/paging.py) -> typed
methods in
``connectors/<system>/client.py``. Keeping client construction here keeps a later move to
another httpx-compatible library mechanical.
"""

from __future__ import annotations

import ipaddress
import json
import re
import ssl
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx
import structlog

from bridge import __version__
from bridge.infra import interrupt, metrics
from bridge.infra.ratelimit import RateLimitedTransport, limiter_for
from bridge.vocab.connector import RateLimit
from bridge.vocab.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    MalformedResponse,
    NotFound,
    RateLimited,
    RejectedRequest,
    Transient,
)
from bridge.vocab.redact import redact_text, redact_url

DEFAULT_USER_AGENT = f"dunning-bridge/{__version__}"
# Headers vendors use to name one request in their own logs, in the order we look for them.
REQUEST_ID_HEADERS = ("x-request-id", "x-correlation-id", "request-id", "x-amzn-requestid")
# Unless a connector says otherwise (see send_bounded): seconds for one whole request, connect
# and the whole answer; and the largest answer read (after decompression).
DEFAULT_DEADLINE = 120.0
DEFAULT_MAX_BYTES = 32 * 1024 * 1024

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
        log.debug(
            "http.request",
            method=request.method,
            url=redact_url(request.url),
            status=response.status_code,
            elapsed_ms=round(elapsed * 1000, 1) if elapsed is not None else None,
        )

    client = httpx.Client(
        base_url=base_url,
        auth=auth,
        transport=inner,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": user_agent, "Accept": "application/json"},
        event_hooks={"request": [on_request], "response": [on_response]},
        follow_redirects=False,
    )
    _STATS[client] = stats
    _BOUNDS[client] = Bounds(deadline=deadline, max_bytes=max_bytes)
    return client


# ---------------------------------------------------------------------------------------------
# Bounded requests: one deadline for the whole request, a cap on the answer, the stop event.
#
# httpx's timeouts bound each phase (connect, each read), not the whole answer: a server that
# sends its headers and then a byte every 10 s would hold a request for ever, and a 400 MB
# answer would be read whole. Every request goes through send_bounded: the body is read in
# chunks with the clock, the size and the process's stop event (bridge/infra/interrupt.py) checked
# after each, and on our own transport (bounded_transport) every socket operation, the
# connect and the wait for the headers included, is cut into short slices that check the same.

# Once stopping, a GET is abandoned at once; a write in flight gets this long to be answered
# (so its outcome is known), then it is abandoned and its outcome read back next cycle.
WRITE_GRACE = 5.0
_SLICE = 0.25  # seconds a socket operation may block before the budget is looked at again
_CONNECT_MAX = 10.0  # a connect cannot be sliced: it waits at most this long

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Bounds:
    """A client's limits for one request: seconds in all, and bytes of answer."""

    deadline: float = DEFAULT_DEADLINE
    max_bytes: int = DEFAULT_MAX_BYTES


_BOUNDS: weakref.WeakKeyDictionary[httpx.Client, Bounds] = weakref.WeakKeyDictionary()


def bounds_of(client: httpx.Client) -> Bounds:
    """The limits of a client built by :func:`build_client` (defaults for any other)."""
    return _BOUNDS.get(client) or Bounds()


class _Over(Exception):
    """The budget is spent (``stopped`` when the process is stopping)."""

    def __init__(self, message: str, *, stopped: bool) -> None:
        super().__init__(message)
        self.stopped = stopped


class _Budget:
    """What one request may still spend; looked at by the socket layer and the body reader."""

    def __init__(self, deadline: float, *, write: bool) -> None:
        self.deadline = deadline
        self.until = time.monotonic() + deadline
        self.write = write
        self._stop_seen: float | None = None

    def left(self) -> float:
        """Seconds left; raises _Over when the deadline passed or the process is stopping."""
        now = time.monotonic()
        if interrupt.stopping():
            if not self.write:
                raise _Over("the process is stopping", stopped=True)
            if self._stop_seen is None:
                self._stop_seen = now
            if now - self._stop_seen > WRITE_GRACE:
                raise _Over("the process is stopping", stopped=True)
        left = self.until - now
        if left <= 0:
            raise _Over(f"no complete answer within {self.deadline:g} s", stopped=False)
        return left


_local = threading.local()


def _budget() -> _Budget | None:
    found: _Budget | None = getattr(_local, "budget", None)
    return found


class _BoundedStream(httpcore.NetworkStream):
    """A socket stream whose every operation respects the running request's budget."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        budget = _budget()
        if budget is None:
            return self._inner.read(max_bytes, timeout)
        started = time.monotonic()
        while True:
            try:
                left = budget.left()
            except _Over as over:
                raise httpcore.ReadTimeout(str(over)) from None
            if timeout is not None:
                per_read = timeout - (time.monotonic() - started)
                if per_read <= 0:
                    raise httpcore.ReadTimeout("timed out")
                left = min(left, per_read)
            try:
                return self._inner.read(max_bytes, min(left, _SLICE))
            except httpcore.ReadTimeout:
                continue  # a slice ran out, not the read: look at the budget again

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        budget = _budget()
        if budget is not None:
            try:
                left = budget.left()
            except _Over as over:
                raise httpcore.WriteTimeout(str(over)) from None
            timeout = left if timeout is None else min(timeout, left)
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _connect_timeout(timeout)
        return _BoundedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _connect_timeout(timeout: float | None) -> float | None:
    budget = _budget()
    if budget is None:
        return timeout
    try:
        left = min(budget.left(), _CONNECT_MAX)
    except _Over as over:
        raise httpcore.ConnectTimeout(str(over)) from None
    return left if timeout is None else min(timeout, left)


class _BoundedBackend(httpcore.NetworkBackend):
    """httpcore's network backend with every stream bounded (see :class:`_BoundedStream`)."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _connect_timeout(timeout), local_address, socket_options
        )
        return _BoundedStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _connect_timeout(timeout), socket_options)
        return _BoundedStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bounded_transport() -> httpx.HTTPTransport:
    """httpx's own transport, its sockets bounded by the running request's budget.

    httpx has no option for a network backend: the pool's is wrapped (a test fails loudly
    should a new httpx move it).
    """
    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is None:  # pragma: no cover - a new httpx; the body reader's checks still hold
        log.warning("http.unbounded_sockets", reason="httpx keeps no _pool._network_backend")
        return transport
    pool._network_backend = _BoundedBackend(backend)  # type: ignore[union-attr]
    return transport


def send_bounded(
    client: httpx.Client, request: httpx.Request, bounds: Bounds | None = None
) -> httpx.Response:
    """Send ``request`` and read its whole answer within the client's :class:`Bounds`.

    A crossed deadline, or the process stopping, raises ``httpx.ReadTimeout`` (a transport
    error: bridge/infra/retry.py treats it as "no answer": retried for a GET, "outcome unknown" for
    a
    write); an answer over the cap raises MalformedResponse. The status is not judged here.
    """
    limits = bounds or bounds_of(client)
    budget = _Budget(limits.deadline, write=request.method not in _SAFE_METHODS)
    saved = _budget()
    _local.budget = budget

    def over(exc: _Over) -> httpx.ReadTimeout:
        return httpx.ReadTimeout(str(exc), request=request)

    try:
        try:
            budget.left()
        except _Over as exc:
            raise over(exc) from None
        response = client.send(request, stream=True)
        shown = redact_url(request.url)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise MalformedResponse(
                    f"the answer is {declared} bytes, more than the {limits.max_bytes} we read",
                    status=response.status_code,
                    url=shown,
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise MalformedResponse(
                        f"the answer is larger than the {limits.max_bytes} bytes we read",
                        status=response.status_code,
                        url=shown,
                    )
                try:
                    budget.left()
                except _Over as exc:
                    raise over(exc) from None
                chunks.append(chunk)
        finally:
            response.close()
        # The body is decoded already: the copy must not claim an encoding or a length.
        kept = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in _BODY_HEADERS
        ]
        return httpx.Response(
            response.status_code,
            headers=kept,
            content=b"".join(chunks),
            request=response.request,
            extensions={"http_version": response.extensions.get("http_version", b"HTTP/1.1")},
        )
    finally:
        _local.budget = saved


_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def get_capped(
    client: httpx.Client,
    url: str,
    *,
    deadline: float,
    max_bytes: int,
    accept: str = "application/json",
) -> httpx.Response:
    """GET ``url`` and read its whole body within ``deadline`` seconds and ``max_bytes`` bytes.

    For public data (the law's reference rates): :func:`send_bounded` with these limits. A
    timeout, a broken connection or a crossed deadline raises Transient; a body over the cap
    raises MalformedResponse. The answer's status is not judged here (see
    :func:`raise_for_vendor`).
    """
    shown = redact_url(httpx.URL(url))
    request = client.build_request(
        "GET", url, headers={"Accept": accept}, timeout=httpx.Timeout(deadline)
    )
    try:
        return send_bounded(client, request, Bounds(deadline=deadline, max_bytes=max_bytes))
    except httpx.TimeoutException as exc:
        said = str(exc)
        if not said.startswith(("no complete answer", "the process is stopping")):
            said = f"no answer within {deadline:g} s (timed out)"
        raise Transient(said, url=shown) from None
    except httpx.TransportError as exc:
        raise Transient(f"cannot reach the server: {type(exc).__name__}", url=shown) from None


# ---------------------------------------------------------------------------------------------
# Classification: one table from status to error class.


@dataclass(frozen=True, slots=True)
class StatusRule:
    """Statuses ``low``..``high`` (inclusive) become ``error`` with ``message``."""

    low: int
    high: int
    error: type[ConnectorError]
    message: str

    def matches(self, status: int) -> bool:
        """Tell whether this row covers ``status``."""
        return self.low <= status <= self.high


def rule(status: int | tuple[int, int], error: type[ConnectorError], message: str) -> StatusRule:
    """Build a table row for one status or an inclusive ``(low, high)`` range."""
    low, high = status if isinstance(status, tuple) else (status, status)
    return StatusRule(low, high, error, message)


@dataclass(frozen=True, slots=True)
class VendorError:
    """What a vendor's error body says: its own code, a message, its id for the request."""

    code: str | None = None
    message: str | None = None
    request_id: str | None = None


def generic_vendor_error(response: httpx.Response) -> VendorError:
    """Read the common ``{"code"|"error", "message"}`` shapes of a JSON error body."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return VendorError()
    if not isinstance(body, dict):
        return VendorError()
    code = body.get("code") or body.get("errorCode") or body.get("error")
    message = body.get("message") or body.get("error_description")
    return VendorError(
        code=str(code) if code is not None and not isinstance(code, dict) else None,
        message=str(message) if isinstance(message, str) else None,
    )


@dataclass(frozen=True, slots=True)
class StatusTable:
    """The status -> error-class table plus how to read the vendor's error body."""

    rows: tuple[StatusRule, ...]
    vendor_error: Callable[[httpx.Response], VendorError] = generic_vendor_error

    def with_rows(self, *rows: StatusRule) -> StatusTable:
        """Return a table whose ``rows`` are consulted before this table's own."""
        return replace(self, rows=(*rows, *self.rows))

    def with_reader(self, reader: Callable[[httpx.Response], VendorError]) -> StatusTable:
        """Return a table that reads error bodies with ``reader``."""
        return replace(self, vendor_error=reader)

    def lookup(self, status: int) -> StatusRule | None:
        """Return the first row covering ``status``."""
        return next((r for r in self.rows if r.matches(status)), None)


DEFAULT_TABLE = StatusTable(
    rows=(
        rule(401, AuthError, "the vendor refused our credentials"),
        rule(403, AuthError, "the vendor denied access"),
        rule(404, NotFound, "the vendor has no such resource"),
        rule(408, Transient, "the vendor timed out waiting for our request"),
        rule(429, RateLimited, "the vendor asked us to slow down"),
        rule((400, 499), RejectedRequest, "the vendor rejected our request"),
        rule((500, 599), Transient, "the vendor failed"),
    )
)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Parse Retry-After as delta seconds or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = Decimal(text)
    except ArithmeticError:
        pass
    else:
        return max(0.0, float(seconds)) if seconds.is_finite() else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def request_id_of(response: httpx.Response) -> str | None:
    """Return the vendor's id for this request from the response headers, if any."""
    for name in REQUEST_ID_HEADERS:
        value: str | None = response.headers.get(name)
        if value:
            return value
    return None


def raise_for_vendor(response: httpx.Response, classify: StatusTable = DEFAULT_TABLE) -> None:
    """Raise the error-tree class for a failed response; return quietly on success."""
    status = response.status_code
    if status < 400:
        return
    found = classify.lookup(status)
    error = found.error if found else ConnectorError
    message = found.message if found else "the vendor answered with an unexpected status"
    vendor = classify.vendor_error(response) if response.content else VendorError()
    if vendor.message:
        message = f"{message}: {redact_text(vendor.message)}"
    kwargs: dict[str, Any] = {
        "status": status,
        "vendor_code": redact_text(vendor.code) if vendor.code else None,
        "request_id": vendor.request_id or request_id_of(response),
        "url": redact_url(response.request.url),
    }
    if issubclass(error, RateLimited):
        raise error(
            message, retry_after=retry_after_seconds(response.headers.get("Retry-After")), **kwargs
        )
    raise error(message, **kwargs)


# ---------------------------------------------------------------------------------------------
# JSON in and out, with Decimal for every number that has a fraction.


def parse_json(response: httpx.Response) -> Any:
    """Decode a JSON body with exact decimals; raise MalformedResponse for anything else."""
    url = redact_url(response.request.url)
    try:
        text = response.content.decode("utf-8-sig")
        if not text.strip():
            reason = "the body is empty"
        else:
            return json.loads(text, parse_float=Decimal)
    except UnicodeDecodeError as exc:
        reason = f"the body is not UTF-8 text (byte {exc.start})"
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(exc.doc.rstrip())
        kind = "truncated JSON" if truncated else "not JSON"
        reason = f"{kind}: {exc.msg} at character {exc.pos}"
    content_type = response.headers.get("content-type", "no content type")
    size = len(response.content)
    raise MalformedResponse(
        f"cannot read the vendor's answer ({reason}; {content_type}, {size} bytes)",
        status=response.status_code,
        request_id=request_id_of(response),
        url=url,
    )


# A Decimal travels through the C encoder as a marked string, then loses its quotes: the
# standard encoder can only write a Decimal through float, and a Python walk is slow for the
# sandboxes' large answers.
_DECIMAL_MARK = "\x00dec:"
_MARKED_DECIMAL = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"')


class _DecimalEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            if not o.is_finite():
                raise ValueError(f"cannot write the non-finite number {o}")
            return _DECIMAL_MARK + format(o, "f")
        return super().default(o)


def encode_json(
    value: Any,
    *,
    indent: int | None = None,
    ensure_ascii: bool = False,
    separators: tuple[str, str] | None = None,
) -> str:
    """Encode data that holds Decimals (never floats) as JSON text, Decimals as exact numbers.

    For large data parsed with ``parse_float=Decimal`` (the sandboxes' state and answers); it
    does not look for floats, so request bodies go through the stricter :func:`dump_json`.
    Compact unless ``indent`` or ``separators`` say otherwise.
    """
    if separators is None:
        separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(
        value,
        cls=_DecimalEncoder,
        ensure_ascii=ensure_ascii,
        indent=indent,
        separators=separators,
        allow_nan=False,
    )
    return _MARKED_DECIMAL.sub(r"\1", text)


def dump_json(payload: Any) -> bytes:
    """Encode a request body, writing Decimals as JSON numbers; floats are refused."""
    return _encode(payload).encode("utf-8")


def _encode(value: Any) -> str:
    # A small encoder of our own: the standard one can only write Decimal through float.
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, float):
        raise TypeError("refusing to send a float; use decimal.Decimal for amounts")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send the non-finite number {value}")
        return format(value, "f")
    if isinstance(value, int | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(k), ensure_ascii=False)}:{_encode(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
