"""JSON bodies in and out with exact Decimals: vendors' answers, request bodies, sandbox state."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from bridge.infra.http_status import request_id_of
from bridge.vocab.errors import MalformedResponse
from bridge.vocab.redact import redact_url


def parse_json(response: httpx.Response) -> Any:
    """Decode a JSON body with exact decimals; raise MalformedResponse for anything else."""
    try:
        text = response.content.decode("utf-8-sig")
        if not text.strip():
            reason = "the body is empty"
        else:
            return json.loads(text, parse_float=Decimal)
    except UnicodeDecodeError as exc:
        reason = f"the body is not UTF-8 text (byte {exc.start})"
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(exc.doc.rstrip())
        kind = "truncated JSON" if truncated else "not JSON"
        reason = f"{kind}: {exc.msg} at character {exc.pos}"
    content_type = response.headers.get("content-type", "no content type")
    size = len(response.content)
    raise MalformedResponse(
        f"cannot read the vendor's answer ({reason}; {content_type}, {size} bytes)",
        status=response.status_code,
        request_id=request_id_of(response),
        url=redact_url(response.request.url),
    )


# A Decimal travels through the C encoder as a marked string, then loses its quotes: the
# standard encoder can only write a Decimal through float, and a Python walk is slow for the
# sandboxes' large answers.
_DECIMAL_MARK = "\x00dec:"
_MARKED_DECIMAL = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"')


class _DecimalEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            if not o.is_finite():
                raise ValueError(f"cannot write the non-finite number {o}")
            return _DECIMAL_MARK + format(o, "f")
        return super().default(o)


def encode_json(
    value: Any,
    *,
    indent: int | None = None,
    ensure_ascii: bool = False,
    separators: tuple[str, str] | None = None,
) -> str:
    """Encode data that holds Decimals (never floats) as JSON text, Decimals as exact numbers.

    For large data parsed with ``parse_float=Decimal`` (the sandboxes' state and answers); it
    does not look for floats, so request bodies go through the stricter :func:`dump_json`.
    Compact unless ``indent`` or ``separators`` say otherwise.
    """
    if separators is None:
        separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(
        value,
        cls=_DecimalEncoder,
        ensure_ascii=ensure_ascii,
        indent=indent,
        separators=separators,
        allow_nan=False,
    )
    return _MARKED_DECIMAL.sub(r"\1", text)


def dump_json(payload: Any) -> bytes:
    """Encode a request body, writing Decimals as JSON numbers; floats are refused."""
    return _encode(payload).encode("utf-8")


def _encode(value: Any) -> str:
    # A small encoder of our own: the standard one can only write Decimal through float.
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, float):
        raise TypeError("refusing to send a float; use decimal.Decimal for amounts")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send the non-finite number {value}")
        return format(value, "f")
    if isinstance(value, int | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(k), ensure_ascii=False)}:{_encode(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
