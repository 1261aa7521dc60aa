"""Reading a scenario file: its JSON, the schema, and the rules a schema cannot express."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from babel.numbers import is_currency

from bridge.surfaces.scenario_schema import schema_error, shown
from bridge.vocab.domain import (
    ZERO,
    Customer,
    CustomerKind,
    Dispute,
    Hold,
    Instalment,
    Invoice,
    Payment,
    Promise,
)
from policies.ladder import PolicyError, TenantPolicy
from policies.law import LawPack, UnknownCountry, for_country

# Long enough for any dunning story, short enough that a typo in a year cannot run for minutes.
MAX_DAYS: Final[int] = 366 * 20
# A scenario nests at most 6 levels (a promise's instalment, a policy step); far deeper input is
# refused before it is read, so no reader recurses until Python gives up.
MAX_DEPTH: Final[int] = 50
# Payments on one invoice may exceed its amount by the amount again (paid twice) or by this much
# (a small invoice paid with the fees on top), whichever is more; beyond that it is a typing error.
OVERPAYMENT_FLOOR: Final[Decimal] = Decimal("1000.00")


class ScenarioError(ValueError):
    """A scenario cannot be read or makes no sense; ``field`` names the place (JSON path)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


@dataclass(frozen=True, slots=True)
class Scenario:
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
    parse_scenario(data)
    return data


def parse_scenario(data: Mapping[str, Any]) -> Scenario:
    """Check a scenario against the schema, then against the rules a schema cannot express."""
    if not isinstance(data, Mapping):
        raise ScenarioError("", "a scenario is a JSON object")
    _check_depth(data)
    error = schema_error(data)
    if error is not None:
        raise ScenarioError(*error)
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
    return Scenario(
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
            raise ScenarioError(f"{where}.id", f"duplicate customer id {shown(cid)}")
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
            raise ScenarioError(f"{where}.id", f"duplicate invoice id {shown(iid)}")
        customer = str(item["customer"])
        if customer not in customers:
            raise ScenarioError(f"{where}.customer", f"unknown customer {shown(customer)}")
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
            raise ScenarioError(f"{where}.invoice", f"unknown invoice {shown(iid)}")
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
        raise ScenarioError(f"{where}.invoice", f"unknown invoice {shown(iid)}")
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
                raise ScenarioError(f"{where}.invoice", f"unknown invoice {shown(invoice)}")
            currency = invoices[invoice].currency
            customer = invoices[invoice].customer_id
        else:
            customer = str(item["customer"])
            if customer not in customers:
                raise ScenarioError(f"{where}.customer", f"unknown customer {shown(customer)}")
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
        raise ScenarioError(where, f"{shown(raw)} is not an ISO 4217 currency code")
    return code


def _date(where: str, raw: Any) -> date:
    """Parse an ISO date (YYYY-MM-DD) or name the field."""
    if not isinstance(raw, str):
        raise ScenarioError(where, f"not a date: {shown(raw)}")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ScenarioError(where, f"not a valid date: {shown(raw)}") from None


def _money(where: str, raw: Any, *, positive: bool) -> Decimal:
    """Parse an amount exactly (strings, integers or JSON decimals), never through float."""
    if isinstance(raw, bool | float):
        raise ScenarioError(where, f'write amounts as strings, e.g. "100.00", not {shown(raw)}')
    try:
        value = Decimal(raw)
        exact = value.quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ScenarioError(where, f"not an amount: {shown(raw)}") from None
    if value < 0 or (positive and value == 0):
        raise ScenarioError(where, f"must be a positive amount, not {shown(raw)}")
    if value != exact:
        raise ScenarioError(where, f"at most two decimals, not {shown(raw)}")
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
