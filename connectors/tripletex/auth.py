"""Tripletex's auth: a consumer token and an employee token are exchanged for a session token.

``POST /token/session/:create`` with ``{consumerToken, employeeToken, expirationDate}`` in a
JSON body (``PostSessionTokenBody``; the spec calls it the preferred endpoint "for better
security", and the older ``PUT`` with the tokens in the query string deprecated) needs no auth
and returns a session token that dies at midnight (Oslo) of ``expirationDate``. The long-lived
tokens thus never appear in a URL, where proxies and access logs keep them. Every call then
uses HTTP Basic with username ``0`` (the employee's own company) or a client company's id (an
accountant's login with several clients: one tenant per company id) and the session token as
password.

The session token is minted for two days and renewed once the last day has begun, so it never
expires mid-cycle; a 401 mints a new one once and retries. The minted token is written back
through the tenant's SecretStore (with its expiry date) *before* it is used, so the next run
reuses it. Minting is serialised per tenant, so two threads never mint at once.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Generator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from bridge.infra.http import parse_json, request_id_of
from bridge.vocab.connector import SecretStore
from bridge.vocab.errors import AuthError, MalformedResponse, SecretMissing, Transient
from bridge.vocab.redact import redact_url, register_secret

# The names under which the tokens are stored (never the tokens themselves).
CONSUMER_TOKEN = "consumer_token"  # noqa: S105
EMPLOYEE_TOKEN = "employee_token"  # noqa: S105
SESSION_TOKEN = "session_token"  # noqa: S105  # minted, rotated daily, cached here
SESSION_EXPIRES = "session_token_expires"  # ISO date the session token dies
SECRET_NAMES = (CONSUMER_TOKEN, EMPLOYEE_TOKEN)

SESSION_PATH = "/token/session/:create"
OSLO = ZoneInfo("Europe/Oslo")
# Tripletex's own company login; an accountant sets the client's company id instead.
OWN_COMPANY = "0"
SESSION_DAYS = 2

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(tenant: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(tenant, threading.Lock())


def oslo_today() -> date:
    """Today in Norway: session tokens expire at midnight Oslo time."""
    return datetime.now(OSLO).date()


class TripletexAuth(httpx.Auth):
    """Basic auth with a session token minted from the two long-lived tokens."""

    def __init__(
        self,
        tenant: str,
        secrets: SecretStore,
        *,
        company_id: str = OWN_COMPANY,
        today: Callable[[], date] = oslo_today,
    ) -> None:
        # Read both long-lived tokens now: a missing one stops the tenant at open with
        # SecretMissing's message saying how to store it, instead of failing mid-cycle.
        self.tenant = tenant
        self._secrets = secrets
        self._consumer = secrets.get(CONSUMER_TOKEN)
        self._employee = secrets.get(EMPLOYEE_TOKEN)
        register_secret(self._consumer)
        register_secret(self._employee)
        self.company_id = company_id
        self._today = today
        self._token: str | None = None
        self._expires: date | None = None
        self._load_cached()
        self.minted = 0  # how many session tokens this auth minted (for tests and the report)

    def _load_cached(self) -> None:
        try:
            token = self._secrets.get(SESSION_TOKEN)
            expires = date.fromisoformat(self._secrets.get(SESSION_EXPIRES))
        except (SecretMissing, ValueError):
            return
        register_secret(token)
        self._token, self._expires = token, expires

    def _fresh(self) -> bool:
        # Renew once the token's last day has begun: it dies at midnight starting that day.
        return (
            self._token is not None
            and self._expires is not None
            and self._today() < self._expires - timedelta(days=1)
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign with the session token; mint one first when needed, and once more on a 401."""
        used = self._token
        if not self._fresh():
            yield from self._mint(request, stale=used)
        self._sign(request)
        response = yield request
        if response.status_code != 401:
            return
        yield from self._mint(request, stale=self._token)
        self._sign(request)
        yield request

    def _sign(self, request: httpx.Request) -> None:
        assert self._token is not None
        pair = f"{self.company_id}:{self._token}".encode()
        request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        request.headers.setdefault("Content-Type", "application/json")

    def _mint(
        self, request: httpx.Request, *, stale: str | None
    ) -> Generator[httpx.Request, httpx.Response, None]:
        with _lock_for(self.tenant):
            if self._token != stale and self._fresh():
                return  # another thread minted while we waited
            expires = self._today() + timedelta(days=SESSION_DAYS)
            mint = httpx.Request(
                "POST",
                request.url.copy_with(path=_base_path(request.url) + SESSION_PATH, query=None),
                headers={"Accept": "application/json", "Content-Type": "application/json"},
                content=json.dumps(
                    {
                        "consumerToken": self._consumer,
                        "employeeToken": self._employee,
                        "expirationDate": expires.isoformat(),
                    }
                ).encode(),
            )
            response = yield mint
            response.read()
            token = _session_token(response, self.tenant)
            register_secret(token)
            # Stored before use: a crash right after leaves a valid token for the next run.
            self._secrets.set(SESSION_TOKEN, token)
            self._secrets.set(SESSION_EXPIRES, expires.isoformat())
            self._token, self._expires = token, expires
            self.minted += 1


def _base_path(url: httpx.URL) -> str:
    """The API's path prefix ("/v2"), from a request URL such as /v2/invoice/1."""
    path = url.path
    marker = path.find("/", 1)
    return path[:marker] if path.startswith("/v2") and marker > 0 else ""


def _session_token(response: httpx.Response, tenant: str) -> str:
    fix = (
        f"create a new employee token in Tripletex and store it with "
        f"`dunning-bridge secrets set {tenant} {EMPLOYEE_TOKEN}` "
        f"(and `{CONSUMER_TOKEN}` if the integration's token changed)"
    )
    if response.status_code in (401, 403, 404, 422):
        raise AuthError(
            f"Tripletex refused to create a session for tenant {tenant!r}: the employee token "
            f"was revoked or a token is wrong; {fix}",
            status=response.status_code,
            request_id=response.headers.get("x-tlx-request-id") or request_id_of(response),
            url=redact_url(response.request.url),
        )
    if response.status_code >= 400:
        raise Transient(
            f"Tripletex could not create a session for tenant {tenant!r} "
            f"(status {response.status_code}); try again later",
            status=response.status_code,
            url=redact_url(response.request.url),
        )
    body = parse_json(response)
    value = body.get("value") if isinstance(body, dict) else None
    token = value.get("token") if isinstance(value, dict) else None
    if not isinstance(token, str) or not token:
        raise MalformedResponse("Tripletex's session answer carries no token")
    return token
