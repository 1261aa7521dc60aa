"""A thin typed client for the e-conomic REST endpoints the bridge uses, and nothing else.

Collections come back as plain iterators of JSON objects (pages of up to 1,000 are walked by
bridge/infra/paging.py); every request goes through bridge/infra/retry.py. Filters are built here
with
e-conomic's escaping. Only fields the official schemas mark ``filterable`` are filtered on:
``dueDate`` and ``remainder`` of invoices are not, so the session filters them locally.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from bridge.infra import retry
from bridge.infra.http import DEFAULT_TABLE, StatusTable, VendorError, dump_json, parse_json
from bridge.infra.paging import PageNumberPaginator, Params, iterate
from bridge.vocab.connector import RateLimit
from bridge.vocab.errors import MalformedResponse
from connectors.economic import mapping
from connectors.economic.auth import auth_rules

BASE_URL = "https://restapi.e-conomic.com"
# Fair use is 50,000 calls per agreement per 24 h (e-conomic's published policy). It names no
# per-second limit; 10 per second keeps a cycle of a large agreement (a few dozen calls) to
# seconds while never bursting at the API, and stays clear of the token bucket e-conomic is
# reported to be rolling out.
RATE_LIMITS = (RateLimit(50_000, 86_400.0), RateLimit(10, 1.0))
PAGE_SIZE = 1000  # e-conomic's maximum
IDEMPOTENCY_HEADER = "Idempotency-Key"
# e-conomic caps $in: lists at 200 values.
MAX_IN_VALUES = 200

FilterValue = str | int | bool | date | datetime

# e-conomic reads these as filter syntax unless each is preceded by "$".
_ESCAPES = str.maketrans({c: f"${c}" for c in "$()*,[]"})


def escape(value: str) -> str:
    """Escape a literal filter value the way e-conomic expects (``$`` before each special)."""
    return value.translate(_ESCAPES)


def _render(value: FilterValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("filter on an aware datetime, never a naive one")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return escape(value)


def clause(field: str, op: str, value: FilterValue) -> str:
    """Build one ``field$op:value`` clause (op: eq, ne, gt, gte, lt, lte, like)."""
    return f"{field}${op}:{_render(value)}"


def eq(field: str, value: FilterValue) -> str:
    """``field`` equals ``value``."""
    return clause(field, "eq", value)


def one_of(field: str, values: Sequence[int]) -> str:
    """``field`` is one of ``values`` (numeric fields only, at most 200 values)."""
    if not values or len(values) > MAX_IN_VALUES:
        raise ValueError(f"$in: takes 1..{MAX_IN_VALUES} values, got {len(values)}")
    return f"{field}$in:[{','.join(str(int(v)) for v in values)}]"


def all_of(*clauses: str) -> str:
    """Every clause holds."""
    return "$and:".join(clauses)


def any_of(*clauses: str) -> str:
    """At least one clause holds."""
    return "$or:".join(clauses)


def economic_error(response: httpx.Response) -> VendorError:
    """Read e-conomic's error body: message, developerHint, logId, errorCode, errors{}."""
    try:
        body = parse_json(response)
    except MalformedResponse:
        return VendorError()
    if not isinstance(body, dict):
        return VendorError()
    message = body.get("message") if isinstance(body.get("message"), str) else None
    code = body.get("errorCode")
    details = _field_errors(body.get("errors"))
    if details:
        message = f"{message or 'validation failed'} ({details})"
    log_id = body.get("logId")
    return VendorError(
        code=str(code) if code is not None else None,
        message=message,
        request_id=str(log_id) if log_id else None,
    )


def _field_errors(errors: Any) -> str:
    """Flatten e-conomic's validation tree (``{field: {errors: [...]}, lines: {items: [...]}}``)."""
    found: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, list):
            for child in node:
                index = child.get("arrayIndex") if isinstance(child, dict) else None
                walk(child, f"{path}[{index}]" if index is not None else path)
            return
        if not isinstance(node, dict):
            return
        for key, child in node.items():
            if key == "errors" and isinstance(child, list):
                for item in child:
                    if isinstance(item, dict):
                        text = (
                            item.get("errorMessage") or item.get("message") or item.get("errorCode")
                        )
                        found.append(f"{path or 'body'}: {text}")
            elif key == "items":
                walk(child, path)
            elif isinstance(child, dict | list):
                walk(child, f"{path}.{key}" if path else key)

    walk(errors, "")
    return "; ".join(found[:10])


# e-conomic documents that a replayed Idempotency-Key returns the first answer for an hour, and
# our writes carry one; but no recording shows a replay, so a write whose outcome is unknown (a
# 5xx, a timeout after it left) is not retried on the key's strength: it is raised and read back
# by its key in references.other (apply.py, and readback.py find; docs/connectors/economic.md).
RETRY_POLICY = retry.RetryPolicy()


def status_table(tenant: str) -> StatusTable:
    """The error table for one tenant: its auth rows first, e-conomic's error body reader."""
    return DEFAULT_TABLE.with_rows(*auth_rules(tenant)).with_reader(economic_error)


class EconomicClient:
    """The e-conomic endpoints we use, each returning JSON objects or iterators of them."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        table: StatusTable,
        policy: retry.RetryPolicy,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.http = http
        self.table = table
        self.policy = policy
        self.page_size = page_size

    # -- plumbing ------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        headers = {IDEMPOTENCY_HEADER: idempotency_key} if idempotency_key else {}
        request = self.http.build_request(
            method,
            path,
            params=params,
            content=dump_json(body) if body is not None else None,
            headers=headers,
        )
        response = retry.send(self.http, request, classify=self.table, policy=self.policy)
        return parse_json(response)

    def _collection(self, path: str, what: str, filter_: str | None = None) -> Iterator[Any]:
        paginator = PageNumberPaginator(
            page_param="skippages",
            size_param="pagesize",
            size=self.page_size,
            next_page=mapping.next_page,
        )

        def fetch(params: Params) -> Any:
            query = dict(params)
            if filter_:
                query["filter"] = filter_
            return self._send("GET", path, params=query)

        return iterate(fetch, paginator, lambda page: mapping.collection(page, what), what=what)

    def _path_of(self, link: Any, fallback: str) -> str:
        """Follow a hypermedia link only when it points at our own API host."""
        if isinstance(link, str) and link:
            parts = urlsplit(link)
            ours = self.http.base_url
            if parts.scheme == ours.scheme and parts.netloc == ours.netloc.decode("ascii"):
                return parts.path
        return fallback

    # -- booked invoices -----------------------------------------------------------------------

    def unpaid_invoices(self, *, customer: int | None = None) -> Iterator[Any]:
        """Booked invoices with a remainder other than 0, optionally of one customer."""
        flt = eq("customer.customerNumber", customer) if customer is not None else None
        return self._collection("/invoices/unpaid", "unpaid invoices", flt)

    def unpaid_numbered(self, numbers: Sequence[int]) -> Iterator[Any]:
        """The unpaid booked invoices among ``numbers``, 200 numbers per request.

        ``bookedInvoiceNumber`` is filterable on /invoices/unpaid (invoices.unpaid.get schema);
        a number missing from the answer is paid (or was never booked).
        """
        ordered = sorted(set(numbers))
        for start in range(0, len(ordered), MAX_IN_VALUES):
            chunk = ordered[start : start + MAX_IN_VALUES]
            yield from self._collection(
                "/invoices/unpaid", "unpaid invoices", one_of("bookedInvoiceNumber", chunk)
            )

    def overdue_invoices(self) -> Iterator[Any]:
        """Booked invoices not fully paid and past due."""
        return self._collection("/invoices/overdue", "overdue invoices")

    def paid_invoices(self, *, issued_from: date) -> Iterator[Any]:
        """Fully paid booked invoices issued on or after ``issued_from``."""
        flt = clause("date", "gte", issued_from)
        return self._collection("/invoices/paid", "paid invoices", flt)

    def booked_invoice(self, number: int) -> Any:
        """One booked invoice."""
        return self._send("GET", f"/invoices/booked/{int(number)}")

    def booked_invoices(self, *, reference: str) -> Iterator[Any]:
        """Booked invoices whose ``references.other`` is ``reference``."""
        return self._collection(
            "/invoices/booked", "booked invoices", eq("references.other", reference)
        )

    # -- customers -----------------------------------------------------------------------------

    def customers(self, *, updated_after: datetime | None = None) -> Iterator[Any]:
        """All customers, or those changed after ``updated_after``."""
        flt = clause("lastUpdated", "gt", updated_after) if updated_after else None
        return self._collection("/customers", "customers", flt)

    def customers_numbered(self, numbers: Sequence[int]) -> Iterator[Any]:
        """The customers with these numbers, 200 per request."""
        ordered = sorted(set(numbers))
        for start in range(0, len(ordered), MAX_IN_VALUES):
            chunk = ordered[start : start + MAX_IN_VALUES]
            yield from self._collection("/customers", "customers", one_of("customerNumber", chunk))

    def agreement(self) -> Any:
        """``GET /self``: the agreement the grant token reaches (its agreementNumber)."""
        return self._send("GET", "/self")

    def customer(self, number: int) -> Any:
        """One customer."""
        return self._send("GET", f"/customers/{int(number)}")

    def contacts(self, customer: int) -> Iterator[Any]:
        """A customer's contact persons."""
        return self._collection(f"/customers/{int(customer)}/contacts", "contacts")

    def employees(self) -> Iterator[Any]:
        """The agreement's employees (names and e-mails of the customers' salespeople).

        Read whole and unfiltered: an agreement has few, and one walk costs one request.
        """
        return self._collection("/employees", "employees")

    # -- ledger --------------------------------------------------------------------------------

    def accounting_years(self) -> Iterator[Any]:
        """The agreement's accounting years."""
        return self._collection("/accounting-years", "accounting years")

    def entries(
        self,
        year: str,
        *,
        types: Sequence[str],
        link: str | None = None,
        from_date: date | None = None,
        to_date: date | None = None,
    ) -> Iterator[Any]:
        """Ledger entries of accounting year ``year`` of the given types, in one filtered walk.

        ``link`` is the year's own ``entries`` link, used when it points at our API host.
        """
        path = self._path_of(link, f"/accounting-years/{quote(year, safe='')}/entries")
        window = []
        if from_date:
            window.append(clause("date", "gte", from_date))
        if to_date:
            window.append(clause("date", "lte", to_date))
        # e-conomic has no parentheses and `$and:` binds tighter than `$or:`, so the date window
        # is repeated inside every alternative: (type=A and window) or (type=B and window).
        alternatives = [all_of(eq("entryType", t), *window) for t in types]
        flt = any_of(*alternatives) if alternatives else all_of(*window)
        return self._collection(path, f"ledger entries of {year}", flt or None)

    # -- settings for drafts -------------------------------------------------------------------

    def layouts(self) -> Iterator[Any]:
        """Invoice layouts."""
        return self._collection("/layouts", "layouts")

    def payment_terms(self) -> Iterator[Any]:
        """Payment terms."""
        return self._collection("/payment-terms", "payment terms")

    def layout(self, number: int) -> Any:
        """One invoice layout."""
        return self._send("GET", f"/layouts/{int(number)}")

    # -- products and their VAT (doctor's checks) -----------------------------------------------

    def product(self, number: str) -> Any:
        """One product; its number is text (``RYK``)."""
        return self._send("GET", f"/products/{quote(number, safe='')}")

    def sales_accounts(self, group: int) -> Iterator[Any]:
        """A product group's sales account per VAT zone."""
        path = f"/product-groups/{int(group)}/sales-accounts"
        return self._collection(path, f"sales accounts of product group {group}")

    def account(self, number: int) -> Any:
        """One account of the chart of accounts."""
        return self._send("GET", f"/accounts/{int(number)}")

    def vat_account(self, code: str) -> Any:
        """One VAT account (``U25``): its rate."""
        return self._send("GET", f"/vat-accounts/{quote(code, safe='')}")

    # -- drafts and booking --------------------------------------------------------------------

    def create_draft(self, body: dict[str, Any], *, idempotency_key: str) -> Any:
        """Create a draft invoice; a replay with the same key returns the first result."""
        return self._send("POST", "/invoices/drafts", body=body, idempotency_key=idempotency_key)

    def draft(self, number: int) -> Any:
        """One draft invoice."""
        return self._send("GET", f"/invoices/drafts/{int(number)}")

    def drafts(self, *, reference: str | None = None) -> Iterator[Any]:
        """Draft invoices, optionally only those whose ``references.other`` is ``reference``."""
        flt = eq("references.other", reference) if reference is not None else None
        return self._collection("/invoices/drafts", "draft invoices", flt)

    def delete_draft(self, number: int) -> Any:
        """Delete a draft invoice (``DELETE /invoices/drafts/{n}``; recorded answer:
        fixtures/traels-it/invoice_delete.json). Not retried: the read-back tells."""
        return self._send("DELETE", f"/invoices/drafts/{int(number)}")

    def book(self, draft: int, *, send_by: str, idempotency_key: str) -> Any:
        """Book a draft (and send it by ``send_by``: none, Email or EAN)."""
        body = {"draftInvoice": {"draftInvoiceNumber": int(draft)}, "sendBy": send_by}
        return self._send("POST", "/invoices/booked", body=body, idempotency_key=idempotency_key)
