"""An in-process emulator of the Tripletex API v2, for the demo and the tests.

A client talks to it through httpx exactly as to https://tripletex.no/v2: give the client
``sandbox.transport()``. Every request passes, in order: the request log, injected faults,
session-token minting or Basic-auth check (401, code 3000), the rate limit (429 for every
request until the period ends, X-Rate-Limit-* headers on every answer), then the endpoint.

It behaves like the real API where the bridge depends on it (routes.py has the endpoints):
an unset text is ``""`` and an unset reference null, as in responses recorded from the real
API; ``:createReminder`` answers the 422 bodies seen on a real sandbox ("Minst én sendetype må
oppgis" without a dispatch type, "type: Ugyldig verdi" for a REMINDER before any reminder) and
charges the company's fee only with ``includeCharge``. What a user does in Tripletex's own
screens is hooks.py's.
"""

from __future__ import annotations

import base64
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from bridge.vocab.faults import Fault, FaultKind
from connectors.sandbox_base import SandboxBase
from connectors.tripletex.sandbox.routes import Endpoints
from connectors.tripletex.sandbox.state import (
    _CUSTOMER_TEXTS,
    BASE_PATH,
    COUNTRY_IDS,
    FORMAT,
    POSTING_IDS,
    ApiError,
    Record,
    _dig,
    _empty,
    _encoded,
    _invalid,
    _loads,
    parse_fields,
)

__all__ = ["Fault", "FaultKind", "TripletexSandbox", "parse_fields", "sandbox_factory"]


class TripletexSandbox(SandboxBase, Endpoints):
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
            status, body = self._answer(request, path, params)
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
        """Count the request in the rate limit; its X-Rate-Limit-* headers, or a 429."""
        if self._rate_limit is None:
            return {}
        allowed, seconds = self._rate_limit
        now = self._clock()
        wait = self._arrive(now)
        if wait is not None:
            raise ApiError(
                429,
                15000,
                "Too many requests",
                headers={
                    "X-Rate-Limit-Limit": str(allowed),
                    "X-Rate-Limit-Remaining": "0",
                    "X-Rate-Limit-Reset": str(max(1, round(wait))),
                },
            )
        # Until the oldest request in the window leaves it (this one, in an empty window).
        reset = (self._window[0] + timedelta(seconds=seconds) - now).total_seconds()
        return {
            "X-Rate-Limit-Limit": str(allowed),
            "X-Rate-Limit-Remaining": str(allowed - len(self._window)),
            "X-Rate-Limit-Reset": str(round(reset)),
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
