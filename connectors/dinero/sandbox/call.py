"""One request as the Dinero sandbox's endpoints see it, the route table they register in,
and the paged list they answer with.

A known path asked with another method answers 405, an unknown one 404, in Dinero's error
body. Paged lists carry the real ``Pagination`` block and Dinero's default field set when
``fields`` is left out; ``changesSince`` is parsed here for every list that takes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from connectors.dinero.sandbox.state import SandboxError, SandboxState, bad_request
from connectors.sandbox_base import Params, Routes

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100


@dataclass
class Call:
    """One request as the endpoints see it (the organization already checked)."""

    method: str
    path: str
    params: dict[str, str]
    body: Any
    state: SandboxState
    today: date
    now: datetime
    # Invoice lists already filtered and sorted, by their query: the pages of one listing are
    # served from one pass over the company (kept by the sandbox, see invoices._listing).
    listings: dict[tuple[Any, ...], list[str]] | None = None


Handler = Callable[[Call, Params], Any]
ROUTES: Routes[Handler] = Routes(
    lambda method, path: SandboxError(
        404, 404, "No HTTP resource was found that matches the request URI."
    ),
    lambda method, path: SandboxError(
        405, 405, "The requested resource does not support this method."
    ),
)
route = ROUTES.route


def page(
    call: Call,
    items: Sequence[Any],
    default_fields: str,
    build: Callable[[Any], dict[str, Any]] | None = None,
    *,
    allowed: frozenset[str],
) -> dict[str, Any]:
    """One page of ``items``; ``build`` makes each item of the page only (not of every page).

    A ``fields`` name the list does not document is refused before anything is read.
    """
    try:
        page = int(call.params.get("page", "0"))
        size = int(call.params.get("pageSize", str(DEFAULT_PAGE_SIZE)))
    except ValueError:
        raise bad_request("page and pageSize must be whole numbers.") from None
    if page < 0 or size < 1:
        raise bad_request("page must be 0 or more and pageSize 1 or more.")
    size = min(size, MAX_PAGE_SIZE)
    chunk = list(items[page * size : (page + 1) * size])
    if build is not None:
        chunk = [build(item) for item in chunk]
    wanted = [f.strip() for f in call.params.get("fields", default_fields).split(",") if f.strip()]
    unknown = [name for name in wanted if name.lower() not in allowed]
    if unknown:
        raise bad_request(f"Unknown field(s) in fields: {', '.join(unknown)}.")
    return {
        "Collection": [pick(item, wanted) for item in chunk],
        "Pagination": {
            "MaxPageSizeAllowed": MAX_PAGE_SIZE,
            "PageSize": size,
            "Result": len(chunk),
            "ResultWithoutFilter": len(items),
            "Page": page,
        },
    }


def pick(item: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    """Dinero's ``fields``: case-insensitive, returned the way they were asked for."""
    lower = {k.lower(): k for k in item}
    return {name: item[lower[name.lower()]] for name in wanted if name.lower() in lower}


def changes_since(call: Call) -> datetime | None:
    value = call.params.get("changesSince")
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value):
        raise bad_request("changesSince must be UTC in the format 'YYYY-MM-DDTHH:mm:ssZ'.")
    # Stamps in the state are naive UTC, as Dinero writes them.
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=None)  # noqa: DTZ007


def changed(item: dict[str, Any], since: datetime | None) -> bool:
    if since is None:
        return True
    return datetime.fromisoformat(str(item.get("UpdatedAt"))) >= since
