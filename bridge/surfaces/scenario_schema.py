"""The scenario file's JSON Schema, and what a failed check means in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]  # no stubs are installed

from policies import text

_DATE_PATTERN: Final[str] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_AMOUNT_PATTERN: Final[str] = "^[0-9]+(\\.[0-9]{1,2})?$"
_COUNTRY_PATTERN: Final[str] = "^[A-Za-z]{2}$"
_CURRENCY_PATTERN: Final[str] = "^[A-Z]{3}$"
# What a failed pattern means, in words rather than a regular expression.
_PATTERN_WORDS: Final[dict[str, str]] = {
    _DATE_PATTERN: "a date written YYYY-MM-DD",
    _AMOUNT_PATTERN: 'an amount such as "100.00" (not negative, at most two decimals)',
    _COUNTRY_PATTERN: "a two-letter country code such as DK",
    _CURRENCY_PATTERN: "a three-letter currency code such as DKK",
}

_DATE: Final[dict[str, Any]] = {"type": "string", "pattern": _DATE_PATTERN}
_CURRENCY: Final[dict[str, Any]] = {
    "type": "string",
    "pattern": _CURRENCY_PATTERN,
    "description": "An ISO 4217 code (checked against babel's list of currencies).",
}
_ID: Final[dict[str, Any]] = {
    "anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}],
}
_AMOUNT: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "string", "pattern": _AMOUNT_PATTERN},
        {"type": "number", "minimum": 0},
    ],
}

# An invoice and its days from..to (a dispute's, a hold's); to null: still open.
_SPAN: Final[dict[str, Any]] = {
    "invoice": {"$ref": "#/$defs/id"},
    "from": {"$ref": "#/$defs/date"},
    "to": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
}

SCENARIO_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "dunning-bridge simulation scenario",
    "description": "Days start..end replayed through the policy engine; extra keys are allowed.",
    "type": "object",
    "required": ["country", "start", "end", "customers", "invoices"],
    "properties": {
        "country": {"type": "string", "pattern": _COUNTRY_PATTERN},
        "tenant": {"type": "string", "minLength": 1},
        "start": {"$ref": "#/$defs/date"},
        "end": {"$ref": "#/$defs/date"},
        "policy": {"type": "object"},
        "customers": {"type": "array", "items": {"$ref": "#/$defs/customer"}},
        "invoices": {"type": "array", "items": {"$ref": "#/$defs/invoice"}},
        "payments": {"type": "array", "items": {"$ref": "#/$defs/payment"}},
        "disputes": {"type": "array", "items": {"$ref": "#/$defs/dispute"}},
        "holds": {"type": "array", "items": {"$ref": "#/$defs/hold"}},
        "promises": {"type": "array", "items": {"$ref": "#/$defs/promise"}},
    },
    "$defs": {
        "date": _DATE,
        "id": _ID,
        "amount": _AMOUNT,
        "customer": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "id": {"$ref": "#/$defs/id"},
                "name": {"type": "string"},
                "type": {"enum": ["business", "consumer"]},
                "email": {"type": ["string", "null"]},
                "language": {"type": ["string", "null"]},
                "country": {"type": "string", "pattern": _COUNTRY_PATTERN},
                "reminder_fee_agreed": {"type": "boolean"},
                "electronic_notices_agreed": {"type": "boolean"},
                "paused_until": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
                "barred": {"type": "boolean"},
                "do_not_dun_reason": {"type": ["string", "null"]},
                # The debtor's identity for a hand-over's case file, and who gets tasks.
                "org_number": {"type": ["string", "null"]},
                "address": {"type": ["string", "null"]},
                "phone": {"type": ["string", "null"]},
                "salesperson": {"type": ["string", "null"]},
                "salesperson_email": {"type": ["string", "null"]},
            },
        },
        "invoice": {
            "type": "object",
            "required": ["id", "customer", "issue_date", "due_date", "amount"],
            "properties": {
                "id": {"$ref": "#/$defs/id"},
                "number": {"$ref": "#/$defs/id"},
                "customer": {"$ref": "#/$defs/id"},
                "issue_date": {"$ref": "#/$defs/date"},
                "due_date": {"$ref": "#/$defs/date"},
                "currency": _CURRENCY,
                "amount": {"$ref": "#/$defs/amount"},
                "paused_until": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
            },
        },
        "payment": {
            "type": "object",
            "description": (
                "Dated on or after its invoice's issue date. All payments on an invoice come to "
                "at most its amount plus the larger of the amount and 1000.00 (an overpayment "
                "within that is the customer's unapplied credit)."
            ),
            "required": ["invoice", "date", "amount"],
            "properties": {
                "invoice": {"$ref": "#/$defs/id"},
                "date": {"$ref": "#/$defs/date"},
                "amount": {"$ref": "#/$defs/amount"},
            },
        },
        "dispute": {
            "type": "object",
            "required": ["invoice", "from"],
            "properties": dict(_SPAN),
        },
        "hold": {
            "type": "object",
            "required": ["invoice", "from"],
            "properties": {**_SPAN, "reason": {"type": "string"}},
        },
        "promise": {
            "type": "object",
            "required": ["made_on", "instalments"],
            "oneOf": [{"required": ["invoice"]}, {"required": ["customer"]}],
            "properties": {
                "id": {"$ref": "#/$defs/id"},
                "invoice": {"$ref": "#/$defs/id"},
                "customer": {"$ref": "#/$defs/id"},
                "made_on": {"$ref": "#/$defs/date"},
                "currency": _CURRENCY,
                "instalments": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["due", "amount"],
                        "properties": {
                            "due": {"$ref": "#/$defs/date"},
                            "amount": {"$ref": "#/$defs/amount"},
                        },
                    },
                },
                "ended": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
                "note": {"type": "string"},
            },
        },
    },
}

VALIDATOR = jsonschema.Draft202012Validator(SCENARIO_SCHEMA)


def schema_error(data: Any) -> tuple[str, str] | None:
    """The most telling schema error of ``data`` as (JSON path, words), or None when it passes."""
    error = jsonschema.exceptions.best_match(VALIDATOR.iter_errors(data))
    if error is None:
        return None
    return _path(error.absolute_path) or "(root)", _message(error)


def _message(error: Any) -> str:
    """Say what a schema error means, showing the value as written in JSON (never a repr)."""
    said = shown(error.instance)
    words = _PATTERN_WORDS.get(error.schema.get("pattern")) if error.schema else None
    if error.validator in {"pattern", "type"} and words is not None:
        return f"{said} is not {words}"
    if error.validator == "minimum" and error.schema.get("minimum") == 0:
        return f"{said} is negative: amounts are never negative"
    if error.validator == "enum":
        return f"{said} is not one of {', '.join(shown(v) for v in error.validator_value)}"
    if error.validator == "anyOf" and error.schema == _AMOUNT:
        return f"{said} is not {_PATTERN_WORDS[_AMOUNT_PATTERN]}"
    if error.validator == "anyOf" and error.schema == _ID:
        return f"{said} is not an id (a string or an integer)"
    if error.validator in {"type", "minLength", "minItems", "oneOf", "anyOf"}:
        # jsonschema starts these messages with the instance's repr; show it as JSON instead.
        return str(error.message).replace(repr(error.instance), said, 1)
    return str(error.message)


def shown(value: Any) -> str:
    """Show a value as it is written in JSON ("12.50", 12.50, true, null), never a repr."""
    return text.written(value)


def _path(parts: Sequence[Any]) -> str:
    """Render a JSON path as ``invoices[0].amount``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
