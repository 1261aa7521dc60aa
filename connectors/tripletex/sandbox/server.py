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
import calendar
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
from stdnum import luhn

from bridge.infra.http import encode_json
from bridge.vocab.domain import money
from bridge.vocab.faults import Fault, FaultKind
from connectors.sandbox_base import SandboxBase

__all__ = ["Fault", "FaultKind", "TripletexSandbox", "sandbox_factory"]

BASE_PATH = "/v2"
FORMAT = 1
REMINDER_TYPES = ("SOFT_REMINDER", "REMINDER", "NOTICE_OF_DEBT_COLLECTION", "DEBT_COLLECTION")
SUPPORTED_TYPES = REMINDER_TYPES[:3]
DISPATCH_TYPES = ("NETS_PRINT", "EMAIL", "OWN_PRINTER", "SFTP", "API", "SMS")
# Days of credit where neither the order nor the customer names any, and the days a reminder
# gives (its termOfPayment). Tripletex takes both from the company's settings, which the API
# does not show; 14 is the sandbox company's (an assumption, docs/connectors/tripletex.md).
TERM_DAYS = 14
HOST = "tripletex.no/v2"  # how Tripletex writes the ``url`` of a linked object
# Countries by Tripletex id: (ISO alpha-2, alpha-3, name). Norway's id is Tripletex's own (161);
# the others are the sandbox's.
COUNTRIES = {
    161: ("NO", "NOR", "Norge"),
    59: ("DK", "DNK", "Danmark"),
    215: ("SE", "SWE", "Sverige"),
    73: ("FI", "FIN", "Finland"),
}
COUNTRY_IDS = {iso: ident for ident, (iso, _, _) in COUNTRIES.items()}
# Currencies by Tripletex id. NOK is the company currency (the recorded invoice's currency is
# id 1 with NOK amounts); the other ids are the sandbox's own.
CURRENCIES = {1: "NOK", 2: "SEK", 3: "DKK", 4: "USD", 5: "EUR", 6: "GBP"}
CURRENCY_IDS = {code: ident for ident, code in CURRENCIES.items()}
COMPANY_CURRENCY = 1
# Outgoing VAT types: (sandbox id, number as shown in Tripletex = the SAF-T standard tax code,
# name, percentage). Tripletex's numbers follow SAF-T (developer.tripletex.no, "Using
# vatTypes/VAT-codes"); the ids here are the sandbox's own, deliberately unlike the numbers,
# so a client that sends a number for an id is caught.
VAT_TYPES = (
    (103, "3", "Utgående mva, høy sats", Decimal("25")),
    (131, "31", "Utgående mva, middels sats", Decimal("15")),
    (105, "5", "Ingen utgående mva (innenfor mva-loven)", Decimal("0")),
    (106, "6", "Ingen utgående mva (utenfor mva-loven)", Decimal("0")),
    (107, "7", "Ingen mva-behandling (inntekter)", Decimal("0")),
)
# The VAT type of a sales line that names none: a Norwegian company's sales account's default,
# 25 % (an assumption: docs/connectors/tripletex.md).
DEFAULT_VAT_NUMBER = "3"

Record = dict[str, Any]
# A parsed ``fields`` parameter: each field name -> its own sub-selection, or None when the
# field is named without one (a reference then comes back as a bare link).
Fields = dict[str, "Fields | None"]


def _encoded(value: object) -> bytes:
    """The sandbox's JSON: Decimals as exact numbers, compact, UTF-8."""
    return encode_json(value).encode("utf-8")


@dataclass
class ApiError(Exception):
    """An error answer in Tripletex's envelope."""

    status: int
    code: int
    message: str
    validation: list[tuple[str | None, str]] = field(default_factory=list)
    developer: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> Record:
        """The body, keys in Tripletex's order."""
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "link": "https://tripletex.no/v2-docs/",
            "developerMessage": self.developer or None,
            "validationMessages": [
                {"field": f, "message": m, "path": None, "rootId": None} for f, m in self.validation
            ]
            or None,
            "requestId": str(uuid.uuid4()),
        }


def _invalid(message: str, field_name: str | None = None) -> ApiError:
    return ApiError(422, 18000, "Validering feilet.", [(field_name, message)], "VALIDATION_ERROR")


def _not_found(kind: str, ident: object) -> ApiError:
    return ApiError(404, 6000, f"Object not found: {kind} {ident}", developer="NOT_FOUND")


class TripletexSandbox(SandboxBase):
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
        for counter in ("employee", "address"):
            self.state["counters"].setdefault(counter, 1)
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
            if path.strip("/").split("/")[0] in self.state.get("deniedResources", []):
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
        if parts == ["company", ">withLoginAccess"] and method == "GET":
            return 200, self._page(list(self.state["clients"]), q, dict)
        raise ApiError(404, 6000, f"No such endpoint: {method} {path}")

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

    def _store_reminder(
        self,
        invoice: Record,
        *,
        kind: str,
        on: date,
        fee: Decimal,
        interest: Decimal,
        dispatch: tuple[str, ...],
    ) -> int:
        ident = self._take("reminder")
        total = money(
            sum((self.state["reminders"][str(i)]["charge"] for i in invoice["reminders"]), fee)
        )
        self.state["reminders"][str(ident)] = {
            "id": ident,
            "version": 0,
            "reminderDate": on.isoformat(),
            "charge": fee,
            "chargeCurrency": fee,
            "totalCharge": total,
            "totalChargeCurrency": total,
            "totalAmountCurrency": money(invoice["amountOutstanding"] + total + interest),
            "interests": interest,
            "interestRate": self.state["interestRate"],
            "termOfPayment": (on + timedelta(days=TERM_DAYS)).isoformat(),
            "type": kind,
            "kid": invoice.get("kid", ""),
            "invoiceId": invoice["id"],
        }
        invoice["reminders"].append(ident)
        invoice["amountOutstandingTotal"] = money(
            invoice["amountOutstandingTotal"] + fee + interest
        )
        invoice["amountCurrencyOutstandingTotal"] = invoice["amountOutstandingTotal"]
        invoice["version"] += 1
        self.dispatched.append((invoice["id"], kind, dispatch))
        return ident

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
        on = self._window_of(q, "date", "date")[0]
        rows = []
        for r in sorted(self.state["invoices"].values(), key=lambda r: r["id"]):
            if r["amountOutstanding"] > 0 and date.fromisoformat(r["invoiceDate"]) < on:
                if "customerId" in q and str(r["customer"]) != q["customerId"]:
                    continue
                rows.append(
                    {
                        "id": r["id"] * 10,
                        "date": r["invoiceDate"],
                        "invoiceNumber": str(r["invoiceNumber"]),
                        "customer": {"id": r["customer"]},
                        "amount": r["amountOutstanding"],
                    }
                )
        return rows

    def _take(self, counter: str) -> int:
        counters = self.state["counters"]
        counters[counter] = counters.get(counter, 1) + 1
        return int(counters[counter] - 1)

    # --- test and demo hooks --------------------------------------------------------------

    def _set_grant(self, *, revoked: bool) -> None:
        # The administrator deleted the employee token: sessions die, none can be minted.
        self.state["employeeRevoked"] = revoked
        if revoked:
            self.state["sessions"].clear()

    def expire_sessions(self) -> None:
        """Every session token expires (a new day began, or Tripletex revoked them)."""
        with self._lock:
            self.state["sessions"].clear()

    def add_client(self, ident: int, name: str) -> None:
        """Give the login access to a client company (an accountant's login)."""
        with self._lock:
            self.state["clients"].append({"id": ident, "name": name})

    def add_customer(
        self,
        name: str,
        *,
        private: bool = False,
        email: str | None = None,
        overdue_email: str | None = None,
        org_number: str | None = None,
        factoring: bool = False,
        inactive: bool = False,
        language: str = "NO",
        street: str | None = None,
        postal_code: str | None = None,
        city: str | None = None,
        country: str = "NO",
        phone: str | None = None,
        mobile: str | None = None,
        account_manager: int | None = None,
    ) -> int:
        """Create a customer; return its id. ``account_manager`` is an employee's id."""
        with self._lock:
            if account_manager is not None and str(account_manager) not in self.state["employees"]:
                raise KeyError(f"no employee {account_manager}")
            ident = self._take("customer")
            # Tripletex writes every unset text as "" and an unset reference as null.
            rec: Record = {
                "id": ident,
                "version": 0,
                "name": name,
                "organizationNumber": org_number or "",
                "customerNumber": 10000 + ident,
                "isInactive": inactive,
                "accountManager": None if account_manager is None else {"id": account_manager},
                "email": email or "",
                "invoiceEmail": email or "",
                "overdueNoticeEmail": overdue_email or "",
                "phoneNumber": phone or "",
                "phoneNumberMobile": mobile or "",
                "language": language,
                "isPrivateIndividual": private,
                "invoiceSendMethod": "EMAIL" if email else "PAPER",
                "postalAddress": self._new_address(street, postal_code, city, country),
                "isFactoring": factoring,
            }
            self.state["customers"][str(ident)] = rec
            return ident

    def add_employee(self, first_name: str, last_name: str, email: str | None = None) -> int:
        """Create an employee (a salesperson to name as a customer's account manager)."""
        with self._lock:
            ident = self._take("employee")
            self.state["employees"][str(ident)] = {
                "id": ident,
                "version": 0,
                "firstName": first_name,
                "lastName": last_name,
                "email": email or "",
                "phoneNumberMobile": "",
            }
            return ident

    def _new_address(
        self, street: str | None, postal_code: str | None, city: str | None, country: str
    ) -> Record:
        if country not in COUNTRY_IDS:
            raise ValueError(f"the sandbox knows no country {country!r}")
        return {
            "id": self._take("address"),
            "version": 0,
            "addressLine1": street or "",
            "addressLine2": "",
            "postalCode": postal_code or "",
            "city": city or "",
            "country": {"id": COUNTRY_IDS[country]},
        }

    def add_invoice(
        self,
        customer: int,
        amount: Decimal,
        *,
        issued: date,
        due: date,
        currency: str = "NOK",
        comment: str = "",
    ) -> int:
        """Charge an invoice of ``amount`` (VAT included); return its id."""
        with self._lock:
            if str(customer) not in self.state["customers"]:
                raise KeyError(f"no customer {customer}")
            ident = self._take("invoice")
            number = self._take("invoiceNumber")
            gross = money(amount)
            rec: Record = {
                "id": ident,
                "version": 1,
                "invoiceNumber": number,
                "invoiceDate": issued.isoformat(),
                "invoiceDueDate": due.isoformat(),
                "customer": customer,
                "currency": currency,
                # An 8-digit KID with its mod-10 (Luhn) check digit, as a KID agreement gives.
                "kid": f"{number:07d}" + luhn.calc_check_digit(f"{number:07d}"),
                "amount": gross,
                "amountCurrency": gross,
                "amountExcludingVat": money(gross / Decimal("1.25")),
                "amountOutstanding": gross,
                "amountCurrencyOutstanding": gross,
                "amountOutstandingTotal": gross,
                "amountCurrencyOutstandingTotal": gross,
                "sumRemits": Decimal("0"),
                "isCredited": False,
                "isCreditNote": False,
                "isCharged": True,
                "invoiceRemark": None,
                "invoiceComment": comment,
                "reminders": [],
            }
            self.state["invoices"][str(ident)] = rec
            return ident

    def pay(self, invoice: int, amount: Decimal) -> None:
        """Register a payment: the outstanding amount drops (reminder charges last)."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            paid = money(amount)
            rec["amountOutstanding"] = max(money(0), money(rec["amountOutstanding"] - paid))
            rec["amountCurrencyOutstanding"] = rec["amountOutstanding"]
            rec["amountOutstandingTotal"] = max(
                money(0), money(rec["amountOutstandingTotal"] - paid)
            )
            rec["amountCurrencyOutstandingTotal"] = rec["amountOutstandingTotal"]
            rec["version"] += 1

    def credit(self, invoice: int) -> None:
        """Credit an invoice in full (a credit note)."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            rec["isCredited"] = True
            rec["amountOutstanding"] = rec["amountCurrencyOutstanding"] = money(0)
            rec["amountOutstandingTotal"] = rec["amountCurrencyOutstandingTotal"] = money(0)

    def add_credit_note(self, invoice: int, amount: Decimal, *, on: date) -> int:
        """Book a credit note of ``amount`` on ``invoice``, not settled against anything.

        openapi-2.74.00.json, Invoice: a credit note has ``isCreditNote`` true and names the
        invoice it credits in ``creditedInvoice``; its amounts are negative, and so is its
        ``amountOutstanding`` until it is settled (docs/connectors/tripletex.md, assumptions).
        """
        with self._lock:
            original = self.state["invoices"][str(invoice)]
            ident = self.add_invoice(
                original["customer"],
                -amount,
                issued=on,
                due=on,
                currency=original["currency"],
            )
            rec = self.state["invoices"][str(ident)]
            rec["isCreditNote"] = True
            rec["creditedInvoice"] = invoice
            return ident

    def settle_credit_note(self, note: int, amount: Decimal) -> None:
        """The accountant settles ``amount`` of a credit note against another invoice."""
        with self._lock:
            rec = self.state["invoices"][str(note)]
            left = min(money(0), money(rec["amountOutstanding"] + money(amount)))
            rec["amountOutstanding"] = rec["amountCurrencyOutstanding"] = left
            rec["amountOutstandingTotal"] = rec["amountCurrencyOutstandingTotal"] = left
            rec["version"] += 1

    def set_remark(self, invoice: int, postpone_to: date | None, text: str = "") -> None:
        """The accountant's invoice remark: reminders are postponed to ``postpone_to``."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            rec["invoiceRemark"] = {
                "id": invoice,
                "description": text,
                "postponeRemindersTo": postpone_to.isoformat() if postpone_to else None,
            }

    def send_reminder(self, invoice: int, kind: str, on: date, *, charge: bool = False) -> int:
        """Send a reminder from Tripletex's own UI (or its automation)."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            fee = self.state["reminderFee"] if charge else Decimal("0")
            return self._store_reminder(
                rec, kind=kind, on=on, fee=money(fee), interest=Decimal("0"), dispatch=("EMAIL",)
            )

    def set_reminder_fee(self, fee: Decimal) -> None:
        """The fee in the company's reminder settings."""
        with self._lock:
            self.state["reminderFee"] = money(fee)

    def vat_type_id(self, number: str) -> int:
        """The sandbox's id of the VAT type Tripletex shows as ``number``."""
        return next(ident for ident, known, _, _ in VAT_TYPES if known == number)

    def deny(self, resource: str) -> None:
        """The employee behind the token has no access to ``resource`` (e.g. "order")."""
        with self._lock:
            self.state.setdefault("deniedResources", []).append(resource)

    def deactivate_vat_type(self, number: str) -> None:
        """Turn a VAT type off in the company's VAT settings (Tripletex then lists it not)."""
        with self._lock:
            self.state["inactiveVatTypes"].append(number)

    @staticmethod
    def currency_id(code: str) -> int:
        """The sandbox's id of a currency."""
        return CURRENCY_IDS[code]

    def activate(self, dispatch_type: str) -> None:
        """Activate SMS or NETS_PRINT for the company."""
        with self._lock:
            self.state["activated"].append(dispatch_type)

    def invoice_order(self, order: int, on: str | None = None) -> Record:
        """Turn an order into a charged invoice, as the accountant does; the order closes."""
        with self._lock:
            rec = self._get("orders", str(order))
            if rec["isClosed"]:
                raise _invalid("Ordren er lukket", "order")
            day = date.fromisoformat(on) if on else self.today
            net = gross = Decimal("0")
            for line in rec["orderLines"]:
                amount = Decimal(line["unitPriceExcludingVatCurrency"]) * Decimal(line["count"])
                net += amount
                # A line without a vatType gets the default VAT, added on top of the price.
                gross += amount * (1 + self._vat_rate(line) / 100)
            total = money(gross)
            # The order's currency; without one, the company's (NOK).
            code = CURRENCIES[_dig(rec, "currency", "id") or COMPANY_CURRENCY]
            customer = self.state["customers"].get(str(rec["customer"]["id"]), {})
            # The invoice keeps the order's comment, as Tripletex prints it on the invoice.
            ident = self.add_invoice(
                rec["customer"]["id"],
                total,
                issued=day,
                due=_due_date(day, rec, customer),
                currency=code,
                comment=str(rec.get("invoiceComment") or ""),
            )
            made = self.state["invoices"][str(ident)]
            made["amountExcludingVat"] = made["amountExcludingVatCurrency"] = money(net)
            rec["isClosed"] = True
            rec["version"] += 1
            rec["invoiceId"] = ident
            if total == 0:
                self.pay(ident, Decimal("0"))
            return self.state["invoices"][str(ident)]  # type: ignore[no-any-return]

    def our_orders(self) -> list[Record]:
        """The orders the bridge wrote (marked in deliveryComment)."""
        with self._lock:
            return [
                dict(r)
                for r in self.state["orders"].values()
                if str(r.get("deliveryComment", "")).startswith("dunning-bridge ")
            ]

    def accept_drafts(self) -> int:
        """Invoice every open order we wrote, as an accountant approving them all."""
        with self._lock:
            waiting = [r["id"] for r in self.our_orders() if not r["isClosed"]]
            for ident in waiting:
                self.invoice_order(ident)
            return len(waiting)

    def documents_by_key(self) -> dict[str, int]:
        """How many documents carry each letter key: its order, plus any reminder sent twice.

        A reminder cannot carry our key, so a second reminder of the order's kind on one of its
        invoices (on or after the order's date) counts as a second document of that key.
        """
        with self._lock:
            counts: dict[str, int] = {}
            for order in self.our_orders():
                key = str(order.get("reference") or order["deliveryComment"].split()[1])
                counts[key] = counts.get(key, 0) + 1
                fields = dict(
                    p.split("=", 1) for p in order["deliveryComment"].split()[2:] if "=" in p
                )
                if fields.get("act") not in ("reminder", "collection_warning"):
                    continue
                notice = fields["act"] == "collection_warning"
                for ident in filter(None, fields.get("inv", "").split(",")):
                    rec = self.state["invoices"].get(ident)
                    if rec is None:
                        continue
                    same = [
                        r
                        for r in (self.state["reminders"][str(i)] for i in rec["reminders"])
                        if r["reminderDate"] >= order["orderDate"]
                        and (r["type"] == "NOTICE_OF_DEBT_COLLECTION") is notice
                    ]
                    counts[key] += max(0, len(same) - 1)
            return counts

    def delete_order(self, order: int) -> None:
        """Delete an order as the accountant does (a rejected proposal)."""
        with self._lock:
            del self.state["orders"][str(order)]

    def reminders_of(self, invoice: int) -> list[Record]:
        """The reminders Tripletex holds for an invoice."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            return [dict(self.state["reminders"][str(i)]) for i in rec["reminders"]]


_CUSTOMER_TEXTS = (
    "organizationNumber",
    "email",
    "invoiceEmail",
    "overdueNoticeEmail",
    "phoneNumber",
    "phoneNumberMobile",
)


def parse_fields(text: str) -> Fields:
    """Parse Tripletex's ``fields`` pattern, e.g. ``id,customer(name,postalAddress(*))``."""
    root: Fields = {}
    stack = [root]
    token = ""
    for char in text:
        if char not in ",()":
            token += char
            continue
        name, token = token.strip(), ""
        if char == "(":
            sub: Fields = {}
            stack[-1][name] = sub
            stack.append(sub)
            continue
        if name:
            stack[-1].setdefault(name, None)
        if char == ")" and len(stack) > 1:
            stack.pop()
    if token.strip():
        stack[-1].setdefault(token.strip(), None)
    return root


Expand = Callable[[Record, "Fields | None"], Record]


def _select(rec: Record, asked: Fields | None, refs: dict[str, tuple[str, Expand]]) -> Record:
    """The fields of ``rec`` that ``asked`` names (all for None or ``*``).

    A reference in ``refs`` (name -> its kind and how to expand it) is a ``{id, url}`` link
    unless ``asked`` gives it a sub-selection; an unset one stays null.
    """
    everything = asked is None or "*" in asked
    out: Record = {}
    for key, value in rec.items():
        if not everything and key not in (asked or {}):
            continue
        if key in refs and isinstance(value, dict):
            kind, expand = refs[key]
            sub = asked.get(key) if asked else None
            out[key] = expand(value, sub) if sub is not None else _link(kind, value.get("id"))
        else:
            out[key] = value
    return out


def _link(kind: str, ident: Any) -> Record:
    return {"id": ident, "url": f"{HOST}/{kind}/{ident}"}


def _address_out(rec: Record, asked: Fields | None) -> Record:
    """An address, with the text Tripletex composes from it (``addressAsString``)."""
    town = " ".join(p for p in (rec.get("postalCode"), rec.get("city")) if p)
    country = COUNTRIES.get(_dig(rec, "country", "id"))
    parts = [p for p in (rec.get("addressLine1"), rec.get("addressLine2"), town) if p]
    text = ", ".join([*parts, country[2]] if parts and country else parts)
    view = {**rec, "url": f"{HOST}/address/{rec['id']}", "addressAsString": text}
    return _select(view, asked, {"country": ("country", _country_out)})


def _country_out(ref: Record, asked: Fields | None) -> Record:
    found = COUNTRIES.get(_dig(ref, "id"))
    if found is None:
        return _link("country", ref.get("id"))
    iso2, iso3, name = found
    view = {
        "id": ref["id"],
        "version": 0,
        "url": f"{HOST}/country/{ref['id']}",
        "name": name,
        "displayName": name,
        "isoAlpha2Code": iso2,
        "isoAlpha3Code": iso3,
    }
    return _select(view, asked, {})


def _dig(obj: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _due_date(day: date, order: Record, customer: Record) -> date:
    """The due date of an invoice made from ``order`` on ``day``.

    The order's ``invoicesDueIn`` with ``invoicesDueInType`` ("Number of days/months in which
    invoices created from this order is due", Order in openapi-2.74.00.json), else the
    customer's (the same fields on Customer), else the company's default (TERM_DAYS).
    RECURRING_DAY_OF_MONTH is not modelled and falls through to the next source.
    """
    for source in (order, customer):
        count, unit = source.get("invoicesDueIn"), source.get("invoicesDueInType")
        if not isinstance(count, int) or isinstance(count, bool):
            continue
        if unit == "DAYS":
            return day + timedelta(days=count)
        if unit == "MONTHS":
            month = day.month - 1 + count
            year, month = day.year + month // 12, month % 12 + 1
            last = calendar.monthrange(year, month)[1]
            return day.replace(year=year, month=month, day=min(day.day, last))
    return day + timedelta(days=TERM_DAYS)


def _public_reminder(rec: Record) -> Record:
    out = {k: v for k, v in rec.items() if k != "invoiceId"}
    out["currency"] = {"id": 1, "code": "NOK"}
    return out


def _empty() -> Record:
    return {
        "format": FORMAT,
        "customers": {},
        "employees": {},
        "invoices": {},
        "reminders": {},
        "orders": {},
        "sessions": {},
        "clients": [],
        "activated": [],
        "counters": {
            "customer": 1,
            "employee": 1,
            "address": 1,
            "invoice": 1,
            "invoiceNumber": 10001,
            "reminder": 1,
            "order": 1,
            "orderline": 1,
        },
        "employeeRevoked": False,
        "inactiveVatTypes": [],
        "reminderFee": Decimal("35.00"),
        "interestRate": Decimal("12.50"),
    }


def _loads(content: bytes) -> Any:
    try:
        return json.loads(content, parse_float=Decimal)
    except ValueError:
        raise ApiError(400, 4000, "The request body is not valid JSON") from None


def sandbox_factory(path: Path | None, today: date) -> TripletexSandbox:
    """The connector descriptor's sandbox factory: the saved state, or the demo company."""
    return TripletexSandbox.load_or_demo(path, today)
