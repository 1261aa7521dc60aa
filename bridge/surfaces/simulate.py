"""Replay a scenario day by day through the policy engine: the simulation contract.

``load_scenario`` reads and checks a scenario file; ``simulate`` replays ``start``..``end``,
accepting every decision as issued on the day it is proposed, and returns one event per decision.
docs/scenario.md describes the format; docs/scenario.schema.json is ``SCENARIO_SCHEMA`` below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]  # no stubs are installed
from babel import Locale
from babel.numbers import is_currency

from bridge.vocab.domain import (
    ZERO,
    Customer,
    CustomerKind,
    Decision,
    Dispute,
    Hold,
    Instalment,
    Invoice,
    Payment,
    Promise,
    Snapshot,
    StepRecord,
    StepStatus,
)
from policies import text
from policies.engine import RateWait, decide
from policies.ladder import PolicyError, TenantPolicy
from policies.law import LawPack, RateUnavailable, UnknownCountry, for_country

__all__ = ["SCENARIO_SCHEMA", "ScenarioError", "load_scenario", "simulate"]

# Long enough for any dunning story, short enough that a typo in a year cannot run for minutes.
MAX_DAYS: Final[int] = 366 * 20
# A scenario nests at most 6 levels (a promise's instalment, a policy step); far deeper input is
# refused before it is read, so no reader recurses until Python gives up.
MAX_DEPTH: Final[int] = 50
# Payments on one invoice may exceed its amount by the amount again (paid twice) or by this much
# (a small invoice paid with the fees on top), whichever is more; beyond that it is a typing error.
OVERPAYMENT_FLOOR: Final[Decimal] = Decimal("1000.00")

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

_VALIDATOR = jsonschema.Draft202012Validator(SCENARIO_SCHEMA)


class ScenarioError(ValueError):
    """A scenario cannot be read or makes no sense; ``field`` names the place (JSON path)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


@dataclass(frozen=True, slots=True)
class _Scenario:
    """A checked scenario in domain types."""

    tenant: str
    law: LawPack
    policy: TenantPolicy
    start: date
    end: date
    customers: dict[str, Customer]
    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...]
    disputes: tuple[Dispute, ...]
    holds: tuple[Hold, ...] = ()
    promises: tuple[Promise, ...] = ()


def load_scenario(path: Path | str) -> dict[str, Any]:
    """Read a scenario file and check it against the schema and the rules; return it as parsed."""
    where = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(where, f"cannot read the file ({exc.strerror})") from exc
    if _nesting(raw) > MAX_DEPTH:
        raise ScenarioError(where, _TOO_DEEP)
    try:
        # Decimal keeps 10000.10 exact: money never passes through float.
        data = json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            where, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except RecursionError:  # not reached after the check above; kept as a last guard
        raise ScenarioError(where, _TOO_DEEP) from None
    if not isinstance(data, dict):
        raise ScenarioError(where, "a scenario is a JSON object")
    _parse(data)
    return data


def simulate(
    scenario: Mapping[str, Any], progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Replay the scenario and return ``{"events": [...]}``, one event per decision.

    ``progress`` is told each day as it is done (a terminal shows a bar for long scenarios).
    """
    model = _parse(scenario)
    history: list[StepRecord] = []
    events: list[dict[str, Any]] = []
    day = model.start
    while day <= model.end:
        decisions = _decide(model, day, _snapshot(model, day), history)
        for decision in decisions:
            history.append(_record(decision))
            events.append(_event(decision))
        if progress is not None:
            progress(day.isoformat())
        day += timedelta(days=1)
    return {"events": events}


def _decide(
    model: _Scenario, day: date, snapshot: Snapshot, history: Sequence[StepRecord]
) -> list[Decision]:
    """Decide one day; a day the law pack's rate tables do not cover is named, not a traceback."""
    waits: list[RateWait] = []
    try:
        decisions = decide(day, snapshot, history, model.law, model.policy, waits=waits)
    except RateUnavailable as exc:  # raised outside a step (a promise, a forecast)
        raise _no_rate(model, day, str(exc)) from exc
    if waits:
        # A scenario states what happens each day: a step that would wait for a rate the
        # tables lack makes the answer unknowable, so say which country and day.
        raise _no_rate(model, day, waits[0].reason)
    return decisions


def _no_rate(model: _Scenario, day: date, message: str) -> ScenarioError:
    """The error for a day the law pack's rate tables do not price."""
    country = model.law.country
    name = Locale("en").territories.get(country, country)
    reason = message.removeprefix(f"{country}: ")
    return ScenarioError(
        "country", f"cannot decide {day.isoformat()} under {name}'s law ({country}): {reason}"
    )


def _snapshot(model: _Scenario, day: date) -> Snapshot:
    """Show the accounting system as it stands at the end of ``day``."""
    payments = tuple(p for p in model.payments if p.date <= day)
    open_: list[Invoice] = []
    settled: list[Invoice] = []
    for invoice in model.invoices:
        if invoice.issue_date > day:
            continue
        own = [p for p in payments if p.invoice_id == invoice.id]
        outstanding = invoice.amount - sum((p.amount for p in own), ZERO)
        if outstanding < ZERO:
            # Overpaid: the accounting system still lists it, with a negative remainder that is
            # the customer's unapplied credit (policies.engine.unapplied_credit).
            paid = max(p.date for p in own)
            open_.append(_with(invoice, outstanding=outstanding, paid_date=paid))
        elif outstanding == ZERO:
            paid = max(p.date for p in own)
            settled.append(_with(invoice, outstanding=outstanding, paid_date=paid))
        else:
            open_.append(_with(invoice, outstanding=outstanding, paid_date=None))
    return Snapshot(
        tenant=model.tenant,
        fetched_at=datetime.combine(day, time(12, 0), tzinfo=UTC),
        customers=model.customers,
        invoices=tuple(open_),
        payments=payments,
        disputes=model.disputes,
        settled=tuple(settled),
        holds=model.holds,
        # A promise is known from the day it was made.
        promises=tuple(p for p in model.promises if p.made_on <= day),
    )


def _with(invoice: Invoice, *, outstanding: Decimal, paid_date: date | None) -> Invoice:
    """Copy an invoice with the day's outstanding amount."""
    return Invoice(
        id=invoice.id,
        number=invoice.number,
        customer_id=invoice.customer_id,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        amount=invoice.amount,
        outstanding=outstanding,
        paused_until=invoice.paused_until,
        paid_date=paid_date,
    )


def _record(decision: Decision) -> StepRecord:
    """Accept a decision as issued the day it was proposed."""
    return StepRecord(
        invoice_id=decision.invoice_id,
        action=decision.action,
        step=decision.step,
        date=decision.date,
        status=StepStatus.ISSUED,
        fee=decision.fee,
        interest=decision.interest_amount,
        interest_to=decision.interest.end if decision.interest else None,
        compensation=decision.compensation,
        deadline=decision.deadline,
        document=decision.letter or decision.key,
    )


def _event(decision: Decision) -> dict[str, Any]:
    """Render a decision with exactly the keys of the contract."""
    charge = decision.interest
    return {
        "date": decision.date.isoformat(),
        "invoice": decision.invoice_id,
        "customer": decision.customer_id,
        "action": decision.action.value,
        "step": decision.step,
        "fee": _amount(decision.fee),
        "interest": _amount(decision.interest_amount),
        "interest_from": charge.start.isoformat() if charge else None,
        "interest_to": charge.end.isoformat() if charge else None,
        "interest_rate": _rate(charge.rate) if charge else None,
        "compensation": _amount(decision.compensation),
        "currency": decision.currency,
        "deadline": decision.deadline.isoformat() if decision.deadline else None,
        "legal_basis": list(decision.legal_basis),
        "explanation": decision.explanation,
    }


def _amount(value: Decimal) -> str:
    """Two decimals, as a string."""
    return f"{value:.2f}"


def _rate(value: Decimal) -> str:
    """A rate with at least two decimals (more only when the table has them)."""
    return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)


def _parse(data: Mapping[str, Any]) -> _Scenario:
    """Check a scenario against the schema, then against the rules a schema cannot express."""
    if not isinstance(data, Mapping):
        raise ScenarioError("", "a scenario is a JSON object")
    _check_depth(data)
    error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(data))
    if error is not None:
        raise ScenarioError(_path(error.absolute_path) or "(root)", _message(error))
    try:
        law = for_country(data["country"])
    except UnknownCountry as exc:
        raise ScenarioError("country", str(exc)) from exc
    start = _date("start", data["start"])
    end = _date("end", data["end"])
    if end < start:
        raise ScenarioError("end", f"{end.isoformat()} is before start {start.isoformat()}")
    if (end - start).days > MAX_DAYS:
        raise ScenarioError("end", f"the scenario spans more than {MAX_DAYS} days")
    try:
        policy = TenantPolicy.from_mapping(data.get("policy") or {}, law.country, strict=False)
    except PolicyError as exc:
        raise ScenarioError(f"policy.{exc.key}", str(exc).split(": ", 1)[-1]) from exc
    customers = _customers(data["customers"], law)
    invoices = _invoices(data["invoices"], customers, law)
    known = {i.id: i for i in invoices}
    return _Scenario(
        tenant=str(data.get("tenant", "scenario")),
        law=law,
        policy=policy,
        start=start,
        end=end,
        customers=customers,
        invoices=invoices,
        payments=_payments(data.get("payments") or [], known),
        disputes=_disputes(data.get("disputes") or [], known),
        holds=_holds(data.get("holds") or [], known),
        promises=_promises(data.get("promises") or [], known, customers, law),
    )


def _customers(items: Sequence[Mapping[str, Any]], law: LawPack) -> dict[str, Customer]:
    """Read the customers, each id once."""
    customers: dict[str, Customer] = {}
    for index, item in enumerate(items):
        where = f"customers[{index}]"
        cid = str(item["id"])
        if cid in customers:
            raise ScenarioError(f"{where}.id", f"duplicate customer id {_shown(cid)}")
        paused = item.get("paused_until")
        customers[cid] = Customer(
            id=cid,
            name=str(item.get("name", cid)),
            kind=CustomerKind(item["type"]),
            country=str(item.get("country", law.country)).upper(),
            email=item.get("email"),
            language=item.get("language"),
            reminder_fee_agreed=bool(item.get("reminder_fee_agreed", False)),
            electronic_notices_agreed=bool(item.get("electronic_notices_agreed", False)),
            paused_until=_date(f"{where}.paused_until", paused) if paused else None,
            barred=bool(item.get("barred", False)),
            do_not_dun_reason=item.get("do_not_dun_reason"),
            org_number=item.get("org_number"),
            address=item.get("address"),
            phone=item.get("phone"),
            salesperson=item.get("salesperson"),
            salesperson_email=item.get("salesperson_email"),
        )
    return customers


def _invoices(
    items: Sequence[Mapping[str, Any]], customers: Mapping[str, Customer], law: LawPack
) -> tuple[Invoice, ...]:
    """Read the invoices: known customer, due on or after issue, a positive amount."""
    invoices: dict[str, Invoice] = {}
    for index, item in enumerate(items):
        where = f"invoices[{index}]"
        iid = str(item["id"])
        if iid in invoices:
            raise ScenarioError(f"{where}.id", f"duplicate invoice id {_shown(iid)}")
        customer = str(item["customer"])
        if customer not in customers:
            raise ScenarioError(f"{where}.customer", f"unknown customer {_shown(customer)}")
        issued = _date(f"{where}.issue_date", item["issue_date"])
        due = _date(f"{where}.due_date", item["due_date"])
        if due < issued:
            raise ScenarioError(f"{where}.due_date", "is before the issue date")
        amount = _money(f"{where}.amount", item["amount"], positive=True)
        paused = item.get("paused_until")
        invoices[iid] = Invoice(
            id=iid,
            number=str(item.get("number", iid)),
            customer_id=customer,
            issue_date=issued,
            due_date=due,
            currency=_currency(f"{where}.currency", item.get("currency", law.currency)),
            amount=amount,
            outstanding=amount,
            paused_until=_date(f"{where}.paused_until", paused) if paused else None,
        )
    return tuple(invoices.values())


def _payments(
    items: Sequence[Mapping[str, Any]], invoices: Mapping[str, Invoice]
) -> tuple[Payment, ...]:
    """Read the payments: each a known invoice, not before its date, a positive amount.

    Together they may exceed the invoice by the amount again or OVERPAYMENT_FLOOR, whichever
    is more (the overpayment is the customer's unapplied credit); more is taken for a typo.
    """
    payments: list[Payment] = []
    paid: dict[str, Decimal] = {}
    for index, item in enumerate(items):
        where = f"payments[{index}]"
        iid = str(item["invoice"])
        if iid not in invoices:
            raise ScenarioError(f"{where}.invoice", f"unknown invoice {_shown(iid)}")
        invoice = invoices[iid]
        day = _date(f"{where}.date", item["date"])
        if day < invoice.issue_date:
            raise ScenarioError(
                f"{where}.date",
                f"{day.isoformat()} is before the invoice date "
                f"{invoice.issue_date.isoformat()} (invoice {iid})",
            )
        amount = _money(f"{where}.amount", item["amount"], positive=True)
        paid[iid] = paid.get(iid, ZERO) + amount
        allowed = max(invoice.amount, OVERPAYMENT_FLOOR)
        if paid[iid] > invoice.amount + allowed:
            raise ScenarioError(
                f"{where}.amount",
                f"{amount} brings the payments on invoice {iid} to {paid[iid]}, more than its "
                f"amount {invoice.amount} plus the largest overpayment accepted ({allowed}: the "
                f"amount again or {OVERPAYMENT_FLOOR}, whichever is more)",
            )
        payments.append(Payment(invoice_id=iid, date=day, amount=amount))
    return tuple(sorted(payments, key=lambda p: (p.date, p.invoice_id)))


def _disputes(
    items: Sequence[Mapping[str, Any]], invoices: Mapping[str, Invoice]
) -> tuple[Dispute, ...]:
    """Read the disputes; ``to`` null means still open."""
    disputes: list[Dispute] = []
    for index, item in enumerate(items):
        iid, start, end = _span(f"disputes[{index}]", item, invoices)
        disputes.append(Dispute(invoice_id=iid, start=start, end=end))
    return tuple(disputes)


def _span(
    where: str, item: Mapping[str, Any], invoices: Mapping[str, Invoice]
) -> tuple[str, date, date | None]:
    """Read an invoice and its days ``from``..``to`` (a dispute's, a hold's); null: still open."""
    iid = str(item["invoice"])
    if iid not in invoices:
        raise ScenarioError(f"{where}.invoice", f"unknown invoice {_shown(iid)}")
    start = _date(f"{where}.from", item["from"])
    end = _date(f"{where}.to", item["to"]) if item.get("to") else None
    if end is not None and end < start:
        raise ScenarioError(f"{where}.to", "is before from")
    return iid, start, end


def _holds(items: Sequence[Mapping[str, Any]], invoices: Mapping[str, Invoice]) -> tuple[Hold, ...]:
    """Read the holds: the accountant's stops on single invoices; ``to`` null: until lifted."""
    holds: list[Hold] = []
    for index, item in enumerate(items):
        iid, start, until = _span(f"holds[{index}]", item, invoices)
        holds.append(Hold(iid, start, until, str(item.get("reason", "")), source="scenario"))
    return tuple(holds)


def _promises(
    items: Sequence[Mapping[str, Any]],
    invoices: Mapping[str, Invoice],
    customers: Mapping[str, Customer],
    law: LawPack,
) -> tuple[Promise, ...]:
    """Read the promises to pay and payment plans, for one invoice or a customer's invoices."""
    promises: list[Promise] = []
    for index, item in enumerate(items):
        where = f"promises[{index}]"
        invoice = customer = None
        if "invoice" in item:
            invoice = str(item["invoice"])
            if invoice not in invoices:
                raise ScenarioError(f"{where}.invoice", f"unknown invoice {_shown(invoice)}")
            currency = invoices[invoice].currency
            customer = invoices[invoice].customer_id
        else:
            customer = str(item["customer"])
            if customer not in customers:
                raise ScenarioError(f"{where}.customer", f"unknown customer {_shown(customer)}")
            currency = law.currency
        currency = _currency(f"{where}.currency", item.get("currency", currency))
        made_on = _date(f"{where}.made_on", item["made_on"])
        instalments = []
        for number, part in enumerate(item["instalments"]):
            at = f"{where}.instalments[{number}]"
            due = _date(f"{at}.due", part["due"])
            if due < made_on:
                raise ScenarioError(f"{at}.due", "is before the promise was made")
            instalments.append(
                Instalment(due, _money(f"{at}.amount", part["amount"], positive=True))
            )
        ended = _date(f"{where}.ended", item["ended"]) if item.get("ended") else None
        promises.append(
            Promise(
                id=str(item.get("id", f"P{index + 1}")),
                customer_id=customer,
                invoice_id=invoice,
                made_on=made_on,
                currency=currency,
                instalments=tuple(sorted(instalments, key=lambda i: i.due)),
                ended=ended,
                note=str(item.get("note", "")),
            )
        )
    return tuple(promises)


def _currency(where: str, raw: Any) -> str:
    """Check an ISO 4217 currency code against babel's (CLDR's) list."""
    code = str(raw)
    if not is_currency(code):
        raise ScenarioError(where, f"{_shown(raw)} is not an ISO 4217 currency code")
    return code


def _date(where: str, raw: Any) -> date:
    """Parse an ISO date (YYYY-MM-DD) or name the field."""
    if not isinstance(raw, str):
        raise ScenarioError(where, f"not a date: {_shown(raw)}")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ScenarioError(where, f"not a valid date: {_shown(raw)}") from None


def _money(where: str, raw: Any, *, positive: bool) -> Decimal:
    """Parse an amount exactly (strings, integers or JSON decimals), never through float."""
    if isinstance(raw, bool | float):
        raise ScenarioError(where, f'write amounts as strings, e.g. "100.00", not {_shown(raw)}')
    try:
        value = Decimal(raw)
        exact = value.quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ScenarioError(where, f"not an amount: {_shown(raw)}") from None
    if value < 0 or (positive and value == 0):
        raise ScenarioError(where, f"must be a positive amount, not {_shown(raw)}")
    if value != exact:
        raise ScenarioError(where, f"at most two decimals, not {_shown(raw)}")
    return exact


_TOO_DEEP: Final[str] = f"nested more than {MAX_DEPTH} levels deep (a scenario needs at most 6)"
# A JSON string (skipped whole, brackets inside it do not nest) or a bracket.
_STRUCTURE: Final[re.Pattern[str]] = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _nesting(raw: str) -> int:
    """Return how deep JSON text nests its arrays and objects, without parsing it."""
    depth = deepest = 0
    for match in _STRUCTURE.finditer(raw):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif bracket in "]}":
            depth -= 1
    return deepest


def _check_depth(data: Mapping[str, Any]) -> None:
    """Refuse a scenario nested deeper than MAX_DEPTH, naming its top-level key; no recursion."""
    for key, value in data.items():
        stack: list[tuple[Any, int]] = [(value, 2)]
        while stack:
            item, depth = stack.pop()
            if isinstance(item, Mapping | list | tuple):
                if depth > MAX_DEPTH:
                    raise ScenarioError(str(key), _TOO_DEEP)
                children = item.values() if isinstance(item, Mapping) else item
                stack.extend((child, depth + 1) for child in children)


def _message(error: Any) -> str:
    """Say what a schema error means, showing the value as written in JSON (never a repr)."""
    shown = _shown(error.instance)
    words = _PATTERN_WORDS.get(error.schema.get("pattern")) if error.schema else None
    if error.validator in {"pattern", "type"} and words is not None:
        return f"{shown} is not {words}"
    if error.validator == "minimum" and error.schema.get("minimum") == 0:
        return f"{shown} is negative: amounts are never negative"
    if error.validator == "enum":
        return f"{shown} is not one of {', '.join(_shown(v) for v in error.validator_value)}"
    if error.validator == "anyOf" and error.schema == _AMOUNT:
        return f"{shown} is not {_PATTERN_WORDS[_AMOUNT_PATTERN]}"
    if error.validator == "anyOf" and error.schema == _ID:
        return f"{shown} is not an id (a string or an integer)"
    if error.validator in {"type", "minLength", "minItems", "oneOf", "anyOf"}:
        # jsonschema starts these messages with the instance's repr; show it as JSON instead.
        return str(error.message).replace(repr(error.instance), shown, 1)
    return str(error.message)


def _shown(value: Any) -> str:
    """Show a value as it is written in JSON ("12.50", 12.50, true, null), never a repr."""
    return text.written(value)


def _path(parts: Sequence[Any]) -> str:
    """Render a JSON path as ``invoices[0].amount``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
