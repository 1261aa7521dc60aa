"""An in-process emulator of Dinero and its Visma Connect token endpoint, as an httpx transport.

It answers both hosts: ``connect.visma.com/connect/token`` (authorization code and refresh
token grants, rotating or re-use refresh tokens, ``invalid_grant``) and ``api.dinero.dk``
(bearer tokens that expire after an hour, 100 requests a minute when asked to enforce it, with
Dinero's plain-text 429). It implements the ``bridge.vocab.connector.Sandbox`` protocol and the test
hooks every sandbox shares: ``demo``, ``load_or_demo``, ``inject``, ``revoke_grant``,
``requests``, ``accept_drafts`` and helpers to add contacts, invoices, payments and reminders.
"""

from __future__ import annotations

import base64
import json
import math
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from bridge.infra.http import encode_json
from bridge.vocab.faults import Fault
from connectors.dinero import mapping
from connectors.dinero.sandbox.routes import Call, dispatch
from connectors.dinero.sandbox.state import SandboxError, SandboxState, stamp
from connectors.sandbox_base import SandboxBase

JSON_TYPE = "application/json; charset=utf-8"
TOKEN_HOST = "connect.visma.com"  # noqa: S105  # a host name
TOKEN_LIFETIME = timedelta(seconds=3600)
_WRITES = frozenset({"POST", "PUT", "DELETE"})

__all__ = ["DineroSandbox", "Fault", "sandbox_factory"]


def _encoded(value: object) -> bytes:
    """The sandbox's JSON: Decimals as exact numbers, compact, UTF-8."""
    return encode_json(value).encode("utf-8")


def _jwt(claims: dict[str, Any]) -> str:
    """A token shaped like Visma Connect's JWT (unsigned: the sandbox trusts itself)."""

    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.sandbox"


def _claims(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        found = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _loads(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)


class DineroSandbox(SandboxBase):
    """The emulated organization; satisfies ``bridge.vocab.connector.Sandbox``."""

    CLIENT_ID = "isv_dunning_bridge_sandbox"
    CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105  # the sandbox's, guards nothing
    REFRESH_TOKEN = "sandbox-refresh-token"  # noqa: S105
    AUTH_CODE = "sandbox-authorization-code"

    def _start(self, state: dict[str, Any] | None) -> None:
        self.token_requests: list[str] = []  # grant types asked for, in order
        self._state = SandboxState.from_dict(state) if state is not None else SandboxState()
        self._listings: dict[tuple[Any, ...], list[str]] = {}

    # --- construction and persistence ---------------------------------------------------

    @staticmethod
    def _parse(data: bytes) -> Any:
        return _loads(data)

    def _dump(self) -> bytes:
        return _encoded(self._state.to_dict())

    @property
    def state(self) -> SandboxState:
        """The live state (tests read it directly)."""
        return self._state

    @property
    def organization(self) -> str:
        """The organization id in every path."""
        return self._state.organization

    # --- the HTTP side ------------------------------------------------------------------

    def _serve(self, request: httpx.Request, path: str) -> httpx.Response:
        if request.url.host == TOKEN_HOST:
            return self._token(request)
        return self._api(request, path)

    def _status_fault(self, fault: Fault) -> httpx.Response:
        if fault.status == 429:
            return self._quota(fault.retry_after or 1)
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
        body = {"code": fault.status, "message": "An error has occurred."}
        return self._raw(fault.status, _encoded(body), headers)

    def _api(self, request: httpx.Request, path: str) -> httpx.Response:
        auth = self._authenticate(request)
        if auth is not None:
            return auth
        quota = self._throttle()
        if quota is not None:
            return quota
        refused = self._refused(request, path)
        if refused is not None:
            return refused
        try:
            body: Any = None
            if request.method in _WRITES and request.content:
                try:
                    body = _loads(request.content)
                except (ValueError, UnicodeDecodeError):
                    raise SandboxError(400, 40, "The request body is not valid JSON.") from None
            call = Call(
                method=request.method,
                path=path,
                params=dict(request.url.params.multi_items()),
                body=body,
                state=self._state,
                today=self.today,
                now=self._clock().astimezone(UTC).replace(tzinfo=None),
                listings=self._listings,
            )
            answer = dispatch(call)
        except SandboxError as error:
            return self._raw(error.status, _encoded(error.body()), error.headers)
        # Several of Dinero's writes answer 200 with an empty body.
        return self._raw(200, b"" if answer is None else _encoded(answer))

    def _authenticate(self, request: httpx.Request) -> httpx.Response | None:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        expires = self._state.access_tokens.get(token)
        if not token or expires is None or self._state.revoked:
            return self._unauthorized("invalid_token")
        if datetime.fromisoformat(expires) <= self._clock():
            return self._unauthorized("invalid_token", "The access token expired")
        return None

    def _refused(self, request: httpx.Request, path: str) -> httpx.Response | None:
        """403 for an organization without Pro (the spec: every call but the organization list)
        and for a write the token's scopes do not allow (assumed: docs/connectors/dinero.md)."""
        if not self._state.is_pro and path != "/v1/organizations":
            error = SandboxError(403, 48, "The organization does not have a Pro subscription.")
            return self._raw(error.status, _encoded(error.body()), error.headers)
        token = request.headers.get("Authorization", "")[len("Bearer ") :]
        if request.method in _WRITES and "dineropublicapi:write" not in _claims(token).get(
            "scope", []
        ):
            return self._raw(403, b"", {"WWW-Authenticate": 'Bearer error="insufficient_scope"'})
        return None

    def _unauthorized(self, error: str, description: str = "") -> httpx.Response:
        challenge = f'Bearer error="{error}"' + (
            f', error_description="{description}"' if description else ""
        )
        return self._raw(401, b"", {"WWW-Authenticate": challenge})

    def _throttle(self) -> httpx.Response | None:
        wait = self._arrive()
        return None if wait is None else self._quota(max(1, math.ceil(wait)))

    def _quota(self, retry_after: int) -> httpx.Response:
        # Dinero's 429 is plain text, not its JSON error body.
        return httpx.Response(
            429,
            headers={"Content-Type": "text/plain; charset=utf-8", "Retry-After": str(retry_after)},
            content=b"API calls quota exceeded!",
        )

    def _raw(
        self, status: int, content: bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return httpx.Response(
            status, headers={"Content-Type": JSON_TYPE, **(headers or {})}, content=content
        )

    # --- Visma Connect --------------------------------------------------------------------

    def _token(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or request.url.path != "/connect/token":
            return self._raw(404, b"")
        form = dict(parse_qsl(request.content.decode("ascii")))
        grant = form.get("grant_type", "")
        self.token_requests.append(grant)
        if (
            form.get("client_id") != self.CLIENT_ID
            or form.get("client_secret") != self.CLIENT_SECRET
        ):
            # Credentials in the form body: RFC 6749 section 5.2 allows 400 here (401 is a must
            # only for credentials in the Authorization header). Assumed: Visma Connect sends 400.
            return self._oauth_error(400, "invalid_client")
        state = self._state
        if grant == "authorization_code":
            code = form.get("code", "")
            if code not in state.codes:
                return self._oauth_error(400, "invalid_grant")
            state.codes.remove(code)
            state.revoked = False
            refresh = self._new_refresh()
        elif grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            if state.revoked or not self._live_refresh(refresh):
                return self._oauth_error(400, "invalid_grant")
            if state.refresh_mode == "rotating":
                if refresh in state.refresh_tokens:
                    state.refresh_tokens.remove(refresh)
                    state.rotated[refresh] = self._clock().isoformat()
                refresh = self._new_refresh()
        else:
            return self._oauth_error(400, "unsupported_grant_type")
        now = self._clock()
        state.access_tokens = {
            token: until
            for token, until in state.access_tokens.items()
            if datetime.fromisoformat(until) > now
        }
        access = _jwt(
            {
                "aud": "https://api.dinero.dk",
                "scope": state.scopes.split(),
                "jti": f"sbx-access-{state.next_number():06d}-{os.urandom(4).hex()}",
            }
        )
        state.access_tokens[access] = (now + TOKEN_LIFETIME).isoformat()
        body = {
            "access_token": access,
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "token_type": "Bearer",
            "refresh_token": refresh,
            "scope": state.scopes,
        }
        return self._raw(200, _encoded(body))

    def _live_refresh(self, token: str) -> bool:
        """A live refresh token, or one rotated away within the grace period."""
        if token in self._state.refresh_tokens:
            return True
        rotated = self._state.rotated.get(token)
        if rotated is None or self._state.grace_seconds <= 0:
            return False
        age = self._clock() - datetime.fromisoformat(rotated)
        return age <= timedelta(seconds=self._state.grace_seconds)

    def _new_refresh(self) -> str:
        token = f"sbx-refresh-{self._state.next_number():06d}-{os.urandom(4).hex()}"
        self._state.refresh_tokens.append(token)
        return token

    def _oauth_error(self, status: int, error: str) -> httpx.Response:
        return self._raw(status, _encoded({"error": error}))

    # --- test and demo hooks --------------------------------------------------------------

    def grant_scopes(self, scopes: str) -> None:
        """The app is (re)authorised with these scopes; tokens issued from now on carry them."""
        with self._lock:
            self._state.scopes = scopes
            self._state.access_tokens.clear()

    def set_pro(self, is_pro: bool) -> None:
        """The organization has (or lacks) the Pro plan the API needs."""
        with self._lock:
            self._state.is_pro = is_pro

    def _set_grant(self, *, revoked: bool) -> None:
        # Visma Connect: the user removed the app; tokens and refresh tokens stop working.
        self._state.revoked = revoked

    def set_refresh_mode(self, mode: str, *, grace_seconds: int = 0) -> None:
        """Visma Connect's app setting: ``reuse`` or ``rotating`` (one-time) refresh tokens,
        the latter with a grace period in which a rotated token is accepted again (5-60 s;
        developer.dinero.dk/news/grace-period-on-refresh-tokens), 0 for none."""
        if mode not in ("reuse", "rotating"):
            raise ValueError(f"unknown refresh-token mode {mode!r}")
        with self._lock:
            self._state.refresh_mode = mode
            self._state.grace_seconds = grace_seconds

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (as an hour passing does)."""
        with self._lock:
            past = (self._clock() - timedelta(seconds=1)).isoformat()
            for token in self._state.access_tokens:
                self._state.access_tokens[token] = past

    def add_contact(
        self,
        name: str,
        *,
        person: bool,
        email: str | None = None,
        company_status: str | None = None,
        language: str | None = None,
        guid: str | None = None,
        country: str = "DK",
        street: str | None = None,
        zip_code: str | None = None,
        city: str | None = None,
        phone: str | None = None,
        vat_number: str | None = None,
    ) -> str:
        """Add a contact (a debtor); returns its guid.

        ``vat_number`` is the CVR number Dinero keeps in ``VatNumber`` (a person has none).
        """
        with self._lock:
            guid = guid or self._state.new_guid()
            now = stamp(self._clock().astimezone(UTC))
            self._state.contacts[guid] = {
                "ContactGuid": guid,
                "CreatedAt": now,
                "UpdatedAt": now,
                "DeletedAt": None,
                "IsDebitor": True,
                "IsCreditor": False,
                "ExternalReference": None,
                "Name": name,
                "Street": street,
                "ZipCode": zip_code,
                "City": city,
                "CountryKey": country,
                "Phone": phone,
                "Email": email,
                "Webpage": None,
                "AttPerson": None,
                "VatNumber": vat_number,
                "EanNumber": None,
                "PaymentConditionType": "Netto",
                "PaymentConditionNumberOfDays": 8,
                "IsPerson": person,
                "IsMember": False,
                "UseCvr": not person,
                "CompanyStatus": None if person else company_status or "normal",
                "PreferredInvoiceLanguageKey": language,
            }
            return guid

    def set_company_status(self, contact: str, status: str) -> None:
        """The CVR register changed the company's status."""
        with self._lock:
            item = self._state.contacts[contact]
            item["CompanyStatus"] = status
            item["UpdatedAt"] = stamp(self._clock().astimezone(UTC))

    def add_invoice(
        self,
        contact: str,
        *,
        issued: date,
        due: date,
        total: Decimal,
        currency: str = "DKK",
        number: int | None = None,
        draft: bool = False,
    ) -> str:
        """Add a booked (or draft) invoice; returns its guid."""
        with self._lock:
            guid = self._state.new_guid()
            if number is None:
                booked = [
                    i["Number"] for i in self._state.invoices.values() if i["Status"] != "Draft"
                ]
                number = max(booked, default=1000) + 1
            now = stamp(self._clock().astimezone(UTC))
            self._state.invoices[guid] = {
                "Guid": guid,
                "Number": 9223372036854775807 if draft else number,
                "ContactGuid": contact,
                "Date": issued.isoformat(),
                "PaymentDate": due.isoformat(),
                "Currency": currency,
                "TotalInclVat": total,
                "Status": "Draft" if draft else "Booked",
                "Description": "Faktura",
                "TimeStamp": self._state.timestamp(),
                "CreatedAt": now,
                "UpdatedAt": now,
                "DeletedAt": None,
            }
            return guid

    def add_credit_note(self, contact: str, *, total: Decimal, on: date) -> str:
        """Book a credit note to ``contact`` not yet allocated to any invoice; return its guid."""
        with self._lock:
            guid = self._state.new_guid()
            self._state.credit_notes[guid] = {
                "Guid": guid,
                "Number": len(self._state.credit_notes) + 1,
                "ContactGuid": contact,
                "Date": on.isoformat(),
                "TotalInclVat": total,
                "Allocated": False,
                # The sales list's change stamps (GET /v1/{org}/sales?changesSince=...).
                "CreatedAt": stamp(self._clock().astimezone(UTC)),
                "UpdatedAt": stamp(self._clock().astimezone(UTC)),
            }
            return guid

    def allocate_credit_note(self, guid: str) -> None:
        """The accountant allocates the credit note: its entry is closed from now on."""
        with self._lock:
            note = self._state.credit_notes[guid]
            note["Allocated"] = True
            note["UpdatedAt"] = stamp(self._clock().astimezone(UTC))

    def pay(self, invoice: str, amount: Decimal, on: date) -> None:
        """Register a payment on an invoice."""
        with self._lock:
            self._state.payments.setdefault(invoice, []).append(
                {
                    "Guid": self._state.new_guid(),
                    "DepositAccountNumber": 55000,
                    "Currency": "DKK",
                    "ExchangeRate": Decimal(100),
                    "PaymentClass": "Invoice",
                    "RelatedVoucherId": None,
                    "ExternalReference": None,
                    "PaymentDate": on.isoformat(),
                    "Description": "Indbetaling",
                    "Amount": amount,
                }
            )
            self._state.touch(invoice, self._clock().astimezone(UTC))

    def mail_out(self, invoice: str, kind: str) -> None:
        """Dinero mailed the invoice (``kind`` a LatestMailOutType, e.g. Inkasso when the
        accountant sent it to debt collection from Dinero)."""
        with self._lock:
            now = self._clock().astimezone(UTC)
            self._state.mail_out(invoice, kind, None, now)
            self._state.touch(invoice, now)

    def touch_invoice(self, invoice: str) -> None:
        """Someone edited the invoice in Dinero: its TimeStamp changes."""
        with self._lock:
            self._state.touch(invoice, self._clock().astimezone(UTC))

    def add_reminder(
        self,
        invoice: str,
        on: date,
        *,
        fee: bool = True,
        interest: bool = False,
        compensation: bool = False,
        warning: bool = False,
        booked: bool = True,
    ) -> int:
        """The accountant made a reminder in Dinero's own screens; returns its id."""
        flags = {
            "WithDebtCollectionWarning": warning,
            "WithFee": fee,
            "WithInterestFee": interest,
            "WithCompensationFee": compensation,
        }
        with self._lock:
            state = self._state
            reminder = {
                "Id": state.next_number(),
                "IsDraft": not booked,
                "IsDeleted": False,
                "Number": len(state.live_reminders(invoice)) + 1,
                "Date": on.isoformat(),
                "Title": "Rykker",
                "Description": "Vi har endnu ikke modtaget betaling.",
                "Timestamp": state.timestamp(),
                **flags,
                **state.compute_reminder(invoice, flags, on),
            }
            state.reminders.setdefault(invoice, []).append(reminder)
            if booked:  # as booking a draft does: the invoice's TimeStamp and UpdatedAt move
                state.touch(invoice, self._clock().astimezone(UTC))
            return int(reminder["Id"])

    def drafts(self) -> list[tuple[str, dict[str, Any]]]:
        """Every reminder draft, as (invoice guid, reminder)."""
        with self._lock:
            return [
                (guid, r)
                for guid, items in self._state.reminders.items()
                for r in items
                if r["IsDraft"] and not r["IsDeleted"]
            ]

    def book_reminder(self, invoice: str, reminder_id: int) -> None:
        """The accountant books one reminder draft."""
        with self._lock:
            for reminder in self._state.reminders.get(invoice, []):
                if reminder["Id"] == reminder_id and reminder["IsDraft"]:
                    reminder["IsDraft"] = False
                    reminder["Timestamp"] = self._state.timestamp()
                    self._state.touch(invoice, self._clock().astimezone(UTC))

    def delete_reminder(self, invoice: str, reminder_id: int) -> None:
        """The accountant deletes a reminder draft."""
        with self._lock:
            items = self._state.reminders.get(invoice, [])
            self._state.reminders[invoice] = [
                r for r in items if not (r["Id"] == reminder_id and r["IsDraft"])
            ]

    def delete_note(self, contact: str, note_id: str) -> None:
        """The accountant deletes a note (rejecting a proposal)."""
        with self._lock:
            for note in self._state.notes.get(contact, []):
                if note["Id"] == note_id:
                    note["DeletedAt"] = stamp(self._clock().astimezone(UTC))

    def documents_by_key(self) -> dict[str, int]:
        """How many times each letter key was written: the most reminders carrying it on one
        invoice (a letter over several invoices is one reminder each), else its notes."""
        with self._lock:
            per_invoice: dict[str, int] = {}
            for items in self._state.reminders.values():
                counts: dict[str, int] = {}
                for reminder in items:
                    key = mapping.reminder_key(reminder)
                    if key and not reminder["IsDeleted"]:
                        counts[key] = counts.get(key, 0) + 1
                for key, n in counts.items():
                    per_invoice[key] = max(per_invoice.get(key, 0), n)
            notes: dict[str, int] = {}
            for items in self._state.notes.values():
                for note in items:
                    key = mapping.note_key(note)
                    if key and key not in per_invoice:
                        notes[key] = notes.get(key, 0) + 1
            return {**per_invoice, **notes}

    def accept_drafts(self) -> int:
        """Book every reminder draft, as the accountant does in review mode; return how many."""
        found = self.drafts()
        for guid, reminder in found:
            self.book_reminder(guid, int(reminder["Id"]))
        return len(found)


def sandbox_factory(path: Path | None, today: date) -> DineroSandbox:
    """The descriptor's sandbox factory: the saved state at ``path`` or the demo company."""
    return DineroSandbox.load_or_demo(path, today)
