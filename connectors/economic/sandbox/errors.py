"""The error answers of the e-conomic sandbox, in e-conomic's own body format.

Every error body has the keys of the recorded 404 (``message``, ``developerHint``, ``logId``,
``httpStatusCode``, ``logTime``), plus ``errorCode`` where e-conomic sends one and, for
validation failures, ``errors`` (field -> ``{"errors": [...]}``, nested like the request body)
and ``errorCount``.

Error codes: ``E04300`` (validation) and ``E06000`` (no such entity) are the codes e-conomic is
seen to send; the others are the sandbox's own, in the same style. Clients must classify by
HTTP status, never by these codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CODE_UNAUTHORIZED = "E04010"  # missing, wrong or revoked tokens
CODE_VALIDATION = "E04300"  # the request body failed validation (seen in real answers)
CODE_BAD_QUERY = "E04310"  # filter, sort or paging parameters cannot be used
CODE_NOT_FOUND = "E06000"  # the entity does not exist (seen in real answers)
CODE_RATE_LIMITED = "E04290"  # too many requests in the window
CODE_SERVER_ERROR = "E00500"  # injected server-side failure

# Codes for one field inside a validation failure.
CODE_REQUIRED = "E04100"  # a required property is missing
CODE_INVALID = "E04110"  # the value has the wrong type or format
CODE_TOO_LONG = "E04120"  # text longer than the schema's maxLength
CODE_UNKNOWN_REFERENCE = "E07100"  # a referenced entity (product, customer, ...) does not exist
CODE_NOT_ALLOWED = "E07200"  # the referenced entity exists but cannot be used (barred, ...)

HINT_NOT_FOUND = (
    "The API tries to provide all the resource urls you need. If you have hard coded urls "
    "yourself, then try to look at the enclosing collection for hypermedia information on where "
    "the resource you are looking for could be."
)
HINT_VALIDATION = "Inspect validation errors and correct your request."


@dataclass(frozen=True, slots=True)
class Problem:
    """One field that failed validation; ``path`` is dotted, list items as ``lines[0]``."""

    path: str
    message: str
    code: str
    value: Any = None
    hint: str = ""


@dataclass
class ApiError(Exception):
    """An error answer; the sandbox adds ``logId`` and ``logTime`` when it writes the body."""

    status: int
    message: str
    hint: str
    code: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self, log_id: str, log_time: str) -> dict[str, Any]:
        """Return the body in e-conomic's key order."""
        out: dict[str, Any] = {"message": self.message}
        if self.code is not None:
            out["errorCode"] = self.code
        out["developerHint"] = self.hint
        out["logId"] = log_id
        out["httpStatusCode"] = self.status
        for key in ("errors", "allowedFilteringFields", "allowedSortingFields"):
            if key in self.extra:
                out[key] = self.extra[key]
        out["logTime"] = log_time
        if "errorCount" in self.extra:
            out["errorCount"] = self.extra["errorCount"]
        return out


def route_not_found() -> ApiError:
    """The answer for a path or method the API does not have (the recorded 404, exactly)."""
    return ApiError(404, "Resource not found.", HINT_NOT_FOUND)


def entity_not_found(kind: str, key: object) -> ApiError:
    """The answer for an entity that does not exist (any more)."""
    return ApiError(404, f"{kind} '{key}' not found.", HINT_NOT_FOUND, CODE_NOT_FOUND)


def unauthorized(reason: str) -> ApiError:
    """The answer for missing, wrong or revoked tokens."""
    return ApiError(
        401,
        reason,
        "Send a valid X-AppSecretToken and X-AgreementGrantToken header on every request.",
        CODE_UNAUTHORIZED,
    )


def bad_query(message: str, errors: Iterable[str], **extra: Any) -> ApiError:
    """The answer for a filter, sort or paging parameter the collection cannot use."""
    return ApiError(
        400,
        message,
        "Use the allowed operators and allowed filtering fields.",
        CODE_BAD_QUERY,
        extra={"errors": list(errors), **extra},
    )


def validation_failed(problems: Iterable[Problem]) -> ApiError:
    """The answer for a request body that fails validation, errors nested like the body."""
    found = list(problems)
    count = len(found)
    noun = "error" if count == 1 else "errors"
    return ApiError(
        400,
        f"Validation failed. {count} {noun} found.",
        HINT_VALIDATION,
        CODE_VALIDATION,
        extra={"errors": nest(found), "errorCount": count},
    )


def rate_limited(retry_after: int) -> ApiError:
    """The answer when the caller is over its request budget."""
    return ApiError(
        429,
        "Too many requests.",
        f"Slow down and retry after {retry_after} seconds.",
        CODE_RATE_LIMITED,
        headers={"Retry-After": str(retry_after)},
    )


def server_error(status: int, retry_after: int | None = None) -> ApiError:
    """An injected failure of e-conomic itself (5xx) or of its gateway (429)."""
    if status == 429:
        return rate_limited(retry_after or 1)
    error = ApiError(
        status,
        "An error occurred. Please try again later.",
        "This is a temporary failure on the server. Retry the request.",
        CODE_SERVER_ERROR,
    )
    if retry_after is not None:
        error.headers["Retry-After"] = str(retry_after)
    return error


def nest(problems: Iterable[Problem]) -> dict[str, Any]:
    """Arrange problems like e-conomic: by object path, list items under ``items`` with index."""
    tree: dict[str, Any] = {}
    for problem in problems:
        node = tree
        parts = problem.path.split(".")
        for part in parts[:-1]:
            node = _child(node, part)
        leaf = _child(node, parts[-1])
        leaf.setdefault("errors", []).append(_item(problem, parts[-1]))
    return tree


def _child(node: dict[str, Any], part: str) -> dict[str, Any]:
    name, _, index = part.partition("[")
    if not index:
        child: dict[str, Any] = node.setdefault(name, {})
        return child
    position = int(index.rstrip("]"))
    items: list[dict[str, Any]] = node.setdefault(name, {}).setdefault("items", [])
    for item in items:
        if item["arrayIndex"] == position:
            return item
    item = {"arrayIndex": position}
    items.append(item)
    return item


def _item(problem: Problem, name: str) -> Mapping[str, Any]:
    out: dict[str, Any] = {
        "propertyName": name.partition("[")[0],
        "errorMessage": problem.message,
        "errorCode": problem.code,
        "inputValue": problem.value,
    }
    if problem.hint:
        out["developerHint"] = problem.hint
    return out
