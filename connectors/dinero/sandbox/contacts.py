"""The Dinero sandbox's contacts: the list, one contact, its notes and its state of account."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.dinero.sandbox.call import Call, changed, changes_since, page, route
from connectors.dinero.sandbox.state import bad_request, not_found, stamp
from connectors.sandbox_base import Params

# What each list shows when ``fields`` is left out, and the names its ``fields`` parameter
# documents (spec extract; any other name is assumed refused: docs/connectors/dinero.md).
_CONTACT_DEFAULT_FIELDS = "ContactGuid,Name"
_NOTE_DEFAULT_FIELDS = "Id,NoteDate,Text"
_CONTACT_FIELDS = frozenset(
    "Name,ContactGuid,ExternalReference,IsPerson,Street,ZipCode,City,CountryKey,Phone,Email,"
    "Webpage,AttPerson,VatNumber,EanNumber,PaymentConditionType,PaymentConditionNumberOfDays,"
    "IsMember,MemberNumber,CompanyStatus,VatRegionKey,CreatedAt,UpdatedAt,DeletedAt,"
    "PreferredInvoiceLanguageKey,PreferredInvoiceCurrencyKey".lower().split(",")
)
_NOTE_FIELDS = frozenset(
    "Id,NoteDate,Text,AuthorName,AuthorEmail,CreatedAt,UpdatedAt,DeletedAt".lower().split(",")
)

# Fields the recorded contact list answers with "" when unset (others stay null there).
_LIST_BLANKS = ("Phone", "Email", "AttPerson", "VatNumber")


@route("GET", "/v1/{org}/contacts")
def list_contacts(call: Call, _: Params) -> Any:
    since = changes_since(call)
    items = [
        _listed_contact(c)
        for _, c in sorted(call.state.contacts.items())
        if not c.get("DeletedAt") and changed(c, since)
    ]
    return page(call, items, _CONTACT_DEFAULT_FIELDS, allowed=_CONTACT_FIELDS)


def _listed_contact(contact: dict[str, Any]) -> dict[str, Any]:
    """A contact as the list shows it: unset text fields as "" (the single read keeps null),
    as the recorded list and single answers do."""
    return {**contact, **{k: "" for k in _LIST_BLANKS if contact.get(k) is None}}


@route("GET", "/v1/{org}/contacts/{guid}")
def get_contact(call: Call, args: Params) -> Any:
    found = call.state.contacts.get(args["guid"])
    if found is None or found.get("DeletedAt"):
        raise not_found("ContactGuid")
    return found


@route("GET", "/v1/{org}/contacts/{guid}/notes")
def list_notes(call: Call, args: Params) -> Any:
    get_contact(call, args)
    notes = sorted(call.state.notes.get(args["guid"], []), key=lambda n: n["NoteDate"])
    live = [n for n in notes if not n.get("DeletedAt")]
    return page(call, live, _NOTE_DEFAULT_FIELDS, allowed=_NOTE_FIELDS)


@route("POST", "/v1/{org}/contacts/{guid}/notes")
def add_note(call: Call, args: Params) -> Any:
    get_contact(call, args)
    text = (call.body or {}).get("Text") if isinstance(call.body, dict) else None
    if not isinstance(text, str) or not text:
        raise bad_request("Text is required.")
    note = {
        "Id": call.state.new_guid(),
        "NoteDate": stamp(call.now),
        "Text": text,
        "AuthorName": "Dunning bridge (API)",
        "AuthorEmail": None,
        "CreatedAt": stamp(call.now),
        "UpdatedAt": stamp(call.now),
        "DeletedAt": None,
    }
    call.state.notes.setdefault(args["guid"], []).append(note)
    # The spec's answer is ContactCreatedResult, whose one field is "The guid of the contact":
    # the note's own id is not in it (read the notes list for that).
    return {"ContactGuid": args["guid"]}


@route("GET", "/v1/{org}/state-of-account/{guid}")
def state_of_account(call: Call, args: Params) -> Any:
    """ContactStateOfAccount: the contact's booked invoices and credit notes, oldest first.

    Each entry is a ContactStateOfAccountEntry (Amount in DKK, the running Balance, Status
    ``open`` or ``closed``, RelatedVoucherClass ``invoice`` or ``creditnote``); ``hideClosed``
    drops closed entries. A credit note's Amount is negative and its entry open until it is
    allocated (assumed: docs/connectors/dinero.md). Payments are not listed as entries here.
    """
    get_contact(call, args)
    contact = args["guid"]
    rows: list[tuple[str, dict[str, Any]]] = []
    for guid, item in call.state.invoices.items():
        if item["ContactGuid"] != contact or item["Status"] == "Draft" or item.get("DeletedAt"):
            continue
        closed = call.state.paid(guid) >= Decimal(item["TotalInclVat"])
        rows.append(
            (item["Date"], _entry(guid, item, "invoice", Decimal(item["TotalInclVat"]), closed))
        )
    for guid, note in call.state.credit_notes.items():
        if note["ContactGuid"] != contact:
            continue
        amount = -Decimal(note["TotalInclVat"])
        rows.append((note["Date"], _entry(guid, note, "creditnote", amount, note["Allocated"])))
    rows.sort(key=lambda r: r[0])
    balance = Decimal(0)
    entries = []
    for _, entry in rows:
        balance += entry["Amount"]
        entry["Balance"] = balance
        entries.append(entry)
    if call.params.get("hideClosed", "false").lower() == "true":
        entries = [e for e in entries if e["Status"] == "open"]
    income = sum((e["Amount"] for e in entries if e["Amount"] > 0), Decimal(0))
    return {"ContactGuid": contact, "Income": income, "Expenses": Decimal(0), "Entries": entries}


def _entry(
    guid: str, item: dict[str, Any], kind: str, amount: Decimal, closed: bool
) -> dict[str, Any]:
    return {
        "RelatedVoucherGuid": guid,
        "RelatedVoucherNumber": str(item["Number"]),
        "Date": f"{item['Date']}T00:00:00",
        "DecayDate": None,
        "Description": "Kreditnota" if kind == "creditnote" else "Faktura",
        "Type": kind,
        "Amount": amount,
        "Balance": Decimal(0),
        "Status": "closed" if closed else "open",
        "RelatedVoucherCategory": "sales",
        "RelatedVoucherClass": kind,
        "Currency": "DKK",
    }
