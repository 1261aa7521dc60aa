"""Which keys of a vendor's JSON a mapping function reads, found by watching it read them.

A contract test that lists "the fields the mapping reads" by hand checks the list, not the
mapping: a new read the list forgot passes. Here the recorded (or schema-shaped) payload is
wrapped in :class:`Reads`, a dict that notes every key looked up through ``get``, ``[]`` or
``in``, also in nested objects and lists, as a dotted path (``customer.customerNumber``); the
mapping parses it as it would the vendor's answer, and the test compares the paths it read with
the vendor's schema. A key looked up but absent is noted as well: asking for a key the vendor
never documented is the mistake this is meant to catch.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class Reads(dict[str, Any]):
    """A JSON object that records each key looked up in it (and in what it holds)."""

    def __init__(self, data: dict[str, Any], *, seen: set[str], prefix: str = "") -> None:
        super().__init__({k: wrap(v, seen, f"{prefix}{k}.") for k, v in data.items()})
        self._seen = seen
        self._prefix = prefix

    def _note(self, key: object) -> None:
        self._seen.add(f"{self._prefix}{key}")

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)


def wrap(value: Any, seen: set[str], prefix: str = "") -> Any:
    """Wrap every object in ``value`` so reads of its keys land in ``seen``."""
    if isinstance(value, dict):
        return Reads(value, seen=seen, prefix=prefix)
    if isinstance(value, list):
        # Items of a list share the list's path: "lines.product" is any line's product.
        return [wrap(item, seen, prefix) for item in value]
    return value


def documented(schema: dict[str, Any], path: str) -> bool:
    """Tell whether the dotted ``path`` names a property the (draft-03) ``schema`` defines."""
    node: dict[str, Any] | None = schema
    for part in path.split("."):
        if node is None:
            return False
        while node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]  # a list's items share its path, as in wrap()
        node = node.get("properties", {}).get(part)
    return node is not None


def example(schema: dict[str, Any]) -> Any:
    """A value with every property the schema defines, each of a plausible type.

    For the mappings no recording covers: what they read of it is what they would read of the
    vendor's answer, and a value of the documented type lets them read on to the end.
    """
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        return {name: example(sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        items = schema.get("items")
        return [example(items)] if isinstance(items, dict) else []
    if kind == "integer":
        return 1
    if kind == "number":
        return Decimal("-1.00")  # as parse_float=Decimal reads it; negative, as payments are
    if kind == "boolean":
        return False
    if schema.get("format") in {"full-date", "date"} or "d{4}-" in str(schema.get("pattern", "")):
        return "2026-03-02"
    return "1"
