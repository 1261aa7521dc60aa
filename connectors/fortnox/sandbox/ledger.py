"""The Fortnox sandbox's invoices as stored, and what changes them: numbering, booking,
cancelling, crediting.

The state is plain JSON-ready dicts in Fortnox's own field names (a full invoice, a full
customer), plus one private key ``_modified`` (an ISO instant) per record for ``lastmodified``.
The endpoints (invoices.py, finans.py) and the UI hooks (server.py) both change invoices here.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stdnum import luhn

from connectors.fortnox.sandbox.errors import CODE_NO_INVOICE, CODE_NOT_ALLOWED, ApiError

API_HOST = "https://api.fortnox.se"
CENT = Decimal("0.01")


def stamp(moment: datetime) -> str:
    """An instant as stored in ``_modified``."""
    return moment.astimezone(UTC).isoformat()


def public(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record without the sandbox's private keys."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


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


def find_invoice(state: Mapping[str, Any], number: str) -> dict[str, Any]:
    """The full invoice ``number`` or a 404 as Fortnox words it."""
    found: dict[str, Any] | None = state["invoices"].get(number)
    if found is None:
        raise ApiError(404, "Kan inte hitta fakturan.", CODE_NO_INVOICE)
    return found


def is_unpaid(inv: Mapping[str, Any]) -> bool:
    """Booked, not cancelled, with a balance: what ``filter=unpaid`` returns.

    A negative balance (a credit note not yet used, an overpayment) counts as one: assumed,
    as Fortnox's UI lists such credit notes among the unpaid (docs/connectors/fortnox.md).
    """
    return bool(inv["Booked"]) and not inv["Cancelled"] and Decimal(inv["Balance"]) != 0


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
        (money(Decimal(r.get("Total", 0)) * Decimal(r.get("VAT", 0)) / 100) for r in rows),
        Decimal(0),
    )
    gross = money(total if total is not None else net + vat)
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
        "Net": money(net),
        "TotalVAT": money(gross - net) if total is not None else money(vat),
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
            "Balance": money(Decimal(original["Balance"]) - total),
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
