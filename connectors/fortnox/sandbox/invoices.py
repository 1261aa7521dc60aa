"""The Fortnox sandbox's invoice endpoints: the list and its filters, one invoice, creating
one (validated as Fortnox does) and the actions on it (bookkeep, cancel, send, credit).

List answers project the full records onto the list-item fields of the official spec, with
the type quirks the recordings show (``CurrencyRate`` as the string "1" in lists).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.fortnox.sandbox.call import Call, Reply, modified_since, number_key, page, route
from connectors.fortnox.sandbox.errors import (
    CODE_BAD_FILTER,
    CODE_INVALID,
    CODE_NO_CUSTOMER,
    CODE_NOT_ALLOWED,
    ApiError,
)
from connectors.fortnox.sandbox.ledger import (
    bookkeep,
    cancel,
    credit_invoice,
    find_invoice,
    is_unpaid,
    money,
    new_invoice,
    next_number,
    public,
    stamp,
    terms_days,
)
from connectors.sandbox_base import Params

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

# The predefined sales account a row gets when it names none (recorded: 3001).
DEFAULT_SALES_ACCOUNT = 3001
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


@route("GET", "/invoices")
def list_invoices(call: Call, args: Params) -> Reply:
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
    records = modified_since(call, records)
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
    records.sort(key=lambda r: number_key(r, "DocumentNumber"))
    return page(call, "Invoices", records, INVOICE_LIST_FIELDS, _listed_invoice)


def _listed_invoice(record: dict[str, Any]) -> dict[str, Any]:
    """An invoice as the list shows it: the rate as text (recorded)."""
    return {**record, "CurrencyRate": str(record.get("CurrencyRate", 1))}


@route("GET", "/invoices/{number}")
def get_invoice(call: Call, args: Params) -> Reply:
    return Reply(200, {"Invoice": public(find_invoice(call.state, args["number"]))})


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
            "Total": money(price * quantity),
        }
    )
    if raw.get("ArticleNumber"):
        row["ArticleNumber"] = str(raw["ArticleNumber"])
    return row


@route("POST", "/invoices")
def create_invoice(call: Call, args: Params) -> Reply:
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


@route("PUT", "/invoices/{number}/bookkeep")
def put_bookkeep(call: Call, args: Params) -> Reply:
    return Reply(200, {"Invoice": public(bookkeep(call.state, args["number"], call.now))})


@route("PUT", "/invoices/{number}/cancel")
def put_cancel(call: Call, args: Params) -> Reply:
    return Reply(200, {"Invoice": public(cancel(call.state, args["number"], call.now))})


# einvoice is in the spec, but no customer uses it.
@route("GET", "/invoices/{number}/{way:email|eprint|einvoice}")
def get_send(call: Call, args: Params) -> Reply:
    invoice = find_invoice(call.state, args["number"])
    if not invoice["Booked"]:
        raise ApiError(400, "Fakturan måste vara bokförd innan den skickas.", CODE_NOT_ALLOWED)
    if args["way"] == "email" and not invoice["EmailInformation"].get("EmailAddressTo"):
        raise ApiError(400, "Fakturan saknar e-postadress.", CODE_NOT_ALLOWED)
    invoice["Sent"] = True
    invoice["WayOfDelivery"] = {"email": "EMAIL", "eprint": "PRINTSERVICE"}.get(
        args["way"], "EINVOICE"
    )
    invoice["_modified"] = stamp(call.now)
    return Reply(200, {"Invoice": public(invoice)})


@route("PUT", "/invoices/{number}/externalprint")
def put_externalprint(call: Call, args: Params) -> Reply:
    """``PUT .../externalprint`` (spec: "Set an invoice as sent, without generating an
    invoice"): Sent becomes true; the invoice must be booked, as for every sending."""
    invoice = find_invoice(call.state, args["number"])
    if not invoice["Booked"]:
        raise ApiError(400, "Fakturan måste vara bokförd innan den skickas.", CODE_NOT_ALLOWED)
    invoice["Sent"] = True
    invoice["_modified"] = stamp(call.now)
    return Reply(200, {"Invoice": public(invoice)})


@route("PUT", "/invoices/{number}/credit")
def put_credit(call: Call, args: Params) -> Reply:
    credit_invoice(call.state, args["number"], call.today, call.now)
    return Reply(200, {"Invoice": public(find_invoice(call.state, args["number"]))})
