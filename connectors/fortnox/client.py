"""A thin typed client for the Fortnox API v3 endpoints the bridge uses, and nothing else.

Collections are walked page by page (``page`` from 1, ``limit`` up to 500, the page count in
``MetaInformation``) through bridge/infra/paging.py; every request goes through
bridge/infra/retry.py.
Fortnox honours no idempotency key, so a write is retried only when it provably never reached
Fortnox or was refused with 429; anything else is read back by our reference first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from bridge.infra import retry
from bridge.infra.http import DEFAULT_TABLE, StatusTable, VendorError, dump_json, parse_json, rule
from bridge.infra.paging import PageNumberPaginator, Params, iterate
from bridge.vocab.connector import RateLimit
from bridge.vocab.errors import AuthError, MalformedResponse
from connectors.fortnox import mapping

BASE_URL = "https://api.fortnox.se"
API = "/3"
# Fortnox: 300 requests per minute per client id and tenant, enforced as a sliding window of 25
# requests per 5 seconds; over it, 429 (no rate-limit headers are sent).
VENDOR_LIMIT = RateLimit(25, 5.0)
# We pace with the same 25 requests but a window a quarter second longer: a request that leaves
# up to 0.25 s late (a slow thread, network jitter) still never lands as the 26th in Fortnox's
# window. The price is 4.76 instead of 5 requests per second.
PACING_MARGIN = 0.25
RATE_LIMITS = (RateLimit(VENDOR_LIMIT.requests, VENDOR_LIMIT.seconds + PACING_MARGIN),)
PAGE_SIZE = 500  # Fortnox's maximum ``limit``
# Fortnox reads and writes times in Swedish local time.
FORTNOX_ZONE = ZoneInfo("Europe/Stockholm")

# The invoice filters Fortnox accepts (one per request).
INVOICE_FILTERS = frozenset({"cancelled", "fullypaid", "unpaid", "unpaidoverdue", "unbooked"})
# How a booked invoice is sent, by the customer's DefaultDeliveryTypes.Invoice (PRINT: the
# company prints it; ``externalprint`` only marks it sent).
SEND_ACTIONS = {"EMAIL": "email", "PRINTSERVICE": "eprint"}

# No idempotency header exists: writes are retried only when they provably never arrived.
RETRY_POLICY = retry.RetryPolicy(idempotency_header=None)


def lastmodified(moment: datetime) -> str:
    """Render a ``lastmodified`` value: Swedish local time, to the minute (rounded down)."""
    if moment.tzinfo is None:
        raise ValueError("lastmodified needs an aware datetime, never a naive one")
    return moment.astimezone(FORTNOX_ZONE).strftime("%Y-%m-%d %H:%M")


def _pick(mapping_: Any, name: str) -> Any:
    """Return ``mapping_[name]`` matching the key case-insensitively (Fortnox uses both)."""
    if not isinstance(mapping_, dict):
        return None
    if name in mapping_:
        return mapping_[name]
    lowered = name.lower()
    return next((v for k, v in mapping_.items() if str(k).lower() == lowered), None)


def fortnox_error(response: httpx.Response) -> VendorError:
    """Read Fortnox's error bodies in every casing seen.

    ``{"ErrorInformation": {"Error": 1, "Message": ..., "Code": 2000434}}`` (most errors),
    ``{"ErrorInformation": {"error": 1, "message": ..., "code": 2000587}}`` (an invalid filter),
    ``{"message": "unauthorized"}`` (a refused token) and OAuth's
    ``{"error": "invalid_grant", "error_description": ...}`` (the token endpoint).
    """
    try:
        body = parse_json(response)
    except MalformedResponse:
        return VendorError()
    if not isinstance(body, dict):
        return VendorError()
    inner = _pick(body, "ErrorInformation")
    source = inner if isinstance(inner, dict) else body
    message = _pick(source, "Message")
    if message is None:
        message = _pick(source, "error_description")
    code = _pick(source, "Code")
    if code is None and inner is None:
        error = _pick(source, "error")
        code = error if isinstance(error, str) else None
    return VendorError(
        code=str(code) if isinstance(code, str | int) and not isinstance(code, bool) else None,
        message=str(message) if isinstance(message, str) else None,
    )


def status_table(tenant: str) -> StatusTable:
    """The error table for one tenant: auth rows saying how to fix them, Fortnox's body reader."""
    fix = f"check the integration with `dunning-bridge doctor` (tenant {tenant!r})"
    return DEFAULT_TABLE.with_rows(
        rule(
            401,
            AuthError,
            f"Fortnox refused the access token of tenant {tenant!r} even after a fresh one; {fix}",
        ),
        rule(
            403,
            AuthError,
            f"Fortnox denied tenant {tenant!r} access: the integration lacks a scope (invoice, "
            f"customer, payment, settings) or the company lacks the licence; {fix}",
        ),
    ).with_reader(fortnox_error)


class FortnoxClient:
    """The Fortnox endpoints we use, each returning JSON objects or iterators of them."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        table: StatusTable,
        policy: retry.RetryPolicy = RETRY_POLICY,
        page_size: int = PAGE_SIZE,
    ) -> None:
        if not 1 <= page_size <= PAGE_SIZE:
            raise ValueError(f"Fortnox pages hold 1..{PAGE_SIZE} items")
        self.http = http
        self.table = table
        self.policy = policy
        self.page_size = page_size

    # -- plumbing ------------------------------------------------------------------------------

    def _send(
        self, method: str, path: str, *, params: Params | None = None, body: Any = None
    ) -> Any:
        request = self.http.build_request(
            method,
            f"{API}{path}",
            params=params,
            content=dump_json(body) if body is not None else None,
            headers={"Content-Type": "application/json"} if body is not None else None,
        )
        response = retry.send(self.http, request, classify=self.table, policy=self.policy)
        return parse_json(response)

    def _collection(self, path: str, key: str, query: Params, what: str) -> Iterator[Any]:
        paginator = PageNumberPaginator(
            page_param="page",
            size_param="limit",
            size=self.page_size,
            next_page=mapping.next_page,
            start=1,
        )

        def fetch(params: Params) -> Any:
            return self._send("GET", path, params={**query, **params})

        return iterate(fetch, paginator, lambda page: mapping.collection(page, key), what=what)

    # -- invoices ------------------------------------------------------------------------------

    def invoices(
        self,
        *,
        filter_: str | None = None,
        modified_since: datetime | None = None,
        from_date: date | None = None,
        from_final_pay_date: date | None = None,
        customer: str | None = None,
        reference: str | None = None,
    ) -> Iterator[Any]:
        """Invoice list items, filtered as Fortnox allows (one ``filter`` per request)."""
        if filter_ is not None and filter_ not in INVOICE_FILTERS:
            raise ValueError(f"Fortnox has no invoice filter {filter_!r}")
        query: Params = {"sortby": "documentnumber"}
        if filter_:
            query["filter"] = filter_
        if modified_since is not None:
            query["lastmodified"] = lastmodified(modified_since)
        if from_date is not None:
            query["fromdate"] = from_date.isoformat()
        if from_final_pay_date is not None:
            query["fromfinalpaydate"] = from_final_pay_date.isoformat()
        if customer is not None:
            query["customernumber"] = customer
        if reference is not None:
            query["externalinvoicereference1"] = reference
        return self._collection("/invoices", "Invoices", query, f"invoices ({filter_ or 'all'})")

    def invoice(self, number: str) -> Any:
        """One full invoice (with Reminders, LastRemindDate, Remarks, ...)."""
        return mapping.unwrap(self._send("GET", f"/invoices/{_segment(number)}"), "Invoice")

    def create_invoice(self, body: dict[str, Any]) -> Any:
        """Create an unbooked invoice (a draft the accountant can edit, book or delete)."""
        return mapping.unwrap(self._send("POST", "/invoices", body=body), "Invoice")

    def bookkeep(self, number: str) -> Any:
        """Book an invoice."""
        return mapping.unwrap(
            self._send("PUT", f"/invoices/{_segment(number)}/bookkeep"), "Invoice"
        )

    def cancel(self, number: str) -> Any:
        """Cancel an unbooked invoice (``PUT /3/invoices/{n}/cancel``): the API has no DELETE of
        an invoice, and a cancelled invoice is never booked nor sent."""
        return mapping.unwrap(self._send("PUT", f"/invoices/{_segment(number)}/cancel"), "Invoice")

    def send(self, number: str, action: str) -> Any:
        """Send a booked invoice: ``email`` or ``eprint`` (Fortnox's print service)."""
        if action not in SEND_ACTIONS.values():
            raise ValueError(f"Fortnox cannot send an invoice by {action!r}")
        # Fortnox models sending as a GET that acts; it is not safe to repeat, so no retry.
        request = self.http.build_request("GET", f"{API}/invoices/{_segment(number)}/{action}")
        once = retry.RetryPolicy(attempts=1, idempotency_header=None)
        response = retry.send(self.http, request, classify=self.table, policy=once)
        return mapping.unwrap(parse_json(response), "Invoice")

    def mark_sent(self, number: str) -> Any:
        """Mark a booked invoice as sent without sending it (``PUT .../externalprint``)."""
        return mapping.unwrap(
            self._send("PUT", f"/invoices/{_segment(number)}/externalprint"), "Invoice"
        )

    # -- payments and customers ----------------------------------------------------------------

    def invoice_payments(
        self, *, modified_since: datetime | None = None, invoice: str | None = None
    ) -> Iterator[Any]:
        """Incoming payments, all or those changed since a moment, or those of one invoice."""
        query: Params = {}
        if modified_since is not None:
            query["lastmodified"] = lastmodified(modified_since)
        if invoice is not None:
            query["invoicenumber"] = invoice
        return self._collection("/invoicepayments", "InvoicePayments", query, "invoice payments")

    def customers(self, *, modified_since: datetime | None = None) -> Iterator[Any]:
        """Customer list items (no Type or Active: those need :meth:`customer`)."""
        query: Params = {"sortby": "customernumber"}
        if modified_since is not None:
            query["lastmodified"] = lastmodified(modified_since)
        return self._collection("/customers", "Customers", query, "customers")

    def company_information(self) -> Any:
        """``GET /3/companyinformation``: the company the token reaches (OrganizationNumber,
        DatabaseNumber); needs the ``companyinformation`` scope."""
        return mapping.unwrap(self._send("GET", "/companyinformation"), "CompanyInformation")

    def customer(self, number: str) -> Any:
        """One full customer (Type PRIVATE|COMPANY, Active, DefaultDeliveryTypes, ...)."""
        path = f"/customers/{_customer_segment(number)}"
        return mapping.unwrap(self._send("GET", path), "Customer")

    # -- set-up (doctor) -----------------------------------------------------------------------

    def account(self, number: int) -> Any:
        """One account of the chart (``GET /3/accounts/{Number}``): Active, VATCode, ..."""
        return mapping.unwrap(self._send("GET", f"/accounts/{int(number)}"), "Account")

    def article(self, number: str) -> Any:
        """One article (``GET /3/articles/{ArticleNumber}``): Active, VAT, SalesAccount, ..."""
        path = f"/articles/{_customer_segment(number)}"
        return mapping.unwrap(self._send("GET", path), "Article")

    # -- Fortnox Finans ------------------------------------------------------------------------

    def hand_to_finans(self, invoice: str, *, send_method: str, service: str) -> Any:
        """Hand a booked SEK invoice to Fortnox Finans (it acts at once; not a draft)."""
        body = {
            "NoxFinansInvoice": {
                "InvoiceNumber": str(invoice),
                "SendMethod": send_method,
                "Service": service,
            }
        }
        answer = self._send("POST", "/noxfinansinvoices", body=body)
        return mapping.unwrap(answer, "NoxFinansInvoice")


def _segment(number: str) -> str:
    """Refuse a document number that is not a plain number (it goes into the URL path)."""
    text = str(number).strip()
    if not text.isdigit():
        raise ValueError(f"not a Fortnox document number: {number!r}")
    return text


def _customer_segment(number: str) -> str:
    """A customer number in the URL path: any string (the spec types it as one), quoted."""
    text = str(number).strip()
    if not text:
        raise ValueError("an empty customer number")
    return quote(text, safe="")


def utc_now() -> datetime:
    """The current time (one place, so tests can reason about it)."""
    return datetime.now(UTC)
