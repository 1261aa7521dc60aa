"""Tripletex JSON -> the domain model; the only place the vendor's read-side field names live.

JSON is parsed with ``parse_float=Decimal`` (bridge.infra.http.parse_json), so amounts never pass
through float. A malformed item raises MalformedResponse naming the item and the field; the
session skips that one item.

Amounts: ``amountCurrencyOutstanding`` is what remains of the invoice itself in its own
currency, *without* reminder charges (``amountCurrencyOutstandingTotal`` includes them); the
law's fee and interest rules work on the principal, so the bridge reads the former. Without
an expanded ``currency(code)`` the company-currency fields (NOK) are used instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bridge.vocab.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Invoice,
    StepRecord,
    StepStatus,
    is_letter_key,
    money,
)
from bridge.vocab.errors import MalformedResponse
from bridge.vocab.validate import money_of

SOURCE = "tripletex"
COMPANY_CURRENCY = "NOK"

# Tripletex's reminder types, in the order its sequence allows them.
SOFT_REMINDER = "SOFT_REMINDER"
REMINDER = "REMINDER"
NOTICE = "NOTICE_OF_DEBT_COLLECTION"
DEBT_COLLECTION = "DEBT_COLLECTION"
REMINDER_TYPES = (SOFT_REMINDER, REMINDER, NOTICE, DEBT_COLLECTION)
# What each type is on our ladder.
ACTION_OF_TYPE = {
    SOFT_REMINDER: ActionKind.REMINDER,
    REMINDER: ActionKind.REMINDER,
    NOTICE: ActionKind.COLLECTION_WARNING,
    DEBT_COLLECTION: ActionKind.HANDOVER,
}
_LANGUAGES = {"NO": "nb", "EN": "en"}


def _get(obj: Any, path: str) -> Any:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _object(obj: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise MalformedResponse(f"{what}: expected an object, got {type(obj).__name__}")
    return obj


def _require(obj: Mapping[str, Any], path: str, what: str) -> Any:
    value = _get(obj, path)
    if value is None or value == "":
        raise MalformedResponse(f"{what}: field {path!r} is missing")
    return value


def _id(obj: Mapping[str, Any], path: str, what: str) -> int:
    value = _require(obj, path, what)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedResponse(f"{what}: field {path!r} is not a whole number ({value!r})")
    try:
        return int(value)
    except ValueError:
        raise MalformedResponse(
            f"{what}: field {path!r} is not a whole number ({value!r})"
        ) from None


def _amount(obj: Mapping[str, Any], path: str, what: str) -> Decimal:
    value = _require(obj, path, what)
    # bool is an int, float is inexact: both are vendor bugs, not amounts.
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise MalformedResponse(f"{what}: field {path!r} is not an exact number ({value!r})")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise MalformedResponse(f"{what}: field {path!r} is not a number ({value!r})") from None
    if not amount.is_finite():
        raise MalformedResponse(f"{what}: field {path!r} is not a finite number ({value!r})")
    return money_of(amount, f"{what}: field {path!r}")


def _optional_amount(obj: Mapping[str, Any], path: str, what: str) -> Decimal:
    return _amount(obj, path, what) if _get(obj, path) is not None else money(0)


def _date(obj: Mapping[str, Any], path: str, what: str) -> date:
    value = _require(obj, path, what)
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise MalformedResponse(f"{what}: field {path!r} is not a date ({value!r})") from None


def _optional_date(obj: Mapping[str, Any], path: str, what: str) -> date | None:
    value = _get(obj, path)
    if value is None or value == "":
        return None
    return _date(obj, path, what)


def _text(obj: Any, path: str) -> str | None:
    value = _get(obj, path)
    return value.strip() or None if isinstance(value, str) else None


def _label(obj: Any, noun: str) -> str:
    number = _get(obj, "invoiceNumber") if noun == "invoice" else None
    ident = _get(obj, "id")
    if number is not None:
        return f"{noun} {number}"
    return f"{noun} {ident}" if ident is not None else f"{noun} (no id)"


# --------------------------------------------------------------------------------------------
# Lists


def values(page: Any, what: str) -> list[Any]:
    """Return the ``values`` of a list response."""
    items = _get(page, "values")
    if not isinstance(items, list):
        raise MalformedResponse(f"{what}: the page has no 'values' list")
    return items


def value(body: Any, what: str) -> Any:
    """Return the ``value`` of a single-object response."""
    if not isinstance(body, Mapping) or "value" not in body:
        raise MalformedResponse(f"{what}: the answer has no 'value'")
    return body["value"]


# --------------------------------------------------------------------------------------------
# Invoices


def is_claim(obj: Any) -> bool:
    """Tell whether an invoice is a claim at all: charged, not credited, not a credit note."""
    if not isinstance(obj, Mapping):
        return True  # let invoice() name what is wrong
    return not (
        obj.get("isCredited") is True
        or obj.get("isCreditNote") is True
        or obj.get("isCharged") is False
    )


def open_credit(obj: Any) -> tuple[str, Decimal] | None:
    """(customer id, amount) of a credit note not yet settled, else None.

    A credit note is an invoice with ``isCreditNote`` true; until it is settled against an
    invoice its ``amountOutstanding`` is negative: credit the customer holds (docs/holds.md).
    """
    if not isinstance(obj, Mapping) or obj.get("isCreditNote") is not True:
        return None
    item = invoice(obj)
    if item.outstanding >= 0:
        return None
    return item.customer_id, -item.outstanding


def is_ours(obj: Any) -> bool:
    """Tell whether an invoice carries one of our letter keys (charges invoiced from our order).

    Such an invoice is part of the original claim: dunning it as a new one would charge the
    debtor for the reminder of a reminder.
    """
    if not isinstance(obj, Mapping):
        return False
    comment = obj.get("invoiceComment")
    return isinstance(comment, str) and any(is_letter_key(word) for word in comment.split())


def invoice_id(obj: Any) -> int:
    """Return an invoice's id."""
    what = _label(obj, "invoice")
    return _id(_object(obj, what), "id", what)


def currency_of(obj: Any) -> tuple[str, int] | None:
    """An invoice's currency code and Tripletex id, when ``currency(id,code)`` was expanded."""
    if not isinstance(obj, Mapping):
        return None
    code, ident = _text(obj, "currency.code"), _get(obj, "currency.id")
    if not code or isinstance(ident, bool) or not isinstance(ident, int):
        return None
    return code.upper(), ident


def vat_free_type(found: Iterable[Any], preference: Sequence[str]) -> int | None:
    """The id of the first VAT type in ``preference`` (numbers) that Tripletex listed at 0 %."""
    by_number: dict[str, int] = {}
    for obj in found:
        if not isinstance(obj, Mapping):
            continue
        number, ident, rate = obj.get("number"), obj.get("id"), obj.get("percentage")
        if (
            isinstance(number, str)
            and isinstance(ident, int)
            and not isinstance(ident, bool)
            and isinstance(rate, int | Decimal)
            and rate == 0
        ):
            by_number.setdefault(number, ident)
    return next((by_number[n] for n in preference if n in by_number), None)


def invoice(obj: Any) -> Invoice:
    """Map a Tripletex Invoice; the remark's postpone date pauses it."""
    what = _label(obj, "invoice")
    item = _object(obj, what)
    code = _text(item, "currency.code")
    if code:
        amount = _amount(item, "amountCurrency", what)
        outstanding = _amount(item, "amountCurrencyOutstanding", what)
    else:
        code = COMPANY_CURRENCY
        amount = _amount(item, "amount", what)
        outstanding = _amount(item, "amountOutstanding", what)
    remark = _get(item, "invoiceRemark")
    paused = (
        _optional_date(remark, "postponeRemindersTo", what) if isinstance(remark, Mapping) else None
    )
    return Invoice(
        id=str(_id(item, "id", what)),
        number=str(_id(item, "invoiceNumber", what)),
        customer_id=str(_id(item, "customer.id", what)),
        issue_date=_date(item, "invoiceDate", what),
        due_date=_date(item, "invoiceDueDate", what),
        currency=code.upper(),
        amount=amount,
        outstanding=outstanding,
        paused_until=paused,
        # The KID Tripletex gave the invoice (blank without a KID agreement): letters print it.
        payment_reference=_text(item, "kid"),
    )


def embedded_customer(obj: Any) -> Any | None:
    """Return the invoice's customer when it was expanded (``fields=customer(*)``)."""
    found = _get(obj, "customer")
    return found if isinstance(found, Mapping) and "name" in found else None


# --------------------------------------------------------------------------------------------
# Customers


def customer_id(obj: Any) -> int:
    """Return a customer's id."""
    what = _label(obj, "customer")
    return _id(_object(obj, what), "id", what)


def _first_email(*candidates: str | None) -> str | None:
    for value in candidates:
        if value:
            first = value.replace(",", ";").split(";")[0].strip()
            if "@" in first:
                return first
    return None


def _plain(obj: Any, path: str) -> str | None:
    """A text field that a sloppy payload may give as a whole number (an org number, a postcode)."""
    value = _get(obj, path)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(obj, path)


def _address(obj: Any) -> str | None:
    """The postal address on one line: street, postcode and city, then the country if named.

    Tripletex writes unset parts as ``""`` and an unexpanded address as a bare ``{id, url}``;
    a country alone is no address. Without the parts, its own ``addressAsString`` is used.
    """
    found = _get(obj, "postalAddress")
    if not isinstance(found, Mapping):
        return None
    town = " ".join(p for p in (_plain(found, "postalCode"), _text(found, "city")) if p)
    lines = [p for p in (_text(found, "addressLine1"), _text(found, "addressLine2"), town) if p]
    if not lines:
        return _text(found, "addressAsString")
    country = _text(found, "country.name")
    return ", ".join([*lines, country] if country else lines)


def _salesperson(obj: Any) -> tuple[str | None, str | None]:
    """The account manager's name and e-mail; (None, None) when none is set or expanded."""
    person = _get(obj, "accountManager")
    if not isinstance(person, Mapping):
        return None, None
    name = " ".join(p for p in (_text(person, "firstName"), _text(person, "lastName")) if p)
    return name or _text(person, "displayName"), _first_email(_text(person, "email"))


def customer(obj: Any, *, default_country: str = "NO") -> Customer:
    """Map a Customer: private individual -> consumer; factoring or inactive -> never dunned.

    The identity a hand-over needs (organisation number, postal address, phone) and the
    salesperson (``accountManager``) are read where present; a missing, empty or oddly typed
    one is None, never a reason to skip the customer.
    """
    what = _label(obj, "customer")
    item = _object(obj, what)
    ident = _id(item, "id", what)
    reason = None
    if item.get("isFactoring") is True:
        reason = "the customer's invoices go to factoring (isFactoring)"
    elif item.get("isInactive") is True:
        reason = "the customer is inactive in Tripletex (isInactive)"
    country = _text(item, "postalAddress.country.isoAlpha2Code")
    language = _text(item, "language")
    salesperson, salesperson_email = _salesperson(item)
    return Customer(
        id=str(ident),
        name=_text(item, "name") or f"customer {ident}",
        kind=CustomerKind.CONSUMER
        if item.get("isPrivateIndividual") is True
        else CustomerKind.BUSINESS,
        country=(country or default_country).upper(),
        # Reminders go where the customer asked overdue notices to go.
        email=_first_email(
            _text(item, "overdueNoticeEmail"), _text(item, "invoiceEmail"), _text(item, "email")
        ),
        language=_LANGUAGES.get(language.upper()) if language else None,
        do_not_dun_reason=reason,
        org_number=_plain(item, "organizationNumber"),
        address=_address(item),
        # The mobile first: the number a person answers (a task may be "call the customer").
        phone=_plain(item, "phoneNumberMobile") or _plain(item, "phoneNumber"),
        salesperson=salesperson,
        salesperson_email=salesperson_email,
    )


# --------------------------------------------------------------------------------------------
# Reminders already in Tripletex


@dataclass(frozen=True, slots=True)
class ReminderInfo:
    """One reminder Tripletex holds for an invoice (sent by us, the accountant or automation)."""

    id: int
    invoice_id: str
    type: str
    date: date
    charge: Decimal
    interest: Decimal


def reminder(obj: Any, invoice: str) -> ReminderInfo:
    """Map a Reminder belonging to invoice ``invoice``."""
    what = _label(obj, "reminder")
    item = _object(obj, what)
    kind = _require(item, "type", what)
    if kind not in REMINDER_TYPES:
        raise MalformedResponse(f"{what}: unknown reminder type {kind!r}")
    charge_path = "chargeCurrency" if _get(item, "chargeCurrency") is not None else "charge"
    return ReminderInfo(
        id=_id(item, "id", what),
        invoice_id=invoice,
        type=str(kind),
        date=_date(item, "reminderDate", what),
        charge=_optional_amount(item, charge_path, what),
        interest=_optional_amount(item, "interests", what),
    )


def invoice_reminders(obj: Any) -> list[ReminderInfo]:
    """Return the reminders embedded in an invoice (``fields=reminders(*)``)."""
    found = _get(obj, "reminders")
    if not isinstance(found, list):
        return []
    owner = str(invoice_id(obj))
    return [reminder(r, owner) for r in found if isinstance(r, Mapping) and "type" in r]


def reminder_steps(reminders: Iterable[ReminderInfo]) -> list[StepRecord]:
    """Turn Tripletex's reminders into issued steps, numbered 1, 2, ... per invoice by date."""
    by_invoice: dict[str, list[ReminderInfo]] = defaultdict(list)
    for item in reminders:
        by_invoice[item.invoice_id].append(item)
    return [
        StepRecord(
            invoice_id=invoice_id,
            action=ACTION_OF_TYPE[item.type],
            step=step,
            date=item.date,
            status=StepStatus.ISSUED,
            fee=item.charge,
            interest=item.interest,
            source=SOURCE,
            document=f"reminder {item.id}",
        )
        for invoice_id, items in by_invoice.items()
        for step, item in enumerate(sorted(items, key=lambda r: (r.date, r.id)), start=1)
    ]


# --------------------------------------------------------------------------------------------
# Orders we wrote


@dataclass(frozen=True, slots=True)
class OrderInfo:
    """A draft order the bridge wrote: its key, the invoices and action it proposes."""

    id: int
    version: int
    key: str
    invoice_ids: tuple[str, ...]
    action: ActionKind
    order_date: date
    closed: bool
    priced: bool  # carries a line with a price (a charge to invoice)
    charged: tuple[str, ...] = ()  # invoices whose reminder carries Tripletex's own fee
    customer_id: str | None = None


MARKER = "dunning-bridge"


def marker(
    key: str, invoice_ids: Iterable[str], action: ActionKind, charged: Iterable[str] = ()
) -> str:
    """The order's ``deliveryComment``: what find() and reconcile() read back."""
    text = f"{MARKER} {key} inv={','.join(invoice_ids)} act={action.value}"
    fee = ",".join(charged)
    return f"{text} fee={fee}" if fee else text


def parse_marker(
    text: str | None,
) -> tuple[str, tuple[str, ...], ActionKind, tuple[str, ...]] | None:
    """Read a marker written by :func:`marker`; None for anything else."""
    if not text or not text.startswith(MARKER + " "):
        return None
    parts = text.split()
    fields = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    try:
        action = ActionKind(fields.get("act", ""))
    except ValueError:
        return None
    invoices = tuple(i for i in fields.get("inv", "").split(",") if i)
    charged = tuple(i for i in fields.get("fee", "").split(",") if i)
    return (parts[1], invoices, action, charged) if len(parts) > 1 and invoices else None


def order(obj: Any) -> OrderInfo | None:
    """Map an order; None when it is not one of ours."""
    what = _label(obj, "order")
    item = _object(obj, what)
    parsed = parse_marker(_text(item, "deliveryComment"))
    if parsed is None:
        return None
    key, invoices, action, charged = parsed
    lines = _get(item, "orderLines")
    priced = False
    if isinstance(lines, list):
        for line in lines:
            price = _get(line, "unitPriceExcludingVatCurrency")
            if isinstance(price, Decimal | int) and not isinstance(price, bool) and price != 0:
                priced = True
    version = _get(item, "version")
    return OrderInfo(
        id=_id(item, "id", what),
        version=version if isinstance(version, int) and not isinstance(version, bool) else 0,
        key=_text(item, "reference") or key,
        invoice_ids=invoices,
        action=action,
        order_date=_date(item, "orderDate", what),
        closed=item.get("isClosed") is True,
        priced=priced,
        charged=charged,
        customer_id=str(_get(item, "customer.id")) if _get(item, "customer.id") else None,
    )


def open_post(obj: Any) -> tuple[str | None, int | None]:
    """Return the invoice number and customer id of an open ledger post (None when absent)."""
    what = _label(obj, "posting")
    item = _object(obj, what)
    number = _get(item, "invoiceNumber")
    ident = _get(item, "customer.id")
    return (
        str(number) if isinstance(number, int | str) and str(number) else None,
        ident if isinstance(ident, int) and not isinstance(ident, bool) else None,
    )


def prepayment(obj: Any) -> tuple[str, Decimal] | None:
    """(customer id, amount) of an open ledger post that is a payment on no invoice, else None.

    A prepayment, or a payment the accountant has not matched, is an open post on the
    customer's ledger with no ``invoiceNumber`` and a credit (negative) amount: credit the
    customer holds until it is matched (docs/holds.md). Posts naming an invoice are left out:
    the invoice's own outstanding amount already counts them, and an open credit note is read
    with the invoices (``open_credit``). The amount is in the post's currency when its
    ``currency(code)`` is expanded, as for invoices, else in the company's.
    """
    number, customer = open_post(obj)
    if number is not None or customer is None:
        return None
    item = _object(obj, _label(obj, "posting"))
    what = _label(item, "posting")
    field = "amountCurrency" if _text(item, "currency.code") else "amount"
    amount = _amount(item, field, what)
    return (str(customer), -amount) if amount < 0 else None
