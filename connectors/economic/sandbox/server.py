"""An in-process emulator of e-conomic's REST API, for the demo and the tests.

A client talks to it through httpx exactly as to https://restapi.e-conomic.com: give the
client ``sandbox.transport()`` and the real base URL. Every request passes, in order: the
request log, injected faults, token check (401), rate limit (429), the Idempotency-Key replay
cache (non-GET; one hour; replays carry ``X-ResultFromCache: true``), then the endpoint.

The test hooks (add_customer, add_invoice, pay, book_draft, ...) change the state the way the
real system would show it: a payment lowers the remainder and writes a ledger entry, booking a
draft removes it and adds a booked invoice, and so on.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from bridge.vocab.domain import is_letter_key, money
from bridge.vocab.faults import Fault, FaultKind
from connectors.economic.sandbox import ledger as sandbox_ledger
from connectors.economic.sandbox.catalog import (
    BUSINESS_GROUP,
    DOMESTIC_ZONE,
    EXCHANGE_RATES,
    GOODS_PRODUCT,
    vat_rate,
)
from connectors.economic.sandbox.drafts import SEND_BY
from connectors.economic.sandbox.errors import ApiError, rate_limited, server_error, unauthorized
from connectors.economic.sandbox.jsontext import dumps, loads
from connectors.economic.sandbox.links import BASE_URL
from connectors.economic.sandbox.routes import Call, dispatch
from connectors.economic.sandbox.state import Record, SandboxState
from connectors.sandbox_base import SandboxBase

__all__ = ["EconomicSandbox", "Fault", "FaultKind", "sandbox_factory"]

JSON_TYPE = "application/json; charset=utf-8"
REPLAY_WINDOW = timedelta(hours=1)
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class EconomicSandbox(SandboxBase):
    """The emulated agreement; satisfies ``bridge.vocab.connector.Sandbox``."""

    BASE_URL = BASE_URL
    # The tokens the sandbox accepts; they guard nothing, the demo hands them out openly.
    APP_SECRET = "sandbox-app-secret"  # noqa: S105
    GRANT = "sandbox-agreement-grant"

    def _start(self, state: dict[str, Any] | None) -> None:
        # Path prefixes the app's role does not reach, with the status answered there.
        self.restricted: dict[str, int] = {}
        self._state = SandboxState.from_dict(state) if state is not None else SandboxState()
        self._answers = 0
        # False turns the Idempotency-Key replay off: the replay is documented (reference/apis.md
        # § 2.7) but no recording shows it, so tests prove exactly-once does not depend on it.
        self.idempotency = True

    # --- construction and persistence ---------------------------------------------------

    @staticmethod
    def _parse(data: bytes) -> Any:
        return loads(data.decode("utf-8"))

    def _dump(self) -> str:
        return dumps(self._state.to_dict(), indent=1)

    def state(self) -> dict[str, Any]:
        """A JSON-ready copy of the state (what :meth:`save` writes)."""
        with self._lock:
            copied: dict[str, Any] = loads(dumps(self._state.to_dict()))
        return copied

    # --- the HTTP side ------------------------------------------------------------------

    def _status_fault(self, fault: Fault) -> httpx.Response:
        return self._error(server_error(fault.status, fault.retry_after))

    def _serve(self, request: httpx.Request, path: str) -> httpx.Response:
        try:
            self._authenticate(request)
            self._throttle()
        except ApiError as error:
            return self._error(error)
        for prefix, status in self.restricted.items():
            if path.startswith(prefix):
                return self._error(
                    ApiError(
                        status,
                        "You do not have access to this resource.",
                        "The app's role on this agreement does not reach this endpoint.",
                    )
                )
        replays = self.idempotency and request.method in _WRITES
        key = request.headers.get("Idempotency-Key") if replays else None
        if key:
            cached = self._replay(key)
            if cached is not None:
                return cached
        try:
            reply = dispatch(self._call(request, path))
            response = self._response(reply.status, dumps(reply.body).encode(), reply.headers)
        except ApiError as error:
            response = self._error(error)
        if key and response.status_code < 500:
            self._remember(key, request, response)
        return response

    def _call(self, request: httpx.Request, path: str) -> Call:
        body: Any = None
        if request.method in _WRITES and request.content:
            try:
                body = loads(request.content)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ApiError(
                    400,
                    "The request body could not be parsed as JSON.",
                    "Send a JSON body with Content-Type: application/json.",
                    "E04110",
                ) from exc
        return Call(
            method=request.method,
            path=path,
            params=list(request.url.params.multi_items()),
            body=body,
            state=self._state,
            today=self.today,
            now=self._clock(),
        )

    def _authenticate(self, request: httpx.Request) -> None:
        secret = request.headers.get("X-AppSecretToken")
        grant = request.headers.get("X-AgreementGrantToken")
        if not secret or not grant:
            raise unauthorized(
                "The X-AppSecretToken and X-AgreementGrantToken headers are required."
            )
        if secret != self.APP_SECRET:
            raise unauthorized("The app secret token is not valid.")
        if grant != self.GRANT or self._state.grant_revoked:
            raise unauthorized("The agreement grant token is not valid or has been revoked.")

    def _throttle(self) -> None:
        wait = self._arrive()
        if wait is not None:
            raise rate_limited(max(1, math.ceil(wait)))

    def _replay(self, key: str) -> httpx.Response | None:
        cached = self._state.replays.get(key)
        if cached is None:
            return None
        if self._clock() - datetime.fromisoformat(cached["at"]) > REPLAY_WINDOW:
            del self._state.replays[key]
            return None
        headers = {**cached["headers"], "X-ResultFromCache": "true"}
        return self._response(cached["status"], cached["body"].encode(), headers)

    def _remember(self, key: str, request: httpx.Request, response: httpx.Response) -> None:
        now = self._clock()
        replays = self._state.replays
        # Kept oldest first, so only the front can have expired: no scan of every replay per
        # write (a 100,000-invoice cycle writes tens of thousands).
        while replays:
            oldest = next(iter(replays))
            if now - datetime.fromisoformat(replays[oldest]["at"]) <= REPLAY_WINDOW:
                break
            del replays[oldest]
        replays.pop(key, None)
        extra = {
            k: v for k, v in response.headers.items() if k.lower() in ("location", "retry-after")
        }
        replays[key] = {
            "method": request.method,
            "path": request.url.path,
            "status": response.status_code,
            "headers": extra,
            "body": response.content.decode("utf-8"),
            "at": now.isoformat(),
        }

    def _response(self, status: int, content: bytes, headers: dict[str, str]) -> httpx.Response:
        return httpx.Response(
            status, headers={"Content-Type": JSON_TYPE, **headers}, content=content
        )

    def _error(self, error: ApiError) -> httpx.Response:
        self._answers += 1
        log_id = hashlib.sha256(f"sandbox-{self._answers}".encode()).hexdigest()[:16] + "-SBX"
        log_time = self._clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        body = dumps(error.body(log_id, log_time)).encode()
        return self._response(error.status, body, error.headers)

    # --- test and demo hooks --------------------------------------------------------------

    def restrict_role(self, path_prefix: str, status: int = 403) -> None:
        """The app's role does not reach ``path_prefix``: answer ``status`` there (403/404)."""
        with self._lock:
            self.restricted[path_prefix] = status

    def _set_grant(self, *, revoked: bool) -> None:
        # The customer removed the app: every call answers 401 while it is revoked.
        self._state.grant_revoked = revoked

    def add_customer(
        self,
        name: str,
        *,
        number: int | None = None,
        currency: str = "DKK",
        group: int = BUSINESS_GROUP,
        payment_terms: int = 2,
        vat_zone: int = DOMESTIC_ZONE,
        email: str | None = None,
        cvr: str | None = None,
        ean: str | None = None,
        vat_number: str | None = None,
        address: str | None = None,
        zip_code: str | None = None,
        city: str | None = None,
        country: str = "Danmark",
        phone: str | None = None,
        mobile: str | None = None,
        salesperson: int | None = None,
        barred: bool = False,
        layout: int = 19,
        last_updated: datetime | None = None,
    ) -> int:
        """Create a customer; return its number.

        ``cvr`` is the corporate identification number (a Danish CVR also gives the VAT number
        DK<cvr> unless ``vat_number`` is given); ``phone`` is telephoneAndFaxNumber, ``mobile``
        mobilePhone; ``salesperson`` the number of an employee (see :meth:`add_employee`).
        """
        with self._lock:
            customers = self._state.customers
            number = number if number is not None else max(customers, default=0) + 1
            if number in customers:
                raise ValueError(f"customer {number} exists")
            if salesperson is not None and salesperson not in self._state.employees:
                raise KeyError(f"no employee {salesperson}")
            if vat_number is None and cvr and cvr.isdigit():
                vat_number = f"DK{cvr}"
            rec: Record = {
                "customerNumber": number,
                "currency": currency,
                "paymentTerms": {"paymentTermsNumber": payment_terms},
                "customerGroup": {"customerGroupNumber": group},
                "name": name,
                "country": country,
                "vatZone": {"vatZoneNumber": vat_zone},
                "layout": {"layoutNumber": layout},
                "barred": barred,
                "lastUpdated": _stamp(last_updated or self._clock()),
            }
            optional = {
                "address": address,
                "zip": zip_code,
                "city": city,
                "email": email,
                "corporateIdentificationNumber": cvr,
                "vatNumber": vat_number,
                "ean": ean,
                "telephoneAndFaxNumber": phone,
                "mobilePhone": mobile,
                "salesPerson": {"employeeNumber": salesperson} if salesperson else None,
            }
            rec |= {k: v for k, v in optional.items() if v is not None}
            customers[number] = rec
            return number

    def add_employee(
        self,
        name: str,
        *,
        number: int | None = None,
        email: str | None = None,
        phone: str | None = None,
        group: int = 1,
        barred: bool = False,
    ) -> int:
        """Create an employee (a salesperson a customer can name); return its number."""
        with self._lock:
            employees = self._state.employees
            number = number if number is not None else max(employees, default=0) + 1
            if number in employees:
                raise ValueError(f"employee {number} exists")
            rec: Record = {
                "employeeNumber": number,
                "employeeGroup": {"employeeGroupNumber": group},
                "name": name,
                "barred": barred,
            }
            rec |= {k: v for k, v in (("email", email), ("phone", phone)) if v is not None}
            employees[number] = rec
            return number

    def set_barred(self, customer_number: int, barred: bool = True) -> None:
        """Bar (or unbar) a customer, as the accountant does in the UI."""
        with self._lock:
            rec = self._state.customers[customer_number]
            rec["barred"] = barred
            rec["lastUpdated"] = _stamp(self._clock())

    def add_contact(
        self,
        customer_number: int,
        name: str,
        email: str | None = None,
        *,
        reminders: bool = True,
        invoices: bool = True,
    ) -> int:
        """Add a contact person to a customer; ``reminders`` ticks the reminder e-mails."""
        with self._lock:
            if customer_number not in self._state.customers:
                raise KeyError(f"no customer {customer_number}")
            number = self._state.take("contact")
            siblings = [
                c
                for c in self._state.contacts.values()
                if c["customer"]["customerNumber"] == customer_number
            ]
            notifications = [
                n for n, on in (("invoices", invoices), ("reminders", reminders)) if on
            ]
            rec: Record = {
                "customerContactNumber": number,
                "name": name,
                "customer": {"customerNumber": customer_number},
                "emailNotifications": notifications,
                "sortKey": len(siblings) + 1,
            }
            if email:
                rec["email"] = email
            self._state.contacts[number] = rec
            return number

    def add_invoice(
        self,
        customer_number: int,
        date: date,
        due_date: date,
        amount: Decimal,
        currency: str = "DKK",
        *,
        number: int | None = None,
        description: str | None = None,
        heading: str | None = None,
        reference: str | None = None,
    ) -> int:
        """Book an invoice of ``amount`` (the total, VAT included) directly; return its number."""
        with self._lock:
            customer = self._state.customers[customer_number]
            number = (
                number if number is not None else sandbox_ledger.next_booked_number(self._state)
            )
            if number in self._state.booked:
                raise ValueError(f"invoice {number} exists")
            zone = customer["vatZone"]["vatZoneNumber"]
            rate = vat_rate(GOODS_PRODUCT, zone)
            gross = money(amount)
            # Back out the net so the total is exactly the amount asked for.
            net = money(gross * 100 / (100 + rate))
            vat = gross - net
            line: Record = {
                "lineNumber": 1,
                "sortKey": 1,
                "description": description or f"Kontorartikler, ordre {number}",
                "quantity": Decimal("1.00"),
                "unitNetPrice": net,
                "discountPercentage": Decimal("0.00"),
                # A webshop's typical 40 % margin, so the margin fields look alive.
                "unitCostPrice": money(net * Decimal("0.60")),
                "vatRate": rate,
                "vatAmount": vat,
                "totalNetAmount": net,
                "product": {"productNumber": GOODS_PRODUCT},
            }
            keys = ("name", "address", "zip", "city", "country", "ean")
            recipient: Record = {k: customer[k] for k in keys if k in customer}
            if "corporateIdentificationNumber" in customer:
                recipient["cvr"] = customer["corporateIdentificationNumber"]
            recipient["vatZone"] = {"vatZoneNumber": zone}
            rec: Record = {
                "bookedInvoiceNumber": number,
                "date": date.isoformat(),
                "currency": currency,
                "exchangeRate": EXCHANGE_RATES[currency],
                "netAmount": net,
                "grossAmount": gross,
                "vatAmount": vat,
                "roundingAmount": Decimal("0.00"),
                "remainder": gross,
                "dueDate": due_date.isoformat(),
                "paymentTerms": dict(customer["paymentTerms"]),
                "customer": {"customerNumber": customer_number},
                "recipient": recipient,
                "layout": dict(customer["layout"]),
                "lines": [line],
            }
            if heading:
                rec["notes"] = {"heading": heading}
            if reference:
                rec["references"] = {"other": reference}
            sandbox_ledger.post_invoice(self._state, rec)
            return number

    def pay(self, booked_invoice_number: int, amount: Decimal, on: date) -> None:
        """Register a payment: the remainder drops and a customerPayment entry appears."""
        with self._lock:
            sandbox_ledger.post_payment(self._state, booked_invoice_number, amount, on)

    def pay_on_account(self, customer_number: int, amount: Decimal, on: date) -> int:
        """Register a payment on the customer's account that names no invoice (DKK)."""
        with self._lock:
            if customer_number not in self._state.customers:
                raise KeyError(f"no customer {customer_number}")
            return sandbox_ledger.post_on_account(self._state, customer_number, amount, on)

    def add_reminder(
        self,
        booked_invoice_number: int,
        on: date,
        fee: Decimal = Decimal("100.00"),
        level: int = 1,
    ) -> int:
        """Send a reminder from e-conomic's own UI: a ``reminder`` ledger entry appears."""
        with self._lock:
            return sandbox_ledger.post_reminder(self._state, booked_invoice_number, on, fee, level)

    def book_draft(self, draft_number: int, send_by: str = "none") -> int:
        """Book a draft as the accountant does in the UI; return the booked invoice number."""
        with self._lock:
            if draft_number not in self._state.drafts:
                raise KeyError(f"no draft {draft_number}")
            method = SEND_BY.get(send_by.lower())
            if method is None:
                raise ValueError(f"send_by must be one of {sorted(SEND_BY)}")
            booked = sandbox_ledger.book_draft(self._state, draft_number, method)
            number: int = booked["bookedInvoiceNumber"]
            return number

    def accept_drafts(self) -> int:
        """Book every waiting draft, as an accountant approving them all; return how many."""
        with self._lock:
            waiting = sorted(self._state.drafts)
            for number in waiting:
                sandbox_ledger.book_draft(self._state, number)
            return len(waiting)

    def documents_by_key(self) -> dict[str, int]:
        """How many drafts and booked invoices carry each of our letter keys in references.other."""
        counts: dict[str, int] = {}
        with self._lock:
            for record in (*self._state.drafts.values(), *self._state.booked.values()):
                key = (record.get("references") or {}).get("other")
                if isinstance(key, str) and is_letter_key(key):
                    counts[key] = counts.get(key, 0) + 1
        return counts

    def delete_draft(self, draft_number: int) -> None:
        """Delete a draft as the accountant does in the UI."""
        with self._lock:
            del self._state.drafts[draft_number]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sandbox_factory(path: Path | None, today: date) -> EconomicSandbox:
    """The connector descriptor's sandbox factory: the saved state, or the demo company."""
    return EconomicSandbox.load_or_demo(path, today)
