"""JSON as the e-conomic sandbox speaks it: Decimal amounts written as JSON numbers, exactly.

e-conomic answers amounts as JSON numbers (``"grossAmount": 10750.00``); the standard encoder
can only write a Decimal through float, which would lose the exact text, so the sandbox writes
them through :func:`bridge.infra.http.encode_json`. Reading back keeps every fraction as a Decimal.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from bridge.infra.http import encode_json


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Encode ``value`` as JSON text; Decimals become numbers."""
    return encode_json(value, indent=indent)


def loads(text: str | bytes) -> Any:
    """Decode JSON text, reading every number with a fraction as a Decimal."""
    return json.loads(text, parse_float=Decimal)
