"""Real e-conomic responses recorded from the demo agreement, read with exact decimals.

The files stay in ../shared (tests/contract/economic_schemas.py finds them); every test that
reads them calls ``require_specs()`` first and is skipped with a visible reason without them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from tests.contract.economic_schemas import FIXTURES, require_specs


def load(name: str) -> Any:
    """Read one recorded response with every fraction as a Decimal (as the connector does)."""
    require_specs()
    return json.loads((FIXTURES / name).read_text(encoding="utf-8-sig"), parse_float=Decimal)


def names() -> list[str]:
    """List the recorded responses (empty when the specs are absent)."""
    return sorted(p.name for p in FIXTURES.glob("*.json")) if FIXTURES.is_dir() else []


def items(document: Any) -> list[Any]:
    """Return the items of a collection page, or the document itself."""
    if isinstance(document, dict) and isinstance(document.get("collection"), list):
        return list(document["collection"])
    return [document]


def kind(item: Any) -> str | None:
    """Tell what a recorded item is: booked, draft, customer, or None for anything else."""
    if not isinstance(item, dict):
        return None
    if "bookedInvoiceNumber" in item:
        return "booked"
    if "draftInvoiceNumber" in item:
        return "draft"
    if "customerNumber" in item and "customerContactNumber" not in item and "name" in item:
        return "customer"
    return None


def recorded(wanted: str) -> Iterator[tuple[str, Any]]:
    """Yield (file name, item) for every recorded item of kind ``wanted``."""
    for name in names():
        for item in items(load(name)):
            if kind(item) == wanted:
                yield name, item
