"""Fortnox's OAuth 2.0 as an ``httpx.Auth``: a service account, or a rotating refresh token.

Two routes to an access token (a JWT valid one hour) at apps.fortnox.se/oauth-v1/token:

- **service account** (recommended for a daemon): the client-credentials grant plus the
  ``TenantId`` header. Nothing rotates, nothing can be lost in a race.
- **authorization code**: a refresh token that rotates on every use (the old one dies at once)
  and expires after 45 days unused. Refreshes are serialised per tenant by a lock, the refresh
  token is re-read under the lock (another session may have rotated it), and the new one is
  stored *before* the new access token is used. The tokens are kept by bridge/vocab/rotating.py: the
  keyring with a lock per process, or (with a store key) the database with a lock across every
  daemon sharing it, so a daemon taking a tenant over finds the token the other one got.

Access tokens are kept in memory per tenant, so the sessions of one process share them; a
daemon that finds a fresh one stored in the database by another uses it. A 401 from the API
makes one refresh and one retry; ``invalid_grant`` stops the tenant with a message saying what
to re-run.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bridge.infra.http import parse_json, retry_after_seconds
from bridge.vocab.connector import SecretStore
from bridge.vocab.errors import (
    AuthError,
    ConfigError,
    MalformedResponse,
    RateLimited,
    SecretMissing,
    Transient,
)
from bridge.vocab.redact import register_secret
from bridge.vocab.rotating import (
    RotatingTokens,
    TokenHold,
    TokenNames,
    TokenState,
    declare,
    rotating_tokens,
)
from bridge.vocab.tokenseal import StoreKeyMissing
from connectors.fortnox.client import fortnox_error

TOKEN_URL = "https://apps.fortnox.se/oauth-v1/token"  # noqa: S105  # an address, not a secret

# The names under which the credentials are stored (never the credentials themselves).
CLIENT_ID = "client_id"
CLIENT_SECRET = "client_secret"  # noqa: S105
TENANT_ID = "tenant_id"
REFRESH_TOKEN = "refresh_token"  # noqa: S105
SECRET_NAMES = (CLIENT_ID, CLIENT_SECRET, TENANT_ID, REFRESH_TOKEN)
# The grant's name in the database's token table; the keyring keeps only the refresh token.
CREDENTIAL = "fortnox"
TOKEN_NAMES = declare(CREDENTIAL, TokenNames(REFRESH_TOKEN))

SERVICE = "service"
CODE = "code"
ROUTES = (SERVICE, CODE)
# Refresh a little before the access token expires, so a request never leaves with a dead one.
EXPIRY_MARGIN = 60.0


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An access token and when (on our monotonic clock) to stop using it."""

    value: str
    expires_at: float
    # The scopes the token answer granted ("scope": "article invoice settings customer ...",
    # recorded in authentication/valid_request.yml); None when the answer named none.
    scopes: frozenset[str] | None = None

    def fresh(self, now: float) -> bool:
        """Tell whether the token may still be sent."""
        return now < self.expires_at - EXPIRY_MARGIN


def _scopes(scope: str | None) -> frozenset[str] | None:
    """The scopes a token answer named ("article invoice ..."), None when it named none."""
    return frozenset(scope.split()) if scope and scope.strip() else None


_tokens: dict[tuple[str, str, int], AccessToken] = {}
_locks: dict[tuple[str, str, int], threading.Lock] = {}
_registry_lock = threading.Lock()


def _lock_for(key: tuple[str, str, int]) -> threading.Lock:
    with _registry_lock:
        return _locks.setdefault(key, threading.Lock())


def forget_tokens() -> None:
    """Drop every cached access token (tests; a process that rotated its client secret)."""
    with _registry_lock:
        _tokens.clear()


def choose_route(secrets: SecretStore, option: str | None) -> str:
    """The route a tenant uses: its ``auth`` option, else service when a tenant id is stored."""
    if option:
        if option not in ROUTES:
            raise ConfigError(f"tenant option 'auth' must be one of {', '.join(ROUTES)}")
        return option
    try:
        secrets.get(TENANT_ID)
    except SecretMissing:
        try:
            rotating_tokens(secrets, CREDENTIAL, TOKEN_NAMES).peek()
        except SecretMissing:
            return SERVICE  # neither stored: ask for the recommended route's secrets
        except StoreKeyMissing:
            # The grant may be in the database, which needs the key: say so, unless the
            # keyring shows this tenant never had a refresh token at all.
            try:
                secrets.get(REFRESH_TOKEN)
            except SecretMissing:
                return SERVICE
            raise
        return CODE
    return SERVICE


class FortnoxAuth(httpx.Auth):
    """Bearer tokens for one tenant, obtained and refreshed as the route requires."""

    requires_response_body = True

    def __init__(
        self,
        tenant: str,
        secrets: SecretStore,
        *,
        route: str = SERVICE,
        token_url: str = TOKEN_URL,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.tenant = tenant
        self.secrets = secrets
        self.route = route
        self.token_url = token_url
        self._clock = clock
        self._wall = wall
        # Read what never rotates now: a missing secret stops the tenant at open with
        # SecretMissing's message saying how to store it, instead of failing mid-cycle.
        self._client_id = secrets.get(CLIENT_ID)
        self._client_secret = secrets.get(CLIENT_SECRET)
        self._tenant_id = secrets.get(TENANT_ID) if route == SERVICE else None
        self._grant: RotatingTokens | None = None
        if route == CODE:
            self._grant = rotating_tokens(secrets, CREDENTIAL, TOKEN_NAMES)
            self._grant.peek()
        for value in (self._client_secret, self._client_id):
            register_secret(value)
        # Sessions of one process share access tokens, per database they keep the grant in
        # (one in production; tests run two "daemons" side by side in one process).
        self._key = (tenant, self._client_id, id(getattr(secrets, "store", None)))
        self.refreshes = 0  # token requests this object made (for tests and diagnostics)

    def granted_scopes(self) -> frozenset[str] | None:
        """The scopes of the token in use (None: none obtained yet, or the answer named none)."""
        token = _tokens.get(self._key)
        return None if token is None else token.scopes

    # -- the flow ------------------------------------------------------------------------------

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign the request; on a 401, get a new token once and send it again."""
        token = _tokens.get(self._key)
        if token is None or not token.fresh(self._clock()):
            token = yield from self._obtain(stale=token)
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401:
            return
        token = yield from self._obtain(stale=token)
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request

    def _obtain(
        self, stale: AccessToken | None
    ) -> Generator[httpx.Request, httpx.Response, AccessToken]:
        """Get a token under the tenant's lock, unless another session just got one."""
        with _lock_for(self._key):
            current = _tokens.get(self._key)
            if current is not None and current is not stale and current.fresh(self._clock()):
                return current
            if self._grant is None:
                response = yield self._token_request(None)
                token = self._accept(response, None)
            else:
                token = yield from self._refresh(self._grant, stale)
            _tokens[self._key] = token
            return token

    def _refresh(
        self, grant: RotatingTokens, stale: AccessToken | None
    ) -> Generator[httpx.Request, httpx.Response, AccessToken]:
        """Spend the refresh token under the grant's lock (across daemons, when in the database)."""
        with grant.hold() as hold:
            # Another daemon may have refreshed while we waited: its access token serves us.
            now = self._wall()
            shared = hold.state.access_until(now, timedelta(seconds=EXPIRY_MARGIN))
            if shared is not None and (stale is None or shared != stale.value):
                assert hold.state.expires_at is not None
                left = (hold.state.expires_at - now).total_seconds()
                return AccessToken(shared, self._clock() + left, _scopes(hold.state.scope))
            hold.spending()
            response = yield self._token_request(hold.state.refresh_token)
            return self._accept(response, hold)

    def _token_request(self, refresh_token: str | None = None) -> httpx.Request:
        basic = base64.b64encode(f"{self._client_id}:{self._client_secret}".encode()).decode()
        headers = {
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        if refresh_token is None:
            assert self._tenant_id is not None
            headers["TenantId"] = self._tenant_id
            form = {"grant_type": "client_credentials"}
        else:
            # Read under the lock: the token stored last is the only one still valid.
            form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        self.refreshes += 1
        return httpx.Request("POST", self.token_url, headers=headers, data=form)

    def _accept(self, response: httpx.Response, hold: TokenHold | None) -> AccessToken:
        """Read the token answer; store a rotated refresh token before anything uses the new one."""
        status = response.status_code
        if status >= 400:
            if hold is not None and status < 500 and status != 429:
                hold.refused()  # Fortnox answered with a refusal: nothing was rotated
            raise self._failure(response, hold.interrupted if hold is not None else None)
        body: Any = parse_json(response)
        access = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(access, str) or not access:
            raise MalformedResponse("Fortnox's token answer has no access_token", status=status)
        register_secret(access)
        expires = body.get("expires_in")
        lifetime = (
            float(expires) if isinstance(expires, int | str) and str(expires).isdigit() else 3600.0
        )
        scope = body.get("scope") if isinstance(body.get("scope"), str) else None
        if hold is not None:
            rotated = body.get("refresh_token")
            if not isinstance(rotated, str) or not rotated:
                raise MalformedResponse(
                    "Fortnox's token answer has no refresh_token; the old one is spent, so the "
                    f"integration must be authorised again for tenant {self.tenant!r}",
                    status=status,
                )
            register_secret(rotated)
            until = self._wall() + timedelta(seconds=lifetime)
            hold.rotated(TokenState(rotated, access, until, scope))
        return AccessToken(access, self._clock() + lifetime, _scopes(scope))

    def _failure(self, response: httpx.Response, interrupted: str | None = None) -> Exception:
        vendor = fortnox_error(response)
        status = response.status_code
        if status == 429:
            return RateLimited(
                "Fortnox's token endpoint asked us to slow down",
                status=status,
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status >= 500:
            return Transient("Fortnox's token endpoint failed", status=status)
        if vendor.code == "invalid_grant":
            if self.route == CODE:
                lost = (
                    f"{interrupted}, so the refresh token Fortnox gave it is lost; "
                    if interrupted
                    else ""
                )
                fix = lost + (
                    "it was used already, revoked, or left unused for 45 days; authorise the "
                    "integration in Fortnox again and store the new token with "
                    f"`dunning-bridge secrets set {self.tenant} {REFRESH_TOKEN}` (or move the "
                    "tenant to a service account, which has no refresh token to lose)"
                )
            else:
                fix = (
                    "the service account is not approved for this company or the tenant id is "
                    f"wrong; check `dunning-bridge secrets set {self.tenant} {TENANT_ID}`"
                )
            return AuthError(
                f"Fortnox refused the grant of tenant {self.tenant!r} (invalid_grant): {fix}",
                status=status,
                vendor_code=vendor.code,
            )
        if vendor.code == "invalid_client":
            return AuthError(
                f"Fortnox refused the client id or secret of tenant {self.tenant!r} "
                f"(invalid_client); store them again with `dunning-bridge secrets set "
                f"{self.tenant} {CLIENT_ID}` and `{CLIENT_SECRET}`",
                status=status,
                vendor_code=vendor.code,
            )
        return AuthError(
            f"Fortnox refused to issue a token for tenant {self.tenant!r}"
            + (f": {vendor.message}" if vendor.message else ""),
            status=status,
            vendor_code=vendor.code,
        )
