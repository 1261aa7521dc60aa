"""A vendor's failed answer as an error of the tree: status table, error body, Retry-After."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bridge.vocab.errors import (
    AuthError,
    ConnectorError,
    NotFound,
    RateLimited,
    RejectedRequest,
    Transient,
)
from bridge.vocab.redact import redact_text, redact_url

# Headers vendors use to name one request in their own logs, in the order we look for them.
REQUEST_ID_HEADERS = ("x-request-id", "x-correlation-id", "request-id", "x-amzn-requestid")


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
