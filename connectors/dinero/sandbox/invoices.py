"""The Dinero sandbox's invoices: the list (``statusFilter``, ``changesSince``), the sales list
(invoices and credit notes), one invoice, its payments, its mailouts and the pre-reminder
e-mail."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.dinero.sandbox.call import Call, changed, changes_since, page, route
from connectors.dinero.sandbox.state import bad_request
from connectors.sandbox_base import Params

# What the list shows when ``fields`` is left out, and the names its ``fields`` parameter
# documents (spec extract); Dinero is assumed to refuse any other name with a 400
# (docs/connectors/dinero.md, assumptions).
_DEFAULT_FIELDS = "Guid,ContactName,Date,Description"
_FIELDS = frozenset(
    "Number,Guid,ExternalReference,ContactName,ContactGuid,Date,PaymentDate,Description,"
    "Currency,Status,MailOutStatus,LatestMailOutType,TotalExclVatInDkk,TotalInclVatInDkk,"
    "TotalExclVat,TotalInclVat,CreatedAt,UpdatedAt,DeletedAt".lower().split(",")
)


def _list_item(call: Call, guid: str) -> dict[str, Any]:
    item = call.state.invoices[guid]
    contact = call.state.contacts.get(item["ContactGuid"], {})
    total = Decimal(item["TotalInclVat"])
    return {
        "Number": item["Number"],
        "Guid": guid,
        "ExternalReference": item.get("ExternalReference"),
        "ContactName": contact.get("Name"),
        "ContactGuid": item["ContactGuid"],
        "Date": item["Date"],
        "PaymentDate": item["PaymentDate"],
        "Description": item.get("Description", "Faktura"),
        "Currency": item["Currency"],
        "Status": call.state.status(guid, call.today),
        "Type": "Invoice",
        "MailOutStatus": "Sent" if call.state.mailouts.get(guid) else "NotSent",
        "LatestMailOutType": (call.state.mailouts.get(guid) or [{"Type": "None"}])[-1]["Type"],
        "TotalExclVat": (total / Decimal("1.25")).quantize(Decimal("0.01")),
        "TotalInclVat": total,
        "TotalExclVatInDkk": (total / Decimal("1.25")).quantize(Decimal("0.01")),
        "TotalInclVatInDkk": total,
        "CreatedAt": item["CreatedAt"],
        "UpdatedAt": item["UpdatedAt"],
        "DeletedAt": item.get("DeletedAt"),
    }


@route("GET", "/v1/{org}/invoices")
def list_invoices(call: Call, _: Params) -> Any:
    statuses = {s.strip() for s in call.params.get("statusFilter", "").split(",") if s.strip()}
    unknown = statuses - {"Draft", "Booked", "Paid", "OverPaid", "Overdue"}
    if unknown:
        raise bad_request(f"Unknown statusFilter value(s): {', '.join(sorted(unknown))}.")
    if ("startDate" in call.params) != ("endDate" in call.params):
        raise bad_request("If you define a start date, you also need to define an end date.")
    guids = _listing(call, statuses, changes_since(call))
    return page(
        call,
        guids,
        _DEFAULT_FIELDS,
        lambda guid: _list_item(call, guid),
        allowed=_FIELDS,
    )


_SALE_FIELDS = _FIELDS | {"type"}


@route("GET", "/v1/{org}/sales")
def list_sales(call: Call, _: Params) -> Any:
    """Invoices and credit notes (``Type``), newest first; ``changesSince`` as the spec says
    ("created, deleted or updated at or after given time"). Only the fields the bridge reads
    are served for a credit note."""
    since = changes_since(call)
    items: list[dict[str, Any]] = [_list_item(call, guid) for guid in _listing(call, set(), since)]
    for guid, note in call.state.credit_notes.items():
        if note.get("UpdatedAt") and not changed(note, since):
            continue
        items.append(
            {
                "Guid": guid,
                "Number": note["Number"],
                "Type": "CreditNote",
                "ContactGuid": note["ContactGuid"],
                "Date": note["Date"],
                "TotalInclVat": note["TotalInclVat"],
                "CreatedAt": note.get("CreatedAt"),
                "UpdatedAt": note.get("UpdatedAt"),
                "DeletedAt": None,
            }
        )
    return page(call, items, "Guid,ContactName,Date,Description,Type", allowed=_SALE_FIELDS)


def _listing(call: Call, statuses: set[str], since: datetime | None) -> list[str]:
    """The invoices a list shows, newest number first.

    Filtering weighs every invoice of the company, and a 100,000-invoice company is read in a
    hundred pages: the filtered list is kept while nothing changes (every change draws a fresh
    number from the state's counter, which is part of the key).
    """
    key = (frozenset(statuses), since, call.today, call.state.counter)
    cached = call.listings.get(key) if call.listings is not None else None
    if cached is not None:
        return cached
    guids = [
        guid
        for guid, item in sorted(call.state.invoices.items(), key=lambda kv: -kv[1]["Number"])
        if not item.get("DeletedAt")
        and (not statuses or call.state.status(guid, call.today) in statuses)
        and changed(item, since)
    ]
    if call.listings is not None:
        call.listings.clear()  # one listing at a time is all a fetch reads
        call.listings[key] = guids
    return guids


@route("GET", "/v1/{org}/invoices/{guid}")
def get_invoice(call: Call, args: Params) -> Any:
    item = call.state.invoice(args["guid"])
    guid = args["guid"]
    listed = _list_item(call, guid)
    sent_warning = any(
        r["WithDebtCollectionWarning"] and not r["IsDraft"] for r in call.state.live_reminders(guid)
    )
    return {
        **{
            k: v
            for k, v in listed.items()
            if k not in ("Type", "TotalExclVatInDkk", "TotalInclVatInDkk")
        },
        "PaymentStatus": listed["Status"],
        "Status": "Draft" if item["Status"] == "Draft" else "Booked",
        "PaymentConditionNumberOfDays": 8,
        "PaymentConditionType": "Netto",
        "IsSentToDebtCollection": sent_warning,
        "IsMobilePayInvoiceEnabled": False,
        "IsPensoPayEnabled": False,
        "TimeStamp": item["TimeStamp"],
        "ShowLinesInclVat": False,
        "TotalVatableAmount": listed["TotalExclVat"],
        "TotalNonVatableAmount": Decimal("0.00"),
        "TotalVat": listed["TotalInclVat"] - listed["TotalExclVat"],
        "Language": item.get("Language", "da-DK"),
        "Comment": "",
        "ProductLines": [],
        "Address": None,
    }


@route("GET", "/v2/{org}/invoices/{guid}/payments")
def get_payments(call: Call, args: Params) -> Any:
    guid = args["guid"]
    item = call.state.invoice(guid)
    total = Decimal(item["TotalInclVat"]) + call.state.charges(guid)
    paid = call.state.paid(guid)
    return {
        "Payments": call.state.payments.get(guid, []),
        "RemainingAmount": total - paid,
        "PaidAmount": paid,
        "InvoiceTotalIncludingReminderExpenses": total,
        "RemainderAsFeeAvailable": False,
    }


@route("GET", "/v1/{org}/invoices/{guid}/mailouts")
def get_mailouts(call: Call, args: Params) -> Any:
    call.state.invoice(args["guid"])
    return call.state.mailouts.get(args["guid"], [])


def receiver_of(call: Call, guid: str) -> str:
    contact = call.state.contacts.get(call.state.invoices[guid]["ContactGuid"], {})
    receiver = (call.body or {}).get("Receiver") or contact.get("Email")
    if not receiver:
        raise bad_request("The contact has no email address; give a Receiver.", 71)
    return str(receiver)


def check_stamp(given: Any, current: str) -> None:
    if given is not None and given != current:
        raise bad_request("The timestamp is outdated. Get the latest version and try again.", 58)


@route("POST", "/v1/{org}/invoices/{guid}/email/pre-reminder")
def send_pre_reminder(call: Call, args: Params) -> Any:
    guid = args["guid"]
    item = call.state.invoice(guid)
    check_stamp((call.body or {}).get("Timestamp"), item["TimeStamp"])
    if call.state.status(guid, call.today) != "Overdue":
        raise bad_request("The invoice needs to be overdue to send a pre-reminder.", 87)
    call.state.mail_out(guid, "PreReminder", receiver_of(call, guid), call.now)
    return None
