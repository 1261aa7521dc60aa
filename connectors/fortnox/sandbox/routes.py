"""The endpoints of the Fortnox sandbox: invoices, payments, customers and Fortnox Finans.

The state is plain JSON-ready dicts in Fortnox's own field names (a full invoice, a full
customer), plus one private key ``_modified`` (an ISO instant) per record for ``lastmodified``.
List answers project the full records onto the list-item fields of the official spec, with the
type quirks the recordings show (``CurrencyRate`` as the string "1" in lists).

Error codes: 2000434 (no such invoice), 2000433 (no such customer) and 2000587 (invalid filter)
are codes Fortnox is recorded sending; the others are the sandbox's own, in the same range.
Clients must classify by HTTP status, never by these codes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from stdnum import luhn

CODE_NO_CUSTOMER = 2000433
CODE_NO_INVOICE = 2000434
CODE_BAD_FILTER = 2000587
CODE_INVALID = 2000359  # a field has the wrong type, length or value
CODE_NOT_ALLOWED = 2000360  # the invoice's state does not allow the action
CODE_BAD_PAGING = 2000361
CODE_NO_RESOURCE = 2000362
# Assumed codes (docs/connectors/fortnox.md): a missing account or article, a scope not granted.
CODE_NO_ACCOUNT = 2000204
CODE_NO_ARTICLE = 2000428
CODE_NO_SCOPE = 2000663

# The scope each resource needs (Fortnox developer docs, "Scopes"; see fortnox/setup.py).
SCOPE_OF = {
    "invoices": "invoice",
    "invoicepayments": "payment",
    "customers": "customer",
    "accounts": "bookkeeping",
    "articles": "article",
    "noxfinansinvoices": "noxfinansinvoice",
    "companyinformation": "companyinformation",
}
# What the sandbox's integration is granted unless a test narrows it.
DEFAULT_SCOPES = (
    "article bookkeeping companyinformation customer invoice noxfinansinvoice payment settings"
)
# A BAS chart's accounts for the charges (3590 other invoiced costs, 8313 interest income on
# receivables), without a VAT code; 3001 sales at 25 % (VAT code MP1) as a wrong choice.
DEFAULT_ACCOUNTS: dict[str, dict[str, Any]] = {
    "3001": {
        "Number": 3001,
        "Description": "Försäljning inom Sverige, 25 % moms",
        "VATCode": "MP1",
    },
    "3590": {"Number": 3590, "Description": "Övriga fakturerade kostnader", "VATCode": ""},
    "8313": {"Number": 8313, "Description": "Ränteintäkter från kundfordringar", "VATCode": ""},
}

API_HOST = "https://api.fortnox.se"
ZONE = ZoneInfo("Europe/Stockholm")
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
CENT = Decimal("0.01")

INVOICE_LIST_FIELDS = (
    "@url",
    "Balance",
    "Booked",
    "Cancelled",
    "CostCenter",
    "Currency",
    "CurrencyRate",
    "CurrencyUnit",
    "CustomerName",
    "CustomerNumber",
    "DocumentNumber",
    "DueDate",
    "ExternalInvoiceReference1",
    "ExternalInvoiceReference2",
    "InvoiceDate",
    "InvoiceType",
    "NoxFinans",
    "OCR",
    "VoucherNumber",
    "VoucherSeries",
    "VoucherYear",
    "WayOfDelivery",
    "TermsOfPayment",
    "Project",
    "Sent",
    "Total",
    "FinalPayDate",
)
CUSTOMER_LIST_FIELDS = (
    "@url",
    "Address1",
    "Address2",
    "City",
    "CustomerNumber",
    "Email",
    "Name",
    "OrganisationNumber",
    "Phone",
    "ZipCode",
)
PAYMENT_LIST_FIELDS = (
    "@url",
    "Amount",
    "Booked",
    "Currency",
    "CurrencyRate",
    "CurrencyUnit",
    "InvoiceNumber",
    "Number",
    "PaymentDate",
    "Source",
    "WriteOffExist",
)
# The predefined sales account a row gets when it names none (recorded: 3001).
DEFAULT_SALES_ACCOUNT = 3001
# fortnox_Customer_DefaultDeliveryTypes.Invoice (spec): there is no EINVOICE among them.
DELIVERY_TYPES = frozenset({"PRINT", "EMAIL", "PRINTSERVICE"})
INVOICE_TYPES = frozenset(
    {"INVOICE", "AGREEMENTINVOICE", "INTRESTINVOICE", "SUMMARYINVOICE", "CASHINVOICE"}
)
# What POST /3/invoices accepts here: the payload fields we and the tests send.
_WRITABLE = {
    "CustomerNumber": None,
    "InvoiceType": None,
    "InvoiceDate": None,
    "DueDate": None,
    "Currency": 3,
    "Language": None,
    "ExternalInvoiceReference1": 80,
    "ExternalInvoiceReference2": 80,
    "YourReference": 50,
    "OurReference": 50,
    "Remarks": 1024,
    "Comments": 1024,
    "VATIncluded": None,
    "InvoiceRows": None,
    "TermsOfPayment": None,
    "NotCompleted": None,
}
_ROW_FIELDS = frozenset(
    {"Description", "DeliveredQuantity", "Price", "VAT", "AccountNumber", "ArticleNumber", "Unit"}
)


class ApiError(Exception):
    """An error answer in Fortnox's ``ErrorInformation`` envelope.

    ``lower`` writes the keys in lower case, as Fortnox does for an invalid filter.
    """

    def __init__(self, status: int, message: str, code: int, *, lower: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.lower = lower

    def body(self) -> dict[str, Any]:
        """The JSON body Fortnox sends."""
        keys = ("error", "message", "code") if self.lower else ("Error", "Message", "Code")
        return {"ErrorInformation": dict(zip(keys, (1, self.message, self.code), strict=True))}


@dataclass
class Call:
    """One request, as the routes see it."""

    method: str
    path: str  # without /3 and trailing slash, e.g. "/invoices/12/bookkeep"
    params: dict[str, str]
    body: Any
    state: dict[str, Any]
    today: date
    now: datetime
    index: InvoiceIndex | None = None


class InvoiceIndex:
    """Invoices by a field that never changes once set (customer, our reference).

    A list filtered by customer (the bridge's re-check before each letter) would otherwise
    weigh every invoice of the company; a 100,000-invoice company makes that quadratic. Invoices
    are only ever added (the API has no update of these fields, nor a delete), in order, so the
    index takes in the new ones as the count grows.
    """

    FIELDS = ("CustomerNumber", "ExternalInvoiceReference1")

    def __init__(self) -> None:
        self._seen = 0
        self._source: int | None = None
        self._by: dict[str, dict[str, list[dict[str, Any]]]] = {f: {} for f in self.FIELDS}

    def lookup(self, invoices: dict[str, Any], field_: str, value: str) -> list[dict[str, Any]]:
        """Return the invoices whose ``field_`` is ``value``, in the order they were added."""
        if self._source != id(invoices) or len(invoices) < self._seen:
            # Another state (one loaded or copied): start over.
            self._seen = 0
            self._source = id(invoices)
            self._by = {f: {} for f in self.FIELDS}
        if len(invoices) > self._seen:
            for record in itertools.islice(invoices.values(), self._seen, None):
                for name, table in self._by.items():
                    table.setdefault(str(record.get(name) or ""), []).append(record)
            self._seen = len(invoices)
        return self._by[field_].get(value, [])


@dataclass
class Reply:
    """One answer: status and JSON body."""

    status: int
    body: Any


def stamp(moment: datetime) -> str:
    """An instant as stored in ``_modified``."""
    return moment.astimezone(UTC).isoformat()


def public(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record without the sandbox's private keys."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def dispatch(call: Call) -> Reply:
    """Route one API call; raise ApiError for an error answer."""
    parts = [p for p in call.path.split("/") if p]
    method = call.method
    routes: list[tuple[str, tuple[str, ...], Callable[[Call, list[str]], Reply]]] = [
        ("GET", ("invoices",), _list_invoices),
        ("POST", ("invoices",), _create_invoice),
        ("GET", ("invoices", "#"), _get_invoice),
        ("PUT", ("invoices", "#", "bookkeep"), _bookkeep),
        ("PUT", ("invoices", "#", "cancel"), _cancel),
        ("GET", ("invoices", "#", "email"), _send),
        ("GET", ("invoices", "#", "eprint"), _send),
        ("GET", ("invoices", "#", "einvoice"), _send),  # in the spec, but no customer uses it
        ("PUT", ("invoices", "#", "externalprint"), _externalprint),
        ("PUT", ("invoices", "#", "credit"), _credit),
        ("GET", ("invoicepayments",), _list_payments),
        ("GET", ("customers",), _list_customers),
        ("GET", ("customers", "#"), _get_customer),
        ("GET", ("accounts", "#"), _get_account),
        ("GET", ("articles", "#"), _get_article),
        ("POST", ("noxfinansinvoices",), _hand_over),
        ("GET", ("companyinformation",), _company_information),
        ("GET", ("noxfinansinvoices", "#"), _get_finans),
    ]
    for verb, pattern, handler in routes:
        if verb == method and _matches(pattern, parts):
            return handler(call, parts)
    raise ApiError(404, "Resursen hittades inte.", CODE_NO_RESOURCE)


def _matches(pattern: tuple[str, ...], parts: list[str]) -> bool:
    if len(pattern) != len(parts):
        return False
    return all(p in {"#", part} for p, part in zip(pattern, parts, strict=True))


# --------------------------------------------------------------------------------------------
# Lists and paging


def _since(value: str) -> datetime:
    """Parse ``lastmodified`` ("2026-03-01 07:30", with or without seconds, or a date)."""
    text = value.strip()
    for layout in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=ZONE)
        except ValueError:
            continue
    raise ApiError(400, f"Ogiltigt datum i lastmodified: {value}", CODE_INVALID)


def _modified_since(record: Mapping[str, Any], since: datetime) -> bool:
    return datetime.fromisoformat(str(record.get("_modified"))) >= since


def _page(
    call: Call,
    key: str,
    records: list[dict[str, Any]],
    fields: Iterable[str],
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Reply:
    """One page of ``records``; ``shape`` is applied to the page's records only."""
    try:
        page = int(call.params.get("page", "1"))
        limit = int(call.params.get("limit", str(DEFAULT_LIMIT)))
    except ValueError:
        raise ApiError(400, "Ogiltig sidnumrering.", CODE_BAD_PAGING) from None
    if page < 1 or not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"Ogiltig sidnumrering: limit 1..{MAX_LIMIT}.", CODE_BAD_PAGING)
    total_pages = math.ceil(len(records) / limit)
    chosen = records[(page - 1) * limit : page * limit]
    if shape is not None:
        chosen = [shape(r) for r in chosen]
    wanted = tuple(fields)
    return Reply(
        200,
        {
            "MetaInformation": {
                "@TotalResources": len(records),
                "@TotalPages": total_pages,
                "@CurrentPage": page,
            },
            key: [{f: r.get(f) for f in wanted if f in r} for r in chosen],
        },
    )


def _number_key(record: Mapping[str, Any], field: str) -> tuple[int, str]:
    text = str(record.get(field, ""))
    return (int(text), "") if text.isdigit() else (0, text)


# --------------------------------------------------------------------------------------------
# Invoices


def is_unpaid(inv: Mapping[str, Any]) -> bool:
    """Booked, not cancelled, with a balance: what ``filter=unpaid`` returns.

    A negative balance (a credit note not yet used, an overpayment) counts as one: assumed,
    as Fortnox's UI lists such credit notes among the unpaid (docs/connectors/fortnox.md).
    """
    return bool(inv["Booked"]) and not inv["Cancelled"] and Decimal(inv["Balance"]) != 0


_FILTERS: dict[str, Callable[[Mapping[str, Any], date], bool]] = {
    "unpaid": lambda inv, today: is_unpaid(inv),
    "unpaidoverdue": lambda inv, today: (
        is_unpaid(inv) and date.fromisoformat(inv["DueDate"]) < today
    ),
    "fullypaid": lambda inv, today: (
        bool(inv["Booked"]) and not inv["Cancelled"] and Decimal(inv["Balance"]) == 0
    ),
    "cancelled": lambda inv, today: bool(inv["Cancelled"]),
    "unbooked": lambda inv, today: not inv["Booked"] and not inv["Cancelled"],
}


def _candidates(call: Call) -> list[dict[str, Any]]:
    """The invoices a list can contain: the customer's or our reference's, where asked for."""
    invoices: dict[str, Any] = call.state["invoices"]
    if call.index is not None:
        for param, field_ in (
            ("customernumber", "CustomerNumber"),
            ("externalinvoicereference1", "ExternalInvoiceReference1"),
        ):
            if param in call.params:
                return list(call.index.lookup(invoices, field_, call.params[param]))
    return list(invoices.values())


def _list_invoices(call: Call, parts: list[str]) -> Reply:
    params = call.params
    records = _candidates(call)
    name = params.get("filter")
    test = _FILTERS.get(name) if name is not None else None
    if name is not None and test is None:
        # Recorded: this one error comes with lower-case keys.
        raise ApiError(400, "Ett ogiltigt filter har använts.", CODE_BAD_FILTER, lower=True)
    exact = {
        "customernumber": "CustomerNumber",
        "externalinvoicereference1": "ExternalInvoiceReference1",
        "externalinvoicereference2": "ExternalInvoiceReference2",
        "yourreference": "YourReference",
        "ourreference": "OurReference",
        "invoicetype": "InvoiceType",
        "currency": "Currency",
        "documentnumber": "DocumentNumber",
    }
    # Every test must hold; the cheap exact matches go first so a per-customer list
    # does not weigh every invoice of a large company.
    for param, field_ in exact.items():
        if param in params:
            records = [r for r in records if str(r.get(field_) or "") == params[param]]
    if test is not None:
        records = [r for r in records if test(r, call.today)]
    if "lastmodified" in params:
        since = _since(params["lastmodified"])
        records = [r for r in records if _modified_since(r, since)]
    ranges = {
        "fromdate": ("InvoiceDate", True),
        "todate": ("InvoiceDate", False),
        "fromfinalpaydate": ("FinalPayDate", True),
        "tofinalpaydate": ("FinalPayDate", False),
    }
    for param, (field_, lower) in ranges.items():
        if param in params:
            bound = params[param]
            records = [
                r
                for r in records
                if r.get(field_) and (r[field_] >= bound if lower else r[field_] <= bound)
            ]
    records.sort(key=lambda r: _number_key(r, "DocumentNumber"))
    return _page(call, "Invoices", records, INVOICE_LIST_FIELDS, _listed_invoice)


def _listed_invoice(record: dict[str, Any]) -> dict[str, Any]:
    """An invoice as the list shows it: the rate as text (recorded)."""
    return {**record, "CurrencyRate": str(record.get("CurrencyRate", 1))}


def find_invoice(state: Mapping[str, Any], number: str) -> dict[str, Any]:
    """The full invoice ``number`` or a 404 as Fortnox words it."""
    found: dict[str, Any] | None = state["invoices"].get(number)
    if found is None:
        raise ApiError(404, "Kan inte hitta fakturan.", CODE_NO_INVOICE)
    return found


def _get_invoice(call: Call, parts: list[str]) -> Reply:
    return Reply(200, {"Invoice": public(find_invoice(call.state, parts[1]))})


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _row(raw: Any, index: int) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ApiError(400, f"Rad {index + 1} är inte ett objekt.", CODE_INVALID)
    unknown = set(raw) - _ROW_FIELDS
    if unknown:
        raise ApiError(400, f"Okänt fält på rad {index + 1}: {sorted(unknown)[0]}", CODE_INVALID)
    description = raw.get("Description", "")
    if not isinstance(description, str) or len(description) > 255:
        raise ApiError(400, f"Beskrivningen på rad {index + 1} är för lång.", CODE_INVALID)
    row: dict[str, Any] = {"Description": description}
    account = raw.get("AccountNumber")
    if account is not None and (
        isinstance(account, bool) or not isinstance(account, int) or not 1000 <= account <= 9999
    ):
        raise ApiError(400, f"Ogiltigt konto på rad {index + 1}.", CODE_INVALID)
    if "Price" not in raw:
        # A text row. An omitted account is filled from the company's predefined sales account
        # (recorded: a row sent without one came back with 3001, the BAS sales account);
        # assumed alike for a row without a price.
        row["AccountNumber"] = account if account is not None else DEFAULT_SALES_ACCOUNT
        return row
    try:
        price = Decimal(str(raw["Price"]))
        quantity = Decimal(str(raw.get("DeliveredQuantity", "1")))
    except InvalidOperation:
        raise ApiError(400, f"Ogiltigt belopp på rad {index + 1}.", CODE_INVALID) from None
    vat = raw.get("VAT", 25)
    if isinstance(vat, bool) or not isinstance(vat, int) or vat not in (0, 6, 12, 25):
        raise ApiError(400, f"Ogiltig momssats på rad {index + 1}.", CODE_INVALID)
    row.update(
        {
            "Price": price,
            "DeliveredQuantity": str(quantity),
            "VAT": vat,
            "AccountNumber": account if account is not None else DEFAULT_SALES_ACCOUNT,
            "Total": _money(price * quantity),
        }
    )
    if raw.get("ArticleNumber"):
        row["ArticleNumber"] = str(raw["ArticleNumber"])
    return row


def _create_invoice(call: Call, parts: list[str]) -> Reply:
    body = call.body.get("Invoice") if isinstance(call.body, Mapping) else None
    if not isinstance(body, Mapping):
        raise ApiError(400, "Invoice saknas i anropet.", CODE_INVALID)
    unknown = set(body) - set(_WRITABLE)
    if unknown:
        raise ApiError(400, f"Okänt fält: {sorted(unknown)[0]}", CODE_INVALID)
    for name, limit in _WRITABLE.items():
        value = body.get(name)
        if (
            limit is not None
            and value is not None
            and (not isinstance(value, str) or len(value) > limit)
        ):
            raise ApiError(400, f"Fältet {name} får vara högst {limit} tecken.", CODE_INVALID)
    customer_number = str(body.get("CustomerNumber") or "")
    customer = call.state["customers"].get(customer_number)
    if customer is None:
        raise ApiError(400, "Kunden hittades inte.", CODE_NO_CUSTOMER)
    kind = body.get("InvoiceType", "INVOICE")
    if kind not in INVOICE_TYPES:
        raise ApiError(400, f"Ogiltig fakturatyp: {kind}", CODE_INVALID)
    raw_rows = body.get("InvoiceRows", [])
    if not isinstance(raw_rows, list):
        raise ApiError(400, "InvoiceRows ska vara en lista.", CODE_INVALID)
    rows = [_row(r, i) for i, r in enumerate(raw_rows)]
    try:
        invoice_date = date.fromisoformat(str(body.get("InvoiceDate") or call.today.isoformat()))
        given = body.get("DueDate")
        due = (
            date.fromisoformat(str(given))
            if given
            else invoice_date + timedelta(days=terms_days(customer.get("TermsOfPayment")))
        )
    except ValueError:
        raise ApiError(400, "Ogiltigt datum.", CODE_INVALID) from None
    number = next_number(call.state)
    invoice = new_invoice(
        call.state,
        number=number,
        customer=customer,
        invoice_date=invoice_date,
        due_date=due,
        rows=rows,
        currency=str(body.get("Currency") or customer.get("Currency") or "SEK"),
        now=call.now,
        booked=False,
    )
    for name in (
        "ExternalInvoiceReference1",
        "ExternalInvoiceReference2",
        "YourReference",
        "OurReference",
        "Remarks",
        "Comments",
    ):
        if isinstance(body.get(name), str):
            invoice[name] = body[name]
    invoice["InvoiceType"] = kind
    invoice["Language"] = body.get("Language") or "SV"
    return Reply(201, {"Invoice": public(invoice)})


def terms_days(code: Any) -> int:
    """The days of credit a terms-of-payment code gives, for an invoice posted without DueDate.

    Recorded (fixtures/accodeing-vcr/invoices/save_new.yml): an invoice posted with neither
    InvoiceDate nor DueDate for a customer on TermsOfPayment "30" came back dated the day and
    due 30 days later; a posted DueDate is kept as given (save_new_with_unsaved_parent.yml).
    Fortnox's standard codes are the number of days ("0", "10", "15", "20", "30" in
    termsofpayments/all.yml). Assumption (docs/connectors/fortnox.md): a code that does not
    start with digits ("K" kontant, "AG", "PF") gives no credit; one that does ("19DAYS") gives
    those days.
    """
    digits = ""
    for char in str(code or "30"):
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else 0


def next_number(state: dict[str, Any]) -> str:
    """The next document number (Fortnox numbers invoices in one series)."""
    state["next_invoice"] = int(state.get("next_invoice", 1))
    number = state["next_invoice"]
    state["next_invoice"] = number + 1
    return str(number)


def new_invoice(
    state: dict[str, Any],
    *,
    number: str,
    customer: Mapping[str, Any],
    invoice_date: date,
    due_date: date,
    rows: list[dict[str, Any]],
    currency: str,
    now: datetime,
    booked: bool,
    total: Decimal | None = None,
) -> dict[str, Any]:
    """Store a full invoice with Fortnox's fields and return it."""
    net = sum((Decimal(r.get("Total", 0)) for r in rows), Decimal(0))
    vat = sum(
        (_money(Decimal(r.get("Total", 0)) * Decimal(r.get("VAT", 0)) / 100) for r in rows),
        Decimal(0),
    )
    gross = _money(total if total is not None else net + vat)
    invoice: dict[str, Any] = {
        "@url": f"{API_HOST}/3/invoices/{number}",
        "DocumentNumber": number,
        "CustomerNumber": str(customer["CustomerNumber"]),
        "CustomerName": customer.get("Name", ""),
        "InvoiceDate": invoice_date.isoformat(),
        "DueDate": due_date.isoformat(),
        "Currency": currency,
        "CurrencyRate": 1,
        "CurrencyUnit": 1,
        "Net": _money(net),
        "TotalVAT": _money(gross - net) if total is not None else _money(vat),
        "Total": gross,
        "TotalToPay": gross,
        "Balance": gross,
        "Booked": booked,
        "Cancelled": False,
        "Sent": False,
        "NoxFinans": False,
        "Credit": "false",
        "CreditInvoiceReference": "0",
        "InvoiceType": "INVOICE",
        # Fortnox's OCR: the invoice number and a mod-10 (Luhn) check digit (invoice 13: "133").
        "OCR": number + luhn.calc_check_digit(number),
        "Reminders": 0,
        "LastRemindDate": None,
        "FinalPayDate": None,
        "ExternalInvoiceReference1": "",
        "ExternalInvoiceReference2": "",
        "YourReference": "",
        "OurReference": "",
        "Remarks": "",
        "Comments": "",
        "Language": "SV",
        "TermsOfPayment": customer.get("TermsOfPayment") or "30",
        "VATIncluded": False,
        "InvoiceRows": rows,
        "EmailInformation": {
            "EmailAddressFrom": None,
            "EmailAddressTo": customer.get("EmailInvoice") or customer.get("Email") or "",
            "EmailSubject": "Faktura {no} bifogas",
            "EmailBody": " ",
        },
        "CostCenter": "",
        "Project": "",
        "WayOfDelivery": "",
        "VoucherNumber": None,
        "VoucherSeries": None,
        "VoucherYear": None,
        "_modified": stamp(now),
    }
    if booked:
        _voucher(state, invoice)
    state["invoices"][number] = invoice
    return invoice


def _voucher(state: dict[str, Any], invoice: dict[str, Any]) -> None:
    state["next_voucher"] = int(state.get("next_voucher", 1)) + 1
    invoice.update(
        {
            "Booked": True,
            "VoucherNumber": state["next_voucher"] - 1,
            "VoucherSeries": "B",
            "VoucherYear": 1,
        }
    )


def bookkeep(state: dict[str, Any], number: str, now: datetime) -> dict[str, Any]:
    """Book an unbooked invoice, as the API's bookkeep and the accountant in the UI do."""
    invoice = find_invoice(state, number)
    if invoice["Cancelled"]:
        raise ApiError(400, "Fakturan är makulerad och kan inte bokföras.", CODE_NOT_ALLOWED)
    if invoice["Booked"]:
        raise ApiError(400, "Fakturan är redan bokförd.", CODE_NOT_ALLOWED)
    _voucher(state, invoice)
    invoice["Balance"] = invoice["Total"]
    invoice["_modified"] = stamp(now)
    return invoice


def _bookkeep(call: Call, parts: list[str]) -> Reply:
    return Reply(200, {"Invoice": public(bookkeep(call.state, parts[1], call.now))})


def cancel(state: dict[str, Any], number: str, now: datetime) -> dict[str, Any]:
    """Cancel an unbooked invoice, as the API's cancel and the accountant in the UI do.

    openapi.json ``PUT /3/invoices/{DocumentNumber}/cancel`` answers the updated invoice. A
    booked invoice is credited (``/credit``), not cancelled: Fortnox refuses it, and cancelling
    one already cancelled (assumption, docs/connectors/fortnox.md).
    """
    invoice = find_invoice(state, number)
    if invoice["Booked"]:
        raise ApiError(400, "Fakturan är bokförd och kan inte makuleras.", CODE_NOT_ALLOWED)
    if invoice["Cancelled"]:
        raise ApiError(400, "Fakturan är redan makulerad.", CODE_NOT_ALLOWED)
    invoice["Cancelled"] = True
    invoice["_modified"] = stamp(now)
    return invoice


def _cancel(call: Call, parts: list[str]) -> Reply:
    return Reply(200, {"Invoice": public(cancel(call.state, parts[1], call.now))})


def _send(call: Call, parts: list[str]) -> Reply:
    invoice = find_invoice(call.state, parts[1])
    if not invoice["Booked"]:
        raise ApiError(400, "Fakturan måste vara bokförd innan den skickas.", CODE_NOT_ALLOWED)
    if parts[2] == "email" and not invoice["EmailInformation"].get("EmailAddressTo"):
        raise ApiError(400, "Fakturan saknar e-postadress.", CODE_NOT_ALLOWED)
    invoice["Sent"] = True
    invoice["WayOfDelivery"] = {"email": "EMAIL", "eprint": "PRINTSERVICE"}.get(
        parts[2], "EINVOICE"
    )
    invoice["_modified"] = stamp(call.now)
    return Reply(200, {"Invoice": public(invoice)})


def _externalprint(call: Call, parts: list[str]) -> Reply:
    """``PUT .../externalprint`` (spec: "Set an invoice as sent, without generating an
    invoice"): Sent becomes true; the invoice must be booked, as for every sending."""
    invoice = find_invoice(call.state, parts[1])
    if not invoice["Booked"]:
        raise ApiError(400, "Fakturan måste vara bokförd innan den skickas.", CODE_NOT_ALLOWED)
    invoice["Sent"] = True
    invoice["_modified"] = stamp(call.now)
    return Reply(200, {"Invoice": public(invoice)})


def credit_invoice(state: dict[str, Any], number: str, day: date, now: datetime) -> dict[str, Any]:
    """Credit a booked invoice in full (spec, ``PUT .../credit``: "The created credit invoice
    will be referenced in the property CreditInvoiceReference").

    The credit note (``Credit`` "true", a negative total) references the original and the
    original references it. The credit offsets what is unpaid: the original's balance becomes 0
    and it counts as fully paid on ``day`` (FinalPayDate; assumed, see the docs); what the
    customer had paid stays on the credit note as a negative balance (credit in their favour).
    """
    original = find_invoice(state, number)
    if not original["Booked"] or original["Cancelled"]:
        raise ApiError(400, "Endast bokförda fakturor kan krediteras.", CODE_NOT_ALLOWED)
    if str(original.get("CreditInvoiceReference") or "0") != "0" or original["Credit"] == "true":
        raise ApiError(400, "Fakturan är redan krediterad.", CODE_NOT_ALLOWED)
    customer = state["customers"][str(original["CustomerNumber"])]
    total = Decimal(original["Total"])
    rows = [
        {**row, "Price": -Decimal(row.get("Price", 0)), "Total": -Decimal(row.get("Total", 0))}
        for row in original["InvoiceRows"]
        if "Price" in row
    ]
    note = new_invoice(
        state,
        number=next_number(state),
        customer=customer,
        invoice_date=day,
        due_date=day,
        rows=rows,
        currency=str(original["Currency"]),
        now=now,
        booked=True,
        total=-total,
    )
    note.update(
        {
            "Credit": "true",
            "CreditInvoiceReference": str(original["DocumentNumber"]),
            "Balance": _money(Decimal(original["Balance"]) - total),
            "FinalPayDate": day.isoformat() if Decimal(original["Balance"]) == total else None,
        }
    )
    original.update(
        {
            "CreditInvoiceReference": str(note["DocumentNumber"]),
            "Balance": Decimal("0.00"),
            "FinalPayDate": day.isoformat(),
            "_modified": stamp(now),
        }
    )
    return note


def _credit(call: Call, parts: list[str]) -> Reply:
    credit_invoice(call.state, parts[1], call.today, call.now)
    return Reply(200, {"Invoice": public(find_invoice(call.state, parts[1]))})


# --------------------------------------------------------------------------------------------
# Payments and customers


def _list_payments(call: Call, parts: list[str]) -> Reply:
    records = list(call.state["payments"])
    if "invoicenumber" in call.params:
        records = [r for r in records if str(r["InvoiceNumber"]) == call.params["invoicenumber"]]
    if "lastmodified" in call.params:
        since = _since(call.params["lastmodified"])
        records = [r for r in records if _modified_since(r, since)]
    return _page(call, "InvoicePayments", records, PAYMENT_LIST_FIELDS)


def _list_customers(call: Call, parts: list[str]) -> Reply:
    records = list(call.state["customers"].values())
    name = call.params.get("filter")
    if name is not None:
        if name not in ("active", "inactive"):
            raise ApiError(400, "Ett ogiltigt filter har använts.", CODE_BAD_FILTER, lower=True)
        records = [r for r in records if bool(r.get("Active")) == (name == "active")]
    if "lastmodified" in call.params:
        since = _since(call.params["lastmodified"])
        records = [r for r in records if _modified_since(r, since)]
    if "customernumber" in call.params:
        records = [r for r in records if r["CustomerNumber"] == call.params["customernumber"]]
    records.sort(key=lambda r: _number_key(r, "CustomerNumber"))
    return _page(call, "Customers", [_customer_item(r) for r in records], CUSTOMER_LIST_FIELDS)


def _customer_item(record: Mapping[str, Any]) -> dict[str, Any]:
    """A customer as the list shows it: one ``Phone`` (the full customer's Phone1) and, unlike
    the full customer, "" rather than null for an unset field (both recorded)."""
    item = {f: "" if record.get(f) is None else record[f] for f in CUSTOMER_LIST_FIELDS}
    item["Phone"] = record.get("Phone1") or ""
    return item


# What ``GET /3/companyinformation`` answers for the demo company (the fields of openapi.json's
# fortnox_CompanyInfo; the values are the demo's own). A state may carry its own ("company").
COMPANY_INFORMATION: dict[str, Any] = {
    "Address": "Kungsgatan 12",
    "City": "Uppsala",
    "CompanyName": "Nordkontor AB",
    "CountryCode": "SE",
    "DatabaseNumber": 581204,
    "OrganizationNumber": "556677-8899",
    "VisitAddress": "Kungsgatan 12",
    "VisitCity": "Uppsala",
    "VisitCountryCode": "SE",
    "VisitZipCode": "753 21",
    "ZipCode": "753 21",
}


def _company_information(call: Call, parts: list[str]) -> Reply:
    del parts
    return Reply(
        200, {"CompanyInformation": dict(call.state.get("company") or COMPANY_INFORMATION)}
    )


def _get_customer(call: Call, parts: list[str]) -> Reply:
    found = call.state["customers"].get(parts[1])
    if found is None:
        raise ApiError(404, "Kan inte hitta kunden.", CODE_NO_CUSTOMER)
    return Reply(200, {"Customer": public(found)})


# --------------------------------------------------------------------------------------------
# Fortnox Finans


def _hand_over(call: Call, parts: list[str]) -> Reply:
    body = call.body.get("NoxFinansInvoice") if isinstance(call.body, Mapping) else None
    if not isinstance(body, Mapping):
        raise ApiError(400, "NoxFinansInvoice saknas i anropet.", CODE_INVALID)
    missing = [k for k in ("InvoiceNumber", "SendMethod", "Service") if not body.get(k)]
    if missing:
        raise ApiError(400, f"Fältet {missing[0]} saknas.", CODE_INVALID)
    if body["SendMethod"] not in ("EMAIL", "LETTER", "EINVOICE", "NONE"):
        raise ApiError(400, "Ogiltig SendMethod.", CODE_INVALID)
    if body["Service"] not in ("LEDGERBASE", "REMINDER"):
        raise ApiError(400, "Ogiltig Service.", CODE_INVALID)
    invoice = find_invoice(call.state, str(body["InvoiceNumber"]))
    if invoice["Currency"] != "SEK":
        raise ApiError(400, "Fortnox Finans hanterar endast fakturor i SEK.", CODE_NOT_ALLOWED)
    if not is_unpaid(invoice) or Decimal(invoice["Balance"]) < 0:
        raise ApiError(400, "Fakturan är inte obetald och bokförd.", CODE_NOT_ALLOWED)
    if invoice["NoxFinans"]:
        raise ApiError(400, "Fakturan är redan skickad till Fortnox Finans.", CODE_NOT_ALLOWED)
    invoice["NoxFinans"] = True
    invoice["_modified"] = stamp(call.now)
    record = finans_record(invoice, str(body["Service"]), call.today)
    call.state["finans"][invoice["DocumentNumber"]] = record
    return Reply(201, {"NoxFinansInvoice": record})


def finans_record(invoice: Mapping[str, Any], service: str, today: date) -> dict[str, Any]:
    """What Fortnox Finans reports for an invoice in its care."""
    balance = Decimal(invoice["Balance"])
    return {
        "@url": f"{API_HOST}/3/noxfinansinvoices/{invoice['DocumentNumber']}",
        "BalanceIncludeFees": balance,
        "BalanceIncludeFeesCurrency": balance,
        "CurrentCapitalBalance": balance,
        "CurrentCapitalBalanceCurrency": balance,
        "InvoiceNumber": int(invoice["DocumentNumber"]),
        "NextEvent": "REMINDER",
        "NextEventDate": today.isoformat(),
        "OCRNumber": invoice["OCR"],
        "Service": service,
        "ServiceName": "Påminnelsetjänst" if service == "REMINDER" else "Reskontratjänst",
        "Status": "PENDING",
    }


def _get_finans(call: Call, parts: list[str]) -> Reply:
    record = call.state["finans"].get(parts[1])
    if record is None:
        raise ApiError(404, "Kan inte hitta fakturan hos Fortnox Finans.", CODE_NO_INVOICE)
    return Reply(200, {"NoxFinansInvoice": record})


# --------------------------------------------------------------------------------------------
# The chart of accounts and articles (doctor's checks)


def _get_account(call: Call, parts: list[str]) -> Reply:
    """``GET /3/accounts/{Number}``: fortnox_AccountSingleItem (Number, Description, Active,
    VATCode, Year, ...)."""
    found = call.state.get("accounts", DEFAULT_ACCOUNTS).get(parts[1])
    if found is None:
        raise ApiError(404, "Kontot hittades inte.", CODE_NO_ACCOUNT)
    account = {"Active": True, "Year": call.today.year, **found}
    account["@url"] = f"https://api.fortnox.se/3/accounts/{account['Number']}"
    return Reply(200, {"Account": account})


def _get_article(call: Call, parts: list[str]) -> Reply:
    """``GET /3/articles/{ArticleNumber}``: fortnox_Article (ArticleNumber, Description,
    Active, VAT, SalesAccount, Type, ...)."""
    found = call.state.get("articles", {}).get(parts[1])
    if found is None:
        raise ApiError(404, "Kan inte hitta artikeln.", CODE_NO_ARTICLE)
    return Reply(200, {"Article": dict(found)})
