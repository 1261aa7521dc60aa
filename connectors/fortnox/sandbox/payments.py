"""The Fortnox sandbox's invoice payments list."""

from __future__ import annotations

from connectors.fortnox.sandbox.call import Call, Reply, modified_since, page, route
from connectors.sandbox_base import Params

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


@route("GET", "/invoicepayments")
def list_payments(call: Call, args: Params) -> Reply:
    records = list(call.state["payments"])
    if "invoicenumber" in call.params:
        records = [r for r in records if str(r["InvoiceNumber"]) == call.params["invoicenumber"]]
    records = modified_since(call, records)
    return page(call, "InvoicePayments", records, PAYMENT_LIST_FIELDS)
