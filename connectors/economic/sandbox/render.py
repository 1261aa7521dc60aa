"""Stored records -> the JSON e-conomic answers: links, derived amounts, e-conomic's quirks.

Shapes follow the recorded responses (fixtures/traels-it): key order, nested references with
``self`` links, amounts as numbers, and booleans such as ``barred`` left out when false.
Collections leave out invoice lines; the single-resource answers carry them.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import ZERO, money
from connectors.economic.sandbox import catalog
from connectors.economic.sandbox.demo_company import AGREEMENT
from connectors.economic.sandbox.invoicing import in_base
from connectors.economic.sandbox.links import link, ref
from connectors.economic.sandbox.query import Page
from connectors.economic.sandbox.state import Record, SandboxState

Doc = dict[str, Any]


def collection(page: Page, *, create: str | None = None) -> Doc:
    """Wrap one page of items the way every e-conomic collection answers."""
    out: Doc = {"collection": page.items, "pagination": page.pagination}
    if create is not None:
        out["metaData"] = {
            "create": {"description": create, "href": page.self_link, "httpMethod": "post"}
        }
    out["self"] = page.self_link
    return out


def _put(doc: Doc, rec: Record, *keys: str) -> None:
    """Copy the keys ``rec`` has, in the order given; absent keys stay absent."""
    for key in keys:
        if key in rec and rec[key] is not None:
            doc[key] = copy.deepcopy(rec[key])


def balances(state: SandboxState, today: date) -> dict[int, tuple[Decimal, Decimal]]:
    """Every customer's balance and overdue amount (DKK), in one pass over the invoices."""
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    for inv in state.booked.values():
        number = inv["customer"]["customerNumber"]
        balance, due = totals.get(number, (ZERO, ZERO))
        open_base = in_base(Decimal(inv["remainder"]), Decimal(inv["exchangeRate"]))
        overdue = date.fromisoformat(inv["dueDate"]) < today
        totals[number] = (balance + open_base, due + open_base if overdue else due)
    for entry in state.entries.values():
        # A payment on account (no invoice): its open remainder is credit on the balance.
        if entry.get("entryType") == "customerPayment" and "bookedInvoice" not in entry:
            number = entry["customer"]["customerNumber"]
            balance, due = totals.get(number, (ZERO, ZERO))
            totals[number] = (balance + Decimal(entry.get("remainder", ZERO)), due)
    return totals


def customer(
    rec: Record,
    state: SandboxState,
    today: date,
    *,
    single: bool = False,
    totals: dict[int, tuple[Decimal, Decimal]] | None = None,
) -> Doc:
    """Render a customer with its balance and overdue amount (DKK) from its open invoices.

    ``totals`` is :func:`balances`' answer when many customers are rendered at once.
    """
    number = rec["customerNumber"]
    if totals is None:
        totals = {number: balances(state, today).get(number, (ZERO, ZERO))}
    balance, due = totals.get(number, (ZERO, ZERO))
    doc: Doc = {"customerNumber": number, "currency": rec["currency"]}
    doc["paymentTerms"] = _ref_of(rec, "paymentTerms", "paymentTermsNumber", "payment-terms")
    doc["customerGroup"] = _ref_of(rec, "customerGroup", "customerGroupNumber", "customer-groups")
    _put(doc, rec, "address")
    doc["balance"] = money(balance)
    doc["dueAmount"] = money(due)
    _put(doc, rec, "corporateIdentificationNumber", "vatNumber", "ean", "city", "country")
    _put(doc, rec, "email", "creditLimit")
    if rec.get("barred"):
        doc["barred"] = True
    _put(doc, rec, "name", "zip", "telephoneAndFaxNumber", "mobilePhone")
    doc["vatZone"] = _ref_of(rec, "vatZone", "vatZoneNumber", "vat-zones")
    if "layout" in rec:
        doc["layout"] = _ref_of(rec, "layout", "layoutNumber", "layouts")
    if "salesPerson" in rec:
        doc["salesPerson"] = _ref_of(rec, "salesPerson", "employeeNumber", "employees")
    _put(doc, rec, "lastUpdated")
    doc["contacts"] = link("customers", number, "contacts")
    doc["templates"] = {
        "invoice": link("customers", number, "templates", "invoice"),
        "invoiceLine": link("customers", number, "templates", "invoiceline"),
        "self": link("customers", number, "templates"),
    }
    doc["totals"] = {
        "drafts": link("invoices", "totals", "drafts", "customers", number),
        "booked": link("invoices", "totals", "booked", "customers", number),
        "self": link("customers", number, "totals"),
    }
    doc["deliveryLocations"] = link("customers", number, "delivery-locations")
    doc["invoices"] = {
        "drafts": link("customers", number, "invoices", "drafts"),
        "booked": link("customers", number, "invoices", "booked"),
        "self": link("customers", number, "invoices"),
    }
    if single:
        here = link("customers", number)
        doc["metaData"] = {
            "delete": {
                "description": "Delete this customer.",
                "href": here,
                "httpMethod": "delete",
            },
            "replace": {"description": "Replace this customer.", "href": here, "httpMethod": "put"},
        }
    doc["self"] = link("customers", number)
    return doc


def _ref_of(rec: Record, key: str, number_key: str, collection_path: str) -> Doc:
    number = rec[key][number_key]
    return ref(number_key, number, collection_path, number)


def contact(rec: Record) -> Doc:
    """Render a customer contact."""
    number = rec["customerContactNumber"]
    customer_number = rec["customer"]["customerNumber"]
    doc: Doc = {"customerContactNumber": number}
    _put(doc, rec, "email", "phone", "name")
    doc["customer"] = ref("customerNumber", customer_number, "customers", customer_number)
    if rec.get("emailNotifications"):
        doc["emailNotifications"] = list(rec["emailNotifications"])
    _put(doc, rec, "sortKey")
    doc["self"] = link("customers", customer_number, "contacts", number)
    return doc


def employee(rec: Record) -> Doc:
    """Render an employee: the schema's fields, ``barred`` left out when false."""
    number = rec["employeeNumber"]
    doc: Doc = {"employeeNumber": number}
    doc["employeeGroup"] = _ref_of(rec, "employeeGroup", "employeeGroupNumber", "employee-groups")
    _put(doc, rec, "name")
    doc["customers"] = link("employees", number, "customers")
    doc["draftInvoices"] = link("employees", number, "invoices", "drafts")
    doc["bookedInvoices"] = link("employees", number, "invoices", "booked")
    _put(doc, rec, "email", "phone")
    if rec.get("barred"):
        doc["barred"] = True
    doc["self"] = link("employees", number)
    return doc


def _terms(rec: Record) -> Doc:
    return copy.deepcopy(catalog.PAYMENT_TERMS[rec["paymentTerms"]["paymentTermsNumber"]])


def _recipient(rec: Record) -> Doc:
    recipient: Doc = copy.deepcopy(rec["recipient"])
    zone = recipient.get("vatZone", {}).get("vatZoneNumber", catalog.DOMESTIC_ZONE)
    # The recorded answers expand the VAT zone in full inside the recipient.
    recipient["vatZone"] = copy.deepcopy(catalog.VAT_ZONES[zone])
    if "attention" in recipient:
        contact_number = recipient["attention"]["customerContactNumber"]
        customer_number = rec["customer"]["customerNumber"]
        recipient["attention"] = ref(
            "customerContactNumber",
            contact_number,
            "customers",
            customer_number,
            "contacts",
            contact_number,
        )
    return recipient


def _amounts(rec: Record, doc: Doc, *, with_remainder: bool) -> None:
    rate = Decimal(rec["exchangeRate"])
    doc["exchangeRate"] = rate
    for key in ("netAmount", "grossAmount"):
        doc[key] = rec[key]
        doc[f"{key}InBaseCurrency"] = in_base(Decimal(rec[key]), rate)
    doc["vatAmount"] = rec["vatAmount"]
    doc["roundingAmount"] = rec.get("roundingAmount", Decimal("0.00"))
    if with_remainder:
        doc["remainder"] = rec["remainder"]
        doc["remainderInBaseCurrency"] = in_base(Decimal(rec["remainder"]), rate)


def _tail(rec: Record, doc: Doc) -> None:
    """Customer, recipient, notes, references and layout, in the recorded order."""
    customer_number = rec["customer"]["customerNumber"]
    doc["paymentTerms"] = _terms(rec)
    doc["customer"] = ref("customerNumber", customer_number, "customers", customer_number)
    doc["recipient"] = _recipient(rec)
    if rec.get("notes"):
        doc["notes"] = copy.deepcopy(rec["notes"])
    if rec.get("references"):
        doc["references"] = copy.deepcopy(rec["references"])
    layout = rec["layout"]["layoutNumber"]
    doc["layout"] = ref("layoutNumber", layout, "layouts", layout)


def booked_invoice(rec: Record, *, single: bool = False) -> Doc:
    """Render a booked invoice; ``single`` adds its lines."""
    number = rec["bookedInvoiceNumber"]
    doc: Doc = {"bookedInvoiceNumber": number, "date": rec["date"], "currency": rec["currency"]}
    _amounts(rec, doc, with_remainder=True)
    # Reorder so remainder sits after roundingAmount and dueDate follows, as recorded.
    doc["dueDate"] = rec["dueDate"]
    _tail(rec, doc)
    doc["pdf"] = {"download": link("invoices", "booked", number, "pdf")}
    if single:
        doc["lines"] = [_booked_line(line) for line in rec.get("lines", [])]
    doc["sent"] = link("invoices", "booked", number, "sent")
    doc["self"] = link("invoices", "booked", number)
    return doc


def _line_head(line: Record) -> Doc:
    doc: Doc = {"lineNumber": line["lineNumber"], "sortKey": line["sortKey"]}
    _put(doc, line, "description")
    return doc


def _product(line: Record) -> Doc:
    number = line["product"]["productNumber"]
    return ref("productNumber", number, "products", number)


def _booked_line(line: Record) -> Doc:
    doc = _line_head(line)
    _put(doc, line, "quantity", "unitNetPrice", "discountPercentage", "unitCostPrice")
    _put(doc, line, "vatRate", "vatAmount", "totalNetAmount")
    doc["product"] = _product(line)
    return doc


def _draft_line(line: Record, exchange_rate: Decimal) -> Doc:
    doc = _line_head(line)
    doc["product"] = _product(line)
    _put(doc, line, "quantity", "unitNetPrice", "discountPercentage", "unitCostPrice")
    _put(doc, line, "totalNetAmount")
    net = in_base(Decimal(line["totalNetAmount"]), exchange_rate)
    cost = money(Decimal(line["quantity"]) * Decimal(line["unitCostPrice"]))
    doc["marginInBaseCurrency"] = money(net - cost)
    doc["marginPercentage"] = _percentage(net - cost, net)
    return doc


def _percentage(part: Decimal, whole: Decimal) -> Decimal:
    return money(part * 100 / whole) if whole else Decimal("0.00")


def draft_invoice(rec: Record, *, single: bool = False) -> Doc:
    """Render a draft invoice; ``single`` adds its lines."""
    number = rec["draftInvoiceNumber"]
    rate = Decimal(rec["exchangeRate"])
    doc: Doc = {
        "draftInvoiceNumber": number,
        "soap": copy.deepcopy(rec["soap"]),
        "templates": {
            "bookingInstructions": link(
                "invoices", "drafts", number, "templates", "booking-instructions"
            ),
            "self": link("invoices", "drafts", number, "templates"),
        },
        "attachment": link("invoices", "drafts", number, "attachment"),
    }
    lines = rec.get("lines", [])
    if single:
        doc["lines"] = [_draft_line(line, rate) for line in lines]
    doc["date"] = rec["date"]
    doc["currency"] = rec["currency"]
    _amounts(rec, doc, with_remainder=False)
    cost = money(sum((Decimal(x["quantity"]) * Decimal(x["unitCostPrice"]) for x in lines), ZERO))
    net_base = doc["netAmountInBaseCurrency"]
    doc["marginInBaseCurrency"] = money(net_base - cost)
    doc["marginPercentage"] = _percentage(net_base - cost, net_base)
    doc["costPriceInBaseCurrency"] = cost
    doc["dueDate"] = rec["dueDate"]
    _tail(rec, doc)
    doc["pdf"] = {"download": link("invoices", "drafts", number, "pdf")}
    doc["lastUpdated"] = rec["lastUpdated"]
    doc["self"] = link("invoices", "drafts", number)
    return doc


def entry(rec: Record, state: SandboxState) -> Doc:
    """Render a customer ledger entry; an invoice's entry shows the invoice's live remainder."""
    year = rec["date"][:4]
    rate = catalog.EXCHANGE_RATES.get(rec["currency"], Decimal("100.000000"))
    doc: Doc = {
        "account": ref("accountNumber", catalog.DEBTOR_ACCOUNT, "accounts", catalog.DEBTOR_ACCOUNT),
        "amount": rec["amount"],
        "amountInBaseCurrency": in_base(Decimal(rec["amount"]), rate),
        "currency": rec["currency"],
        "date": rec["date"],
        "entryNumber": rec["entryNumber"],
        "text": rec["text"],
        "entryType": rec["entryType"],
        "voucherNumber": rec["voucherNumber"],
    }
    customer_number = rec["customer"]["customerNumber"]
    doc["customer"] = ref("customerNumber", customer_number, "customers", customer_number)
    _put(doc, rec, "invoiceNumber", "dueDate")
    remainder = Decimal(rec.get("remainder", "0.00"))
    booked_ref = rec.get("bookedInvoice")
    if booked_ref is not None:
        number = booked_ref["bookedInvoiceNumber"]
        doc["bookedInvoice"] = ref("bookedInvoiceNumber", number, "invoices", "booked", number)
        if rec["entryType"] == "customerInvoice" and number in state.booked:
            remainder = Decimal(state.booked[number]["remainder"])
    doc["remainder"] = money(remainder)
    doc["remainderInBaseCurrency"] = in_base(remainder, rate)
    doc["self"] = link("accounting-years", year, "entries", rec["entryNumber"])
    return doc


def accounting_year(year: int, today: date) -> Doc:
    """Render a calendar accounting year; years two or more back are shown closed."""
    doc: Doc = {"fromDate": f"{year}-01-01", "toDate": f"{year}-12-31", "year": str(year)}
    if year < today.year - 1:
        doc["closed"] = True
    for part in ("periods", "entries", "totals", "vouchers"):
        doc[part] = link("accounting-years", year, part)
    doc["self"] = link("accounting-years", year)
    return doc


def agreement() -> Doc:
    """Render ``/self``: the agreement, its company and the connected app."""
    return copy.deepcopy(AGREEMENT)
