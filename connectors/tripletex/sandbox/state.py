"""The Tripletex sandbox's records: constants, the saved state's shape, errors and field views.

Shared by the emulated API (``server.py``) and its test and demo hooks (``hooks.py``).
"""

from __future__ import annotations

import calendar
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bridge.infra.http import encode_json

BASE_PATH = "/v2"
FORMAT = 1
REMINDER_TYPES = ("SOFT_REMINDER", "REMINDER", "NOTICE_OF_DEBT_COLLECTION", "DEBT_COLLECTION")
SUPPORTED_TYPES = REMINDER_TYPES[:3]
DISPATCH_TYPES = ("NETS_PRINT", "EMAIL", "OWN_PRINTER", "SFTP", "API", "SMS")
# Days of credit where neither the order nor the customer names any, and the days a reminder
# gives (its termOfPayment). Tripletex takes both from the company's settings, which the API
# does not show; 14 is the sandbox company's (an assumption, docs/connectors/tripletex.md).
TERM_DAYS = 14
HOST = "tripletex.no/v2"  # how Tripletex writes the ``url`` of a linked object
# Countries by Tripletex id: (ISO alpha-2, alpha-3, name). Norway's id is Tripletex's own (161);
# the others are the sandbox's.
COUNTRIES = {
    161: ("NO", "NOR", "Norge"),
    59: ("DK", "DNK", "Danmark"),
    215: ("SE", "SWE", "Sverige"),
    73: ("FI", "FIN", "Finland"),
}
COUNTRY_IDS = {iso: ident for ident, (iso, _, _) in COUNTRIES.items()}
# Currencies by Tripletex id. NOK is the company currency (the recorded invoice's currency is
# id 1 with NOK amounts); the other ids are the sandbox's own.
CURRENCIES = {1: "NOK", 2: "SEK", 3: "DKK", 4: "USD", 5: "EUR", 6: "GBP"}
CURRENCY_IDS = {code: ident for ident, code in CURRENCIES.items()}
COMPANY_CURRENCY = 1
# Outgoing VAT types: (sandbox id, number as shown in Tripletex = the SAF-T standard tax code,
# name, percentage). Tripletex's numbers follow SAF-T (developer.tripletex.no, "Using
# vatTypes/VAT-codes"); the ids here are the sandbox's own, deliberately unlike the numbers,
# so a client that sends a number for an id is caught.
VAT_TYPES = (
    (103, "3", "Utgående mva, høy sats", Decimal("25")),
    (131, "31", "Utgående mva, middels sats", Decimal("15")),
    (105, "5", "Ingen utgående mva (innenfor mva-loven)", Decimal("0")),
    (106, "6", "Ingen utgående mva (utenfor mva-loven)", Decimal("0")),
    (107, "7", "Ingen mva-behandling (inntekter)", Decimal("0")),
)
# The VAT type of a sales line that names none: a Norwegian company's sales account's default,
# 25 % (an assumption: docs/connectors/tripletex.md).
DEFAULT_VAT_NUMBER = "3"

# Ids of the prepayments' ledger postings, apart from the invoices' posts (invoice id * 10).
POSTING_IDS = 1_000_001

Record = dict[str, Any]
# A parsed ``fields`` parameter: each field name -> its own sub-selection, or None when the
# field is named without one (a reference then comes back as a bare link).
Fields = dict[str, "Fields | None"]


def _encoded(value: object) -> bytes:
    """The sandbox's JSON: Decimals as exact numbers, compact, UTF-8."""
    return encode_json(value).encode("utf-8")


@dataclass
class ApiError(Exception):
    """An error answer in Tripletex's envelope."""

    status: int
    code: int
    message: str
    validation: list[tuple[str | None, str]] = field(default_factory=list)
    developer: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> Record:
        """The body, keys in Tripletex's order."""
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "link": "https://tripletex.no/v2-docs/",
            "developerMessage": self.developer or None,
            "validationMessages": [
                {"field": f, "message": m, "path": None, "rootId": None} for f, m in self.validation
            ]
            or None,
            "requestId": str(uuid.uuid4()),
        }


def _invalid(message: str, field_name: str | None = None) -> ApiError:
    return ApiError(422, 18000, "Validering feilet.", [(field_name, message)], "VALIDATION_ERROR")


def _not_found(kind: str, ident: object) -> ApiError:
    return ApiError(404, 6000, f"Object not found: {kind} {ident}", developer="NOT_FOUND")


_CUSTOMER_TEXTS = (
    "organizationNumber",
    "email",
    "invoiceEmail",
    "overdueNoticeEmail",
    "phoneNumber",
    "phoneNumberMobile",
)


def parse_fields(text: str) -> Fields:
    """Parse Tripletex's ``fields`` pattern, e.g. ``id,customer(name,postalAddress(*))``."""
    root: Fields = {}
    stack = [root]
    token = ""
    for char in text:
        if char not in ",()":
            token += char
            continue
        name, token = token.strip(), ""
        if char == "(":
            sub: Fields = {}
            stack[-1][name] = sub
            stack.append(sub)
            continue
        if name:
            stack[-1].setdefault(name, None)
        if char == ")" and len(stack) > 1:
            stack.pop()
    if token.strip():
        stack[-1].setdefault(token.strip(), None)
    return root


Expand = Callable[[Record, "Fields | None"], Record]


def _select(rec: Record, asked: Fields | None, refs: dict[str, tuple[str, Expand]]) -> Record:
    """The fields of ``rec`` that ``asked`` names (all for None or ``*``).

    A reference in ``refs`` (name -> its kind and how to expand it) is a ``{id, url}`` link
    unless ``asked`` gives it a sub-selection; an unset one stays null.
    """
    everything = asked is None or "*" in asked
    out: Record = {}
    for key, value in rec.items():
        if not everything and key not in (asked or {}):
            continue
        if key in refs and isinstance(value, dict):
            kind, expand = refs[key]
            sub = asked.get(key) if asked else None
            out[key] = expand(value, sub) if sub is not None else _link(kind, value.get("id"))
        else:
            out[key] = value
    return out


def _link(kind: str, ident: Any) -> Record:
    return {"id": ident, "url": f"{HOST}/{kind}/{ident}"}


def _address_out(rec: Record, asked: Fields | None) -> Record:
    """An address, with the text Tripletex composes from it (``addressAsString``)."""
    town = " ".join(p for p in (rec.get("postalCode"), rec.get("city")) if p)
    country = COUNTRIES.get(_dig(rec, "country", "id"))
    parts = [p for p in (rec.get("addressLine1"), rec.get("addressLine2"), town) if p]
    text = ", ".join([*parts, country[2]] if parts and country else parts)
    view = {**rec, "url": f"{HOST}/address/{rec['id']}", "addressAsString": text}
    return _select(view, asked, {"country": ("country", _country_out)})


def _country_out(ref: Record, asked: Fields | None) -> Record:
    found = COUNTRIES.get(_dig(ref, "id"))
    if found is None:
        return _link("country", ref.get("id"))
    iso2, iso3, name = found
    view = {
        "id": ref["id"],
        "version": 0,
        "url": f"{HOST}/country/{ref['id']}",
        "name": name,
        "displayName": name,
        "isoAlpha2Code": iso2,
        "isoAlpha3Code": iso3,
    }
    return _select(view, asked, {})


def _dig(obj: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _due_date(day: date, order: Record, customer: Record) -> date:
    """The due date of an invoice made from ``order`` on ``day``.

    The order's ``invoicesDueIn`` with ``invoicesDueInType`` ("Number of days/months in which
    invoices created from this order is due", Order in openapi-2.74.00.json), else the
    customer's (the same fields on Customer), else the company's default (TERM_DAYS).
    RECURRING_DAY_OF_MONTH is not modelled and falls through to the next source.
    """
    for source in (order, customer):
        count, unit = source.get("invoicesDueIn"), source.get("invoicesDueInType")
        if not isinstance(count, int) or isinstance(count, bool):
            continue
        if unit == "DAYS":
            return day + timedelta(days=count)
        if unit == "MONTHS":
            month = day.month - 1 + count
            year, month = day.year + month // 12, month % 12 + 1
            last = calendar.monthrange(year, month)[1]
            return day.replace(year=year, month=month, day=min(day.day, last))
    return day + timedelta(days=TERM_DAYS)


def _public_reminder(rec: Record) -> Record:
    out = {k: v for k, v in rec.items() if k != "invoiceId"}
    out["currency"] = {"id": 1, "code": "NOK"}
    return out


def _empty() -> Record:
    return {
        "format": FORMAT,
        "customers": {},
        "employees": {},
        "invoices": {},
        "reminders": {},
        "orders": {},
        "prepayments": {},
        "sessions": {},
        "clients": [],
        "activated": [],
        "counters": {
            "customer": 1,
            "employee": 1,
            "address": 1,
            "invoice": 1,
            "invoiceNumber": 10001,
            "reminder": 1,
            "order": 1,
            "orderline": 1,
            "posting": POSTING_IDS,
        },
        "employeeRevoked": False,
        "inactiveVatTypes": [],
        "reminderFee": Decimal("35.00"),
        "interestRate": Decimal("12.50"),
    }


def _loads(content: bytes) -> Any:
    try:
        return json.loads(content, parse_float=Decimal)
    except ValueError:
        raise ApiError(400, 4000, "The request body is not valid JSON") from None
