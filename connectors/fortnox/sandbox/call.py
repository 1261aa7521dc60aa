"""One request as the Fortnox sandbox's endpoints see it, its answer, the route table they
register in, and the paged lists.

Any path or method the sandbox does not emulate is Fortnox's 404 (it answers no 405). A list
pages with ``page``/``limit`` and answers a ``MetaInformation`` block; ``lastmodified``
is parsed here for every list that takes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from connectors.fortnox.sandbox.errors import (
    CODE_BAD_PAGING,
    CODE_INVALID,
    CODE_NO_RESOURCE,
    ApiError,
)
from connectors.fortnox.sandbox.ledger import InvoiceIndex
from connectors.sandbox_base import Params, Routes

ZONE = ZoneInfo("Europe/Stockholm")
DEFAULT_LIMIT = 100
MAX_LIMIT = 500


@dataclass
class Call:
    """One request, as the routes see it."""

    method: str
    path: str  # without /3 and trailing slash, e.g. "/invoices/12/bookkeep"
    params: dict[str, str]
    body: Any
    state: dict[str, Any]
    today: date
    now: datetime
    index: InvoiceIndex | None = None


@dataclass
class Reply:
    """One answer: status and JSON body."""

    status: int
    body: Any


Handler = Callable[[Call, Params], Reply]
ROUTES: Routes[Handler] = Routes(
    lambda method, path: ApiError(404, "Resursen hittades inte.", CODE_NO_RESOURCE)
)
route = ROUTES.route


def _since(value: str) -> datetime:
    """Parse ``lastmodified`` ("2026-03-01 07:30", with or without seconds, or a date)."""
    text = value.strip()
    for layout in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=ZONE)
        except ValueError:
            continue
    raise ApiError(400, f"Ogiltigt datum i lastmodified: {value}", CODE_INVALID)


def modified_since(call: Call, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records changed at or after the call's ``lastmodified``; all when it names none."""
    if "lastmodified" not in call.params:
        return records
    since = _since(call.params["lastmodified"])
    return [r for r in records if datetime.fromisoformat(str(r.get("_modified"))) >= since]


def page(
    call: Call,
    key: str,
    records: list[dict[str, Any]],
    fields: Iterable[str],
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Reply:
    """One page of ``records``; ``shape`` is applied to the page's records only."""
    try:
        page = int(call.params.get("page", "1"))
        limit = int(call.params.get("limit", str(DEFAULT_LIMIT)))
    except ValueError:
        raise ApiError(400, "Ogiltig sidnumrering.", CODE_BAD_PAGING) from None
    if page < 1 or not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"Ogiltig sidnumrering: limit 1..{MAX_LIMIT}.", CODE_BAD_PAGING)
    total_pages = math.ceil(len(records) / limit)
    chosen = records[(page - 1) * limit : page * limit]
    if shape is not None:
        chosen = [shape(r) for r in chosen]
    wanted = tuple(fields)
    return Reply(
        200,
        {
            "MetaInformation": {
                "@TotalResources": len(records),
                "@TotalPages": total_pages,
                "@CurrentPage": page,
            },
            key: [{f: r.get(f) for f in wanted if f in r} for r in chosen],
        },
    )


def number_key(record: Mapping[str, Any], field: str) -> tuple[int, str]:
    text = str(record.get(field, ""))
    return (int(text), "") if text.isdigit() else (0, text)
