"""The Dinero sandbox's reminders: their rules and Timestamp checks (error code 58 on an
outdated one), drafts, booking, deleting and the reminder e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from connectors.dinero.sandbox.call import Call, route
from connectors.dinero.sandbox.invoices import check_stamp, receiver_of
from connectors.dinero.sandbox.state import bad_request, not_found
from connectors.sandbox_base import Params

_FLAGS = ("WithDebtCollectionWarning", "WithFee", "WithInterestFee", "WithCompensationFee")


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
def list_reminders(call: Call, args: Params) -> Any:
    call.state.invoice(args["guid"])
    return [_view(r) for r in call.state.reminders.get(args["guid"], [])]


@route("POST", "/v1/{org}/invoices/{guid}/reminders")
def add_reminder(call: Call, args: Params) -> Any:
    guid = args["guid"]
    item = call.state.invoice(guid)
    flags = _flags(call.body, ("Timestamp", "Date", *_FLAGS))
    check_stamp(call.body["Timestamp"], item["TimeStamp"])
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
def fetch_reminder(call: Call, args: Params) -> Any:
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
def get_reminder(call: Call, args: Params) -> Any:
    call.state.invoice(args["guid"])
    return _view(_reminder(call, args["guid"], args["ident"]))


@route("DELETE", "/v1/{org}/invoices/{guid}/reminders/{ident}")
def delete_reminder(call: Call, args: Params) -> Any:
    guid = args["guid"]
    call.state.invoice(guid)
    reminder = _reminder(call, guid, args["ident"])
    check_stamp((call.body or {}).get("Timestamp"), reminder["Timestamp"])
    if reminder["IsDraft"]:
        call.state.reminders[guid].remove(reminder)
    else:
        reminder["IsDeleted"] = True  # booked: an offset entry, still in the books
        reminder["Timestamp"] = call.state.timestamp()
    return None


@route("POST", "/v1/{org}/invoices/{guid}/reminders/{ident}/book")
def book_reminder(call: Call, args: Params) -> Any:
    guid = args["guid"]
    call.state.invoice(guid)
    reminder = _reminder(call, guid, args["ident"])
    if not isinstance(call.body, dict) or not call.body.get("Timestamp"):
        raise bad_request("Missing required field(s): Timestamp.")
    check_stamp(call.body["Timestamp"], reminder["Timestamp"])
    if not reminder["IsDraft"] or reminder["IsDeleted"]:
        raise bad_request("Only a reminder draft can be booked.", 91)
    reminder["IsDraft"] = False
    reminder["Timestamp"] = call.state.timestamp()
    call.state.touch(guid, call.now)
    return _view(reminder)


@route("POST", "/v1/{org}/invoices/{guid}/reminders/email")
def email_reminder(call: Call, args: Params) -> Any:
    guid = args["guid"]
    call.state.invoice(guid)
    if not any(not r["IsDraft"] for r in call.state.live_reminders(guid)):
        raise bad_request("The invoice has no booked reminder to send.", 92)
    receiver = receiver_of(call, guid)
    call.state.mail_out(guid, "Reminder", receiver, call.now)
    return {"Recipients": [{"Email": receiver}]}
