"""A small scripted stand-in for e-conomic's REST API, for client and session unit tests.

It serves collections with real pagination blocks, understands the filter forms the client
sends (``$eq $gt $gte $lte $in``, joined by ``$and:``/``$or:``, values ``$``-escaped), records
every request, and fails on demand. The full emulator is connectors/economic/sandbox/server.py; this
fake stays small so each test can see the whole vendor it talks to.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx

from bridge.infra.http_json import dump_json

HOST = "https://restapi.e-conomic.com"
APP = "app-secret-for-tests"
GRANT = "grant-token-for-tests"


def _get(item: Any, path: str) -> Any:
    for part in path.split("."):
        item = item.get(part) if isinstance(item, dict) else None
    return item


def split_filter(text: str, word: str) -> list[str]:
    """Split a filter on ``$word:`` (``and``/``or``), minding ``$``-escaped characters."""
    parts, current, i = [], "", 0
    token = f"${word}:"
    while i < len(text):
        if text[i] == "$" and i + 1 < len(text) and text[i + 1] in "$()*,[]":
            current += text[i : i + 2]
            i += 2
        elif text.startswith(token, i):
            parts.append(current)
            current, i = "", i + len(token)
        else:
            current += text[i]
            i += 1
    parts.append(current)
    return parts


def _unescape(value: str) -> str:
    return re.sub(r"\$([$()*,\[\]])", r"\1", value)


def _matches(item: Any, expression: str) -> bool:
    return any(
        all(_clause(item, c) for c in split_filter(alternative, "and"))
        for alternative in split_filter(expression, "or")
    )


def _clause(item: Any, text: str) -> bool:
    found = re.match(r"^([A-Za-z0-9_.]+)\$(eq|ne|gt|gte|lt|lte|in):(.*)$", text, re.S)
    if not found:
        raise ValueError(f"bad clause {text!r}")
    path, op, raw = found.groups()
    actual = _get(item, path)
    if op == "in":
        return str(actual) in raw.strip("[]").split(",")
    value = _unescape(raw)
    if isinstance(actual, int) and not isinstance(actual, bool):
        left: Any = actual
        right: Any = int(value)
    else:
        left, right = str(actual) if actual is not None else None, value
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if left is None:
        return False
    return {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op]


@dataclass
class FakeEconomic:
    """Collections and resources by path; scripted failures; a log of every request."""

    collections: dict[str, list[Any]] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    faults: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    on_post: dict[str, Callable[[Any, httpx.Request], Any]] = field(default_factory=dict)
    check_tokens: bool = True

    def transport(self) -> httpx.MockTransport:
        """Return the fake as an httpx transport."""
        return httpx.MockTransport(self.handle)

    def fail(self, path: str, status: int, times: int = 1, **headers: str) -> None:
        """Answer the next ``times`` requests to ``path`` with ``status``."""
        self.faults.extend([(path, status, headers)] * times)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request."""
        self.requests.append(request)
        path = request.url.path
        if self.check_tokens and (
            request.headers.get("X-AppSecretToken") != APP
            or request.headers.get("X-AgreementGrantToken") != GRANT
        ):
            return self._error(401, "Unauthorized")
        for index, (where, status, headers) in enumerate(self.faults):
            if where == path:
                del self.faults[index]
                return self._error(status, "Injected failure", headers)
        if request.method == "POST":
            handler = self.on_post.get(path)
            if handler is None:
                return self._error(404, "Resource not found.")
            body = json.loads(request.content, parse_float=Decimal)
            return httpx.Response(201, content=dump_json(handler(body, request)))
        if path in self.collections:
            return self._page(request, self.collections[path])
        if path in self.resources:
            return httpx.Response(200, content=dump_json(self.resources[path]))
        return self._error(404, "Resource not found.")

    def _page(self, request: httpx.Request, items: list[Any]) -> httpx.Response:
        params = request.url.params
        skip = int(params.get("skippages", "0"))
        size = int(params.get("pagesize", "20"))
        wanted = params.get("filter")
        chosen = [i for i in items if not wanted or _matches(i, wanted)]
        page = chosen[skip * size : (skip + 1) * size]
        pagination: dict[str, Any] = {
            "maxPageSizeAllowed": 1000,
            "skipPages": skip,
            "pageSize": size,
            "results": len(chosen),
            "resultsWithoutFilter": len(items),
            "firstPage": self._link(request, 0, size),
            "lastPage": self._link(request, max(0, (len(chosen) - 1) // size), size),
        }
        if (skip + 1) * size < len(chosen):
            pagination["nextPage"] = self._link(request, skip + 1, size)
        body = {"collection": copy.deepcopy(page), "pagination": pagination}
        return httpx.Response(200, content=dump_json(body))

    def _link(self, request: httpx.Request, skip: int, size: int) -> str:
        query = {k: v for k, v in request.url.params.items() if k not in ("skippages", "pagesize")}
        query.update({"skippages": str(skip), "pagesize": str(size)})
        return f"{HOST}{request.url.path}?{urlencode(query)}"

    def _error(
        self, status: int, message: str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        body = {"message": message, "logId": f"log-{len(self.requests)}", "httpStatusCode": status}
        return httpx.Response(status, json=body, headers=headers)

    def paths(self, method: str = "GET") -> list[str]:
        """The paths requested with ``method``, in order."""
        return [r.url.path for r in self.requests if r.method == method]
