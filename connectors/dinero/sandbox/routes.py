"""The Dinero sandbox's endpoints: paths, query parameters, bodies and answers as Dinero's.

Only what the bridge uses, answered the way the spec extract and the recordings show: paged
lists with the real ``Pagination`` block and Dinero's default field sets when ``fields`` is
left out, ``statusFilter`` and ``changesSince``, reminders with their rules and Timestamp
checks (error code 58 on an outdated one), notes, mailouts and the sales settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from connectors.dinero.sandbox.state import (
    SandboxError,
    SandboxState,
    bad_request,
    not_found,
    stamp,
)

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
_INVOICE_DEFAULT_FIELDS = "Guid,ContactName,Date,Description"
_CONTACT_DEFAULT_FIELDS = "ContactGuid,Name"
_NOTE_DEFAULT_FIELDS = "Id,NoteDate,Text"
# The names each list's ``fields`` parameter documents (spec extract); Dinero is assumed to
# refuse any other name with a 400 (docs/connectors/dinero.md, assumptions).
_INVOICE_FIELDS = frozenset(
    "Number,Guid,ExternalReference,ContactName,ContactGuid,Date,PaymentDate,Description,"
    "Currency,Status,MailOutStatus,LatestMailOutType,TotalExclVatInDkk,TotalInclVatInDkk,"
    "TotalExclVat,TotalInclVat,CreatedAt,UpdatedAt,DeletedAt".lower().split(",")
)
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
_FLAGS = ("WithDebtCollectionWarning", "WithFee", "WithInterestFee", "WithCompensationFee")


@dataclass
class Call:
    """One request as the routes see it."""

    method: str
    path: str
    params: dict[str, str]
    body: Any
    state: SandboxState
    today: date
    now: datetime
    # Invoice lists already filtered and sorted, by their query: the pages of one listing are
    # served from one pass over the company (kept by the sandbox, see _listing).
    listings: dict[tuple[Any, ...], list[str]] | None = None


Handler = Callable[[Call, dict[str, str]], Any]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``method`` and a path pattern with ``{name}`` segments."""
    regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")

    def register(handler: Handler) -> Handler:
        _ROUTES.append((method, regex, handler))
        return handler

    return register


def dispatch(call: Call) -> Any:
    """Answer ``call`` or raise SandboxError."""
    allowed = False
    for method, regex, handler in _ROUTES:
        match = regex.match(call.path)
        if match is None:
            continue
        allowed = True
        if method == call.method:
            args = match.groupdict()
            org = args.pop("org", None)
            if org is not None and org != call.state.organization:
                raise SandboxError(403, 403, "You do not have access to this organization.")
            return handler(call, args)
    if allowed:
        raise SandboxError(405, 405, "The requested resource does not support this method.")
    raise SandboxError(404, 404, "No HTTP resource was found that matches the request URI.")


# --------------------------------------------------------------------------------------------
# Lists


def _page(
    call: Call,
    items: Sequence[Any],
    default_fields: str,
    build: Callable[[Any], dict[str, Any]] | None = None,
    *,
    allowed: frozenset[str],
) -> dict[str, Any]:
    """One page of ``items``; ``build`` makes each item of the page only (not of every page).

    A ``fields`` name the list does not document is refused before anything is read.
    """
    try:
        page = int(call.params.get("page", "0"))
        size = int(call.params.get("pageSize", str(DEFAULT_PAGE_SIZE)))
    except ValueError:
        raise bad_request("page and pageSize must be whole numbers.") from None
    if page < 0 or size < 1:
        raise bad_request("page must be 0 or more and pageSize 1 or more.")
    size = min(size, MAX_PAGE_SIZE)
    chunk = list(items[page * size : (page + 1) * size])
    if build is not None:
        chunk = [build(item) for item in chunk]
    wanted = [f.strip() for f in call.params.get("fields", default_fields).split(",") if f.strip()]
    unknown = [name for name in wanted if name.lower() not in allowed]
    if unknown:
        raise bad_request(f"Unknown field(s) in fields: {', '.join(unknown)}.")
    return {
        "Collection": [_pick(item, wanted) for item in chunk],
        "Pagination": {
            "MaxPageSizeAllowed": MAX_PAGE_SIZE,
            "PageSize": size,
            "Result": len(chunk),
            "ResultWithoutFilter": len(items),
            "Page": page,
        },
    }


def _pick(item: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    """Dinero's ``fields``: case-insensitive, returned the way they were asked for."""
    lower = {k.lower(): k for k in item}
    return {name: item[lower[name.lower()]] for name in wanted if name.lower() in lower}


def _since(call: Call) -> datetime | None:
    value = call.params.get("changesSince")
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value):
        raise bad_request("changesSince must be UTC in the format 'YYYY-MM-DDTHH:mm:ssZ'.")
    # Stamps in the state are naive UTC, as Dinero writes them.
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=None)  # noqa: DTZ007


def _changed(item: dict[str, Any], since: datetime | None) -> bool:
    if since is None:
        return True
    return datetime.fromisoformat(str(item.get("UpdatedAt"))) >= since


# --------------------------------------------------------------------------------------------
# Organizations and settings


@route("GET", "/v1/organizations")
def _organizations(call: Call, _: dict[str, str]) -> Any:
    org = {"Id": int(call.state.organization), "Name": "Sandbox ApS", "IsPro": call.state.is_pro}
    wanted = call.params.get("fields")
    return [_pick(org, wanted.split(",")) if wanted else org]


@route("GET", "/v1/{org}/sales/settings")
def _settings(call: Call, _: dict[str, str]) -> Any:
    return {
        "LinesInclVat": False,
        "UseFikCode": False,
        "DefaultAccountNumber": 1000,
        "AddVoucherAsPdfAttachment": True,
        "PaymentConditionNumberOfDays": 8,
        "PaymentConditionType": "Netto",
        **call.state.settings,
    }


# --------------------------------------------------------------------------------------------
# Invoices


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
def _invoices(call: Call, _: dict[str, str]) -> Any:
    statuses = {s.strip() for s in call.params.get("statusFilter", "").split(",") if s.strip()}
    unknown = statuses - {"Draft", "Booked", "Paid", "OverPaid", "Overdue"}
    if unknown:
        raise bad_request(f"Unknown statusFilter value(s): {', '.join(sorted(unknown))}.")
    if ("startDate" in call.params) != ("endDate" in call.params):
        raise bad_request("If you define a start date, you also need to define an end date.")
    guids = _listing(call, statuses, _since(call))
    return _page(
        call,
        guids,
        _INVOICE_DEFAULT_FIELDS,
        lambda guid: _list_item(call, guid),
        allowed=_INVOICE_FIELDS,
    )


_SALE_FIELDS = _INVOICE_FIELDS | {"type"}


@route("GET", "/v1/{org}/sales")
def _sales(call: Call, _: dict[str, str]) -> Any:
    """Invoices and credit notes (``Type``), newest first; ``changesSince`` as the spec says
    ("created, deleted or updated at or after given time"). Only the fields the bridge reads
    are served for a credit note."""
    since = _since(call)
    items: list[dict[str, Any]] = [_list_item(call, guid) for guid in _listing(call, set(), since)]
    for guid, note in call.state.credit_notes.items():
        if note.get("UpdatedAt") and not _changed(note, since):
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
    return _page(call, items, "Guid,ContactName,Date,Description,Type", allowed=_SALE_FIELDS)


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
        and _changed(item, since)
    ]
    if call.listings is not None:
        call.listings.clear()  # one listing at a time is all a fetch reads
        call.listings[key] = guids
    return guids


@route("GET", "/v1/{org}/invoices/{guid}")
def _invoice(call: Call, args: dict[str, str]) -> Any:
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
def _payments(call: Call, args: dict[str, str]) -> Any:
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
def _mailouts(call: Call, args: dict[str, str]) -> Any:
    call.state.invoice(args["guid"])
    return call.state.mailouts.get(args["guid"], [])


def _mail(call: Call, guid: str, kind: str, receiver: str) -> dict[str, Any]:
    entry = {
        "Id": call.state.next_number(),
        "Date": stamp(call.now),
        "Receiver": receiver,
        "Type": kind,
        "Status": "Sent",
        "DownloadCount": 0,
        "PrintCount": 0,
        "IsSmsMessage": False,
        "CCToSender": False,
    }
    call.state.mailouts.setdefault(guid, []).append(entry)
    return entry


def _receiver(call: Call, guid: str) -> str:
    contact = call.state.contacts.get(call.state.invoices[guid]["ContactGuid"], {})
    receiver = (call.body or {}).get("Receiver") or contact.get("Email")
    if not receiver:
        raise bad_request("The contact has no email address; give a Receiver.", 71)
    return str(receiver)


def _check_stamp(given: Any, current: str) -> None:
    if given is not None and given != current:
        raise bad_request("The timestamp is outdated. Get the latest version and try again.", 58)


@route("POST", "/v1/{org}/invoices/{guid}/email/pre-reminder")
def _pre_reminder(call: Call, args: dict[str, str]) -> Any:
    guid = args["guid"]
    item = call.state.invoice(guid)
    _check_stamp((call.body or {}).get("Timestamp"), item["TimeStamp"])
    if call.state.status(guid, call.today) != "Overdue":
        raise bad_request("The invoice needs to be overdue to send a pre-reminder.", 87)
    _mail(call, guid, "PreReminder", _receiver(call, guid))
    return None


# --------------------------------------------------------------------------------------------
# Reminders


def _flags(body: Any, required: tuple[str, ...]) -> dict[str, bool]:
    if not isinstance(body, dict):
        raise bad_request("A body is required.")
    missing = [name for name in required if name not in body]
    if missing:
        raise bad_request(f"Missing required field(s): {', '.join(missing)}.")
    for name in _FLAGS:
        if name in body and not isinstance(body[name], bool):
            raise bad_request(f"{name} must be true or false.")
    return {name: bool(body.get(name)) for name in _FLAGS}


def _day(body: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(str(body["Date"]))
    except ValueError:
        raise bad_request("Date must be in the format YYYY-MM-DD.") from None


def _view(reminder: dict[str, Any]) -> dict[str, Any]:
    return dict(reminder)


def _reminder(call: Call, guid: str, ident: str) -> dict[str, Any]:
    for reminder in call.state.reminders.get(guid, []):
        if str(reminder["Id"]) == ident:
            return reminder
    raise not_found("reminder id")


@route("GET", "/v1/{org}/invoices/{guid}/reminders")
def _reminders(call: Call, args: dict[str, str]) -> Any:
    call.state.invoice(args["guid"])
    return [_view(r) for r in call.state.reminders.get(args["guid"], [])]


@route("POST", "/v1/{org}/invoices/{guid}/reminders")
def _add_reminder(call: Call, args: dict[str, str]) -> Any:
    guid = args["guid"]
    item = call.state.invoice(guid)
    flags = _flags(call.body, ("Timestamp", "Date", *_FLAGS))
    _check_stamp(call.body["Timestamp"], item["TimeStamp"])
    day = _day(call.body)
    call.state.check_new_reminder(guid, day, call.today)
    reminder = {
        "Id": call.state.next_number(),
        "IsDraft": True,
        "IsDeleted": False,
        "Number": len(call.state.live_reminders(guid)) + 1,
        "Date": day.isoformat(),
        "Title": call.body.get("Title"),
        "Description": call.body.get("Description"),
        "Timestamp": call.state.timestamp(),
        **flags,
        **call.state.compute_reminder(guid, flags, day),
    }
    call.state.reminders.setdefault(guid, []).append(reminder)
    return _view(reminder)


@route("POST", "/v1/{org}/invoices/{guid}/reminders/fetch")
def _fetch_reminder(call: Call, args: dict[str, str]) -> Any:
    guid = args["guid"]
    call.state.invoice(guid)
    flags = _flags(call.body, ("Date", *_FLAGS))
    day = _day(call.body)
    return {
        "Id": None,
        "IsDraft": True,
        "IsDeleted": False,
        "Number": len(call.state.live_reminders(guid)) + 1,
        "Date": day.isoformat(),
        "Timestamp": call.state.invoices[guid]["TimeStamp"],
        **flags,
        **call.state.compute_reminder(guid, flags, day),
    }


@route("GET", "/v1/{org}/invoices/{guid}/reminders/{ident}")
def _get_reminder(call: Call, args: dict[str, str]) -> Any:
    call.state.invoice(args["guid"])
    return _view(_reminder(call, args["guid"], args["ident"]))


@route("DELETE", "/v1/{org}/invoices/{guid}/reminders/{ident}")
def _delete_reminder(call: Call, args: dict[str, str]) -> Any:
    guid = args["guid"]
    call.state.invoice(guid)
    reminder = _reminder(call, guid, args["ident"])
    _check_stamp((call.body or {}).get("Timestamp"), reminder["Timestamp"])
    if reminder["IsDraft"]:
        call.state.reminders[guid].remove(reminder)
    else:
        reminder["IsDeleted"] = True  # booked: an offset entry, still in the books
        reminder["Timestamp"] = call.state.timestamp()
    return None


@route("POST", "/v1/{org}/invoices/{guid}/reminders/{ident}/book")
def _book_reminder(call: Call, args: dict[str, str]) -> Any:
    guid = args["guid"]
    call.state.invoice(guid)
    reminder = _reminder(call, guid, args["ident"])
    if not isinstance(call.body, dict) or not call.body.get("Timestamp"):
        raise bad_request("Missing required field(s): Timestamp.")
    _check_stamp(call.body["Timestamp"], reminder["Timestamp"])
    if not reminder["IsDraft"] or reminder["IsDeleted"]:
        raise bad_request("Only a reminder draft can be booked.", 91)
    reminder["IsDraft"] = False
    reminder["Timestamp"] = call.state.timestamp()
    call.state.touch(guid, call.now)
    return _view(reminder)


@route("POST", "/v1/{org}/invoices/{guid}/reminders/email")
def _email_reminder(call: Call, args: dict[str, str]) -> Any:
    guid = args["guid"]
    call.state.invoice(guid)
    if not any(not r["IsDraft"] for r in call.state.live_reminders(guid)):
        raise bad_request("The invoice has no booked reminder to send.", 92)
    receiver = _receiver(call, guid)
    _mail(call, guid, "Reminder", receiver)
    return {"Recipients": [{"Email": receiver}]}


# --------------------------------------------------------------------------------------------
# Contacts and notes


@route("GET", "/v1/{org}/contacts")
def _contacts(call: Call, _: dict[str, str]) -> Any:
    since = _since(call)
    items = [
        _listed_contact(c)
        for _, c in sorted(call.state.contacts.items())
        if not c.get("DeletedAt") and _changed(c, since)
    ]
    return _page(call, items, _CONTACT_DEFAULT_FIELDS, allowed=_CONTACT_FIELDS)


def _listed_contact(contact: dict[str, Any]) -> dict[str, Any]:
    """A contact as the list shows it: unset text fields as "" (the single read keeps null),
    as the recorded list and single answers do."""
    return {**contact, **{k: "" for k in _LIST_BLANKS if contact.get(k) is None}}


@route("GET", "/v1/{org}/contacts/{guid}")
def _contact(call: Call, args: dict[str, str]) -> Any:
    found = call.state.contacts.get(args["guid"])
    if found is None or found.get("DeletedAt"):
        raise not_found("ContactGuid")
    return found


@route("GET", "/v1/{org}/contacts/{guid}/notes")
def _notes(call: Call, args: dict[str, str]) -> Any:
    _contact(call, args)
    notes = sorted(call.state.notes.get(args["guid"], []), key=lambda n: n["NoteDate"])
    live = [n for n in notes if not n.get("DeletedAt")]
    return _page(call, live, _NOTE_DEFAULT_FIELDS, allowed=_NOTE_FIELDS)


@route("POST", "/v1/{org}/contacts/{guid}/notes")
def _add_note(call: Call, args: dict[str, str]) -> Any:
    _contact(call, args)
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


# --------------------------------------------------------------------------------------------
# A contact's state of account


@route("GET", "/v1/{org}/state-of-account/{guid}")
def _state_of_account(call: Call, args: dict[str, str]) -> Any:
    """ContactStateOfAccount: the contact's booked invoices and credit notes, oldest first.

    Each entry is a ContactStateOfAccountEntry (Amount in DKK, the running Balance, Status
    ``open`` or ``closed``, RelatedVoucherClass ``invoice`` or ``creditnote``); ``hideClosed``
    drops closed entries. A credit note's Amount is negative and its entry open until it is
    allocated (assumed: docs/connectors/dinero.md). Payments are not listed as entries here.
    """
    _contact(call, args)
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
