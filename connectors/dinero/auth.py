"""Dinero's auth: OAuth2 (authorization code) through Visma Connect, as an ``httpx.Auth`` flow.

The access token is a JWT valid for an hour. The refresh token behaves in one of two ways, an
app setting in Visma Connect: *re-use* (it stays the same for up to a year) or *rotating
one-time* (each refresh returns a new one and invalidates the old). Both are handled the same
way here, which is safe for either:

- every refresh runs under a lock per tenant, and first re-reads the stored tokens, so a second
  session that waited on the lock uses the token the first one got instead of spending the
  (already rotated) refresh token again; with a store key the tokens live in the database and
  the lock holds across every daemon sharing it (bridge/engine/shared_tokens.py);
- a new refresh token is stored *before* the new access token is used, so a crash right after a
  rotation never leaves us holding only the invalidated one;
- a 401 from the API triggers one refresh and one retry, never more;
- each OAuth error code gets its own AuthError and fix (:func:`oauth_advice`): ``invalid_grant``
  (revoked, expired or already-used refresh token) names the command that re-authorizes,
  ``invalid_client`` the secrets to store again; either stops this tenant only;
- a token request that may have been processed but gave no usable answer is sent again only at
  once, within the shortest grace period of one-time tokens; later, a resend could void the
  token, so the tenant stops for the cycle instead.

The one-time set-up (print the consent URL, take the code, store the tokens) is
:func:`authorize`; the CLI wires it as ``dunning-bridge authorize TENANT``.
"""

from __future__ import annotations

import base64
import json
import secrets as pysecrets
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from bridge.infra import retry
from bridge.infra.http import DEFAULT_TABLE, StatusTable, VendorError, build_client, rule, stats_of
from bridge.vocab.connector import SecretStore
from bridge.vocab.errors import AuthError, ConnectorError, Transient
from bridge.vocab.redact import redact_text, register_secret
from bridge.vocab.rotating import (
    RotatingTokens,
    SecretsTokens,
    TokenNames,
    TokenState,
    declare,
    rotating_tokens,
)

AUTHORIZE_URL = "https://connect.visma.com/connect/authorize"
TOKEN_URL = "https://connect.visma.com/connect/token"  # noqa: S105  # an address, not a secret
SCOPES = "dineropublicapi:read dineropublicapi:write offline_access"

# The names under which the tenant's credentials are stored (never the values).
CLIENT_ID = "client_id"
CLIENT_SECRET = "client_secret"  # noqa: S105
REFRESH_TOKEN = "refresh_token"  # noqa: S105
ACCESS_TOKEN = "access_token"  # noqa: S105
ACCESS_EXPIRES = "access_token_expires_at"
SECRET_NAMES = (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
# The grant's name in the database's token table, and where the keyring keeps it.
CREDENTIAL = "dinero"
TOKEN_NAMES = declare(CREDENTIAL, TokenNames(REFRESH_TOKEN, ACCESS_TOKEN, ACCESS_EXPIRES))

# Refresh this long before the access token runs out, so a request never leaves with a token
# that expires on the way.
EARLY_REFRESH = timedelta(seconds=60)

Clock = Callable[[], datetime]

# A token request is retried freely only where it provably never reached Visma Connect (no
# connection) or was not processed (429, 408): bridge/infra/retry.py's rule for a write.
TOKEN_POLICY = retry.RetryPolicy(attempts=5, deadline=30.0, idempotency_header=None)
# A request that may have been processed (a time-out after sending, a 5xx, an unreadable
# answer) may have spent a one-time refresh token. Visma Connect's grace period (5-60 s, an app
# setting) accepts the same token again for a while, so it is sent again at once, but only while
# the first attempt started less than this long ago (under the shortest grace period), and at
# most this many times. After that a resend could void the token for good, so none is made.
RESEND_WINDOW = timedelta(seconds=4)
MAX_RESENDS = 2
# Failures where the request provably never left (as bridge/infra/retry.py counts them).
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def reauthorize_hint(tenant: str) -> str:
    """Say how a human gives this tenant a new grant."""
    return f"re-authorize with `dunning-bridge authorize {tenant}`"


def token_scopes(token: str) -> frozenset[str] | None:
    """The scopes an access token carries (its ``scope`` claim), None when it shows none.

    Visma Connect's access token is a JWT (audience https://api.dinero.dk); the claims are read,
    not verified: the API verifies them, we only report what the token says it allows.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    scope = claims.get("scope") if isinstance(claims, dict) else None
    if isinstance(scope, str):
        return frozenset(scope.split())
    if isinstance(scope, list) and all(isinstance(s, str) for s in scope):
        return frozenset(scope)
    return None


@dataclass(frozen=True, slots=True)
class TokenSet:
    """What the token endpoint answered."""

    access_token: str
    expires_at: datetime
    refresh_token: str | None


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TokenEndpoint:
    """Visma Connect's token endpoint: exchange a code, refresh a token."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        tenant: str,
        transport: httpx.BaseTransport | None = None,
        url: str = TOKEN_URL,
        clock: Clock = _utc_now,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.tenant = tenant
        self.url = url
        self.clock = clock
        parts = urlsplit(url)
        self.http = build_client(
            base_url=f"{parts.scheme}://{parts.netloc}", auth=None, transport=transport
        )
        self.table = token_table(tenant)

    @property
    def requests(self) -> int:
        """How many requests went to Visma Connect (retries included)."""
        return stats_of(self.http).total

    def refresh(self, refresh_token: str) -> TokenSet:
        """Spend ``refresh_token`` for a new access token (and maybe a new refresh token)."""
        return self._post({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def exchange(self, code: str, redirect_uri: str) -> TokenSet:
        """Exchange an authorization code for the first token set."""
        return self._post(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )

    def _post(self, form: dict[str, str]) -> TokenSet:
        body = {**form, "client_id": self.client_id, "client_secret": self.client_secret}
        content = urlencode(body).encode("ascii")
        grant = form["grant_type"]
        started = self.clock()
        resends = 0
        while True:
            request = self.http.build_request(
                "POST",
                urlsplit(self.url).path,
                content=content,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            try:
                response = retry.send(self.http, request, classify=self.table, policy=TOKEN_POLICY)
                return self._tokens(response)
            except AuthError as exc:
                raise AuthError(
                    f"{oauth_advice(exc.vendor_code, self.tenant, grant=grant)} ({exc})",
                    status=exc.status,
                    vendor_code=exc.vendor_code,
                    url=exc.url,
                ) from None
            except ConnectorError as exc:
                if not _maybe_processed(exc):
                    raise  # it never reached Visma Connect: nothing was spent
                if resends < MAX_RESENDS and self.clock() - started < RESEND_WINDOW:
                    resends += 1
                    continue
                raise self._spent(grant, exc) from None

    def _spent(self, grant: str, exc: ConnectorError) -> Transient:
        """The error for a token request that may have been processed and is not sent again."""
        if grant == "authorization_code":
            what = "the authorization code may have been used"
            then = f"run `dunning-bridge authorize {self.tenant}` again"
        else:
            what = "the refresh token may have been spent"
            then = (
                "the next cycle asks again (with re-use refresh tokens, or within the app's grace "
                f"period, that works); if Visma Connect then answers invalid_grant, "
                f"{reauthorize_hint(self.tenant)}"
            )
        how = (
            f"HTTP {exc.status}"
            if exc.status
            else "no answer came back"
            if isinstance(exc, Transient)
            else "the answer could not be read"
        )
        return Transient(
            f"Visma Connect gave tenant {self.tenant!r} no usable answer to a token request "
            f"({how}); {what}, and sending it again now could void it for good, so it is not "
            f"resent; {then}",
            status=exc.status,
        )

    def _tokens(self, response: httpx.Response) -> TokenSet:
        try:
            body = json.loads(response.content)
            access = body["access_token"]
            seconds = int(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise ConnectorError(
                "Visma Connect's token answer cannot be read", status=response.status_code
            ) from None
        if not isinstance(access, str) or not access:
            raise ConnectorError("Visma Connect answered without an access token")
        refresh = body.get("refresh_token")
        register_secret(access)
        if isinstance(refresh, str) and refresh:
            register_secret(refresh)
        return TokenSet(
            access_token=access,
            expires_at=self.clock() + timedelta(seconds=seconds),
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        )

    def close(self) -> None:
        """Release the HTTP client."""
        self.http.close()


def oauth_error(response: httpx.Response) -> str | None:
    """Read the OAuth ``error`` code, also where Dinero nests it as text inside ``message``."""
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("error"), str):
        return str(body["error"])
    message = body.get("message")
    if isinstance(message, str) and message.lstrip().startswith("{"):
        # Seen in recorded answers: {"message": "{ \"error\": \"invalid_grant\" }"}.
        try:
            inner = json.loads(message)
        except ValueError:
            return None
        if isinstance(inner, dict) and isinstance(inner.get("error"), str):
            return str(inner["error"])
    return None


def oauth_vendor_error(response: httpx.Response) -> VendorError:
    """Read an OAuth error body for bridge/infra/http.py: ``error`` as the code."""
    code = oauth_error(response)
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        body = None
    text = body.get("error_description") if isinstance(body, dict) else None
    return VendorError(code=code, message=text if isinstance(text, str) else None)


def token_table(tenant: str) -> StatusTable:
    """Visma Connect's refusals (400, 401); :func:`oauth_advice` words each by its error code."""
    return DEFAULT_TABLE.with_rows(
        rule((400, 401), AuthError, "Visma Connect refused the token request"),
    ).with_reader(oauth_vendor_error)


def oauth_advice(code: str | None, tenant: str, *, grant: str = "refresh_token") -> str:
    """Say what an OAuth error code (RFC 6749 section 5.2) means for the tenant, and its fix."""
    who = f"tenant {tenant!r}"
    if code == "invalid_grant":
        if grant == "authorization_code":
            return (
                f"Visma Connect refused the authorization code of {who} (invalid_grant): it "
                "expired, was already used, or the redirect URI differs from the consent's; "
                f"run `dunning-bridge authorize {tenant}` again"
            )
        return (
            f"Visma Connect refused the refresh token of {who} (invalid_grant): the grant was "
            "revoked or expired, or a one-time token was already used; "
            f"{reauthorize_hint(tenant)}"
        )
    if code == "invalid_client":
        return (
            f"Visma Connect refused the app credentials of {who} (invalid_client): the client "
            "id or secret is wrong, or the secret was renewed; store them again with "
            f"`dunning-bridge secrets set {tenant} client_id` and "
            f"`dunning-bridge secrets set {tenant} client_secret` (the grant itself stays valid)"
        )
    if code == "unauthorized_client":
        return (
            f"the Visma Connect app of {who} may not use this grant (unauthorized_client): in "
            "Visma Connect, make the app a web application with the authorization-code flow "
            "and refresh tokens (offline_access) allowed"
        )
    if code == "invalid_scope":
        return (
            f"the Visma Connect app of {who} lacks a scope (invalid_scope): give it "
            "dineropublicapi:read, dineropublicapi:write and offline_access in Visma Connect, "
            f"then run `dunning-bridge authorize {tenant}`"
        )
    if code is None:
        return (
            f"Visma Connect refused the token request of {who} with no OAuth error code; check "
            f"the app in Visma Connect and the stored client id, then try again"
        )
    return (
        f"Visma Connect refused the token request of {who} ({code}): the request itself is "
        "wrong, which is a fault in the bridge or in the app's set-up; report it with this "
        "message"
    )


def _maybe_processed(exc: ConnectorError) -> bool:
    """Tell whether a failed token request may have reached and changed Visma Connect."""
    if isinstance(exc, Transient) and isinstance(exc.__cause__, _NOT_SENT):
        return False
    return exc.status not in (408, 429)


class TokenManager:
    """One tenant's tokens: the current access token, refreshed early, safely and only once.

    The tokens are kept by ``tokens`` (bridge/vocab/rotating.py): the keyring with a lock per
    process, or the database with a lock across every daemon that shares it.
    """

    def __init__(self, tenant: str, tokens: RotatingTokens, endpoint: TokenEndpoint) -> None:
        self.tenant = tenant
        self.tokens = tokens
        self.endpoint = endpoint
        self.refreshes = 0
        # The tokens last read or obtained: a cycle's thousands of requests reuse them while
        # they stay valid, instead of reading (and unsealing) the store for every request. A
        # token another daemon obtained meanwhile is found at the next refresh (a 401 asks
        # for one, which reads the store under its lock first).
        self._known: TokenState | None = None

    def _fresh(self, state: TokenState) -> str | None:
        return state.access_until(self.endpoint.clock(), EARLY_REFRESH)

    def current(self) -> str:
        """Return a usable access token, refreshing when the stored one is (nearly) expired."""
        known = self._known
        token = self._fresh(known) if known is not None else None
        if token is not None:
            return token
        state = self.tokens.peek()
        token = self._fresh(state)
        if token is None:
            return self.refresh(failed=None)
        self._known = state
        return token

    def refresh(self, *, failed: str | None) -> str:
        """Get a new access token; ``failed`` is the one the API just refused (if any)."""
        self._known = None
        with self.tokens.hold() as hold:
            # Another session or daemon may have refreshed while we waited: use its token, and
            # keep the refresh token (maybe rotated by it) unspent.
            token = self._fresh(hold.state)
            if token is not None and token != failed:
                self._known = hold.state
                return token
            spent = hold.state.refresh_token
            hold.spending()
            try:
                tokens = self.endpoint.refresh(spent)
            except AuthError as exc:
                hold.refused()  # Visma Connect answered: nothing was rotated
                if hold.interrupted and exc.vendor_code == "invalid_grant":
                    raise AuthError(
                        f"{exc}; {hold.interrupted}, so the refresh token it was given is lost",
                        status=exc.status,
                        vendor_code=exc.vendor_code,
                        url=exc.url,
                    ) from None
                raise
            self.refreshes += 1
            # Rotated or not, the answer is stored (committed) before the new access token is
            # used: a crash right after leaves the only valid refresh token where the next
            # session, here or on another daemon, finds it.
            obtained = TokenState(
                tokens.refresh_token or spent, tokens.access_token, tokens.expires_at
            )
            hold.rotated(obtained)
            self._known = obtained
            return tokens.access_token


class DineroAuth(httpx.Auth):
    """Send the bearer token; on a 401 refresh once and send the request again."""

    def __init__(self, tokens: TokenManager) -> None:
        self.tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign, send, and answer a 401 with one refresh."""
        token = self.tokens.current()
        request.headers["Authorization"] = f"Bearer {token}"
        if request.content:
            request.headers.setdefault("Content-Type", "application/json")
        response = yield request
        if response.status_code == 401:
            token = self.tokens.refresh(failed=token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request


def open_tokens(
    tenant: str,
    secrets: SecretStore,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = _utc_now,
) -> TokenManager:
    """Read the app's credentials (a missing one stops the tenant at open) and build a manager."""
    client_id = secrets.get(CLIENT_ID)
    client_secret = secrets.get(CLIENT_SECRET)
    register_secret(client_secret)
    tokens = rotating_tokens(secrets, CREDENTIAL, TOKEN_NAMES)
    tokens.peek()  # fail now, with SecretMissing's fix, rather than mid-cycle
    endpoint = TokenEndpoint(
        client_id=client_id,
        client_secret=client_secret,
        tenant=tenant,
        transport=transport,
        clock=clock,
    )
    return TokenManager(tenant, tokens, endpoint)


# ---------------------------------------------------------------------------------------------
# One-time set-up


def authorize_url(client_id: str, redirect_uri: str, state: str) -> str:
    """The consent page the accountant opens once to grant the bridge access."""
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": state,
            # Visma Connect shows the organization picker and the consent screen.
            "prompt": "select_account",
        }
    )
    return f"{AUTHORIZE_URL}?{query}"


def code_from(answer: str, state: str) -> str:
    """Take the code from what the user pasted: the whole redirect URL or the bare code."""
    answer = answer.strip()
    if "?" not in answer and "=" not in answer:
        if not answer:
            raise AuthError("no authorization code was given")
        return answer
    query = parse_qs(urlsplit(answer).query or answer)
    if "error" in query:
        raise AuthError(f"Visma Connect refused the consent: {redact_text(query['error'][0])}")
    if query.get("state", [state])[0] != state:
        raise AuthError("the pasted address belongs to another authorization attempt (state)")
    codes = query.get("code")
    if not codes or not codes[0]:
        raise AuthError("the pasted address carries no authorization code")
    return codes[0]


def authorize(
    tenant: str,
    secrets: SecretStore,
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    transport: httpx.BaseTransport | None = None,
    clock: Clock = _utc_now,
) -> TokenSet:
    """Run the one-time consent: print the URL, read the code, store every token via keyring.

    ``ask`` shows a prompt and returns what the user typed; ``say`` prints a line. Nothing
    secret is ever passed to ``say``.
    """
    state = pysecrets.token_urlsafe(16)
    say("Open this address, sign in to Dinero and allow the dunning bridge access:")
    say(authorize_url(client_id, redirect_uri, state))
    answer = ask("Paste the address you were sent back to (or just its code)")
    code = code_from(answer, state)
    register_secret(client_secret)
    endpoint = TokenEndpoint(
        client_id=client_id,
        client_secret=client_secret,
        tenant=tenant,
        transport=transport,
        clock=clock,
    )
    try:
        tokens = endpoint.exchange(code, redirect_uri)
    finally:
        endpoint.close()
    if tokens.refresh_token is None:
        raise AuthError(
            "Visma Connect gave no refresh token; the app needs the offline_access scope"
        )
    # Refresh token first: it is the one that cannot be recovered without a new consent. With
    # a store key it goes to the database, where every daemon finds it.
    keeper = rotating_tokens(secrets, CREDENTIAL, TOKEN_NAMES)
    keeper.replace(TokenState(tokens.refresh_token, tokens.access_token, tokens.expires_at))
    secrets.set(CLIENT_ID, client_id)
    secrets.set(CLIENT_SECRET, client_secret)
    where = "the keyring" if isinstance(keeper, SecretsTokens) else "the database (sealed)"
    say(f"Stored the Dinero tokens of tenant {tenant!r} in {where}.")
    return tokens
