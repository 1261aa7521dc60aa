"""e-conomic's auth: two static tokens sent as headers on every call (no expiry, no refresh).

``X-AppSecretToken`` identifies our app, ``X-AgreementGrantToken`` the customer's agreement.
A 401/403 means the grant was revoked or a token is wrong: nothing to refresh, a human must
store new tokens, and the error says how.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from bridge.infra.http import StatusRule, rule
from bridge.vocab.connector import SecretStore
from bridge.vocab.errors import AuthError
from bridge.vocab.redact import register_secret

# The names under which the tokens are stored (never the tokens themselves).
APP_SECRET = "app_secret_token"  # noqa: S105
AGREEMENT_GRANT = "agreement_grant_token"
SECRET_NAMES = (APP_SECRET, AGREEMENT_GRANT)

APP_SECRET_HEADER = "X-AppSecretToken"  # noqa: S105
AGREEMENT_GRANT_HEADER = "X-AgreementGrantToken"


class EconomicAuth(httpx.Auth):
    """Add the two token headers and the JSON content type to every request."""

    def __init__(self, secrets: SecretStore) -> None:
        # Read both now: a missing secret stops the tenant at open, with SecretMissing's
        # message saying how to store it, instead of failing mid-cycle.
        self._app_secret = secrets.get(APP_SECRET)
        self._grant = secrets.get(AGREEMENT_GRANT)
        register_secret(self._app_secret)
        register_secret(self._grant)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign the request; e-conomic has no challenge or refresh to answer."""
        request.headers[APP_SECRET_HEADER] = self._app_secret
        request.headers[AGREEMENT_GRANT_HEADER] = self._grant
        request.headers.setdefault("Content-Type", "application/json")
        yield request


def auth_rules(tenant: str) -> tuple[StatusRule, ...]:
    """Status rows that turn 401/403 into an AuthError saying how this tenant fixes it."""
    fix = (
        f"store new tokens with `dunning-bridge secrets set {tenant} {AGREEMENT_GRANT}` "
        f"(and `{APP_SECRET}` if the app's secret was reset)"
    )
    return (
        rule(
            401,
            AuthError,
            f"e-conomic refused the tokens of tenant {tenant!r}: the agreement grant was revoked "
            f"or a token is wrong; {fix}",
        ),
        rule(
            403,
            AuthError,
            f"e-conomic denied tenant {tenant!r} access: the app lacks a role on this agreement "
            f"or the grant was revoked; {fix}",
        ),
    )
