"""e-conomic JSON -> the domain model; the only place the vendor's read-side field names live.

JSON must be parsed with ``parse_float=Decimal`` (bridge.infra.http.parse_json does), so amounts
arrive as Decimal or int and never pass through float. A malformed item raises
MalformedResponse naming the item and the field; the session skips that one item.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from babel import Locale
from babel.languages import get_official_languages

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    CustomerKind,
    Invoice,
    Payment,
    StepRecord,
    StepStatus,
    money,
)
from bridge.vocab.errors import MalformedResponse
from bridge.vocab.validate import money_of

SOURCE = "economic"
ENTRY_PAYMENT = "customerPayment"
ENTRY_REMINDER = "reminder"

# Any of these on a customer means a registered business (CVR, EAN for public bodies, ...).
_BUSINESS_IDS = ("corporateIdentificationNumber", "ean", "publicEntryNumber", "vatNumber")
# Languages our customers' letters may be written in; anyone else is written to in English.
_NORDIC = frozenset({"da", "nb", "nn", "no", "sv", "fi"})
# Languages whose names of countries we recognise in the free-text ``country`` field.
_NAME_LOCALES = ("da", "en", "nb", "sv", "fi", "de")
# e-conomic's schema says several addresses in one e-mail field are separated by a space; people
# also type ";" or ",".
_EMAIL_SEPARATORS = re.compile(r"[;,\s]+")


def _get(obj: Mapping[str, Any], path: str) -> Any:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _require(obj: Mapping[str, Any], path: str, what: str) -> Any:
    value = _get(obj, path)
    if value is None or value == "":
        raise MalformedResponse(f"{what}: field {path!r} is missing")
    return value


def _decimal(value: Any, path: str, what: str) -> Decimal:
    # bool is an int; a boolean amount is a vendor bug, not 0 or 1 kroner.
    if isinstance(value, bool | float):
        raise MalformedResponse(f"{what}: field {path!r} is not an exact number ({value!r})")
    if not isinstance(value, Decimal | int | str):
        raise MalformedResponse(f"{what}: field {path!r} is not a number ({value!r})")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise MalformedResponse(f"{what}: field {path!r} is not a number ({value!r})") from None
    if not amount.is_finite():
        raise MalformedResponse(f"{what}: field {path!r} is not a finite number ({value!r})")
    return amount


def _amount(obj: Mapping[str, Any], path: str, what: str) -> Decimal:
    return money_of(_decimal(_require(obj, path, what), path, what), f"{what}: field {path!r}")


def _date(obj: Mapping[str, Any], path: str, what: str) -> date:
    value = _require(obj, path, what)
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise MalformedResponse(f"{what}: field {path!r} is not a date ({value!r})") from None


def _number(obj: Mapping[str, Any], path: str, what: str) -> int:
    value = _require(obj, path, what)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedResponse(f"{what}: field {path!r} is not a whole number ({value!r})")
    try:
        return int(value)
    except ValueError:
        raise MalformedResponse(
            f"{what}: field {path!r} is not a whole number ({value!r})"
        ) from None


def _text(obj: Mapping[str, Any], path: str) -> str | None:
    value = _get(obj, path)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _loose_text(obj: Mapping[str, Any], path: str) -> str | None:
    """A text field that some agreements hold as a number (a CVR, a phone): never fails."""
    value = _get(obj, path)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _label(obj: Any, path: str, noun: str) -> str:
    """Name an item in an error message by its number when it has one."""
    number = _get(obj, path) if isinstance(obj, Mapping) else None
    return f"{noun} {number}" if number is not None else f"{noun} (no number)"


def _object(obj: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise MalformedResponse(f"{what}: expected an object, got {type(obj).__name__}")
    return obj


# --------------------------------------------------------------------------------------------
# Booked invoices


def invoice_number(obj: Any) -> int:
    """Return a booked invoice's number."""
    what = _label(obj, "bookedInvoiceNumber", "booked invoice")
    return _number(_object(obj, what), "bookedInvoiceNumber", what)


def invoice(obj: Any) -> Invoice:
    """Map a booked invoice (any of /invoices/booked|unpaid|overdue|paid) to an Invoice."""
    what = _label(obj, "bookedInvoiceNumber", "booked invoice")
    item = _object(obj, what)
    number = str(_number(item, "bookedInvoiceNumber", what))
    currency = str(_require(item, "currency", what)).upper()
    return Invoice(
        id=number,
        number=number,
        customer_id=str(_number(item, "customer.customerNumber", what)),
        issue_date=_date(item, "date", what),
        due_date=_date(item, "dueDate", what),
        currency=currency,
        amount=_amount(item, "grossAmount", what),
        outstanding=_amount(item, "remainder", what),
    )


def open_in_base(items: Iterable[Any]) -> dict[str, Decimal | None]:
    """Each customer's unpaid remainders in the base currency, summed (credit notes negative).

    A customer with an item that names no ``remainderInBaseCurrency`` gets None: its balance
    cannot be compared with its invoices.
    """
    sums: dict[str, Decimal | None] = {}
    for obj in items:
        if not isinstance(obj, Mapping):
            continue
        number = _get(obj, "customer.customerNumber")
        if isinstance(number, bool) or not isinstance(number, int | str):
            continue
        key = str(number)
        try:
            amount: Decimal | None = _amount(obj, "remainderInBaseCurrency", "unpaid invoice")
        except MalformedResponse:
            amount = None
        before = sums.get(key, ZERO)
        sums[key] = None if before is None or amount is None else before + amount
    return sums


def unapplied_credit(obj: Any, open_in_base: Decimal | None) -> Decimal:
    """Credit on a customer's account that no unpaid invoice shows: an unallocated payment.

    ``balance`` ("The outstanding amount for this customer", read as the base currency) below
    what the customer's unpaid invoices and credit notes add up to means money on the account
    not allocated to any of them. Charges the ledger holds outside invoices (e-conomic's own
    reminder fees) raise the balance and so can hide credit; never the other way round.
    """
    value = _get(obj, "balance") if isinstance(obj, Mapping) else None
    if open_in_base is None or value is None:
        return ZERO
    try:
        balance = money(_decimal(value, "balance", "customer"))
    except MalformedResponse:
        return ZERO
    return max(ZERO, money(open_in_base - balance))


# --------------------------------------------------------------------------------------------
# Customers


def customer_number(obj: Any) -> int:
    """Return a customer's number."""
    what = _label(obj, "customerNumber", "customer")
    return _number(_object(obj, what), "customerNumber", what)


def _groups(options: Mapping[str, str], name: str) -> frozenset[str]:
    return frozenset(g.strip() for g in options.get(name, "").split(",") if g.strip())


def customer_kind(obj: Mapping[str, Any], options: Mapping[str, str]) -> CustomerKind:
    """Classify a customer: configured groups first (consumer wins), then business ids."""
    group = _get(obj, "customerGroup.customerGroupNumber")
    group_key = str(group) if group is not None else None
    # When configuration and data disagree, consumer wins: its protections are the stricter.
    if group_key in _groups(options, "consumer_groups"):
        return CustomerKind.CONSUMER
    if group_key in _groups(options, "business_groups"):
        return CustomerKind.BUSINESS
    if any(_text(obj, field) for field in _BUSINESS_IDS):
        return CustomerKind.BUSINESS
    return CustomerKind.CONSUMER


@cache
def _countries() -> tuple[dict[str, str], frozenset[str]]:
    """Country names in the languages we recognise -> ISO code, and the codes themselves."""
    names: dict[str, str] = {}
    for code in _NAME_LOCALES:
        for territory, name in Locale.parse(code).territories.items():
            if len(territory) == 2 and territory.isalpha():
                names.setdefault(name.casefold(), territory)
    return names, frozenset(names.values())


def country_code(text: str | None) -> str | None:
    """Turn e-conomic's free-text country ("Danmark", "Norway", "DK") into an ISO code."""
    if not text:
        return None
    cleaned = text.strip()
    names, codes = _countries()
    if cleaned.upper() in codes:
        return cleaned.upper()
    return names.get(cleaned.casefold())


def language_of(country: str | None) -> str | None:
    """Return the language to write to a customer in: the Nordic one of the country, else en."""
    if country is None:
        return None
    official = get_official_languages(country, de_facto=True)
    nordic = [lang for lang in official if lang in _NORDIC]
    return nordic[0] if nordic else "en"


@dataclass(frozen=True, slots=True)
class Employee:
    """An e-conomic employee, as far as a customer's ``salesPerson`` needs one."""

    number: int
    name: str | None = None
    email: str | None = None
    barred: bool = False


def employee(obj: Any) -> Employee:
    """Map an item of /employees."""
    what = _label(obj, "employeeNumber", "employee")
    item = _object(obj, what)
    return Employee(
        number=_number(item, "employeeNumber", what),
        name=_text(item, "name"),
        email=_first_email(_text(item, "email")),
        barred=_get(item, "barred") is True,
    )


def salesperson_number(obj: Any) -> int | None:
    """The employee number a customer's ``salesPerson`` names, None when it names none.

    The schema requires only the ``self`` link, so the number is read from it when absent.
    """
    ref = _get(obj, "salesPerson") if isinstance(obj, Mapping) else None
    if not isinstance(ref, Mapping):
        return None
    number = ref.get("employeeNumber")
    if isinstance(number, str) and number.strip().isdecimal():
        number = int(number)
    if isinstance(number, int) and not isinstance(number, bool):
        return number if number > 0 else None
    link = ref.get("self")
    if isinstance(link, str):
        # Plain string work, not a URL parser: a malformed link must not raise.
        last = link.split("?", 1)[0].rstrip("/").rpartition("/")[2]
        if last.isdecimal() and int(last) > 0:
            return int(last)
    return None


def postal_address(obj: Mapping[str, Any]) -> str | None:
    """One line for the debtor's address: street, postcode and city, country when given.

    e-conomic's ``address`` is free text that may span lines; each line becomes a part. A
    country alone is no address, so nothing without a street, postcode or city is returned.
    """
    street = _loose_text(obj, "address")
    parts = [line.strip() for line in (street or "").splitlines() if line.strip()]
    town = " ".join(t for t in (_loose_text(obj, "zip"), _text(obj, "city")) if t)
    if town:
        parts.append(town)
    if not parts:
        return None
    country = _text(obj, "country")
    return ", ".join([*parts, country] if country else parts)


def customer(
    obj: Any,
    *,
    options: Mapping[str, str] | None = None,
    default_country: str = "DK",
    employees: Mapping[int, Employee] | None = None,
) -> Customer:
    """Map an e-conomic customer to a Customer (booleans left out by e-conomic mean false).

    ``employees`` (from /employees) names the customer's salesperson; without it, or when the
    customer's ``salesPerson`` is not in it, the salesperson is left unknown. A barred employee
    keeps the name but not the e-mail: tasks then go to the tenant's own task recipient.
    """
    what = _label(obj, "customerNumber", "customer")
    item = _object(obj, what)
    number = _number(item, "customerNumber", what)
    country = country_code(_text(item, "country"))
    seller_number = salesperson_number(item)
    seller = (employees or {}).get(seller_number) if seller_number is not None else None
    return Customer(
        id=str(number),
        name=_text(item, "name") or f"customer {number}",
        kind=customer_kind(item, options or {}),
        country=country or default_country,
        email=_first_email(_text(item, "email")),
        language=language_of(country),
        barred=_get(item, "barred") is True,
        org_number=_loose_text(item, "corporateIdentificationNumber"),
        address=postal_address(item),
        # A mobile reaches the person who can pay sooner than the switchboard does.
        phone=_loose_text(item, "mobilePhone") or _loose_text(item, "telephoneAndFaxNumber"),
        salesperson=seller.name if seller else None,
        salesperson_email=seller.email if seller and not seller.barred else None,
    )


def reminder_contact(contacts: Iterable[Any]) -> tuple[int, str] | None:
    """The first contact person ticked for reminder e-mails who has an address: (number, e-mail).

    ``emailNotifications`` is left out when empty (the recorded contacts carry none), and a
    deleted contact (``deleted``) receives nothing.
    """
    for obj in contacts:
        if not isinstance(obj, Mapping) or obj.get("deleted") is True:
            continue
        ticked = obj.get("emailNotifications")
        number = obj.get("customerContactNumber")
        email = _first_email(_text(obj, "email"))
        if (
            isinstance(ticked, list)
            and "reminders" in ticked
            and isinstance(number, int)
            and not isinstance(number, bool)
            and email
        ):
            return number, email
    return None


def _first_email(value: str | None) -> str | None:
    # e-conomic accepts several addresses in one field; letters go to the first.
    if not value:
        return None
    first = next((part for part in _EMAIL_SEPARATORS.split(value) if part), "")
    return first if "@" in first else None


# --------------------------------------------------------------------------------------------
# Accounting years


def accounting_year(obj: Any) -> tuple[str, date, date, str | None]:
    """Return an accounting year's name, first and last day, and its entries link."""
    what = _label(obj, "year", "accounting year")
    item = _object(obj, what)
    name = str(_require(item, "year", what))
    return name, _date(item, "fromDate", what), _date(item, "toDate", what), _text(item, "entries")


# --------------------------------------------------------------------------------------------
# Ledger entries: payments and e-conomic's own reminders


def entry_type(obj: Any) -> str | None:
    """Return the type of a ledger entry (customerPayment, reminder, ...)."""
    value = _get(obj, "entryType") if isinstance(obj, Mapping) else None
    return value if isinstance(value, str) else None


def _entry_invoice(item: Mapping[str, Any]) -> tuple[str | None, bool]:
    """The invoice an entry concerns, and whether ``bookedInvoice`` names it (else only the
    entry's ``invoiceNumber`` does, which for a reminder may be the reminder's own number)."""
    number = _get(item, "bookedInvoice.bookedInvoiceNumber")
    if number is not None and str(number).strip():
        return str(number).strip(), True
    text = _loose_text(item, "invoiceNumber")
    return text, False


def entry_customer(obj: Any) -> str | None:
    """The customer number an entry posts to, when it says."""
    number = _get(obj, "customer.customerNumber") if isinstance(obj, Mapping) else None
    if isinstance(number, bool) or not isinstance(number, int | str) or not str(number).strip():
        return None
    return str(number).strip()


def payment(obj: Any) -> Payment | None:
    """Map a customerPayment entry; None for a payment not allocated to an invoice."""
    what = _label(obj, "entryNumber", "ledger entry")
    item = _object(obj, what)
    invoice_id, _ = _entry_invoice(item)
    if invoice_id is None:
        # Not allocated to an invoice: credit on the account, counted through the customer's
        # balance (unapplied_credit), not as a payment of any invoice.
        return None
    # Payments are credits on the customer's account (negative); we count money received.
    return Payment(
        invoice_id=invoice_id,
        date=_date(item, "date", what),
        amount=abs(_amount(item, "amount", what)),
    )


@dataclass(frozen=True, slots=True)
class ReminderEntry:
    """A reminder e-conomic itself booked on an invoice (its "rykker" feature)."""

    invoice_id: str
    date: date
    fee: Decimal
    entry: int
    customer: str | None = None  # the customer the entry posts to
    # True when ``bookedInvoice`` names the invoice; False when only ``invoiceNumber`` does,
    # which the schema allows to be the reminder's own number.
    by_reference: bool = True


def reminder(obj: Any) -> ReminderEntry:
    """Map a ``reminder`` ledger entry."""
    what = _label(obj, "entryNumber", "ledger entry")
    item = _object(obj, what)
    invoice_id, by_reference = _entry_invoice(item)
    if invoice_id is None:
        raise MalformedResponse(f"{what}: a reminder entry names no invoice")
    entry = _get(item, "entryNumber")
    return ReminderEntry(
        invoice_id=invoice_id,
        date=_date(item, "date", what),
        # The fee is a debit on the customer's account; we record what was charged.
        fee=abs(_amount(item, "amount", what)),
        entry=entry if isinstance(entry, int) and not isinstance(entry, bool) else 0,
        customer=entry_customer(item),
        by_reference=by_reference,
    )


def reminder_steps(reminders: Iterable[ReminderEntry]) -> list[StepRecord]:
    """Turn e-conomic's reminders into issued steps, numbered 1, 2, ... per invoice by date."""
    by_invoice: dict[str, list[ReminderEntry]] = defaultdict(list)
    for item in reminders:
        by_invoice[item.invoice_id].append(item)
    return [
        StepRecord(
            invoice_id=invoice_id,
            action=ActionKind.REMINDER,
            step=step,
            date=item.date,
            status=StepStatus.ISSUED,
            fee=item.fee,
            source=SOURCE,
            document=str(item.entry) if item.entry else None,
        )
        for invoice_id, items in by_invoice.items()
        for step, item in enumerate(sorted(items, key=lambda r: (r.date, r.entry)), start=1)
    ]


# --------------------------------------------------------------------------------------------
# Documents we wrote: drafts and the invoices they became


def reference(obj: Any) -> str | None:
    """Return ``references.other`` of a draft or booked invoice: where we put our key."""
    return _text(obj, "references.other") if isinstance(obj, Mapping) else None


def draft_number(obj: Any) -> int:
    """Return a draft invoice's number."""
    what = _label(obj, "draftInvoiceNumber", "draft invoice")
    return _number(_object(obj, what), "draftInvoiceNumber", what)


def collection(page: Any, what: str) -> list[Any]:
    """Return the items of a collection page."""
    items = _get(page, "collection") if isinstance(page, Mapping) else None
    if not isinstance(items, list):
        raise MalformedResponse(f"{what}: the page has no 'collection' list")
    return items


def next_page(page: Any, current: int) -> int | None:
    """Return the number of the page after ``current``, None on the last page."""
    pagination = _get(page, "pagination") if isinstance(page, Mapping) else None
    if not isinstance(pagination, Mapping):
        return None
    link = pagination.get("nextPage")
    if not isinstance(link, str) or not link:
        return None
    skip = parse_qs(urlsplit(link).query).get("skippages", [])
    try:
        return int(skip[0]) if skip else current + 1
    except ValueError:
        raise MalformedResponse(
            f"the next-page link has a bad skippages value: {skip[0]!r}"
        ) from None


# --------------------------------------------------------------------------------------------
# Settings a draft needs


def layout_number(obj: Any) -> int:
    """Return an invoice layout's number."""
    what = _label(obj, "layoutNumber", "layout")
    return _number(_object(obj, what), "layoutNumber", what)


def payment_terms(obj: Any) -> tuple[int, str | None]:
    """Return payment terms' number and type (net, dueDate, invoiceMonth, ...)."""
    what = _label(obj, "paymentTermsNumber", "payment terms")
    item = _object(obj, what)
    return _number(item, "paymentTermsNumber", what), _text(item, "paymentTermsType")
