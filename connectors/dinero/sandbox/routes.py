"""The Dinero sandbox's endpoints: paths and methods as Dinero's, each answered by a resource
module (organization, invoices, reminders, contacts).

Only what the bridge uses, answered the way the spec extract and the recordings show. Every
path names the organization; a call to another organization's is refused (403). A known path
asked with another method answers 405, an unknown one 404, in Dinero's error body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.dinero.sandbox import contacts, invoices, organization, reminders
from connectors.dinero.sandbox.call import Call
from connectors.dinero.sandbox.state import SandboxError
from connectors.sandbox_base import Params, Routes

__all__ = ["ROUTES", "Call", "dispatch"]

Handler = Callable[[Call, Params], Any]
ROUTES: Routes[Handler] = Routes(
    lambda method, path: SandboxError(
        404, 404, "No HTTP resource was found that matches the request URI."
    ),
    lambda method, path: SandboxError(
        405, 405, "The requested resource does not support this method."
    ),
)
for _method, _pattern, _handler in (
    ("GET", "/v1/organizations", organization.organizations),
    ("GET", "/v1/{org}/sales/settings", organization.sales_settings),
    ("GET", "/v1/{org}/invoices", invoices.list_invoices),
    ("GET", "/v1/{org}/sales", invoices.list_sales),
    ("GET", "/v1/{org}/invoices/{guid}", invoices.get_invoice),
    ("GET", "/v2/{org}/invoices/{guid}/payments", invoices.get_payments),
    ("GET", "/v1/{org}/invoices/{guid}/mailouts", invoices.get_mailouts),
    ("POST", "/v1/{org}/invoices/{guid}/email/pre-reminder", invoices.send_pre_reminder),
    ("GET", "/v1/{org}/invoices/{guid}/reminders", reminders.list_reminders),
    ("POST", "/v1/{org}/invoices/{guid}/reminders", reminders.add_reminder),
    ("POST", "/v1/{org}/invoices/{guid}/reminders/fetch", reminders.fetch_reminder),
    ("GET", "/v1/{org}/invoices/{guid}/reminders/{ident}", reminders.get_reminder),
    ("DELETE", "/v1/{org}/invoices/{guid}/reminders/{ident}", reminders.delete_reminder),
    ("POST", "/v1/{org}/invoices/{guid}/reminders/{ident}/book", reminders.book_reminder),
    ("POST", "/v1/{org}/invoices/{guid}/reminders/email", reminders.email_reminder),
    ("GET", "/v1/{org}/contacts", contacts.list_contacts),
    ("GET", "/v1/{org}/contacts/{guid}", contacts.get_contact),
    ("GET", "/v1/{org}/contacts/{guid}/notes", contacts.list_notes),
    ("POST", "/v1/{org}/contacts/{guid}/notes", contacts.add_note),
    ("GET", "/v1/{org}/state-of-account/{guid}", contacts.state_of_account),
):
    ROUTES.add(_method, _pattern, _handler)


def dispatch(call: Call) -> Any:
    """Answer ``call`` or raise SandboxError."""
    handler, args = ROUTES.resolve(call.method, call.path)
    org = args.pop("org", None)
    if org is not None and org != call.state.organization:
        raise SandboxError(403, 403, "You do not have access to this organization.")
    return handler(call, args)
