"""An in-process emulator of the Tripletex API v2, for the demo and the tests.

A client talks to it through httpx exactly as to https://tripletex.no/v2: give the client
``sandbox.transport()``. Every request passes, in order: the request log, injected faults,
session-token minting or Basic-auth check (401, code 3000), the rate limit (429 for every
request until the period ends, X-Rate-Limit-* headers on every answer), then the endpoint.

It behaves like the real API where the bridge depends on it: ``GET /invoice`` refuses a call
without its date window, lists page with ``from``/``count``; a customer carries only the fields
``fields`` names, its references (postal address, country, account manager) are bare
``{id, url}`` links unless ``fields`` expands them, an unset text is ``""`` and an unset
reference null, as in responses recorded from the real API; ``:createReminder`` sends at once,
enforces the reminder sequence and answers the 422 bodies seen on a real sandbox ("Minst én
sendetype må oppgis" without a dispatch type, "type: Ugyldig verdi" for a REMINDER before any
reminder), charges the company's fee only with ``includeCharge``; orders are drafts the
accountant may invoice, close or delete.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from bridge.vocab.domain import money
from bridge.vocab.faults import Fault, FaultKind
from connectors.sandbox_base import SandboxBase
from connectors.tripletex.sandbox.hooks import DemoHooks
from connectors.tripletex.sandbox.state import (
    _CUSTOMER_TEXTS,
    BASE_PATH,
    COMPANY_CURRENCY,
    COUNTRY_IDS,
    CURRENCIES,
    CURRENCY_IDS,
    DEFAULT_VAT_NUMBER,
    DISPATCH_TYPES,
    FORMAT,
    HOST,
    POSTING_IDS,
    SUPPORTED_TYPES,
    VAT_TYPES,
    ApiError,
    Fields,
    Record,
    _address_out,
    _dig,
    _empty,
    _encoded,
    _invalid,
    _link,
    _loads,
    _not_found,
    _public_reminder,
    _select,
    parse_fields,
)

__all__ = ["Fault", "FaultKind", "TripletexSandbox", "sandbox_factory"]

# The demo login's own company id (whoAmI's companyId); a state may carry its own.
OWN_COMPANY_ID = 7712034


class TripletexSandbox(SandboxBase, DemoHooks):
    """The emulated company; satisfies ``bridge.vocab.connector.Sandbox``."""

    BASE_URL = "https://tripletex.no/v2"
    JSON_TYPE = "application/json"
    # The tokens the sandbox accepts; they guard nothing, the demo hands them out openly.
    CONSUMER_TOKEN = "sandbox-consumer-token"  # noqa: S105
    EMPLOYEE_TOKEN = "sandbox-employee-token"  # noqa: S105

    def _start(self, state: Record | None) -> None:
        self.dispatched: list[tuple[int, str, tuple[str, ...]]] = []  # reminders sent
        self.sent_to: dict[int, str | None] = {}  # reminder id -> the e-mail address used
        self.state: Record = state if state is not None else _empty()
        if self.state.get("format") != FORMAT:
            raise ValueError(f"unknown sandbox state format {self.state.get('format')!r}")
        self._upgrade()

    # --- construction and persistence ---------------------------------------------------

    @staticmethod
    def _parse(data: bytes) -> Any:
        return _loads(data)

    def _dump(self) -> bytes:
        return _encoded(self.state)

    def _upgrade(self) -> None:
        """Bring a state saved before employees and addresses were kept up to date."""
        self.state.setdefault("employees", {})
        self.state.setdefault("inactiveVatTypes", [])
        self.state.setdefault("prepayments", {})
        for counter in ("employee", "address"):
            self.state["counters"].setdefault(counter, 1)
        self.state["counters"].setdefault("posting", POSTING_IDS)
        for rec in self.state["customers"].values():
            address = rec.get("postalAddress")
            if not isinstance(address, dict) or "id" not in address:
                iso = _dig(address, "country", "isoAlpha2Code")
                known = iso if iso in COUNTRY_IDS else "NO"  # older states only knew Norway
                rec["postalAddress"] = self._new_address(None, None, None, known)
            for key in _CUSTOMER_TEXTS:
                rec.setdefault(key, "")
            rec.setdefault("accountManager", None)

    # --- the HTTP side ------------------------------------------------------------------

    def _path(self, request: httpx.Request) -> str:
        path = unquote(request.url.path).rstrip("/")
        return path[len(BASE_PATH) :] or "/" if path.startswith(BASE_PATH) else path

    def _status_fault(self, fault: Fault) -> httpx.Response:
        error = ApiError(fault.status, 1000 if fault.status >= 500 else 429, "Error")
        if fault.retry_after is not None or fault.status == 429:
            error.headers["Retry-After"] = str(fault.retry_after or 1)
        return self._error(error)

    def _serve(self, request: httpx.Request, path: str) -> httpx.Response:
        params = dict(request.url.params.multi_items())
        try:
            if request.method == "PUT" and path == "/token/session/:create":
                # The deprecated form, tokens in the query string (the spec still has it).
                return self._json(200, {"value": self._mint(params)})
            if request.method == "POST" and path == "/token/session/:create":
                # The preferred form: PostSessionTokenBody; 201 as the spec answers it.
                body = _loads(request.content)
                if not isinstance(body, dict):
                    raise ApiError(400, 4000, "Request body is not a JSON object")
                return self._json(201, {"value": self._mint({k: str(v) for k, v in body.items()})})
            self._authenticate(request)
            limits = self._throttle()
            parts = path.strip("/").split("/")
            denied = (r.split("/") for r in self.state.get("deniedResources", []))
            if any(parts[: len(r)] == r for r in denied):
                # Assumed answer to an employee without access (docs/connectors/tripletex.md).
                raise ApiError(403, 9000, "You do not have access to this resource")
            status, body = self._route(request, path, params)
        except ApiError as error:
            return self._error(error)
        if status == 204:
            return httpx.Response(204, headers=limits)
        return self._json(status, body, limits)

    def _json(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return httpx.Response(
            status,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "x-tlx-request-id": str(uuid.uuid4()),
                **(headers or {}),
            },
            content=_encoded(body),
        )

    def _error(self, error: ApiError) -> httpx.Response:
        body = error.body()
        return self._json(
            error.status, body, {"x-tlx-request-id": body["requestId"], **error.headers}
        )

    # --- auth and limits ----------------------------------------------------------------

    def _mint(self, params: dict[str, str]) -> Record:
        expires = params.get("expirationDate", "")
        if (
            params.get("consumerToken") != self.CONSUMER_TOKEN
            or params.get("employeeToken") != self.EMPLOYEE_TOKEN
            or self.state["employeeRevoked"]
        ):
            raise ApiError(403, 9000, "Invalid consumer or employee token", developer="FORBIDDEN")
        try:
            until = date.fromisoformat(expires)
        except ValueError:
            raise _invalid("Ugyldig dato", "expirationDate") from None
        if until <= self.today:
            raise _invalid("Utløpsdato må være i fremtiden", "expirationDate")
        token = "sbx-" + uuid.uuid4().hex
        self.state["sessions"][token] = until.isoformat()
        return {"id": len(self.state["sessions"]), "token": token, "expirationDate": expires}

    def _authenticate(self, request: httpx.Request) -> None:
        header = request.headers.get("Authorization", "")
        unauthorized = ApiError(401, 3000, "Unauthorized", developer="UNAUTHORIZED")
        if not header.startswith("Basic "):
            raise unauthorized
        try:
            user, _, token = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            raise unauthorized from None
        expires = self.state["sessions"].get(token)
        # A session token dies at midnight starting its expiration date.
        if expires is None or date.fromisoformat(expires) <= self.today:
            raise unauthorized
        if user != "0" and user not in {str(c["id"]) for c in self.state["clients"]}:
            raise ApiError(403, 9000, f"No login access to company {user}")

    def _throttle(self) -> dict[str, str]:
        if self._rate_limit is None:
            return {}
        allowed, seconds = self._rate_limit
        now = self._clock()
        horizon = timedelta(seconds=seconds)
        while self._window and now - self._window[0] >= horizon:
            self._window.popleft()
        reset = (
            max(0.0, (self._window[0] + horizon - now).total_seconds()) if self._window else seconds
        )
        if len(self._window) >= allowed:
            raise ApiError(
                429,
                15000,
                "Too many requests",
                headers={
                    "X-Rate-Limit-Limit": str(allowed),
                    "X-Rate-Limit-Remaining": "0",
                    "X-Rate-Limit-Reset": str(max(1, round(reset))),
                },
            )
        self._window.append(now)
        return {
            "X-Rate-Limit-Limit": str(allowed),
            "X-Rate-Limit-Remaining": str(allowed - len(self._window)),
            "X-Rate-Limit-Reset": str(round(reset)),
        }

    # --- routes -------------------------------------------------------------------------

    def _route(self, request: httpx.Request, path: str, q: dict[str, str]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        method = request.method
        fields = q.get("fields", "")
        if parts == ["invoice"] and method == "GET":
            return 200, self._page(self._invoices(q), q, lambda r: self._invoice_out(r, fields))
        if len(parts) == 2 and parts[0] == "invoice" and method == "GET":
            return 200, {"value": self._invoice_out(self._get("invoices", parts[1]), fields)}
        if len(parts) == 3 and parts[0] == "invoice" and parts[2] == ":createReminder":
            if method != "PUT":
                raise ApiError(405, 4000, "Method not allowed")
            return 200, {"value": self._create_reminder(parts[1], q)}
        if parts == ["reminder"] and method == "GET":
            return 200, self._page(self._reminders(q), q, _public_reminder)
        if len(parts) == 2 and parts[0] == "reminder" and method == "GET":
            return 200, {"value": _public_reminder(self._get("reminders", parts[1]))}
        if parts == ["customer"] and method == "GET":
            rows = sorted(self.state["customers"].values(), key=lambda r: r["id"])
            asked = parse_fields(fields) if fields else None
            return 200, self._page(rows, q, lambda r: self._customer_out(r, asked))
        if len(parts) == 2 and parts[0] == "customer" and method == "GET":
            asked = parse_fields(fields) if fields else None
            return 200, {"value": self._customer_out(self._get("customers", parts[1]), asked)}
        if parts == ["order"] and method == "POST":
            return 201, {"value": self._create_order(_loads(request.content))}
        if parts == ["order"] and method == "GET":
            return 200, self._page(self._orders(q), q, dict)
        if len(parts) == 2 and parts[0] == "order":
            return self._order_call(method, parts[1], request)
        if len(parts) == 3 and parts[0] == "order" and parts[2] == ":invoice" and method == "PUT":
            invoice = self.invoice_order(int(parts[1]), q.get("invoiceDate"))
            return 200, {"value": self._invoice_out(invoice, "")}
        if parts == ["ledger", "vatType"] and method == "GET":
            return 200, self._page(self._vat_types(q), q, dict)
        if parts == ["ledger", "posting", "openPost"] and method == "GET":
            return 200, self._page(self._open_posts(q), q, dict)
        if parts == ["token", "session", ">whoAmI"] and method == "GET":
            return 200, {"value": self._who_am_i(request)}
        if parts == ["company", ">withLoginAccess"] and method == "GET":
            return 200, self._page(list(self.state["clients"]), q, dict)
        raise ApiError(404, 6000, f"No such endpoint: {method} {path}")

    def _who_am_i(self, request: httpx.Request) -> Record:
        """GET /token/session/>whoAmI (openapi LoggedInUserInfo): the company the request works
        in, the login's own or the client company named as the Basic user."""
        header = request.headers.get("Authorization", "")
        user = base64.b64decode(header[6:]).decode().partition(":")[0]
        company = int(user) if user != "0" else int(self.state.get("companyId", OWN_COMPANY_ID))
        return {"employeeId": 1, "companyId": company, "language": "no"}

    def _vat_types(self, q: dict[str, str]) -> list[Record]:
        """GET /ledger/vatType: the active types (Tripletex lists only those), by number or id."""
        numbers = {n for n in q.get("number", "").split(",") if n}
        ids = {i for i in q.get("id", "").split(",") if i}
        rows = []
        for ident, number, name, percentage in VAT_TYPES:
            if number in self.state["inactiveVatTypes"]:
                continue
            if (numbers and number not in numbers) or (ids and str(ident) not in ids):
                continue
            rows.append(
                {
                    "id": ident,
                    "version": 0,
                    "url": f"{HOST}/ledger/vatType/{ident}",
                    "name": name,
                    "number": number,
                    "displayName": f"{number} {name}",
                    "percentage": percentage,
                    "deductionPercentage": Decimal("100"),
                }
            )
        return rows

    def _vat_rate(self, line: Record) -> Decimal:
        """The VAT percentage of an order line: its vatType's, else the default (25 %)."""
        ident = _dig(line, "vatType", "id")
        for known, number, _, percentage in VAT_TYPES:
            if ident == known or (ident is None and number == DEFAULT_VAT_NUMBER):
                return percentage
        raise _invalid("Ugyldig mva-kode", "orderLines.vatType")

    def _get(self, table: str, ident: str) -> Record:
        try:
            found: Record = self.state[table][str(int(ident))]
        except (KeyError, ValueError):
            raise _not_found(table.rstrip("s"), ident) from None
        return found

    def _page(self, rows: list[Record], q: dict[str, str], render: Callable[[Record], Any]) -> Any:
        try:
            start = int(q.get("from", "0"))
            count = int(q.get("count", "1000"))
        except ValueError:
            raise ApiError(400, 4000, "from and count must be whole numbers") from None
        chunk = rows[start : start + count]
        return {
            "fullResultSize": len(rows),
            "from": start,
            "count": len(chunk),
            "versionDigest": f"sbx-{len(rows)}-{start}",
            "values": [render(r) for r in chunk],
        }

    def _window_of(self, q: dict[str, str], low: str, high: str) -> tuple[date, date]:
        try:
            return date.fromisoformat(q[low]), date.fromisoformat(q[high])
        except KeyError as exc:
            raise _invalid("Kan ikke være null.", exc.args[0]) from None
        except ValueError:
            raise _invalid("Ugyldig dato", low) from None

    def _invoices(self, q: dict[str, str]) -> list[Record]:
        start, end = self._window_of(q, "invoiceDateFrom", "invoiceDateTo")
        table = self.state["invoices"]
        # Asked by id, only those are looked at (the rest of a large company is not).
        candidates = (
            [table[i] for i in dict.fromkeys(q["id"].split(",")) if i in table]
            if "id" in q
            else table.values()
        )
        rows = [r for r in candidates if start <= date.fromisoformat(r["invoiceDate"]) < end]
        if "customerId" in q:
            rows = [r for r in rows if str(r["customer"]) == q["customerId"]]
        if "invoiceNumber" in q:
            rows = [r for r in rows if str(r["invoiceNumber"]) == q["invoiceNumber"]]
        if "id" in q:
            wanted = set(q["id"].split(","))
            rows = [r for r in rows if str(r["id"]) in wanted]
        return sorted(rows, key=lambda r: r["id"])

    def _invoice_out(self, rec: Record, fields: str) -> Record:
        asked = parse_fields(fields)
        out = {k: v for k, v in rec.items() if k not in ("customer", "reminders", "currency")}
        customer = self.state["customers"][str(rec["customer"])]
        wanted = asked.get("customer")
        out["customer"] = (
            self._customer_out(customer, wanted)
            if wanted is not None
            else _link("customer", customer["id"])
        )
        currency = CURRENCY_IDS.get(rec["currency"], COMPANY_CURRENCY)
        out["currency"] = (
            _select({"id": currency, "code": rec["currency"]}, asked.get("currency"), {})
            if asked.get("currency") is not None
            else _link("currency", currency)
        )
        reminders = [self.state["reminders"][str(i)] for i in rec["reminders"]]
        out["reminders"] = (
            [_public_reminder(r) for r in reminders]
            if asked.get("reminders") is not None
            else [{"id": r["id"]} for r in reminders]
        )
        return out

    def _customer_out(self, rec: Record, asked: Fields | None) -> Record:
        """A customer as Tripletex answers it: the fields asked for (all when None)."""
        return _select(
            {**rec, "url": f"{HOST}/customer/{rec['id']}"},
            asked,
            {
                "postalAddress": ("address", _address_out),
                "accountManager": ("employee", self._employee_out),
            },
        )

    def _employee_out(self, ref: Record, asked: Fields | None) -> Record:
        found = self.state["employees"].get(str(ref.get("id")))
        if found is None:
            return _link("employee", ref.get("id"))
        view = {
            **found,
            "url": f"{HOST}/employee/{found['id']}",
            "displayName": f"{found['firstName']} {found['lastName']}".strip(),
        }
        return _select(view, asked, {})

    def _reminders(self, q: dict[str, str]) -> list[Record]:
        start, end = self._window_of(q, "dateFrom", "dateTo")
        rows = [
            r
            for r in self.state["reminders"].values()
            if start <= date.fromisoformat(r["reminderDate"]) < end
        ]
        if "invoiceId" in q:
            rows = [r for r in rows if str(r["invoiceId"]) == q["invoiceId"]]
        return sorted(rows, key=lambda r: r["id"])

    def _create_reminder(self, ident: str, q: dict[str, str]) -> int:
        invoice = self._get("invoices", ident)
        kind = q.get("type")
        if kind is None:
            raise _invalid("Kan ikke være null.", "type")
        if kind not in SUPPORTED_TYPES:
            raise _invalid("Ugyldig verdi", "type")
        if "date" not in q:
            raise _invalid("Kan ikke være null.", "date")
        on = self._window_of(q, "date", "date")[0]
        raw = q.get("dispatchTypes") or q.get("dispatchType") or ""
        dispatch = tuple(t for t in raw.split(",") if t)
        if not dispatch:
            raise _invalid("Minst én sendetype må oppgis")
        for item in dispatch:
            if item not in DISPATCH_TYPES:
                raise _invalid("Ugyldig verdi", "dispatchTypes")
            if item == "NETS_PRINT" and kind != "NOTICE_OF_DEBT_COLLECTION":
                raise _invalid("NETS_PRINT kan kun brukes med inkassovarsel", "dispatchTypes")
            if item in ("NETS_PRINT", "SMS") and item not in self.state["activated"]:
                raise _invalid(f"{item} er ikke aktivert", "dispatchTypes")
        earlier = [self.state["reminders"][str(i)] for i in invoice["reminders"]]
        if kind == "REMINDER" and not earlier:
            raise _invalid("Ugyldig verdi", "type")
        if invoice["amountOutstanding"] <= 0:
            raise _invalid("Fakturaen er betalt", "invoice")
        if "EMAIL" in dispatch and not self._email_of(invoice, q):
            raise _invalid("Kunden mangler e-postadresse", "email")
        fee = self.state["reminderFee"] if q.get("includeCharge") == "true" else Decimal("0")
        interest = Decimal("0")
        if q.get("includeInterest") == "true":
            days = max(0, (on - date.fromisoformat(invoice["invoiceDueDate"])).days)
            rate = self.state["interestRate"]
            interest = money(invoice["amountOutstanding"] * rate / 100 * days / 365)
        reminder = self._store_reminder(
            invoice, kind=kind, on=on, fee=money(fee), interest=interest, dispatch=dispatch
        )
        self.sent_to[reminder] = self._email_of(invoice, q) if "EMAIL" in dispatch else None
        return reminder

    def _email_of(self, invoice: Record, q: dict[str, str]) -> str | None:
        """The ``email`` given, else "the same email list as the invoice" (spec 2.74.00): the
        customer's invoice address, else its main one. ``overdueNoticeEmail`` is not used
        unless the caller passes it (an assumption: docs/connectors/tripletex.md)."""
        customer = self.state["customers"][str(invoice["customer"])]
        found = q.get("email") or customer.get("invoiceEmail") or customer.get("email")
        return found if isinstance(found, str) and found else None

    def _orders(self, q: dict[str, str]) -> list[Record]:
        start, end = self._window_of(q, "orderDateFrom", "orderDateTo")
        rows = [
            r
            for r in self.state["orders"].values()
            if start <= date.fromisoformat(r["orderDate"]) < end
        ]
        if "deliveryComment" in q:
            rows = [r for r in rows if q["deliveryComment"] in (r.get("deliveryComment") or "")]
        if "isClosed" in q:
            rows = [r for r in rows if r["isClosed"] is (q["isClosed"] == "true")]
        return sorted(rows, key=lambda r: r["id"])

    def _create_order(self, body: Any) -> Record:
        if not isinstance(body, dict):
            raise ApiError(400, 4000, "Request body is not a JSON object")
        if "id" in body or "version" in body:
            raise _invalid("Skal ikke være satt ved opprettelse", "id")
        customer = body.get("customer")
        ident = customer.get("id") if isinstance(customer, dict) else None
        if str(ident) not in self.state["customers"]:
            raise _invalid("Kunden finnes ikke", "customer")
        for name in ("orderDate", "deliveryDate"):
            if not isinstance(body.get(name), str):
                raise _invalid("Kan ikke være null.", name)
        lines = body.get("orderLines") or []
        for index, line in enumerate(lines):
            price = line.get("unitPriceExcludingVatCurrency") if isinstance(line, dict) else None
            if not isinstance(price, Decimal | int):
                raise _invalid("Kan ikke være null.", f"orderLines[{index}].unitPrice")
            vat = _dig(line, "vatType", "id")
            if vat is not None and vat not in {
                t[0] for t in VAT_TYPES if t[1] not in self.state["inactiveVatTypes"]
            }:
                raise _invalid("Ugyldig mva-kode", f"orderLines[{index}].vatType")
        currency = _dig(body, "currency", "id")
        if currency is not None and currency not in CURRENCIES:
            raise _invalid("Valutaen finnes ikke", "currency")
        number = self._take("order")
        rec: Record = {
            **body,
            "id": number,
            "version": 0,
            "number": str(number),
            "customer": {"id": ident},
            "isClosed": False,
            "orderLines": [
                {**line, "id": self._take("orderline"), "count": line.get("count", Decimal(1))}
                for line in lines
            ],
        }
        self.state["orders"][str(number)] = rec
        return dict(rec)

    def _order_call(self, method: str, ident: str, request: httpx.Request) -> tuple[int, Any]:
        rec = self._get("orders", ident)
        if method == "GET":
            return 200, {"value": dict(rec)}
        if method == "DELETE":
            del self.state["orders"][str(rec["id"])]
            return 204, None
        if method == "PUT":
            body = _loads(request.content)
            if not isinstance(body, dict) or body.get("version") != rec["version"]:
                raise ApiError(409, 8000, "The object has been changed since it was read")
            if "isClosed" in body:
                rec["isClosed"] = body["isClosed"] is True
            rec["version"] += 1
            return 200, {"value": dict(rec)}
        raise ApiError(405, 4000, "Method not allowed")

    def _open_posts(self, q: dict[str, str]) -> list[Record]:
        """GET /ledger/posting/openPost: the customer-ledger posts not yet matched before ``date``.

        openapi-2.74.00.json gives the filters (``date`` "to and excl.", ``customerId``) and the
        Posting fields, not which posts are open nor their signs; the sandbox's rules are
        assumptions written in docs/connectors/tripletex.md: an invoice with an amount
        outstanding is a debit post (positive ``amount``) carrying its ``invoiceNumber``, a
        credit note not yet settled a credit post (negative) carrying its own number, and a
        prepayment not yet matched a credit post with no ``invoiceNumber``.
        """
        on = self._window_of(q, "date", "date")[0]
        rows: list[tuple[str, int, Record]] = []
        for r in self.state["invoices"].values():
            if r["amountOutstanding"] != 0 and date.fromisoformat(r["invoiceDate"]) < on:
                rows.append((r["invoiceDate"], r["id"] * 10, self._open_post(r, r["id"] * 10)))
        for p in self.state["prepayments"].values():
            if date.fromisoformat(p["date"]) < on:
                post = self._open_post(
                    {**p, "amountOutstanding": -p["amount"], "invoiceNumber": None}, p["id"]
                )
                rows.append((p["date"], p["id"], post))
        return [
            post
            for _, _, post in sorted(rows, key=lambda row: row[:2])
            if "customerId" not in q or str(post["customer"]["id"]) == q["customerId"]
        ]

    @staticmethod
    def _open_post(rec: Record, ident: int) -> Record:
        """One open post; amounts in the company currency are the sandbox's same figures."""
        number = rec.get("invoiceNumber")
        return {
            "id": ident,
            "date": rec.get("invoiceDate", rec.get("date")),
            "invoiceNumber": str(number) if number is not None else "",
            "customer": {"id": rec["customer"]},
            "currency": {
                "id": CURRENCY_IDS.get(rec["currency"], COMPANY_CURRENCY),
                "code": rec["currency"],
            },
            "amount": rec["amountOutstanding"],
            "amountCurrency": rec["amountOutstanding"],
        }

    # --- test and demo hooks (hooks.py has the rest) -----------------------------------

    def _set_grant(self, *, revoked: bool) -> None:
        # The administrator deleted the employee token: sessions die, none can be minted.
        self.state["employeeRevoked"] = revoked
        if revoked:
            self.state["sessions"].clear()


def sandbox_factory(path: Path | None, today: date) -> TripletexSandbox:
    """The connector descriptor's sandbox factory: the saved state, or the demo company."""
    return TripletexSandbox.load_or_demo(path, today)
