"""Stored values <-> text: letters and decisions as JSON, amounts, dates and instants.

Amounts travel as Decimal strings so nothing is ever rounded or turned into a float on the way
to the database and back; dates are ISO ``YYYY-MM-DD``; instants are ISO with a UTC offset,
normalised to UTC so that text order is time order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from bridge.vocab.domain import (
    ActionKind,
    Decision,
    InterestCharge,
    InterestPeriod,
    Letter,
)
from bridge.vocab.errors import StoreError

# Bumped when the JSON shape of a letter changes, so old rows stay readable.
LETTER_FORMAT = 1


def amount_text(value: Decimal) -> str:
    """Encode an amount exactly (scale kept: 1.10 stays "1.10")."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"not a finite Decimal amount: {value!r}")
    return str(value)


def parse_amount(text: str) -> Decimal:
    """Decode an amount written by ``amount_text``."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError) as exc:
        raise StoreError(f"stored amount {text!r} is not a decimal") from exc
    if not value.is_finite():
        raise StoreError(f"stored amount {text!r} is not finite")
    return value


def date_text(value: date | None) -> str | None:
    """Encode a date as ISO text (None stays None)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        raise ValueError(f"expected a date, got a datetime: {value!r}")
    return value.isoformat()


def parse_date(text: str | None) -> date | None:
    """Decode an ISO date (None stays None)."""
    return None if text is None else date.fromisoformat(text)


def instant_text(value: datetime) -> str:
    """Encode a timezone-aware instant as ISO text in UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"instant must be timezone-aware: {value!r}")
    return value.astimezone(UTC).isoformat()


def parse_instant(text: str) -> datetime:
    """Decode an instant written by ``instant_text``."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise StoreError(f"stored instant {text!r} has no UTC offset")
    return value


def _plain(value: Any) -> Any:
    """Turn the values our JSON may carry (amounts, dates, enums) into JSON types."""
    if isinstance(value, Decimal):
        return amount_text(value)
    if isinstance(value, datetime):
        return instant_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    """Encode a JSON document; Decimals become strings, dates and instants ISO text."""
    # Compact and key-sorted: the same value always gives the same text.
    return json.dumps(
        value, default=_plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def loads(text: str) -> Any:
    """Decode a JSON document; numbers with a fraction come back as Decimal, never float."""
    return json.loads(text, parse_float=Decimal)


def _period_dict(period: InterestPeriod) -> dict[str, Any]:
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "rate": amount_text(period.rate),
        "days": period.days,
        "year_days": period.year_days,
        "principal": amount_text(period.principal),
        "amount": amount_text(period.amount),
    }


def _interest_dict(charge: InterestCharge) -> dict[str, Any]:
    return {
        "start": charge.start.isoformat(),
        "end": charge.end.isoformat(),
        "amount": amount_text(charge.amount),
        "day_count": charge.day_count,
        "periods": [_period_dict(p) for p in charge.periods],
    }


def decision_dict(decision: Decision) -> dict[str, Any]:
    """Encode a decision as a JSON-ready dict with every amount exact."""
    return {
        "tenant": decision.tenant,
        "invoice_id": decision.invoice_id,
        "invoice_number": decision.invoice_number,
        "customer_id": decision.customer_id,
        "date": decision.date.isoformat(),
        "action": decision.action.value,
        "step": decision.step,
        "currency": decision.currency,
        "outstanding": amount_text(decision.outstanding),
        "fee": amount_text(decision.fee),
        "interest": _interest_dict(decision.interest) if decision.interest else None,
        "compensation": amount_text(decision.compensation),
        "deadline": date_text(decision.deadline),
        "channel": decision.channel,
        "legal_basis": list(decision.legal_basis),
        "explanation": decision.explanation,
        "letter": decision.letter,
        "name": decision.name,
        "tone": decision.tone,
    }


def _period(raw: Mapping[str, Any]) -> InterestPeriod:
    return InterestPeriod(
        start=date.fromisoformat(raw["start"]),
        end=date.fromisoformat(raw["end"]),
        rate=parse_amount(raw["rate"]),
        days=int(raw["days"]),
        year_days=int(raw["year_days"]),
        principal=parse_amount(raw["principal"]),
        amount=parse_amount(raw["amount"]),
    )


def _interest(raw: Mapping[str, Any] | None) -> InterestCharge | None:
    if raw is None:
        return None
    return InterestCharge(
        start=date.fromisoformat(raw["start"]),
        end=date.fromisoformat(raw["end"]),
        amount=parse_amount(raw["amount"]),
        periods=tuple(_period(p) for p in raw["periods"]),
        day_count=str(raw["day_count"]),
    )


def decision_from_dict(raw: Mapping[str, Any]) -> Decision:
    """Decode a decision written by ``decision_dict``."""
    try:
        return Decision(
            tenant=str(raw["tenant"]),
            invoice_id=str(raw["invoice_id"]),
            invoice_number=str(raw["invoice_number"]),
            customer_id=str(raw["customer_id"]),
            date=date.fromisoformat(raw["date"]),
            action=ActionKind(raw["action"]),
            step=int(raw["step"]),
            currency=str(raw["currency"]),
            outstanding=parse_amount(raw["outstanding"]),
            fee=parse_amount(raw["fee"]),
            interest=_interest(raw["interest"]),
            compensation=parse_amount(raw["compensation"]),
            deadline=parse_date(raw["deadline"]),
            channel=str(raw["channel"]),
            legal_basis=tuple(str(b) for b in raw["legal_basis"]),
            explanation=str(raw["explanation"]),
            letter=str(raw["letter"]),
            # Decisions stored before the step's name and tone were kept have neither.
            name=str(raw.get("name", "")),
            tone=str(raw.get("tone", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"stored decision cannot be decoded: {exc!r}") from exc


def letter_dict(letter: Letter) -> dict[str, Any]:
    """Encode a letter (with its decisions) as a JSON-ready dict."""
    return {
        "format": LETTER_FORMAT,
        "key": letter.key,
        "tenant": letter.tenant,
        "customer_id": letter.customer_id,
        "action": letter.action.value,
        "step": letter.step,
        "date": letter.date.isoformat(),
        "currency": letter.currency,
        "decisions": [decision_dict(d) for d in letter.decisions],
        "customer_name": letter.customer_name,
    }


def letter_from_dict(raw: Mapping[str, Any]) -> Letter:
    """Decode a letter written by ``letter_dict``."""
    if raw.get("format") != LETTER_FORMAT:
        raise StoreError(f"stored letter has unknown format {raw.get('format')!r}")
    try:
        return Letter(
            tenant=str(raw["tenant"]),
            customer_id=str(raw["customer_id"]),
            action=ActionKind(raw["action"]),
            step=int(raw["step"]),
            date=date.fromisoformat(raw["date"]),
            currency=str(raw["currency"]),
            decisions=tuple(decision_from_dict(d) for d in raw["decisions"]),
            key=str(raw["key"]),
            # Letters stored before the customer's name was kept have none.
            customer_name=str(raw.get("customer_name") or ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"stored letter cannot be decoded: {exc!r}") from exc


def encode_letter(letter: Letter) -> str:
    """Encode a letter as JSON text."""
    return dumps(letter_dict(letter))


def decode_letter(text: str) -> Letter:
    """Decode a letter from JSON text written by ``encode_letter``."""
    try:
        raw = loads(text)
    except ValueError as exc:
        raise StoreError(f"stored letter is not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise StoreError("stored letter is not a JSON object")
    return letter_from_dict(raw)
