"""Fortnox JSON -> the domain model; the only place the vendor's read-side field names live.

JSON is parsed with ``parse_float=Decimal`` (bridge.infra.http.parse_json), so amounts arrive as
Decimal or int. Fortnox is loose with types, and the recordings show it: ``CurrencyRate`` is a
number on a full invoice but the string ``"1"`` in a list, ``Credit`` is the string
``"false"``, ``CustomerNumber`` a string while a payment's ``InvoiceNumber`` is a number. Each
reader accepts what Fortnox is seen to send and raises MalformedResponse, naming the item and
the field, for anything else; the session then skips that one item.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from babel import Locale

from bridge.vocab.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Invoice,
    Payment,
    StepRecord,
    StepStatus,
    is_letter_key,
)
from bridge.vocab.errors import ConfigError, MalformedResponse
from bridge.vocab.validate import money_of

SOURCE = "fortnox"
INTEREST_INVOICE = "INTRESTINVOICE"  # sic: Fortnox's spelling
# Languages a letter can be written in by country; anyone else is written to in English.
_COUNTRY_LANGUAGE = {"SE": "sv", "DK": "da", "NO": "nb", "FI": "fi"}
_NAME_LOCALES = ("sv", "en", "da", "nb", "fi", "de")


def _object(obj: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise MalformedResponse(f"{what}: expected an object, got {type(obj).__name__}")
    return obj


def _label(obj: Any, field: str, noun: str) -> str:
    number = obj.get(field) if isinstance(obj, Mapping) else None
    return f"{noun} {number}" if number not in (None, "") else f"{noun} (no number)"


def _require(obj: Mapping[str, Any], field: str, what: str) -> Any:
    value = obj.get(field)
    if value is None or value == "":
        raise MalformedResponse(f"{what}: field {field!r} is missing")
    return value


def _decimal(obj: Mapping[str, Any], field: str, what: str) -> Decimal:
    value = _require(obj, field, what)
    # bool is an int, and a float has lost the exact amount: both are vendor bugs.
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise MalformedResponse(f"{what}: field {field!r} is not an exact number ({value!r})")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise MalformedResponse(f"{what}: field {field!r} is not a number ({value!r})") from None
    if not amount.is_finite():
        raise MalformedResponse(f"{what}: field {field!r} is not a finite number ({value!r})")
    return amount


def _amount(obj: Mapping[str, Any], field: str, what: str) -> Decimal:
    return money_of(_decimal(obj, field, what), f"{what}: field {field!r}")


def _date(obj: Mapping[str, Any], field: str, what: str) -> date:
    value = _require(obj, field, what)
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise MalformedResponse(f"{what}: field {field!r} is not a date ({value!r})") from None


def _optional_date(obj: Mapping[str, Any], field: str, what: str) -> date | None:
    return _date(obj, field, what) if obj.get(field) not in (None, "") else None


def _number(obj: Mapping[str, Any], field: str, what: str) -> str:
    """A document or customer number: Fortnox sends it as a string or as a number."""
    value = _require(obj, field, what)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedResponse(f"{what}: field {field!r} is not a number ({value!r})")
    text = str(value).strip()
    if not text:
        raise MalformedResponse(f"{what}: field {field!r} is missing")
    return text


def _flag(obj: Mapping[str, Any], field: str) -> bool:
    """A boolean that Fortnox sends as true/false or as the strings "true"/"false"."""
    value = obj.get(field)
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _text(obj: Mapping[str, Any], field: str) -> str | None:
    value = obj.get(field)
    return value.strip() or None if isinstance(value, str) else None


def _loose(obj: Mapping[str, Any], field: str) -> str | None:
    """A free-text field that only informs (an address line, a phone): never a reason to fail.

    A number is taken as its digits (a postcode or phone typed as one); anything else that is
    not text is ignored. Runs of whitespace, line breaks included, become one space so the
    value fits on one line of a case file; nothing left is None.
    """
    value = obj.get(field)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


# --------------------------------------------------------------------------------------------
# Pages and envelopes


def unwrap(body: Any, key: str) -> Mapping[str, Any]:
    """Return the entity inside Fortnox's envelope, e.g. ``{"Invoice": {...}}``."""
    inner = body.get(key) if isinstance(body, Mapping) else None
    if not isinstance(inner, Mapping):
        raise MalformedResponse(f"the answer has no {key!r} object")
    return inner


def collection(page: Any, key: str) -> list[Any]:
    """Return the items of a list page (``Invoices``, ``Customers``, ``InvoicePayments``)."""
    items = page.get(key) if isinstance(page, Mapping) else None
    if not isinstance(items, list):
        raise MalformedResponse(f"the page has no {key!r} list")
    return items


def next_page(page: Any, current: int) -> int | None:
    """Return the page after ``current`` from ``MetaInformation``, None on the last page."""
    meta = page.get("MetaInformation") if isinstance(page, Mapping) else None
    if not isinstance(meta, Mapping):
        return None  # a single-entity answer or a list without paging: nothing follows
    total = meta.get("@TotalPages")
    shown = meta.get("@CurrentPage", current)
    if isinstance(total, bool) or not isinstance(total, int):
        raise MalformedResponse(f"MetaInformation has no page count ({total!r})")
    if isinstance(shown, bool) or not isinstance(shown, int):
        raise MalformedResponse(f"MetaInformation has no current page ({shown!r})")
    return shown + 1 if shown < total else None


# --------------------------------------------------------------------------------------------
# Invoices


def document_number(obj: Any) -> str:
    """Return an invoice's DocumentNumber."""
    what = _label(obj, "DocumentNumber", "invoice")
    return _number(_object(obj, what), "DocumentNumber", what)


def reference(obj: Any) -> str | None:
    """Return ExternalInvoiceReference1: where we put our letter key."""
    return _text(obj, "ExternalInvoiceReference1") if isinstance(obj, Mapping) else None


def invoice(obj: Any) -> Invoice:
    """Map an invoice (list item or full) to an Invoice; FinalPayDate is the settling day."""
    what = _label(obj, "DocumentNumber", "invoice")
    item = _object(obj, what)
    number = _number(item, "DocumentNumber", what)
    outstanding = _amount(item, "Balance", what)
    final = _optional_date(item, "FinalPayDate", what)
    return Invoice(
        id=number,
        number=number,
        customer_id=_number(item, "CustomerNumber", what),
        issue_date=_date(item, "InvoiceDate", what),
        due_date=_date(item, "DueDate", what),
        currency=str(_require(item, "Currency", what)).strip().upper(),
        amount=_amount(item, "Total", what),
        outstanding=outstanding,
        paid_date=final if outstanding <= 0 else None,
        # The OCR reference Fortnox printed on the invoice: letters print the same one.
        payment_reference=_text(item, "OCR"),
    )


def sent(obj: Any) -> bool:
    """Tell whether Fortnox shows an invoice as sent (``Sent``, in lists and full invoices)."""
    return _flag(obj, "Sent") if isinstance(obj, Mapping) else False


def not_dunnable(obj: Any) -> str | None:
    """Say why a listed invoice is not ours to dun (None when it is).

    Cancelled and unbooked invoices are no claims; credit notes owe nothing; an invoice with
    Fortnox Finans (``NoxFinans``) is dunned by that service and must be left alone; an invoice
    carrying our key is a fee or interest invoice we wrote, part of the original claim.
    """
    item = obj if isinstance(obj, Mapping) else {}
    if _flag(item, "Cancelled"):
        return "cancelled"
    if item.get("Booked") is not None and not _flag(item, "Booked"):
        return "not booked"
    if _flag(item, "NoxFinans"):
        return "handed to Fortnox Finans, which does the dunning"
    if _flag(item, "Credit"):
        return "a credit note"
    if is_letter_key(reference(item)):
        return "a fee or interest invoice the bridge wrote"
    return None


def credited(obj: Any) -> str | None:
    """Say why a settled invoice owes no interest because credit settled it (None otherwise).

    The list items carry neither ``Credit`` nor ``CreditInvoiceReference`` (spec:
    fortnox_InvoiceListItem), so this reads a full invoice: ``Credit`` "true" is a credit note,
    and a ``CreditInvoiceReference`` other than "0" (recorded: "0" when there is none) names the
    credit note that credited it (spec, ``PUT .../credit``: "The created credit invoice will be
    referenced in the property CreditInvoiceReference"). A list item with a negative total is a
    credit note too, which needs no full read.
    """
    item = obj if isinstance(obj, Mapping) else {}
    if _flag(item, "Credit"):
        return "a credit note"
    total = item.get("Total")
    if isinstance(total, Decimal | int) and not isinstance(total, bool) and total < 0:
        return "a credit note"
    reference = item.get("CreditInvoiceReference")
    if reference not in (None, "", "0", 0):
        return f"credited by credit note {reference}: no interest on a credited claim"
    return None


def reminders(obj: Any, *, fee: Decimal, fallback: date) -> list[StepRecord]:
    """Turn a full invoice's ``Reminders`` count and ``LastRemindDate`` into issued steps.

    Fortnox keeps only the count and the last date, so every reminder is dated on the last one
    (spacing then counts from the latest, the cautious reading); with no date at all, on
    ``fallback`` (the fetch day). ``fee`` is what each Fortnox reminder charged, by option.
    """
    what = _label(obj, "DocumentNumber", "invoice")
    item = _object(obj, what)
    count = item.get("Reminders")
    if count in (None, ""):
        return []
    if isinstance(count, bool) or not isinstance(count, int | str) or not str(count).isdigit():
        raise MalformedResponse(f"{what}: field 'Reminders' is not a count ({count!r})")
    number = document_number(item)
    last = _optional_date(item, "LastRemindDate", what) or fallback
    return [
        StepRecord(
            invoice_id=number,
            action=ActionKind.REMINDER,
            step=step,
            date=last,
            status=StepStatus.ISSUED,
            fee=fee,
            source=SOURCE,
            document=f"fortnox-reminder-{number}-{step}",
        )
        for step in range(1, int(count) + 1)
    ]


# --------------------------------------------------------------------------------------------
# Customers


def customer_number(obj: Any) -> str:
    """Return a customer's number."""
    what = _label(obj, "CustomerNumber", "customer")
    return _number(_object(obj, what), "CustomerNumber", what)


def customer_kind(obj: Mapping[str, Any]) -> CustomerKind:
    """COMPANY is a business; PRIVATE, or no type at all, a consumer (the stricter rules)."""
    return CustomerKind.BUSINESS if _text(obj, "Type") == "COMPANY" else CustomerKind.CONSUMER


@cache
def _country_names() -> tuple[dict[str, str], frozenset[str]]:
    names: dict[str, str] = {}
    for code in _NAME_LOCALES:
        for territory, name in Locale.parse(code).territories.items():
            if len(territory) == 2 and territory.isalpha():
                names.setdefault(name.casefold(), territory)
    return names, frozenset(names.values())


def country_code(code: str | None, name: str | None) -> str | None:
    """Fortnox's ``CountryCode`` (ISO) when set, else its free-text ``Country`` ("Sverige")."""
    names, codes = _country_names()
    if code and code.strip().upper() in codes:
        return code.strip().upper()
    if name:
        cleaned = name.strip()
        if cleaned.upper() in codes:
            return cleaned.upper()
        return names.get(cleaned.casefold())
    return None


def _first_email(*values: str | None) -> str | None:
    # Fortnox accepts several addresses separated by ";" or ","; letters go to the first.
    for value in values:
        if value:
            first = value.replace(",", ";").split(";")[0].strip()
            if "@" in first:
                return first
    return None


def postal_address(obj: Mapping[str, Any]) -> str | None:
    """The postal address on one line: "Storgatan 1, 753 20 Uppsala, Sverige".

    ``Address1`` and ``Address2``, then ``ZipCode`` and ``City``, then ``Country`` (Fortnox's
    own text, e.g. "Sverige") only when it is set. A country with nothing before it is no
    address, so that is None.
    """
    town = " ".join(p for p in (_loose(obj, "ZipCode"), _loose(obj, "City")) if p)
    lines = [p for p in (_loose(obj, "Address1"), _loose(obj, "Address2"), town) if p]
    if not lines:
        return None
    country = _loose(obj, "Country")
    return ", ".join([*lines, country] if country else lines)


def phone_number(obj: Mapping[str, Any]) -> str | None:
    """``Phone1``, else ``Phone2`` (a full customer), else ``Phone`` (the list's one field).

    Fortnox has no separate mobile field on a customer; Phone1 is the one its UI shows first.
    """
    for field in ("Phone1", "Phone2", "Phone"):
        found = _loose(obj, field)
        if found:
            return found
    return None


def fee_agreed(kind: CustomerKind, option: str | None) -> bool:
    """Whether a reminder fee was agreed, by the tenant option ``reminder_fee_agreed``.

    ``all``, ``business``, ``consumer`` or ``none`` (the default: a fee nobody agreed to is
    unlawful, so without a word from the tenant none is charged). Fortnox has no field for it,
    so the tenant states what its terms of sale say.
    """
    choice = (option or "none").strip().lower()
    if choice not in {"all", "business", "consumer", "none"}:
        raise ValueError("reminder_fee_agreed must be one of all, business, consumer, none")
    return choice in {"all", kind.value}


def customer(
    obj: Any, *, options: Mapping[str, str] | None = None, default_country: str = "SE"
) -> Customer:
    """Map a full Fortnox customer; an inactive one is never dunned (Active is the stop flag).

    Identity and salesperson are read leniently: an odd value there is left out, never a
    reason to skip the customer (only a missing or malformed ``CustomerNumber`` is).
    """
    what = _label(obj, "CustomerNumber", "customer")
    item = _object(obj, what)
    number = _number(item, "CustomerNumber", what)
    country = country_code(_text(item, "CountryCode"), _text(item, "Country"))
    kind = customer_kind(item)
    try:
        agreed = fee_agreed(kind, (options or {}).get("reminder_fee_agreed"))
    except ValueError as exc:
        raise ConfigError(f"tenant option {exc}") from None
    active = item.get("Active")
    return Customer(
        id=number,
        name=_text(item, "Name") or f"customer {number}",
        kind=kind,
        country=country or default_country,
        email=_first_email(_text(item, "EmailInvoice"), _text(item, "Email")),
        language=_COUNTRY_LANGUAGE.get(country or default_country, "en"),
        reminder_fee_agreed=agreed,
        do_not_dun_reason="inactive in Fortnox" if active is False else None,
        org_number=_loose(item, "OrganisationNumber"),
        address=postal_address(item),
        phone=phone_number(item),
        # "Vår referens": a name, typed or picked in Fortnox's UI, with no e-mail or user id
        # behind it, so the bridge finds the e-mail from the name (salesperson_email stays None).
        salesperson=_loose(item, "OurReference"),
    )


DELIVERY_TYPES = frozenset({"PRINT", "EMAIL", "PRINTSERVICE"})


def delivery(obj: Any) -> str:
    """The customer's invoice delivery type: EMAIL, PRINT or PRINTSERVICE, the spec's enum of
    ``DefaultDeliveryTypes.Invoice``; PRINT when unset or anything else."""
    types = obj.get("DefaultDeliveryTypes") if isinstance(obj, Mapping) else None
    value = types.get("Invoice") if isinstance(types, Mapping) else None
    kind = value.strip().upper() if isinstance(value, str) else ""
    return kind if kind in DELIVERY_TYPES else "PRINT"


# --------------------------------------------------------------------------------------------
# Payments


def payment(obj: Any) -> Payment:
    """Map an invoice payment (``InvoiceNumber`` is a number here, unlike everywhere else)."""
    what = _label(obj, "Number", "invoice payment")
    item = _object(obj, what)
    return Payment(
        invoice_id=_number(item, "InvoiceNumber", what),
        date=_date(item, "PaymentDate", what),
        amount=abs(_amount(item, "Amount", what)),
    )
