"""Fortnox Finans in the sandbox: handing an invoice over and reading it back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from connectors.fortnox.sandbox.call import Call, Reply, route
from connectors.fortnox.sandbox.errors import (
    CODE_INVALID,
    CODE_NO_INVOICE,
    CODE_NOT_ALLOWED,
    ApiError,
)
from connectors.fortnox.sandbox.ledger import (
    API_HOST,
    find_invoice,
    is_unpaid,
    stamp,
)
from connectors.sandbox_base import Params


@route("POST", "/noxfinansinvoices")
def hand_over(call: Call, args: Params) -> Reply:
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


@route("GET", "/noxfinansinvoices/{number}")
def get_finans(call: Call, args: Params) -> Reply:
    record = call.state["finans"].get(args["number"])
    if record is None:
        raise ApiError(404, "Kan inte hitta fakturan hos Fortnox Finans.", CODE_NO_INVOICE)
    return Reply(200, {"NoxFinansInvoice": record})
