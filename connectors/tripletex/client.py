"""A thin typed client for the Tripletex API v2 endpoints the bridge uses, and nothing else.

Lists are ``{from, count, versionDigest, values[]}`` pages addressed by ``from``/``count``;
:class:`OffsetPaginator` walks them until a page comes back shorter than asked for. Every
request goes through bridge/infra/retry.py. Tripletex has no idempotency key, so writes are never
retried once sent: the session reads back (``GET /reminder?invoiceId=``) before trying again.

Pacing: Tripletex publishes no numbers; it reports them per response in ``X-Rate-Limit-Limit``,
``X-Rate-Limit-Remaining`` and ``X-Rate-Limit-Reset`` (seconds left in the period), and once the
budget is spent answers 429 to everything until the period ends. :class:`HeaderPacedTransport`
reads those headers and spreads the remaining budget over the seconds left, so we never hit
the wall; a 429 that still comes is retried after the reset.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from bridge.infra import retry
from bridge.infra.http import DEFAULT_TABLE, StatusTable, VendorError, dump_json, parse_json, rule
from bridge.infra.paging import Params, iterate
from bridge.vocab.connector import RateLimit
from bridge.vocab.errors import AuthError, MalformedResponse
from connectors.tripletex import mapping
from connectors.tripletex.auth import CONSUMER_TOKEN, EMPLOYEE_TOKEN

BASE_URL = "https://tripletex.no/v2"
TEST_URL = "https://api-test.tripletex.tech/v2"
# Tripletex publishes no limit; this ceiling only keeps a burst polite. The real pacing comes
# from the X-Rate-Limit-* headers (HeaderPacedTransport).
RATE_LIMITS = (RateLimit(20, 1.0),)
PAGE_SIZE = 1000  # Tripletex's default and maximum page
REQUEST_ID_HEADER = "x-tlx-request-id"

# The customer as the bridge reads it, also expanded inside every invoice. The postal address
# and the account manager (an employee: the salesperson) are expanded in the same call, so the
# debtor's identity and salesperson cost no request of their own. Fields the login may not see
# (an employee's e-mail, say) are left out by Tripletex, not refused.
CUSTOMER_FIELDS = (
    "id,version,name,organizationNumber,email,invoiceEmail,overdueNoticeEmail,"
    "phoneNumber,phoneNumberMobile,isPrivateIndividual,isInactive,isFactoring,language,"
    "invoiceSendMethod,"
    "postalAddress(addressLine1,addressLine2,postalCode,city,country(isoAlpha2Code,name)),"
    "accountManager(firstName,lastName,email)"
)
INVOICE_FIELDS = (
    "id,version,invoiceNumber,invoiceDate,invoiceDueDate,amount,amountCurrency,"
    "amountOutstanding,amountCurrencyOutstanding,amountOutstandingTotal,"
    "amountCurrencyOutstandingTotal,isCredited,isCreditNote,isCharged,kid,invoiceComment,"
    f"currency(id,code),invoiceRemark(*),reminders(*),customer({CUSTOMER_FIELDS})"
)
ORDER_FIELDS = (
    "id,version,number,reference,orderDate,isClosed,deliveryComment,customer(id),"
    "orderLines(unitPriceExcludingVatCurrency)"
)
REMINDER_FIELDS = "*"
# An open post's invoice, customer and amount: the open-posts strategy's debtors, and the
# payments on no invoice that are the customer's credit (mapping.prepayment).
OPEN_POST_FIELDS = "id,invoiceNumber,customer(id),amount,amountCurrency,currency(code)"


def tripletex_error(response: httpx.Response) -> VendorError:
    """Read Tripletex's error body: status, code, message, validationMessages, requestId."""
    try:
        body = parse_json(response)
    except MalformedResponse:
        return VendorError(request_id=response.headers.get(REQUEST_ID_HEADER))
    if not isinstance(body, dict):
        return VendorError(request_id=response.headers.get(REQUEST_ID_HEADER))
    message = body.get("message") if isinstance(body.get("message"), str) else None
    details = []
    for item in body.get("validationMessages") or []:
        if isinstance(item, dict) and isinstance(item.get("message"), str):
            field = item.get("field")
            details.append(f"{field}: {item['message']}" if field else item["message"])
    if details:
        message = f"{message or 'validation failed'} ({'; '.join(details[:10])})"
    code = body.get("code")
    request_id = body.get("requestId") or response.headers.get(REQUEST_ID_HEADER)
    return VendorError(
        code=str(code) if code is not None else None,
        message=message,
        request_id=str(request_id) if request_id else None,
    )


def status_table(tenant: str) -> StatusTable:
    """The error table for one tenant: a 401 after one fresh session token is final."""
    fix = (
        f"store new tokens with `dunning-bridge secrets set {tenant} {EMPLOYEE_TOKEN}` "
        f"(and `{CONSUMER_TOKEN}` if the integration's token changed)"
    )
    return DEFAULT_TABLE.with_rows(
        rule(
            401,
            AuthError,
            f"Tripletex refused tenant {tenant!r} even with a fresh session token: the employee "
            f"token was revoked or lacks access to this company; {fix}",
        ),
        rule(
            403,
            AuthError,
            f"Tripletex denied tenant {tenant!r}: the employee token lacks an entitlement "
            f"(invoices, customers, orders, reminders, the ledger's open posts); {fix}",
        ),
    ).with_reader(tripletex_error)


# Tripletex honours no idempotency key: only GETs (and 429s, which did nothing) are retried.
RETRY_POLICY = retry.RetryPolicy()


class OffsetPaginator:
    """Tripletex's ``from``/``count`` pages: the walk ends at the first short page."""

    def __init__(self, size: int = PAGE_SIZE) -> None:
        self.size = size
        self.start = 0
        self._more = True

    def first(self) -> Params:
        """Return the parameters of the first page."""
        return {"from": 0, "count": self.size}

    def update(self, page: Any) -> None:
        """Learn from a page whether another follows."""
        got = len(mapping.values(page, "page"))
        self._more = got >= self.size

    def has_next(self) -> bool:
        """Tell whether the last page was full."""
        return self._more

    def next_params(self) -> Params:
        """Advance by one page."""
        self.start += self.size
        return {"from": self.start, "count": self.size}


class HeaderPacedTransport(httpx.BaseTransport):
    """Pace requests from the X-Rate-Limit-* headers; turn a reset into Retry-After on a 429."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.inner = inner
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0
        self.waited = 0.0  # seconds spent waiting (for tests and the bench)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Wait for our turn, send, and learn the budget from the answer."""
        with self._lock:
            wait = self._next - self._clock()
        if wait > 0:
            self.waited += wait
            (self._sleep or _retry_sleep)(wait)
        response = self.inner.handle_request(request)
        remaining = _number(response.headers.get("X-Rate-Limit-Remaining"))
        reset = _number(response.headers.get("X-Rate-Limit-Reset"))
        if remaining is not None and reset is not None:
            with self._lock:
                # Spread what is left over the time left; at zero, wait for the new period.
                gap = reset if remaining <= 0 else reset / (remaining + 1)
                self._next = self._clock() + gap if gap >= 0.05 else 0.0
        if response.status_code == 429 and "Retry-After" not in response.headers and reset:
            response.headers["Retry-After"] = str(max(1, int(reset)))
        return response

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


def _retry_sleep(seconds: float) -> None:
    # The same switch as the retries: tests turn every wait off at once.
    if retry.waits_enabled():
        time.sleep(seconds)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(Decimal(value.strip()))
    except ArithmeticError:
        return None


class TripletexClient:
    """The Tripletex endpoints we use, each returning JSON objects or iterators of them."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        table: StatusTable,
        policy: retry.RetryPolicy = RETRY_POLICY,
        page_size: int = PAGE_SIZE,
    ) -> None:
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
            path.lstrip("/"),
            params=params,
            content=dump_json(body) if body is not None else None,
        )
        response = retry.send(self.http, request, classify=self.table, policy=self.policy)
        if response.status_code == 204 or not response.content:
            return None
        return parse_json(response)

    def _list(self, path: str, what: str, params: Params) -> Iterator[Any]:
        def fetch(page: Params) -> Any:
            return self._send("GET", path, params={**params, **page})

        return iterate(
            fetch,
            OffsetPaginator(self.page_size),
            lambda page: mapping.values(page, what),
            what=what,
        )

    # -- invoices ------------------------------------------------------------------------------

    def invoices(
        self,
        *,
        date_from: date,
        date_to: date,
        customer: int | None = None,
        ids: Sequence[int] = (),
    ) -> Iterator[Any]:
        """Charged outgoing invoices dated ``date_from`` (incl.) .. ``date_to`` (excl.).

        ``ids`` narrows the list to those invoices (Tripletex's ``id``, a list of ids).
        """
        params: Params = {
            "invoiceDateFrom": date_from.isoformat(),
            "invoiceDateTo": date_to.isoformat(),
            "fields": INVOICE_FIELDS,
        }
        if customer is not None:
            params["customerId"] = customer
        if ids:
            params["id"] = ",".join(str(i) for i in sorted(set(ids)))
        return self._list("/invoice", "invoices", params)

    def who_am_i(self) -> Any:
        """``GET /token/session/>whoAmI``: the logged-in user and the company it works in."""
        body = self._send("GET", "/token/session/>whoAmI", params={"fields": "companyId"})
        return mapping.value(body, "whoAmI")

    def invoice(self, invoice_id: int) -> Any:
        """One invoice, with customer, remark and reminders expanded."""
        body = self._send("GET", f"/invoice/{int(invoice_id)}", params={"fields": INVOICE_FIELDS})
        return mapping.value(body, f"invoice {invoice_id}")

    def open_posts(self, *, on: date, customer: int | None = None) -> Iterator[Any]:
        """Open customer-ledger posts dated before ``on``: debtors and prepayments, one list."""
        params: Params = {
            "date": on.isoformat(),
            "fields": OPEN_POST_FIELDS,
        }
        if customer is not None:
            params["customerId"] = customer
        return self._list("/ledger/posting/openPost", "open posts", params)

    # -- customers -----------------------------------------------------------------------------

    def customer(self, customer_id: int) -> Any:
        """One customer."""
        body = self._send(
            "GET", f"/customer/{int(customer_id)}", params={"fields": CUSTOMER_FIELDS}
        )
        return mapping.value(body, f"customer {customer_id}")

    # -- reminders -----------------------------------------------------------------------------

    def reminders(self, *, invoice: int, date_from: date, date_to: date) -> Iterator[Any]:
        """The reminders of one invoice dated ``date_from`` (incl.) .. ``date_to`` (excl.)."""
        params: Params = {
            "invoiceId": int(invoice),
            "dateFrom": date_from.isoformat(),
            "dateTo": date_to.isoformat(),
            "fields": REMINDER_FIELDS,
        }
        return self._list("/reminder", "reminders", params)

    def reminders_between(self, *, date_from: date, date_to: date) -> Iterator[Any]:
        """Every reminder dated ``date_from`` (incl.) .. ``date_to`` (excl.) (doctor's probe)."""
        params: Params = {
            "dateFrom": date_from.isoformat(),
            "dateTo": date_to.isoformat(),
            "fields": REMINDER_FIELDS,
        }
        return self._list("/reminder", "reminders", params)

    def create_reminder(
        self,
        invoice: int,
        *,
        kind: str,
        on: date,
        include_charge: bool,
        include_interest: bool,
        dispatch_types: tuple[str, ...],
        email: str | None = None,
    ) -> int:
        """Create and *send* a reminder at once (there is no draft); return its id."""
        params: Params = {
            "type": kind,
            "date": on.isoformat(),
            "includeCharge": "true" if include_charge else "false",
            "includeInterest": "true" if include_interest else "false",
            "dispatchTypes": ",".join(dispatch_types),
        }
        if email:
            params["email"] = email
        body = self._send("PUT", f"/invoice/{int(invoice)}/:createReminder", params=params)
        found = mapping.value(body, f"reminder for invoice {invoice}")
        if isinstance(found, bool) or not isinstance(found, int):
            raise MalformedResponse(f"reminder for invoice {invoice}: no reminder id ({found!r})")
        return found

    # -- settings ------------------------------------------------------------------------------

    def vat_types(self, numbers: Sequence[str]) -> Iterator[Any]:
        """The company's active outgoing VAT types shown as ``numbers`` (SAF-T codes)."""
        params: Params = {
            "number": ",".join(numbers),
            "typeOfVat": "OUTGOING",
            "fields": "id,number,name,percentage",
        }
        return self._list("/ledger/vatType", "VAT types", params)

    def vat_types_by_id(self, ids: Sequence[int]) -> Iterator[Any]:
        """The company's active outgoing VAT types with these ids."""
        params: Params = {
            "id": ",".join(str(i) for i in ids),
            "typeOfVat": "OUTGOING",
            "fields": "id,number,name,percentage",
        }
        return self._list("/ledger/vatType", "VAT types", params)

    # -- orders (our proposals) ----------------------------------------------------------------

    def create_order(self, body: dict[str, Any]) -> Any:
        """Create a draft order; not retried once sent (Tripletex has no idempotency key)."""
        return mapping.value(self._send("POST", "/order", body=body), "new order")

    def order(self, order_id: int) -> Any:
        """One order."""
        body = self._send("GET", f"/order/{int(order_id)}", params={"fields": ORDER_FIELDS})
        return mapping.value(body, f"order {order_id}")

    def orders(self, *, date_from: date, date_to: date, containing: str) -> Iterator[Any]:
        """Orders dated in the window whose deliveryComment contains ``containing``."""
        params: Params = {
            "orderDateFrom": date_from.isoformat(),
            "orderDateTo": date_to.isoformat(),
            "deliveryComment": containing,
            "fields": ORDER_FIELDS,
        }
        return self._list("/order", "orders", params)

    def delete_order(self, order_id: int) -> None:
        """Delete an order (``DELETE /order/{id}``, 204 in openapi-2.74.00.json)."""
        self._send("DELETE", f"/order/{int(order_id)}")

    def close_order(self, order_id: int, version: int) -> Any:
        """Close an order (it can no longer be invoiced): our mark that it was carried out."""
        body = {"id": int(order_id), "version": int(version), "isClosed": True}
        return mapping.value(
            self._send("PUT", f"/order/{int(order_id)}", body=body), f"order {order_id}"
        )

    def invoice_order(self, order_id: int, *, on: date, send: bool) -> Any:
        """Turn an order into an invoice (sent to the customer when ``send``)."""
        params: Params = {
            "invoiceDate": on.isoformat(),
            "sendToCustomer": "true" if send else "false",
        }
        body = self._send("PUT", f"/order/{int(order_id)}/:invoice", params=params)
        return mapping.value(body, f"invoice of order {order_id}")

    # -- companies -----------------------------------------------------------------------------

    def client_companies(self) -> Iterator[Any]:
        """The client companies an accountant's login may act for (one tenant each)."""
        return self._list("/company/>withLoginAccess", "client companies", {"fields": "id,name"})
