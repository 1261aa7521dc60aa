"""Draft invoices: validate a POST like e-conomic, build the draft, and book it.

The rules are those of the official ``invoices.drafts.post`` schema (required properties and
text lengths, checked against it by a contract test) plus the references e-conomic resolves:
customer, layout, payment terms, VAT zone and every line's product must exist, and a barred
customer cannot be invoiced. All problems are reported at once, as e-conomic does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from connectors.economic.sandbox import catalog
from connectors.economic.sandbox.errors import (
    CODE_INVALID,
    CODE_NOT_ALLOWED,
    CODE_REQUIRED,
    CODE_TOO_LONG,
    CODE_UNKNOWN_REFERENCE,
    Problem,
)
from connectors.economic.sandbox.invoicing import due_date, line_amounts, totals
from connectors.economic.sandbox.query import lookup
from connectors.economic.sandbox.state import Record, SandboxState

# Required by invoices.drafts.post (the schema marks these "required": true).
REQUIRED = (
    "date",
    "currency",
    "layout",
    "paymentTerms",
    "customer",
    "recipient",
    "recipient.name",
    "recipient.vatZone",
)

# maxLength of every text the sandbox keeps, from invoices.drafts.post.
TEXT_LIMITS: Mapping[str, int] = {
    "recipient.name": 250,
    "recipient.address": 250,
    "recipient.zip": 50,
    "recipient.city": 250,
    "recipient.country": 50,
    "recipient.ean": 13,
    "recipient.publicEntryNumber": 40,
    "notes.heading": 250,
    "notes.textLine1": 1000,
    "notes.textLine2": 1000,
    "references.other": 250,
}

SEND_BY = {"none": "none", "ean": "EAN", "email": "Email"}

_OBJECTS = ("layout", "paymentTerms", "customer", "recipient", "recipient.vatZone")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MISSING = object()


def _get(body: Mapping[str, Any], path: str) -> Any:
    return lookup(body, path, _MISSING)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _reference(
    body: Mapping[str, Any], path: str, key: str, known: Mapping[int, Any], what: str
) -> list[Problem]:
    value = _get(body, f"{path}.{key}")
    if value is _MISSING:
        return [Problem(f"{path}.{key}", f"{what} number is required.", CODE_REQUIRED)]
    if not _is_int(value):
        return [Problem(f"{path}.{key}", f"{what} number must be an integer.", CODE_INVALID, value)]
    if value not in known:
        return [
            Problem(f"{path}.{key}", f"{what} '{value}' not found.", CODE_UNKNOWN_REFERENCE, value)
        ]
    return []


def validate_draft(body: Mapping[str, Any], state: SandboxState) -> list[Problem]:
    """Every way the POSTed draft breaks e-conomic's rules; empty when it is valid."""
    problems: list[Problem] = []
    for path in REQUIRED:
        value = _get(body, path)
        if value is _MISSING or value is None:
            problems.append(Problem(path, f"Property '{path}' is required.", CODE_REQUIRED))
        elif path in _OBJECTS and not isinstance(value, Mapping):
            problems.append(Problem(path, "Must be an object.", CODE_INVALID, value))
    for path in ("notes", "references", "recipient.attention"):
        value = _get(body, path)
        if value is not _MISSING and not isinstance(value, Mapping):
            problems.append(Problem(path, "Must be an object.", CODE_INVALID, value))
    if problems:
        return problems
    problems += _dates(body)
    if "exchangeRate" in body and not _is_number(body["exchangeRate"]):
        rate = body["exchangeRate"]
        problems.append(Problem("exchangeRate", "Must be a number.", CODE_INVALID, rate))
    problems += _texts(body)
    currency = body["currency"]
    if not isinstance(currency, str) or currency.upper() not in catalog.EXCHANGE_RATES:
        problems.append(
            Problem(
                "currency", f"Currency '{currency}' not found.", CODE_UNKNOWN_REFERENCE, currency
            )
        )
    problems += _reference(body, "layout", "layoutNumber", catalog.LAYOUTS, "Layout")
    terms = _reference(
        body, "paymentTerms", "paymentTermsNumber", catalog.PAYMENT_TERMS, "Payment terms"
    )
    problems += terms or _due_date_terms(body)
    problems += _reference(
        body, "recipient.vatZone", "vatZoneNumber", catalog.VAT_ZONES, "VAT zone"
    )
    customer = _reference(body, "customer", "customerNumber", state.customers, "Customer")
    problems += customer
    if not customer and state.customers[body["customer"]["customerNumber"]].get("barred"):
        number = body["customer"]["customerNumber"]
        problems.append(
            Problem(
                "customer.customerNumber",
                f"Customer '{number}' is barred and cannot be invoiced.",
                CODE_NOT_ALLOWED,
                number,
            )
        )
    if not customer and "attention" in body["recipient"]:
        problems += _attention(body, state)
    problems += _lines(body.get("lines", []))
    return problems


def _attention(body: Mapping[str, Any], state: SandboxState) -> list[Problem]:
    path = "recipient.attention.customerContactNumber"
    number = _get(body, path)
    contact = state.contacts.get(number) if _is_int(number) else None
    if (
        contact is None
        or contact["customer"]["customerNumber"] != body["customer"]["customerNumber"]
    ):
        return [
            Problem(path, f"Customer contact '{number}' not found.", CODE_UNKNOWN_REFERENCE, number)
        ]
    return []


def _due_date_terms(body: Mapping[str, Any]) -> list[Problem]:
    """Terms of type dueDate need the date itself (invoices.drafts.post, ``dueDate``: "Only
    used if the terms of payment is of type 'duedate', in which case it is mandatory")."""
    terms = catalog.PAYMENT_TERMS[body["paymentTerms"]["paymentTermsNumber"]]
    if terms["paymentTermsType"] == "dueDate" and "dueDate" not in body:
        return [
            Problem(
                "dueDate",
                "Property 'dueDate' is required when the payment terms are of type 'dueDate'.",
                CODE_REQUIRED,
            )
        ]
    return []


def _email_of(draft: Record, state: SandboxState) -> str | None:
    """Where a booked draft is e-mailed: its attention contact's address, else the customer's.

    Unverified: that e-conomic mails the attention contact is an assumption
    (docs/connectors/economic.md).
    """
    number = _get(draft, "recipient.attention.customerContactNumber")
    contact = state.contacts.get(number) if _is_int(number) else None
    found = (contact or {}).get("email") or state.customers[
        draft["customer"]["customerNumber"]
    ].get("email")
    return found if isinstance(found, str) and found else None


def _dates(body: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    for path in ("date", "dueDate"):
        value = _get(body, path)
        if value is _MISSING:
            continue
        if not isinstance(value, str) or not _DATE.fullmatch(value) or not _valid_date(value):
            out.append(Problem(path, "Must be a date as YYYY-MM-DD.", CODE_INVALID, value))
    return out


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _texts(body: Mapping[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    for path, limit in TEXT_LIMITS.items():
        value = _get(body, path)
        if value is _MISSING or value is None:
            continue
        if not isinstance(value, str):
            out.append(Problem(path, "Must be a text.", CODE_INVALID, value))
        elif len(value) > limit:
            out.append(
                Problem(
                    path,
                    f"Text is too long: {len(value)} characters, at most {limit} allowed.",
                    CODE_TOO_LONG,
                    value,
                )
            )
    return out


def _lines(lines: Any) -> list[Problem]:
    if not isinstance(lines, list):
        return [Problem("lines", "Must be a list of lines.", CODE_INVALID, lines)]
    out: list[Problem] = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if not isinstance(line, Mapping):
            out.append(Problem(where, "Must be an object.", CODE_INVALID, line))
            continue
        number = _get(line, "product.productNumber")
        if number is _MISSING:
            out.append(
                Problem(f"{where}.product", "A line needs product.productNumber.", CODE_REQUIRED)
            )
        elif number not in catalog.PRODUCTS:
            out.append(
                Problem(
                    f"{where}.product",
                    f"Product '{number}' not found.",
                    CODE_UNKNOWN_REFERENCE,
                    number,
                    hint="Find a list of products at https://restapi.e-conomic.com/products .",
                )
            )
        for key in ("quantity", "unitNetPrice", "discountPercentage", "unitCostPrice"):
            if key in line and not _is_number(line[key]):
                out.append(Problem(f"{where}.{key}", "Must be a number.", CODE_INVALID, line[key]))
        if "description" in line and not isinstance(line["description"], str):
            out.append(
                Problem(
                    f"{where}.description", "Must be a text.", CODE_INVALID, line["description"]
                )
            )
    return out


def build_lines(posted: list[Mapping[str, Any]], vat_zone: int) -> list[Record]:
    """Complete posted lines with the product's defaults and e-conomic's computed amounts."""
    out: list[Record] = []
    for index, line in enumerate(posted, start=1):
        number = str(line["product"]["productNumber"])
        product = catalog.PRODUCTS[number]
        quantity = Decimal(line.get("quantity", Decimal("1.00")))
        price = Decimal(line.get("unitNetPrice", product["salesPrice"]))
        discount = Decimal(line.get("discountPercentage", Decimal("0.00")))
        rate = catalog.vat_rate(number, vat_zone)
        amounts = line_amounts(quantity, price, discount, rate)
        out.append(
            {
                "lineNumber": int(line.get("lineNumber", index)),
                "sortKey": int(line.get("sortKey", index)),
                "description": str(line.get("description", product["name"])),
                "quantity": quantity,
                "unitNetPrice": price,
                "discountPercentage": discount,
                "unitCostPrice": Decimal(line.get("unitCostPrice", product["costPrice"])),
                "vatRate": rate,
                "vatAmount": amounts.vat,
                "totalNetAmount": amounts.net,
                "product": {"productNumber": number},
            }
        )
    return out


def build_draft(body: Mapping[str, Any], number: int, soap_id: int, last_updated: str) -> Record:
    """The stored draft for a valid POST body: what was posted plus what e-conomic computes."""
    currency = str(body["currency"]).upper()
    rate = Decimal(body.get("exchangeRate", catalog.EXCHANGE_RATES[currency]))
    terms = catalog.PAYMENT_TERMS[body["paymentTerms"]["paymentTermsNumber"]]
    invoice_date = date.fromisoformat(body["date"])
    explicit = date.fromisoformat(body["dueDate"]) if "dueDate" in body else None
    recipient = {
        k: v
        for k, v in body["recipient"].items()
        if k in ("name", "address", "zip", "city", "country", "ean", "publicEntryNumber", "cvr")
    }
    recipient["vatZone"] = {"vatZoneNumber": body["recipient"]["vatZone"]["vatZoneNumber"]}
    if "attention" in body["recipient"]:
        attention = body["recipient"]["attention"]["customerContactNumber"]
        recipient["attention"] = {"customerContactNumber": attention}
    lines = build_lines(body.get("lines", []), recipient["vatZone"]["vatZoneNumber"])
    net, vat, gross = totals(lines)
    rec: Record = {
        "draftInvoiceNumber": number,
        "soap": {"currentInvoiceHandle": {"id": soap_id}},
        "date": body["date"],
        "currency": currency,
        "exchangeRate": rate,
        "netAmount": net,
        "grossAmount": gross,
        "vatAmount": vat,
        "roundingAmount": Decimal("0.00"),
        "dueDate": due_date(terms, invoice_date, explicit).isoformat(),
        "paymentTerms": {"paymentTermsNumber": terms["paymentTermsNumber"]},
        "customer": {"customerNumber": body["customer"]["customerNumber"]},
        "recipient": recipient,
        "layout": {"layoutNumber": body["layout"]["layoutNumber"]},
        "lines": lines,
        "lastUpdated": last_updated,
    }
    notes = {
        k: v for k, v in body.get("notes", {}).items() if k in ("heading", "textLine1", "textLine2")
    }
    if notes:
        rec["notes"] = notes
    other = _get(body, "references.other")
    if isinstance(other, str):
        rec["references"] = {"other": other}
    return rec


def validate_booking(body: Mapping[str, Any], state: SandboxState) -> tuple[list[Problem], str]:
    """Check a POST /invoices/booked body; return the problems and the normalised sendBy."""
    number = _get(body, "draftInvoice.draftInvoiceNumber")
    path = "draftInvoice.draftInvoiceNumber"
    if number is _MISSING:
        return [Problem(path, "Property 'draftInvoice' is required.", CODE_REQUIRED)], "none"
    if not _is_int(number) or number not in state.drafts:
        return [
            Problem(path, f"Draft invoice '{number}' not found.", CODE_UNKNOWN_REFERENCE, number)
        ], "none"
    problems: list[Problem] = []
    raw = body.get("sendBy", "none")
    send_by = SEND_BY.get(str(raw).lower()) if isinstance(raw, str) else None
    draft = state.drafts[number]
    if send_by is None:
        problems.append(Problem("sendBy", "Must be one of none, EAN, Email.", CODE_INVALID, raw))
    elif send_by == "EAN" and not draft["recipient"].get("ean"):
        problems.append(
            Problem("sendBy", "The recipient has no EAN number.", CODE_NOT_ALLOWED, raw)
        )
    elif send_by == "Email" and not _email_of(draft, state):
        problems.append(
            Problem("sendBy", "The customer has no e-mail address.", CODE_NOT_ALLOWED, raw)
        )
    wanted = body.get("bookWithNumber")
    if wanted is not None and (not _is_int(wanted) or wanted < 1 or wanted in state.booked):
        problems.append(
            Problem(
                "bookWithNumber",
                f"Invoice number '{wanted}' is not free.",
                CODE_NOT_ALLOWED,
                wanted,
            )
        )
    return problems, send_by or "none"


def book(draft: Record, number: int) -> Record:
    """The booked invoice a draft becomes: same lines, notes and references, all of it open."""
    rec: Record = {
        "bookedInvoiceNumber": number,
        "date": draft["date"],
        "currency": draft["currency"],
        "exchangeRate": draft["exchangeRate"],
        "netAmount": draft["netAmount"],
        "grossAmount": draft["grossAmount"],
        "vatAmount": draft["vatAmount"],
        "roundingAmount": draft["roundingAmount"],
        "remainder": draft["grossAmount"],
        "dueDate": draft["dueDate"],
        "paymentTerms": dict(draft["paymentTerms"]),
        "customer": dict(draft["customer"]),
        "recipient": dict(draft["recipient"]),
        "layout": dict(draft["layout"]),
        "lines": [dict(line) for line in draft["lines"]],
    }
    for key in ("notes", "references"):
        if key in draft:
            rec[key] = dict(draft[key])
    return rec
