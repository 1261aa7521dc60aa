"""One deadline for a whole request, a cap on its answer and the stop event, down to the sockets."""

from __future__ import annotations

import ssl
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx
import structlog

from bridge.infra import interrupt
from bridge.vocab.errors import MalformedResponse, Transient
from bridge.vocab.redact import redact_url

# Unless a connector says otherwise: seconds for one whole request, connect and the whole
# answer; and the largest answer read (after decompression).
DEFAULT_DEADLINE = 120.0
DEFAULT_MAX_BYTES = 32 * 1024 * 1024

log = structlog.get_logger("bridge.infra.http_bounds")

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


def bind_bounds(client: httpx.Client, bounds: Bounds) -> None:
    """Give ``client`` its limits (build_client does, from its ``deadline`` and ``max_bytes``)."""
    _BOUNDS[client] = bounds


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
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise MalformedResponse(
                    f"the answer is {declared} bytes, more than the {limits.max_bytes} we read",
                    status=response.status_code,
                    url=redact_url(request.url),
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise MalformedResponse(
                        f"the answer is larger than the {limits.max_bytes} bytes we read",
                        status=response.status_code,
                        url=redact_url(request.url),
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
