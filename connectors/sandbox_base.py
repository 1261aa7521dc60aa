"""What every embedded vendor sandbox shares: its state file, demo seed, fault queue and dispatch.

Each emulator (``connectors/<system>/sandbox/server.py``) subclasses :class:`SandboxBase` and
supplies what is its own: how its state is written and read back, how the demo company is
seeded, how it answers a request, and what an injected server error looks like at that vendor.
The base keeps the rest in one place: the request log, the fault queue (``bridge.vocab.faults``)
and the lock every call takes, the state file written atomically, ``demo``/``load_or_demo``/
``save``, and the dispatch that wraps each answer in the injected fault. It satisfies the
``bridge.vocab.connector.Sandbox`` protocol together with the subclass.

:class:`Routes` is the one way the emulators match a request to an endpoint: a table of
(method, path pattern) -> handler, the path's variable segments handed to the handler by name.
What an unknown path or method answers is the vendor's, given to the table as a hook.
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar, Generic, Self, TypeVar
from urllib.parse import unquote

import httpx

from bridge.infra.sandbox_files import load_state, save_state
from bridge.vocab.faults import Fault, take

# A route's variable path segments by name, as its pattern names them.
Params = dict[str, str]
# The method a route answers whatever the request's method is (it words its own refusal).
ANY = "*"
Handler = TypeVar("Handler")
# "{name}" (one segment) or "{name:regex}" (one segment the regex matches whole).
_SEGMENT = re.compile(r"\{(\w+)(?::([^{}]+))?\}")

# What a broken proxy answers in the vendor's place (the "broken" fault): HTML, status 200.
BROKEN_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"


class Routes(Generic[Handler]):
    """A vendor's endpoints: (method, path pattern) -> handler, the first match answering.

    A path no route matches raises ``not_found(method, path)``. A path that some route matches,
    but for other methods only, raises ``not_allowed(method, path)`` where the vendor answers
    405, else ``not_found`` too. Query parameters are the handler's own: a route matches on the
    path alone, so a list endpoint takes new filters without a change here.
    """

    def __init__(
        self,
        not_found: Callable[[str, str], Exception],
        not_allowed: Callable[[str, str], Exception] | None = None,
    ) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._not_found = not_found
        self._not_allowed = not_allowed or not_found

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Answer ``method`` (or :data:`ANY`) on paths matching ``pattern`` with ``handler``."""
        regex, last = "", 0
        for found in _SEGMENT.finditer(pattern):
            regex += re.escape(pattern[last : found.start()])
            regex += f"(?P<{found[1]}>{found[2] or '[^/]+'})"
            last = found.end()
        regex += re.escape(pattern[last:])
        self._routes.append((method, re.compile(regex), handler))

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """:meth:`add` as a decorator."""

        def register(handler: Handler) -> Handler:
            self.add(method, pattern, handler)
            return handler

        return register

    def resolve(self, method: str, path: str) -> tuple[Handler, Params]:
        """The handler answering ``method`` on ``path``, with the path's named segments."""
        known = False
        for verb, regex, handler in self._routes:
            found = regex.fullmatch(path)
            if found is None:
                continue
            if verb in (method, ANY):
                return handler, found.groupdict()
            known = True
        raise (self._not_allowed if known else self._not_found)(method, path)


class SandboxBase(ABC):
    """The request log, fault queue, lock, state file and fault-wrapped dispatch of a sandbox."""

    # The Content-Type of the vendor's JSON, kept on a truncated answer; the broken page is
    # labelled with BROKEN_TYPE where the vendor's proxy says otherwise.
    JSON_TYPE: ClassVar[str] = "application/json; charset=utf-8"
    BROKEN_TYPE: ClassVar[str | None] = None

    def __init__(
        self,
        today: date,
        *,
        state: Any = None,
        rate_limit: tuple[int, float] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Start from ``state`` (as :meth:`save` wrote it) or empty; ``today`` is the vendor's date.

        ``rate_limit`` is (requests, seconds) above which the API answers 429; ``clock`` gives
        the wall time (token expiry, the rate limit's window, change stamps).
        """
        self.today = today
        self.requests: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        self._rate_limit = rate_limit
        self._window: deque[datetime] = deque()
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._lock = threading.RLock()
        self._start(state)

    # --- what each sandbox supplies ---------------------------------------------------------

    @abstractmethod
    def _start(self, state: Any) -> None:
        """Take up the saved ``state`` (None: start empty) and the sandbox's own counters."""

    @staticmethod
    @abstractmethod
    def _parse(data: bytes) -> Any:
        """The state from the bytes :meth:`save` wrote (what ``__init__`` takes as ``state``)."""

    @abstractmethod
    def _dump(self) -> bytes | str:
        """The state as :meth:`save` writes it (called under the lock)."""

    @abstractmethod
    def _serve(self, request: httpx.Request, path: str) -> httpx.Response:
        """Answer one request as the vendor does (called under the lock)."""

    @abstractmethod
    def _status_fault(self, fault: Fault) -> httpx.Response:
        """The vendor's answer to an injected server error or 429."""

    @abstractmethod
    def _set_grant(self, *, revoked: bool) -> None:
        """Record that the customer withdrew (or gave back) the app's access."""

    def _path(self, request: httpx.Request) -> str:
        """The path the request log, faults and routes see."""
        return request.url.path.rstrip("/") or "/"

    def _fault_for(self, request: httpx.Request, path: str) -> Fault | None:
        """Take the next queued fault that matches the request, if any."""
        return take(self.faults, request.method, path)

    # --- construction and persistence -------------------------------------------------------

    def _seed(self, today: date) -> None:
        """Fill an empty sandbox with the demo company, its dates relative to ``today``.

        The company lives beside the emulator, in ``<its package>.demo_company.populate``;
        it is imported here, when first needed, since it builds on the emulator's own hooks.
        """
        package = type(self).__module__.rpartition(".")[0]
        import_module(f"{package}.demo_company").populate(self, today)

    @classmethod
    def demo(cls, today: date, **kwargs: Any) -> Self:
        """A sandbox holding the demo company, its invoices dated relative to ``today``."""
        sandbox = cls(today, **kwargs)
        sandbox._seed(today)
        return sandbox

    @classmethod
    def load_or_demo(cls, path: Path | None, today: date) -> Self:
        """Load the state saved at ``path``, or seed the demo company when there is none."""
        if path is not None and path.exists():
            return load_state(path, lambda data: cls(today, state=cls._parse(data)))
        return cls.demo(today)

    def save(self, path: Path) -> None:
        """Write the state as JSON, atomically (a crash leaves the old file whole)."""
        with self._lock:
            data = self._dump()
        save_state(path, data)

    # --- the HTTP side ----------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering like the vendor's hosts."""
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (the MockTransport handler): log it, then fault or serve it."""
        with self._lock:
            path = self._path(request)
            query = unquote(request.url.query.decode("ascii"))
            self.requests.append((request.method, f"{path}?{query}" if query else path))
            fault = self._fault_for(request, path)
            if fault is not None and fault.kind == "drop":
                raise httpx.ConnectError("connection dropped (injected fault)", request=request)
            if fault is not None and fault.kind == "status":
                return self._status_fault(fault)
            response = self._serve(request, path)
            if fault is None:
                return response
            if fault.kind == "timeout_after_commit":
                raise httpx.ReadTimeout("read timed out (injected fault)", request=request)
            if fault.kind == "truncated":
                body = response.content
                return httpx.Response(
                    response.status_code,
                    headers={"Content-Type": self.JSON_TYPE},
                    content=body[: len(body) // 2],
                )
            broken = self.BROKEN_TYPE or self.JSON_TYPE
            return httpx.Response(200, headers={"Content-Type": broken}, content=BROKEN_PAGE)

    def _arrive(self, now: datetime | None = None) -> float | None:
        """Count a request arriving ``now`` (the clock's) in the rate limit's sliding window.

        None when it fits (it is counted); when the window is full, the seconds until a place
        frees up (the request is not counted). Each vendor words its own 429 from that.
        """
        if self._rate_limit is None:
            return None
        allowed, seconds = self._rate_limit
        now = now or self._clock()
        horizon = timedelta(seconds=seconds)
        while self._window and now - self._window[0] >= horizon:
            self._window.popleft()
        if len(self._window) >= allowed:
            return (self._window[0] + horizon - now).total_seconds()
        self._window.append(now)
        return None

    # --- test and demo hooks ----------------------------------------------------------------

    def revoke_grant(self) -> None:
        """The customer removed the app: calls and token requests fail from now on."""
        with self._lock:
            self._set_grant(revoked=True)

    def restore_grant(self) -> None:
        """The customer approved the app again."""
        with self._lock:
            self._set_grant(revoked=False)

    def inject(self, fault: Fault) -> None:
        """Queue a fault for upcoming matching requests."""
        with self._lock:
            self.faults.append(fault)
