"""A thin typed client for the Dinero endpoints the bridge uses, and nothing else.

Every path carries the organization id. Lists come back as ``{Collection, Pagination}`` pages
(``page`` 0-based, ``pageSize`` up to 1,000) walked by bridge/infra/paging.py; list endpoints return
only a few default fields unless ``fields`` names them, so every list call names its fields.
Every request goes through bridge/infra/retry.py. Dinero has no idempotency key: writes are never
retried after they may have reached Dinero; the session reads back instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from bridge.infra import retry
from bridge.infra.http import DEFAULT_TABLE, StatusTable, VendorError, dump_json, parse_json, rule
from bridge.infra.paging import PageNumberPaginator, Params, iterate
from bridge.vocab.connector import RateLimit
from bridge.vocab.errors import AuthError, MalformedResponse, RejectedRequest
from connectors.dinero import mapping
from connectors.dinero.auth import reauthorize_hint

BASE_URL = "https://api.dinero.dk"
# 100 requests per minute per organization per client id (developer.dinero.dk, best practices).
RATE_LIMITS = (RateLimit(100, 60.0),)
PAGE_SIZE = 1000  # Dinero's maximum
# Dinero's error code for a write carrying an outdated Timestamp (optimistic concurrency).
STALE_TIMESTAMP = "58"
# Dinero's error code when the organization has no plan with API access (unverified).
NO_SUBSCRIPTION = "48"

# The fields we read, plus those the spec marks required (so answers stay schema-valid).
INVOICE_FIELDS = (
    "Guid,Number,ContactGuid,ContactName,Date,PaymentDate,Currency,TotalInclVat,Status,"
    "MailOutStatus,LatestMailOutType,ExternalReference,CreatedAt,UpdatedAt,DeletedAt,"
    "TotalExclVat,TotalExclVatInDkk,TotalInclVatInDkk"
)
# The address, phone and VatNumber (CVR) identify the debtor in a hand-over case file. Only
# names the list's ``fields`` documents: IsDebitor, IsCreditor and UseCvr are in the read model
# but not among them, and one unknown name could cost every fetch.
CONTACT_FIELDS = (
    "ContactGuid,Name,Email,IsPerson,CountryKey,VatNumber,EanNumber,CompanyStatus,"
    "PreferredInvoiceLanguageKey,IsMember,UpdatedAt,DeletedAt,Street,ZipCode,City,Phone"
)

RETRY_POLICY = retry.RetryPolicy()


def dinero_error(response: httpx.Response) -> VendorError:
    """Read Dinero's error body: ``{code, message, validationErrors, errorMessageList, ...}``.

    A 429 answers plain text ("API calls quota exceeded!"), which is kept as the message.
    """
    try:
        body = parse_json(response)
    except MalformedResponse:
        text = response.content[:200].decode("utf-8", "replace").strip()
        return VendorError(message=text or None)
    if not isinstance(body, dict):
        return VendorError()
    code = body.get("code")
    message = body.get("message") if isinstance(body.get("message"), str) else None
    details = _validation(body.get("validationErrors"))
    if details and details != message:
        message = f"{message or 'validation failed'} ({details})"
    return VendorError(code=str(code) if code is not None else None, message=message)


def _validation(errors: Any) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {v}" for k, v in list(errors.items())[:10] if isinstance(v, str))
    return ""


def status_table(tenant: str) -> StatusTable:
    """The error table for one tenant: 401 after a refresh and 403 say how to fix it."""
    return DEFAULT_TABLE.with_rows(
        rule(
            401,
            AuthError,
            f"Dinero refused tenant {tenant!r} even with a fresh token; {reauthorize_hint(tenant)}",
        ),
        rule(
            403,
            AuthError,
            f"Dinero denied tenant {tenant!r} access (the organization needs a plan with API "
            "access, or the grant lacks a scope)",
        ),
    ).with_reader(dinero_error)


def utc_stamp(moment: datetime) -> str:
    """Write a changesSince value: UTC, ``YYYY-MM-DDTHH:mm:ssZ``."""
    if moment.tzinfo is None:
        raise ValueError("changesSince needs an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_stale(exc: RejectedRequest) -> bool:
    """Tell whether Dinero refused a write because the Timestamp we sent is outdated."""
    return exc.vendor_code == STALE_TIMESTAMP


class DineroClient:
    """The Dinero endpoints we use, for one organization."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        organization: str,
        table: StatusTable,
        policy: retry.RetryPolicy = RETRY_POLICY,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.http = http
        self.organization = organization
        self.table = table
        self.policy = policy
        self.page_size = page_size

    # -- plumbing ------------------------------------------------------------------------------

    def _org(self, path: str, version: str = "v1") -> str:
        return f"/{version}/{quote(self.organization, safe='')}{path}"

    def _send(
        self, method: str, path: str, *, params: Params | None = None, body: Any = None
    ) -> Any:
        request = self.http.build_request(
            method, path, params=params, content=dump_json(body) if body is not None else None
        )
        response = retry.send(self.http, request, classify=self.table, policy=self.policy)
        if not response.content.strip():
            return None  # several Dinero writes answer 200 with an empty body
        return parse_json(response)

    def _collection(self, path: str, what: str, params: Params) -> Iterator[Any]:
        paginator = PageNumberPaginator(
            page_param="page",
            size_param="pageSize",
            size=self.page_size,
            next_page=lambda page, current: mapping.next_page(page, current, size=self.page_size),
        )

        def fetch(page: Params) -> Any:
            return self._send("GET", path, params={**params, **page})

        return iterate(fetch, paginator, lambda page: mapping.collection(page, what), what=what)

    # -- organizations -------------------------------------------------------------------------

    def organizations(self) -> list[Any]:
        """The organizations the grant reaches (also Dinero's check of the API plan)."""
        found = self._send("GET", "/v1/organizations", params={"fields": "Name,Id,IsPro"})
        if not isinstance(found, list):
            raise MalformedResponse("organizations: expected a list")
        return found

    # -- invoices ------------------------------------------------------------------------------

    def invoices(
        self,
        statuses: Sequence[str],
        *,
        changes_since: datetime | None = None,
        query: str | None = None,
    ) -> Iterator[Any]:
        """Invoices in the given statuses (Draft, Booked, Paid, OverPaid, Overdue)."""
        params: Params = {"fields": INVOICE_FIELDS, "statusFilter": ",".join(statuses)}
        if changes_since is not None:
            params["changesSince"] = utc_stamp(changes_since)
        if query:
            params["queryFilter"] = query
        return self._collection(self._org("/invoices"), f"{'/'.join(statuses)} invoices", params)

    def invoice(self, guid: str) -> Any:
        """One invoice (InvoiceReadModel): its TimeStamp, IsSentToDebtCollection, ..."""
        return self._send("GET", self._org(f"/invoices/{quote(guid, safe='')}"))

    def payments(self, guid: str) -> Any:
        """An invoice's payments and RemainingAmount (the v2 endpoint)."""
        return self._send("GET", self._org(f"/invoices/{quote(guid, safe='')}/payments", "v2"))

    def send_pre_reminder(self, guid: str, timestamp: str | None) -> None:
        """Mail the friendly 'payment overdue' notice (no record, no fee; overdue only)."""
        body = {"Timestamp": timestamp, "ShouldAddTrustPilotEmailAsBcc": False}
        self._send(
            "POST", self._org(f"/invoices/{quote(guid, safe='')}/email/pre-reminder"), body=body
        )

    # -- reminders -----------------------------------------------------------------------------

    def _reminders(self, guid: str) -> str:
        return self._org(f"/invoices/{quote(guid, safe='')}/reminders")

    def reminders(self, guid: str) -> list[Any]:
        """The invoice's reminders (at most three)."""
        found = self._send("GET", self._reminders(guid))
        if not isinstance(found, list):
            raise MalformedResponse(f"reminders of invoice {guid}: expected a list")
        return found

    def reminder(self, guid: str, reminder_id: int) -> Any:
        """One reminder."""
        return self._send("GET", f"{self._reminders(guid)}/{int(reminder_id)}")

    def create_reminder(self, guid: str, body: dict[str, Any]) -> Any:
        """Create a reminder draft (ReminderCreateModel -> ReminderViewModel)."""
        return self._send("POST", self._reminders(guid), body=body)

    def delete_reminder(self, guid: str, reminder_id: int, timestamp: str) -> None:
        """Delete a reminder draft (a booked one gets an offset entry instead)."""
        self._send(
            "DELETE", f"{self._reminders(guid)}/{int(reminder_id)}", body={"Timestamp": timestamp}
        )

    def book_reminder(self, guid: str, reminder_id: int, timestamp: str) -> Any:
        """Book a reminder draft; only a booked reminder takes effect and can be sent."""
        return self._send(
            "POST",
            f"{self._reminders(guid)}/{int(reminder_id)}/book",
            body={"Timestamp": timestamp},
        )

    def email_reminder(self, guid: str) -> Any:
        """E-mail the invoice's latest booked reminder to the contact, with Dinero's template."""
        body = {"ShouldAddTrustPilotEmailAsBcc": False}
        return self._send("POST", f"{self._reminders(guid)}/email", body=body)

    # -- contacts ------------------------------------------------------------------------------

    def sales(self, *, changes_since: datetime | None = None) -> Iterator[Any]:
        """Invoices and credit notes (``Type``): all of them, or those created, updated or
        deleted since a moment. The spec asks that the whole list be read seldom."""
        params: Params = {"fields": "Guid,Type,ContactGuid,UpdatedAt"}
        if changes_since is not None:
            params["changesSince"] = utc_stamp(changes_since)
        return self._collection(self._org("/sales"), "sales", params)

    def contacts(self, *, changes_since: datetime | None = None) -> Iterator[Any]:
        """All contacts (or those changed since a moment), with the fields we read."""
        params: Params = {"fields": CONTACT_FIELDS}
        if changes_since is not None:
            params["changesSince"] = utc_stamp(changes_since)
        return self._collection(self._org("/contacts"), "contacts", params)

    def contact(self, guid: str) -> Any:
        """One contact."""
        return self._send("GET", self._org(f"/contacts/{quote(guid, safe='')}"))

    def state_of_account(self, contact: str) -> Any:
        """A contact's open entries (invoices, credit notes, ...): ContactStateOfAccount."""
        path = self._org(f"/state-of-account/{quote(contact, safe='')}")
        return self._send("GET", path, params={"hideClosed": "true"})

    def notes(self, contact: str) -> Iterator[Any]:
        """A contact's notes."""
        path = self._org(f"/contacts/{quote(contact, safe='')}/notes")
        return self._collection(path, "contact notes", {"fields": "Id,NoteDate,Text,DeletedAt"})

    def add_note(self, contact: str, text: str) -> Any:
        """Leave a note on a contact for the accountant."""
        path = self._org(f"/contacts/{quote(contact, safe='')}/notes")
        return self._send("POST", path, body={"Text": text})

    # -- settings ------------------------------------------------------------------------------

    def sales_settings(self) -> Any:
        """The organization's default reminder fee and interest rate."""
        return self._send("GET", self._org("/sales/settings"))
