"""Dinero JSON -> the domain model; the only module that knows Dinero's field names.

Quirks this module absorbs (seen in the spec extract and the recorded responses):

- ``PaymentDate`` is the *due* date, not the day a payment arrived;
- list items carry no remaining amount: it comes from ``GET /v2/.../payments``
  (``RemainingAmount``, which may include booked reminder fees, and ``PaidAmount``);
- a draft invoice may carry ``Number`` 9223372036854775807 (long.MaxValue) until booked;
- amounts arrive as integers (``250``) or fractions (``266.25``), both read as Decimal;
- ``IsPerson`` is the consumer flag; ``CompanyStatus`` (from the CVR register) says when a
  company must not be dunned (bankruptcy, liquidation, dissolution);
- a contact's unset text fields arrive as ``""`` in lists and ``null`` in single reads (both
  recorded); ``VatNumber`` is the CVR number for a Danish company, the address is ``Street``
  (which may hold several lines), ``ZipCode``, ``City`` and ``CountryKey``, and ``Phone`` is
  the only phone number;
- a contact names no salesperson or account owner (``AttPerson`` is the customer's own contact
  person), so ``Customer.salesperson`` and ``salesperson_email`` stay None.

Anything that cannot be read raises MalformedResponse, which the session turns into one skipped
item, never a failed cycle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from babel import Locale

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    CustomerKind,
    Invoice,
    Payment,
    StepRecord,
    StepStatus,
)
from bridge.vocab.errors import MalformedResponse
from bridge.vocab.validate import money_of

SOURCE = "dinero"
# Dinero's placeholder number of a voucher that has not been booked yet.
UNBOOKED_NUMBER = 9223372036854775807
# Our letter key as it appears in a reminder's description or a note ("Ref. dl-...").
KEY_PATTERN = re.compile(r"\b(dl-[0-9a-f]{24})\b")

# CVR statuses under which a company is still an ordinary debtor.
_ACTIVE_COMPANY = frozenset({"", "unknown", "normal", "active", "undercreation"})
_STOP_WORDS = {
    "underbankruptcy": "under bankruptcy (konkurs): file a claim with the estate instead",
    "undercompulsoryresolution": "under compulsory dissolution: file a claim instead",
    "undervoluntaryliquidation": "in voluntary liquidation: file a claim with the liquidator",
    "duringreconstruction": "in reconstruction (rekonstruktion): claims are frozen",
    "underreassumption": "under reassumption: check its status before dunning",
    "withoutlegaleffect": "registered without legal effect: check who owes the claim",
    "ceasedtrading": "has ceased trading: file a claim instead",
    "deleted": "deleted from the CVR register: file a claim instead",
}


# --------------------------------------------------------------------------------------------
# Plumbing


def _object(obj: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise MalformedResponse(f"{what}: expected an object, got {type(obj).__name__}")
    return obj


def _text(item: Mapping[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _loose_text(item: Mapping[str, Any], name: str) -> str | None:
    """Text for a field we only pass on (a phone, a zip code): a number is read as text, any
    other type as absent, so an odd value never costs the debtor's whole record."""
    value = item.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(item, name)


def _require_text(item: Mapping[str, Any], name: str, what: str) -> str:
    value = _text(item, name)
    if value is None:
        raise MalformedResponse(f"{what}: '{name}' is missing")
    return value


def _amount(
    item: Mapping[str, Any], name: str, what: str, *, default: Decimal | None = None
) -> Decimal:
    value = item.get(name)
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise MalformedResponse(f"{what}: '{name}' is not an amount ({value!r})")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise MalformedResponse(f"{what}: '{name}' is not an amount ({value!r})") from None
    if not amount.is_finite():
        raise MalformedResponse(f"{what}: '{name}' is not a finite amount")
    return money_of(amount, f"{what}: '{name}'")


def _date(item: Mapping[str, Any], name: str, what: str) -> date:
    value = _text(item, name)
    if value is None:
        raise MalformedResponse(f"{what}: '{name}' is missing")
    return parse_day(value, f"{what}: '{name}'")


def parse_day(value: str, what: str) -> date:
    """Read ``YYYY-MM-DD`` (a time part, as some endpoints add, is ignored)."""
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise MalformedResponse(f"{what} is not a date ({value!r})") from None


def _flag(item: Mapping[str, Any], name: str) -> bool:
    return item.get(name) is True


# --------------------------------------------------------------------------------------------
# Pages


def collection(page: Any, what: str) -> list[Any]:
    """Return the items of a ``{Collection, Pagination}`` page (a null Collection is empty)."""
    body = _object(page, f"page of {what}")
    items = body.get("Collection")
    if items is None and isinstance(body.get("Pagination"), Mapping):
        return []
    if not isinstance(items, list):
        raise MalformedResponse(f"{what}: the page has no 'Collection' list")
    return items


def next_page(page: Any, current: int, *, size: int | None = None) -> int | None:
    """The next page number, None on the last: stop when a page is short or the total is read.

    A page without the ``Pagination`` block (the 2017 recordings have none; the current spec
    requires it) is the last when it holds fewer items than the ``size`` asked for; otherwise
    nothing tells whether more follow, so it is refused.
    """
    body = _object(page, "page")
    info = body.get("Pagination")
    if not isinstance(info, Mapping):
        items = body.get("Collection")
        if size is not None and isinstance(items, list) and len(items) < size:
            return None
        raise MalformedResponse("the page has no 'Pagination' block")
    try:
        size = int(info["PageSize"])
        total = int(info["ResultWithoutFilter"])
        result = int(info["Result"])
    except (KeyError, TypeError, ValueError):
        raise MalformedResponse("the page's 'Pagination' block is incomplete") from None
    if size <= 0 or result < size or (current + 1) * size >= total:
        return None
    return current + 1


# --------------------------------------------------------------------------------------------
# Contacts


def language_of(key: str | None) -> str | None:
    """Our language code from Dinero's (``da``, ``en``, ``da-DK``, ``en-GB``)."""
    if not key:
        return None
    code = key.strip().lower()[:2]
    return code if code.isalpha() and len(code) == 2 else None


def do_not_dun_reason(company_status: str | None) -> str | None:
    """Why a company must not be dunned, from its CVR status; None when it may be."""
    if company_status is None:
        return None
    status = company_status.strip().lower()
    if status in _ACTIVE_COMPANY:
        return None
    if status.startswith("dissolved") or status == "forciblydissolved":
        return f"company dissolved ({company_status}): file a claim instead"
    return "company " + _STOP_WORDS.get(status, f"has CVR status {company_status}: check first")


def customer(obj: Any, *, default_country: str = "DK") -> Customer:
    """Map a Dinero contact to a Customer."""
    item = _object(obj, "contact")
    guid = _require_text(item, "ContactGuid", "contact")
    what = f"contact {guid}"
    if not isinstance(item.get("IsPerson"), bool):
        raise MalformedResponse(
            f"{what}: 'IsPerson' is missing, so consumer or business is unknown"
        )
    person = item["IsPerson"] is True
    country = _text(item, "CountryKey")
    return Customer(
        id=guid,
        name=_text(item, "Name") or what,
        kind=CustomerKind.CONSUMER if person else CustomerKind.BUSINESS,
        country=country.upper() if country and len(country) == 2 else default_country,
        email=first_email(_text(item, "Email")),
        language=language_of(_text(item, "PreferredInvoiceLanguageKey")),
        do_not_dun_reason=None if person else do_not_dun_reason(_text(item, "CompanyStatus")),
        org_number=_loose_text(item, "VatNumber"),
        address=address_of(item),
        phone=_loose_text(item, "Phone"),
        # Dinero keeps no salesperson on a contact: tasks go to the tenant's task_email.
        salesperson=None,
        salesperson_email=None,
    )


def address_of(contact: Mapping[str, Any]) -> str | None:
    """The postal address on one line: "Nørregade 1, 1165 København K, Denmark".

    Street lines, then zip code and city, then the country's English name when ``CountryKey``
    is given; None when the contact has neither street nor town (a country alone is no
    address).
    """
    street = _loose_text(contact, "Street") or ""
    lines = [line.strip(" ,") for line in street.splitlines() if line.strip(" ,")]
    town = " ".join(p for p in (_loose_text(contact, "ZipCode"), _loose_text(contact, "City")) if p)
    if town:
        lines.append(town)
    if not lines:
        return None
    country = country_name(_text(contact, "CountryKey"))
    if country:
        lines.append(country)
    return ", ".join(lines)


def country_name(key: str | None) -> str | None:
    """English name of a two-letter country key ("DK" -> "Denmark"); other text as given."""
    if not key:
        return None
    if len(key) == 2 and key.isalpha():
        return _country_names().get(key.upper(), key.upper())
    return key


@cache
def _country_names() -> Mapping[str, str]:
    # Loaded once: a fetch maps every contact of the organization.
    return dict(Locale.parse("en").territories)


def first_email(value: str | None) -> str | None:
    """The first of a comma- or semicolon-separated list of addresses."""
    if not value:
        return None
    first = value.replace(";", ",").split(",")[0].strip()
    return first if "@" in first else None


# --------------------------------------------------------------------------------------------
# Invoices and payments


def invoice_guid(obj: Any) -> str:
    """The Guid of an invoice list item or read model."""
    return _require_text(_object(obj, "invoice"), "Guid", "invoice")


def invoice_status(obj: Any) -> str | None:
    """The list item's Status (Draft, Booked, Paid, OverPaid, Overdue)."""
    return _text(_object(obj, "invoice"), "Status")


def with_collection(obj: Any) -> str | None:
    """Say why an invoice is left alone when Dinero already sent it to debt collection.

    The list's ``LatestMailOutType`` (spec: Einvoice, ElectronicInvoiceReminder, Inkasso,
    Mailout, OrderConfirmation, PreReminder, Reminder, TradeOffer, None; the spec's example
    writes "einvoice" in lower case, so it is compared without case) is ``Inkasso`` once the
    invoice went to debt collection from Dinero: the agency duns it and charges its own fees and
    interest. The other types say nothing that stops dunning: Dinero's reminders are read from
    the reminders endpoint, and a pre-reminder (which Dinero sends only once an invoice is
    overdue) carries no fee.
    """
    item = obj if isinstance(obj, Mapping) else {}
    kind = item.get("LatestMailOutType")
    if isinstance(kind, str) and kind.strip().lower() == "inkasso":
        return "sent to debt collection from Dinero (LatestMailOutType Inkasso): the agency duns it"
    return None


def invoice(item_obj: Any, payments_obj: Any) -> Invoice:
    """Map an invoice list item and its v2 payments answer to an Invoice.

    ``outstanding`` is the unpaid principal: the total less what was paid, never more than
    Dinero's RemainingAmount (which may also hold booked reminder fees).
    """
    item = _object(item_obj, "invoice")
    guid = invoice_guid(item)
    what = f"invoice {guid}"
    number = item.get("Number")
    if isinstance(number, bool) or not isinstance(number, int) or number == UNBOOKED_NUMBER:
        raise MalformedResponse(f"{what}: no booked invoice number ({number!r})")
    contact = _require_text(item, "ContactGuid", what)
    total = _amount(item, "TotalInclVat", what)
    paid_info = _object(payments_obj, f"payments of {what}")
    remaining = _amount(paid_info, "RemainingAmount", f"payments of {what}")
    paid = _amount(paid_info, "PaidAmount", f"payments of {what}", default=ZERO)
    outstanding = max(ZERO, min(remaining, total - paid))
    last = last_payment_day(payments_obj)
    return Invoice(
        id=guid,
        number=str(number),
        customer_id=contact,
        issue_date=_date(item, "Date", what),
        due_date=_date(item, "PaymentDate", what),
        currency=(_text(item, "Currency") or "DKK").upper(),
        amount=total,
        outstanding=outstanding,
        paid_date=last if outstanding <= ZERO else None,
    )


def contact_of(obj: Any) -> str:
    """The ContactGuid of an invoice list item."""
    return _require_text(_object(obj, "invoice"), "ContactGuid", "invoice")


def overpaid(item_obj: Any, payments_obj: Any) -> Decimal:
    """What was paid on an invoice beyond its total: credit in the customer's favour."""
    item = _object(item_obj, "invoice")
    what = f"invoice {invoice_guid(item)}"
    total = _amount(item, "TotalInclVat", what)
    paid = _amount(_object(payments_obj, f"payments of {what}"), "PaidAmount", what, default=ZERO)
    return max(ZERO, paid - total)


def open_credit_notes(state_obj: Any) -> Decimal:
    """The open credit notes in a contact's state of account (DKK), as a positive amount.

    ``GET /v1/{org}/state-of-account/{guid}?hideClosed=true``: each entry has a
    ``RelatedVoucherClass`` (invoice, cash, creditnote, voucher, notSet), a ``Status`` (open,
    closed, unknown) and an ``Amount`` in DKK; a credit note's is negative (assumed,
    docs/connectors/dinero.md). Closed entries are skipped even when the filter was ignored.
    """
    body = _object(state_obj, "state of account")
    total = ZERO
    for raw in body.get("Entries") or []:
        if not isinstance(raw, Mapping):
            continue
        kind = str(raw.get("RelatedVoucherClass") or "").lower()
        status = str(raw.get("Status") or "").lower()
        if kind != "creditnote" or status == "closed":
            continue
        total += abs(_amount(raw, "Amount", "state of account entry"))
    return total


def payments(invoice_id: str, payments_obj: Any) -> list[Payment]:
    """The payments of one invoice; a payment without a date or amount is left out."""
    body = _object(payments_obj, f"payments of invoice {invoice_id}")
    found: list[Payment] = []
    for raw in body.get("Payments") or []:
        if not isinstance(raw, Mapping) or not _text(raw, "PaymentDate"):
            continue
        try:
            amount = _amount(raw, "Amount", "payment")
            day = _date(raw, "PaymentDate", "payment")
        except MalformedResponse:
            continue
        if amount != ZERO:
            found.append(Payment(invoice_id=invoice_id, date=day, amount=amount))
    return sorted(found, key=lambda p: p.date)


def last_payment_day(payments_obj: Any) -> date | None:
    """The day of the latest payment, None when there is none."""
    found = payments("?", payments_obj) if isinstance(payments_obj, Mapping) else []
    return found[-1].date if found else None


def remaining(payments_obj: Any, what: str = "payments") -> Decimal:
    """Dinero's RemainingAmount."""
    return _amount(_object(payments_obj, what), "RemainingAmount", what)


def timestamp(obj: Any, what: str = "invoice") -> str:
    """The optimistic-concurrency stamp (``TimeStamp`` on invoices, ``Timestamp`` elsewhere)."""
    item = _object(obj, what)
    value = _text(item, "TimeStamp") or _text(item, "Timestamp")
    if value is None:
        raise MalformedResponse(f"{what}: no TimeStamp to write against")
    return value


# --------------------------------------------------------------------------------------------
# Reminders


def reminder_id(obj: Any) -> int:
    """A reminder's Id."""
    value = _object(obj, "reminder").get("Id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedResponse(f"reminder: no Id ({value!r})")
    return value


def key_in(*texts: str | None) -> str | None:
    """Our letter key, if one of ``texts`` carries it."""
    for text in texts:
        found = KEY_PATTERN.search(text or "")
        if found:
            return found.group(1)
    return None


def reminder_key(obj: Any) -> str | None:
    """The letter key we wrote into a reminder, None for one we did not write."""
    item = _object(obj, "reminder")
    return key_in(_text(item, "Description"), _text(item, "Title"))


def is_deleted(obj: Any) -> bool:
    """Tell whether a reminder was deleted (or offset after booking)."""
    return _flag(_object(obj, "reminder"), "IsDeleted")


def is_draft(obj: Any) -> bool:
    """Tell whether a reminder is still an unbooked draft."""
    return _flag(_object(obj, "reminder"), "IsDraft")


def reminder_date(obj: Any) -> date:
    """A reminder's date."""
    return _date(_object(obj, "reminder"), "Date", "reminder")


def reminder_amounts(obj: Any) -> tuple[Decimal, Decimal, Decimal]:
    """Fee, interest and compensation as Dinero computed them (0.00 where a flag is off)."""
    item = _object(obj, "reminder")
    what = "reminder"
    fee = _amount(item, "FeeAmount", what, default=ZERO) if _flag(item, "WithFee") else ZERO
    interest = (
        _amount(item, "InterestAmount", what, default=ZERO)
        if _flag(item, "WithInterestFee")
        else ZERO
    )
    compensation = (
        _amount(item, "CompensationFeeAmount", what, default=ZERO)
        if _flag(item, "WithCompensationFee")
        else ZERO
    )
    return fee, interest, compensation


def reminder_step(invoice_id: str, obj: Any) -> StepRecord | None:
    """Dinero's reminder as a step already taken; None for a deleted one."""
    item = _object(obj, "reminder")
    if is_deleted(item):
        return None
    number = item.get("Number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise MalformedResponse(f"reminder of invoice {invoice_id}: no Number ({number!r})")
    fee, interest, compensation = reminder_amounts(item)
    ident = item.get("Id")
    return StepRecord(
        invoice_id=invoice_id,
        action=(
            ActionKind.COLLECTION_WARNING
            if _flag(item, "WithDebtCollectionWarning")
            else ActionKind.REMINDER
        ),
        step=number,
        date=reminder_date(item),
        status=StepStatus.PENDING if is_draft(item) else StepStatus.ISSUED,
        fee=fee,
        interest=interest,
        compensation=compensation,
        source=SOURCE,
        document=f"{invoice_id}/{ident}" if isinstance(ident, int) else None,
    )


# --------------------------------------------------------------------------------------------
# Notes


def note_id(obj: Any) -> str:
    """A note's Id, from the notes list.

    Creating a note answers ContactCreatedResult, whose ``ContactGuid`` is the contact's guid,
    not the note's: the new note's Id is read from the list, found by our key.
    """
    item = _object(obj, "note")
    value = _text(item, "Id")
    if value is None:
        raise MalformedResponse("note: no Id")
    return value


def note_key(obj: Any) -> str | None:
    """The letter key a note carries, None for the accountant's own notes."""
    item = _object(obj, "note")
    if item.get("DeletedAt"):
        return None
    return key_in(_text(item, "Text"))


def amount_text(value: Decimal) -> str:
    """Amounts in notes: two decimals, no thousands separator."""
    return f"{value:.2f}"
