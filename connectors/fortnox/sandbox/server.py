"""An in-process emulator of the Fortnox API and its OAuth token endpoint, for demo and tests.

A client talks to it through httpx exactly as to https://api.fortnox.se and
https://apps.fortnox.se/oauth-v1/token: give the client ``sandbox.transport()``. Every API
request passes, in order: the request log, injected faults, the bearer token check (401
``{"message":"unauthorized"}`` as recorded), the rate limit when one is set (25 requests per
5 s per client and tenant, a sliding window; 429), then the endpoint (sandbox_routes.py).

The token endpoint speaks OAuth as Fortnox does: client credentials with a ``TenantId`` header
for a service account, or a refresh token that rotates on every use (the old one dies at once)
and expires 45 days after it was issued. Its errors keep the recorded quirks: a bad client gets
401 with a JSON body labelled text/plain, a bad refresh token 400 labelled text/html.

The test hooks (add_customer, add_invoice, pay, remind, book, reject_draft, ...) change the
state the way Fortnox's own UI would.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
from babel import Locale

from bridge.infra.http import encode_json
from bridge.vocab.domain import is_letter_key
from bridge.vocab.faults import Fault, FaultKind, take
from connectors.fortnox.sandbox.call import Call
from connectors.fortnox.sandbox.company import DEFAULT_ACCOUNTS
from connectors.fortnox.sandbox.customers import DELIVERY_TYPES
from connectors.fortnox.sandbox.errors import CODE_NO_SCOPE, ApiError
from connectors.fortnox.sandbox.finans import finans_record
from connectors.fortnox.sandbox.ledger import (
    InvoiceIndex,
    bookkeep,
    credit_invoice,
    find_invoice,
    is_unpaid,
    new_invoice,
    next_number,
    public,
    stamp,
)
from connectors.fortnox.sandbox.routes import DEFAULT_SCOPES, SCOPE_OF, dispatch
from connectors.sandbox_base import SandboxBase

__all__ = ["Fault", "FaultKind", "FortnoxSandbox", "sandbox_factory"]

API_HOST = "api.fortnox.se"
TOKEN_HOST = "apps.fortnox.se"  # noqa: S105  # a host name, not a secret
TOKEN_PATH = "/oauth-v1/token"  # noqa: S105  # a path, not a secret
JSON_TYPE = "application/json"
ACCESS_LIFETIME = timedelta(hours=1)
REFRESH_LIFETIME = timedelta(days=45)
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _empty_state() -> dict[str, Any]:
    return {
        "customers": {},
        "invoices": {},
        "payments": [],
        "finans": {},
        "refresh_tokens": {},  # token -> issued at
        "access_tokens": {},  # token -> expires at
        "revoked": False,
        "serial": 0,
        "next_invoice": 1,
        "next_voucher": 1,
        "next_payment": 1,
    }


class FortnoxSandbox(SandboxBase):
    """The emulated Fortnox company; satisfies ``bridge.vocab.connector.Sandbox``."""

    JSON_TYPE = JSON_TYPE
    BROKEN_TYPE = "text/html"
    # The credentials the sandbox accepts; they guard nothing, the demo hands them out openly.
    CLIENT_ID = "sandbox-client-id"
    CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105
    TENANT_ID = "1234567"

    def _start(self, state: dict[str, Any] | None) -> None:
        self._index = InvoiceIndex()
        self.throttled = 0  # how many 429s the rate limit answered
        self._state = state if state is not None else _empty_state()

    # --- construction and persistence ---------------------------------------------------

    @staticmethod
    def _parse(data: bytes) -> Any:
        return _loads(data)

    def _dump(self) -> bytes:
        return _dumps(self._state)

    def state(self) -> dict[str, Any]:
        """A JSON-ready copy of the state (what :meth:`save` writes)."""
        with self._lock:
            copied: dict[str, Any] = _loads(_dumps(self._state))
        return copied

    # --- the HTTP side ------------------------------------------------------------------

    def _fault_for(self, request: httpx.Request, path: str) -> Fault | None:
        # The token endpoint is another service: a fault aims at it only by naming its path.
        if request.url.host == TOKEN_HOST and not self._aimed_at_tokens():
            return None
        return take(self.faults, request.method, path)

    def _status_fault(self, fault: Fault) -> httpx.Response:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
        return _json(fault.status, {"message": "Service unavailable"}, headers)

    def _aimed_at_tokens(self) -> bool:
        return any(f.path_prefix and f.path_prefix.startswith("/oauth") for f in self.faults)

    def _serve(self, request: httpx.Request, path: str) -> httpx.Response:
        host = request.url.host
        if host == TOKEN_HOST and path == TOKEN_PATH and request.method == "POST":
            return self._token(request)
        if host != API_HOST or not path.startswith("/3/"):
            return _json(404, {"message": "not found"})
        if not self._authorised(request):
            return _json(401, {"message": "unauthorized"})
        if self._throttle():
            self.throttled += 1
            return _json(429, {"message": "Too many requests"})
        needed = SCOPE_OF.get(path.split("/")[2] if path.count("/") >= 2 else "")
        if needed is not None and needed not in self._granted():
            # Assumed answer to a call outside the granted scopes (docs/connectors/fortnox.md).
            error = ApiError(403, "Har inte behörighet för scope.", CODE_NO_SCOPE)
            return _json(error.status, error.body())
        try:
            body = (
                _loads(request.content) if request.method in _WRITES and request.content else None
            )
        except ValueError:
            error = ApiError(400, "Anropet kunde inte tolkas som JSON.", 2000359)
            return _json(error.status, error.body())
        call = Call(
            method=request.method,
            path=path[len("/3") :],
            params=dict(request.url.params.items()),
            body=body,
            state=self._state,
            today=self.today,
            now=self._clock(),
            index=self._index,
        )
        try:
            reply = dispatch(call)
        except ApiError as error:
            return _json(error.status, error.body())
        return _json(reply.status, reply.body)

    def _authorised(self, request: httpx.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or self._state["revoked"]:
            return False
        expires = self._state["access_tokens"].get(header[len("Bearer ") :])
        return expires is not None and self._clock() < datetime.fromisoformat(expires)

    def _throttle(self) -> bool:
        """Tell whether this request is over the limit (a sliding window of arrivals)."""
        return self._arrive() is not None

    # --- OAuth ----------------------------------------------------------------------------

    def _token(self, request: httpx.Request) -> httpx.Response:
        if not self._client_ok(request.headers.get("Authorization", "")):
            # Recorded: a JSON body labelled text/plain.
            return _json(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "The client credentials are invalid",
                },
                {"Content-Type": "text/plain;charset=UTF-8"},
            )
        form = dict(parse_qsl(request.content.decode("utf-8")))
        grant = form.get("grant_type")
        now = self._clock()
        if grant == "client_credentials":
            if request.headers.get("TenantId") != self.TENANT_ID or self._state["revoked"]:
                return _invalid_grant("The service account is not authorized for this tenant")
            return _json(200, self._issue(now, refresh=False))
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            issued = self._state["refresh_tokens"].pop(token, None)
            if (
                issued is None
                or self._state["revoked"]
                or now - datetime.fromisoformat(issued) > REFRESH_LIFETIME
            ):
                return _invalid_grant("Invalid refresh token")
            return _json(200, self._issue(now, refresh=True))
        return _json(400, {"error": "unsupported_grant_type", "error_description": str(grant)})

    def _client_ok(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            decoded = base64.b64decode(header[len("Basic ") :]).decode()
        except ValueError:
            return False
        return decoded == f"{self.CLIENT_ID}:{self.CLIENT_SECRET}"

    def _new_token(self, kind: str) -> str:
        self._state["serial"] = int(self._state["serial"]) + 1
        return hashlib.sha256(f"{kind}-{self._state['serial']}".encode()).hexdigest()[:40]

    def _issue(self, now: datetime, *, refresh: bool) -> dict[str, Any]:
        tokens = self._state["access_tokens"]
        for old in [t for t, until in tokens.items() if datetime.fromisoformat(until) <= now]:
            del tokens[old]
        access = "sbx-at-" + self._new_token("access")
        tokens[access] = stamp(now + ACCESS_LIFETIME)
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": int(ACCESS_LIFETIME.total_seconds()),
            "token_type": "bearer",
            "scope": " ".join(sorted(self._granted())),
        }
        if refresh:
            rotated = "sbx-rt-" + self._new_token("refresh")
            self._state["refresh_tokens"][rotated] = stamp(now)
            body["refresh_token"] = rotated
        return body

    def _granted(self) -> set[str]:
        return set(str(self._state.get("scopes", DEFAULT_SCOPES)).split())

    # --- test and demo hooks --------------------------------------------------------------

    def grant_scopes(self, scopes: str) -> None:
        """The integration is (re)authorised with these scopes; tokens issued from now on."""
        with self._lock:
            self._state["scopes"] = scopes
            self._state["access_tokens"].clear()

    def set_account(self, number: int, *, active: bool = True, vat_code: str = "") -> None:
        """Add or change an account of the chart."""
        with self._lock:
            accounts = self._state.setdefault("accounts", dict(DEFAULT_ACCOUNTS))
            accounts[str(number)] = {
                "Number": number,
                "Description": f"Konto {number}",
                "Active": active,
                "VATCode": vat_code,
            }

    def remove_account(self, number: int) -> None:
        """The chart has no such account."""
        with self._lock:
            self._state.setdefault("accounts", dict(DEFAULT_ACCOUNTS)).pop(str(number), None)

    def add_article(
        self, number: str, *, vat: Decimal = Decimal(0), active: bool = True, account: int = 3590
    ) -> None:
        """Add an article (a service) with its VAT rate and sales account."""
        with self._lock:
            self._state.setdefault("articles", {})[number] = {
                "@url": f"https://{API_HOST}/3/articles/{number}",
                "ArticleNumber": number,
                "Description": f"Artikel {number}",
                "Active": active,
                "Type": "SERVICE",
                "VAT": vat,
                "SalesAccount": account,
            }

    def authorize(self) -> str:
        """Run the consent flow and code exchange: return a fresh refresh token."""
        with self._lock:
            token = "sbx-rt-" + self._new_token("refresh")
            self._state["refresh_tokens"][token] = stamp(self._clock())
            return token

    def _set_grant(self, *, revoked: bool) -> None:
        # The company removed the integration: tokens and refreshes fail while it is revoked.
        self._state["revoked"] = revoked

    def expire_access_tokens(self) -> None:
        """Every access token handed out so far expires now (as after an hour)."""
        with self._lock:
            self._state["access_tokens"].clear()

    def add_customer(
        self,
        name: str,
        *,
        number: str | None = None,
        kind: str = "COMPANY",
        email: str | None = None,
        organisation_number: str = "",
        country_code: str = "SE",
        currency: str = "SEK",
        delivery: str = "EMAIL",
        active: bool = True,
        city: str = "",
        zip_code: str = "",
        address: str = "",
        phone: str = "",
        our_reference: str = "",
    ) -> str:
        """Create a customer; return its number.

        ``our_reference`` is *Vår referens*, the account's salesperson by name. ``delivery`` is
        one of the spec's ``DefaultDeliveryTypes.Invoice`` values: PRINT, EMAIL, PRINTSERVICE.
        """
        if delivery not in DELIVERY_TYPES:
            raise ValueError(f"Fortnox has no delivery type {delivery!r}")
        with self._lock:
            customers = self._state["customers"]
            if number is None:
                number = str(max((int(n) for n in customers if n.isdigit()), default=0) + 1)
            customers[number] = {
                "@url": f"https://{API_HOST}/3/customers/{number}",
                "CustomerNumber": number,
                "Name": name,
                "Type": kind,
                "Active": active,
                "OrganisationNumber": organisation_number,
                "Email": email or "",
                "EmailInvoice": email or "",
                # Fortnox answers null, not "", for an unset address line or phone, but "" for
                # an unset reference or organisation number (recorded).
                "Address1": address or None,
                "Address2": None,
                "ZipCode": zip_code or None,
                "City": city or None,
                # Fortnox fills the country's Swedish name from the code ("Sverige", recorded).
                "Country": _country_name(country_code),
                "CountryCode": country_code or None,
                "Currency": currency,
                "Phone1": phone or None,
                "Phone2": None,
                "OurReference": our_reference,
                "YourReference": "",
                "TermsOfPayment": "30",
                "VATType": "SEVAT" if country_code == "SE" else "EXPORT",
                "DefaultDeliveryTypes": {"Invoice": delivery, "Order": "PRINT", "Offer": "PRINT"},
                "Comments": None,
                "_modified": stamp(self._clock()),
            }
            return number

    def set_customer(self, number: str, **fields: Any) -> None:
        """Change a customer's fields as the UI would (``Active=False``, ``Type=...``)."""
        with self._lock:
            customer = self._state["customers"][number]
            customer.update(fields)
            customer["_modified"] = stamp(self._clock())

    def add_invoice(
        self,
        customer: str,
        total: Decimal,
        *,
        issued: date,
        due: date,
        currency: str = "SEK",
        booked: bool = True,
        description: str = "Varor och tjänster",
    ) -> str:
        """Create a booked customer invoice of ``total`` (VAT 25 % included); return its number."""
        with self._lock:
            net = (total / Decimal("1.25")).quantize(Decimal("0.01"))
            row = {
                "Description": description,
                "DeliveredQuantity": "1",
                "Price": net,
                "VAT": 25,
                "AccountNumber": 3001,
                "Total": net,
            }
            invoice = new_invoice(
                self._state,
                number=next_number(self._state),
                customer=self._state["customers"][customer],
                invoice_date=issued,
                due_date=due,
                rows=[row],
                currency=currency,
                now=self._clock(),
                booked=booked,
                total=total,
            )
            invoice["Sent"] = booked
            number: str = invoice["DocumentNumber"]
            return number

    def invoice(self, number: str) -> dict[str, Any]:
        """A copy of a full invoice as the API shows it."""
        with self._lock:
            return _loads(_dumps(public(find_invoice(self._state, number))))  # type: ignore[no-any-return]

    def pay(self, number: str, amount: Decimal, on: date) -> None:
        """Register a payment: the balance drops; paid in full sets FinalPayDate."""
        with self._lock:
            invoice = find_invoice(self._state, number)
            balance = Decimal(invoice["Balance"]) - amount
            invoice["Balance"] = max(balance, Decimal("0.00"))
            if invoice["Balance"] == 0:
                invoice["FinalPayDate"] = on.isoformat()
            now = stamp(self._clock())
            invoice["_modified"] = now
            serial = int(self._state["next_payment"])
            self._state["next_payment"] = serial + 1
            self._state["payments"].append(
                {
                    "@url": f"https://{API_HOST}/3/invoicepayments/{serial}",
                    "Number": str(serial),
                    "InvoiceNumber": int(number),
                    "Amount": amount,
                    "PaymentDate": on.isoformat(),
                    "Booked": True,
                    "Currency": invoice["Currency"],
                    "CurrencyRate": 1,
                    "CurrencyUnit": 1,
                    "Source": "manual",
                    "WriteOffExist": False,
                    "_modified": now,
                }
            )

    def credit(self, number: str, on: date | None = None) -> str:
        """Credit a booked invoice in full, as the UI and ``PUT .../credit`` do; return the
        credit note's number."""
        with self._lock:
            try:
                note = credit_invoice(self._state, number, on or self.today, self._clock())
            except ApiError as error:
                raise ValueError(error.message) from None
            return str(note["DocumentNumber"])

    def mark_sent(self, number: str) -> None:
        """The accountant prints the invoice from Fortnox (or marks it sent): Sent is set."""
        with self._lock:
            invoice = find_invoice(self._state, number)
            invoice["Sent"] = True
            invoice["_modified"] = stamp(self._clock())

    def remind(self, number: str, on: date) -> None:
        """Send a reminder from Fortnox's own UI: Reminders +1, LastRemindDate = ``on``."""
        with self._lock:
            invoice = find_invoice(self._state, number)
            invoice["Reminders"] = int(invoice["Reminders"]) + 1
            invoice["LastRemindDate"] = on.isoformat()
            invoice["_modified"] = stamp(self._clock())

    def hand_to_finans(self, number: str, service: str = "REMINDER") -> None:
        """Hand an invoice to Fortnox Finans from the UI."""
        with self._lock:
            invoice = find_invoice(self._state, number)
            if not is_unpaid(invoice):
                raise ValueError(f"invoice {number} is not booked and unpaid")
            invoice["NoxFinans"] = True
            invoice["_modified"] = stamp(self._clock())
            self._state["finans"][number] = finans_record(invoice, service, self.today)

    def book(self, number: str) -> None:
        """Book an unbooked invoice as the accountant does in the UI."""
        with self._lock:
            try:
                bookkeep(self._state, number, self._clock())
            except ApiError as error:
                raise ValueError(error.message) from None

    def accept_drafts(self) -> int:
        """Book every unbooked invoice, as an accountant approving them all; return how many."""
        with self._lock:
            waiting = [
                n
                for n, inv in sorted(self._state["invoices"].items(), key=lambda kv: int(kv[0]))
                if not inv["Booked"] and not inv["Cancelled"]
            ]
            for number in waiting:
                bookkeep(self._state, number, self._clock())
            return len(waiting)

    def reject_draft(self, number: str) -> None:
        """Cancel an unbooked invoice, which is how Fortnox's UI throws a draft away."""
        with self._lock:
            invoice = find_invoice(self._state, number)
            if invoice["Booked"]:
                raise ValueError(f"invoice {number} is booked; credit it instead")
            invoice["Cancelled"] = True
            invoice["_modified"] = stamp(self._clock())

    def documents_by_key(self) -> dict[str, int]:
        """How many invoices (unbooked, booked or cancelled) carry each of our letter keys."""
        counts: dict[str, int] = {}
        with self._lock:
            for invoice in self._state["invoices"].values():
                key = invoice.get("ExternalInvoiceReference1")
                if isinstance(key, str) and is_letter_key(key):
                    counts[key] = counts.get(key, 0) + 1
        return counts

    def unbooked(self) -> list[dict[str, Any]]:
        """The unbooked, uncancelled invoices (drafts), as the API shows them."""
        with self._lock:
            return [
                _loads(_dumps(public(inv)))
                for inv in self._state["invoices"].values()
                if not inv["Booked"] and not inv["Cancelled"]
            ]


@cache
def _country_name(code: str) -> str | None:
    if not code:
        return None
    name: str | None = Locale.parse("sv").territories.get(code.upper())
    return name


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, headers={"Content-Type": JSON_TYPE, **(headers or {})}, content=_dumps(body)
    )


def _invalid_grant(description: str) -> httpx.Response:
    # Recorded: a JSON body labelled text/html.
    return _json(
        400,
        {"error": "invalid_grant", "error_description": description},
        {"Content-Type": "text/html; charset=UTF-8", "Cache-Control": "no-store"},
    )


def _loads(data: bytes | str) -> Any:
    return json.loads(data, parse_float=Decimal)


def _dumps(value: Any) -> bytes:
    """Encode the sandbox's JSON quickly, every Decimal as an exact number (ASCII, as recorded).

    Everything the sandbox stores came through ``parse_float=Decimal`` or typed hooks, so no
    float is ever there to lose a cent.
    """
    return encode_json(value, ensure_ascii=True, separators=(", ", ": ")).encode("ascii")


def sandbox_factory(path: Path | None, today: date) -> FortnoxSandbox:
    """The connector descriptor's sandbox factory: the saved state, or the demo company."""
    return FortnoxSandbox.load_or_demo(path, today)
