"""JSON as the e-conomic sandbox speaks it: Decimal amounts written as JSON numbers, exactly.

e-conomic answers amounts as JSON numbers (``"grossAmount": 10750.00``); the standard encoder
can only write a Decimal through float, which would lose the exact text, so the sandbox writes
its own. Reading back keeps every fraction as a Decimal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Encode ``value`` as JSON text; Decimals become numbers, floats are refused."""
    return _encode(value, indent, 0)


def loads(text: str | bytes) -> Any:
    """Decode JSON text, reading every number with a fraction as a Decimal."""
    return json.loads(text, parse_float=Decimal)


def _encode(value: Any, indent: int | None, depth: int) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, float):
        # A float here means an amount slipped past Decimal somewhere: fail loudly.
        raise TypeError("refusing to write a float; amounts are decimal.Decimal")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write the non-finite number {value}")
        return format(value, "f")
    if isinstance(value, int | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        parts = [
            f"{json.dumps(str(k), ensure_ascii=False)}:{_space(indent)}"
            f"{_encode(v, indent, depth + 1)}"
            for k, v in value.items()
        ]
        return _wrap("{", parts, "}", indent, depth)
    if isinstance(value, list | tuple):
        return _wrap("[", [_encode(v, indent, depth + 1) for v in value], "]", indent, depth)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _space(indent: int | None) -> str:
    return "" if indent is None else " "


def _wrap(open_: str, parts: list[str], close: str, indent: int | None, depth: int) -> str:
    if not parts:
        return open_ + close
    if indent is None:
        return open_ + ",".join(parts) + close
    inner = "\n" + " " * (indent * (depth + 1))
    outer = "\n" + " " * (indent * depth)
    return open_ + inner + ("," + inner).join(parts) + outer + close
