"""The Tripletex sandbox's endpoints: the route table and what each endpoint answers.

``GET /invoice`` refuses a call without its date window, lists page with ``from``/``count``; a
customer carries only the fields ``fields`` names, its references (postal address, country,
account manager) are bare ``{id, url}`` links unless ``fields`` expands them; ``:createReminder``
sends at once and enforces the reminder sequence; orders are drafts the accountant may invoice,
close or delete. The sandbox (server.py) authenticates and limits a request before it gets here.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from bridge.vocab.domain import money
from connectors.sandbox_base import ANY, Params, Routes
from connectors.tripletex.sandbox.hooks import DemoHooks
from connectors.tripletex.sandbox.state import (
    COMPANY_CURRENCY,
    CURRENCIES,
    CURRENCY_IDS,
    DEFAULT_VAT_NUMBER,
    DISPATCH_TYPES,
    HOST,
    SUPPORTED_TYPES,
    VAT_TYPES,
    ApiError,
    Fields,
    Record,
    _address_out,
    _dig,
    _invalid,
    _link,
    _loads,
    _not_found,
    _public_reminder,
    _select,
    parse_fields,
)

Query = dict[str, str]
Answer = tuple[int, Any]
Handler = Callable[["Endpoints", httpx.Request, Query, Params], Answer]
# The :createReminder action and an order answer 405 to another method; every other path or
# method the sandbox does not emulate answers 404.
ROUTES: Routes[Handler] = Routes(
    lambda method, path: ApiError(404, 6000, f"No such endpoint: {method} {path}")
)
_route = ROUTES.route

# The demo login's own company id (whoAmI's companyId); a state may carry its own.
OWN_COMPANY_ID = 7712034


class Endpoints(DemoHooks):
    """The emulated API's endpoints, each under the sandbox's lock (the sandbox is ``self``)."""

    def _answer(self, request: httpx.Request, path: str, q: Query) -> Answer:
        handler, args = ROUTES.resolve(request.method, path)
        return handler(self, request, q, args)

    @_route("GET", "/invoice/{ident}")
    def _get_invoice(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        invoice = self._get("invoices", args["ident"])
        return 200, {"value": self._invoice_out(invoice, q.get("fields", ""))}

    @_route("PUT", "/invoice/{ident}/:createReminder")
    def _put_create_reminder(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        return 200, {"value": self._create_reminder(args["ident"], q)}

    @_route(ANY, "/invoice/{ident}/:createReminder")
    def _not_allowed(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        raise ApiError(405, 4000, "Method not allowed")

    @_route("GET", "/reminder/{ident}")
    def _get_reminder(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        return 200, {"value": _public_reminder(self._get("reminders", args["ident"]))}

    @_route("GET", "/customer")
    def _list_customers(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        rows = sorted(self.state["customers"].values(), key=lambda r: r["id"])
        asked = parse_fields(q["fields"]) if q.get("fields") else None
        return 200, self._page(rows, q, lambda r: self._customer_out(r, asked))

    @_route("GET", "/customer/{ident}")
    def _get_customer(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        asked = parse_fields(q["fields"]) if q.get("fields") else None
        return 200, {"value": self._customer_out(self._get("customers", args["ident"]), asked)}

    @_route("POST", "/order")
    def _post_order(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        return 201, {"value": self._create_order(_loads(request.content))}

    @_route("GET", "/order/{ident}")
    def _get_order(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        return 200, {"value": dict(self._get("orders", args["ident"]))}

    @_route("DELETE", "/order/{ident}")
    def _delete_order(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        rec = self._get("orders", args["ident"])
        del self.state["orders"][str(rec["id"])]
        return 204, None

    @_route("PUT", "/order/{ident}")
    def _put_order(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        rec = self._get("orders", args["ident"])
        body = _loads(request.content)
        if not isinstance(body, dict) or body.get("version") != rec["version"]:
            raise ApiError(409, 8000, "The object has been changed since it was read")
        if "isClosed" in body:
            rec["isClosed"] = body["isClosed"] is True
        rec["version"] += 1
        return 200, {"value": dict(rec)}

    @_route(ANY, "/order/{ident}")
    def _order_not_allowed(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        self._get("orders", args["ident"])  # an unknown order is a 404 whatever the method
        raise ApiError(405, 4000, "Method not allowed")

    @_route("PUT", "/order/{ident}/:invoice")
    def _put_invoice_order(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        invoice = self.invoice_order(int(args["ident"]), q.get("invoiceDate"))
        return 200, {"value": self._invoice_out(invoice, "")}

    @_route("GET", "/company/>withLoginAccess")
    def _list_clients(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        return 200, self._page(list(self.state["clients"]), q, dict)

    @_route("GET", "/token/session/>whoAmI")
    def _get_who_am_i(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        """GET /token/session/>whoAmI (openapi LoggedInUserInfo): the company the request works
        in, the login's own or the client company named as the Basic user."""
        header = request.headers.get("Authorization", "")
        user = base64.b64decode(header[6:]).decode().partition(":")[0]
        company = int(user) if user != "0" else int(self.state.get("companyId", OWN_COMPANY_ID))
        return 200, {"value": {"employeeId": 1, "companyId": company, "language": "no"}}

    @_route("GET", "/ledger/vatType")
    def _list_vat_types(self, request: httpx.Request, q: Query, args: Params) -> Answer:
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
        return 200, self._page(rows, q, dict)

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

    def _dated(self, table: str, field: str, q: Query, low: str, high: str) -> list[Record]:
        """The records of ``table`` whose ``field`` falls in the query's window [low, high)."""
        start, end = self._window_of(q, low, high)
        return [
            r for r in self.state[table].values() if start <= date.fromisoformat(r[field]) < end
        ]

    def _window_of(self, q: dict[str, str], low: str, high: str) -> tuple[date, date]:
        try:
            return date.fromisoformat(q[low]), date.fromisoformat(q[high])
        except KeyError as exc:
            raise _invalid("Kan ikke være null.", exc.args[0]) from None
        except ValueError:
            raise _invalid("Ugyldig dato", low) from None

    @_route("GET", "/invoice")
    def _list_invoices(self, request: httpx.Request, q: Query, args: Params) -> Answer:
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
        rows = sorted(rows, key=lambda r: r["id"])
        fields = q.get("fields", "")
        return 200, self._page(rows, q, lambda r: self._invoice_out(r, fields))

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

    @_route("GET", "/reminder")
    def _list_reminders(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        rows = self._dated("reminders", "reminderDate", q, "dateFrom", "dateTo")
        if "invoiceId" in q:
            rows = [r for r in rows if str(r["invoiceId"]) == q["invoiceId"]]
        return 200, self._page(sorted(rows, key=lambda r: r["id"]), q, _public_reminder)

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

    @_route("GET", "/order")
    def _list_orders(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        rows = self._dated("orders", "orderDate", q, "orderDateFrom", "orderDateTo")
        if "deliveryComment" in q:
            rows = [r for r in rows if q["deliveryComment"] in (r.get("deliveryComment") or "")]
        if "isClosed" in q:
            rows = [r for r in rows if r["isClosed"] is (q["isClosed"] == "true")]
        return 200, self._page(sorted(rows, key=lambda r: r["id"]), q, dict)

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

    @_route("GET", "/ledger/posting/openPost")
    def _list_open_posts(self, request: httpx.Request, q: Query, args: Params) -> Answer:
        """The customer-ledger posts not yet matched before ``date``.

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
                rows.append((r["invoiceDate"], r["id"] * 10, _open_post(r, r["id"] * 10)))
        for p in self.state["prepayments"].values():
            if date.fromisoformat(p["date"]) < on:
                post = _open_post(
                    {**p, "amountOutstanding": -p["amount"], "invoiceNumber": None}, p["id"]
                )
                rows.append((p["date"], p["id"], post))
        posts = [
            post
            for _, _, post in sorted(rows, key=lambda row: row[:2])
            if "customerId" not in q or str(post["customer"]["id"]) == q["customerId"]
        ]
        return 200, self._page(posts, q, dict)


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
