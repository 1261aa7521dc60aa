"""Fortnox OAuth: service accounts, rotating refresh tokens, expiry, races and revocation."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from bridge.vocab.errors import AuthError, ConfigError, SecretMissing
from bridge.vocab.redact import redact_text
from bridge.vocab.secrets import StaticSecrets
from connectors.fortnox import CONNECTOR, auth
from connectors.fortnox.auth import (
    CLIENT_ID,
    CLIENT_SECRET,
    CODE,
    REFRESH_TOKEN,
    SERVICE,
    TENANT_ID,
    choose_route,
)
from connectors.fortnox.sandbox.server import FortnoxSandbox
from connectors.fortnox.session import FortnoxSession
from tests.connectors.fortnox.conftest import TODAY, context

TOKEN = ("POST", "/oauth-v1/token")


class Clock:
    """A settable clock for the sandbox (token expiry, refresh-token age)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class RecordingSecrets(StaticSecrets):
    """Secrets that note when each one was stored, counted in sandbox requests so far."""

    def __init__(self, values: dict[str, str], sandbox: FortnoxSandbox) -> None:
        super().__init__("t", values)
        self.sandbox = sandbox
        self.stored: list[tuple[str, int]] = []

    def set(self, name: str, value: str) -> None:
        self.stored.append((name, len(self.sandbox.requests)))
        super().set(name, value)


def _code_secrets(sandbox: FortnoxSandbox) -> dict[str, str]:
    return {
        CLIENT_ID: FortnoxSandbox.CLIENT_ID,
        CLIENT_SECRET: FortnoxSandbox.CLIENT_SECRET,
        REFRESH_TOKEN: sandbox.authorize(),
    }


def _open(sandbox: FortnoxSandbox, secrets: StaticSecrets, **options: str) -> FortnoxSession:
    ctx = context(sandbox.transport(), options=options)
    opened = CONNECTOR.open(
        type(ctx)(
            tenant="t",
            country="SE",
            mode=ctx.mode,
            secrets=secrets,
            transport=ctx.transport,
            options=ctx.options,
        )
    )
    assert isinstance(opened, FortnoxSession)
    return opened


def _customers(session: FortnoxSession) -> int:
    return len(list(session.client.customers()))


def test_sandbox_credentials_match_the_descriptor() -> None:
    assert CONNECTOR.sandbox_secrets == {
        CLIENT_ID: FortnoxSandbox.CLIENT_ID,
        CLIENT_SECRET: FortnoxSandbox.CLIENT_SECRET,
        TENANT_ID: FortnoxSandbox.TENANT_ID,
    }


def test_service_account_uses_client_credentials_with_the_tenant_id() -> None:
    sandbox = FortnoxSandbox(TODAY)
    seen: list[dict[str, str]] = []
    session = _open(sandbox, StaticSecrets("t", dict(CONNECTOR.sandbox_secrets)))
    assert session.auth.route == SERVICE
    request = session.auth._token_request()
    seen.append(dict(request.headers))
    form = parse_qs(request.content.decode())
    assert form == {"grant_type": ["client_credentials"]}
    assert seen[0]["tenantid"] == FortnoxSandbox.TENANT_ID
    basic = base64.b64decode(seen[0]["authorization"].split()[1]).decode()
    assert basic == f"{FortnoxSandbox.CLIENT_ID}:{FortnoxSandbox.CLIENT_SECRET}"
    assert _customers(session) == 0
    assert sandbox.requests[0] == TOKEN


def test_one_token_serves_every_session_of_the_tenant(sandbox: FortnoxSandbox) -> None:
    secrets = StaticSecrets("t", dict(CONNECTOR.sandbox_secrets))
    for _ in range(3):
        session = _open(sandbox, secrets)
        _customers(session)
        session.close()
    assert sandbox.requests.count(TOKEN) == 1


def test_the_route_follows_the_stored_secrets_or_the_option() -> None:
    assert choose_route(StaticSecrets("t", {TENANT_ID: "1"}), None) == SERVICE
    assert choose_route(StaticSecrets("t", {REFRESH_TOKEN: "r"}), None) == CODE
    assert choose_route(StaticSecrets("t", {}), None) == SERVICE
    assert choose_route(StaticSecrets("t", {TENANT_ID: "1"}), "code") == CODE
    with pytest.raises(ConfigError, match="'auth' must be one of"):
        choose_route(StaticSecrets("t", {}), "password")


def test_missing_secrets_stop_the_tenant_at_open_with_the_fix(sandbox: FortnoxSandbox) -> None:
    with pytest.raises(SecretMissing, match="dunning-bridge secrets set t tenant_id"):
        _open(sandbox, StaticSecrets("t", {CLIENT_ID: "a", CLIENT_SECRET: "b"}), auth="service")
    with pytest.raises(SecretMissing, match="client_secret"):
        _open(sandbox, StaticSecrets("t", {CLIENT_ID: "a", TENANT_ID: "1"}))


def test_a_rotated_refresh_token_is_stored_before_the_new_access_token_is_used(
    sandbox: FortnoxSandbox,
) -> None:
    values = _code_secrets(sandbox)
    first = values[REFRESH_TOKEN]
    secrets = RecordingSecrets(values, sandbox)
    session = _open(sandbox, secrets)
    assert session.auth.route == CODE
    _customers(session)
    # Stored after the token answer (1 request) and before the first API call (the 2nd).
    assert secrets.stored == [(REFRESH_TOKEN, 1)]
    assert sandbox.requests[:2] == [
        TOKEN,
        ("GET", "/3/customers?sortby=customernumber&page=1&limit=500"),
    ]
    rotated = secrets.get(REFRESH_TOKEN)
    assert rotated != first
    # The old token died when it was used: a second process still holding it is refused.
    stale = StaticSecrets("t", {**values, REFRESH_TOKEN: first})
    auth.forget_tokens()
    with pytest.raises(AuthError, match="invalid_grant") as caught:
        _customers(_open(sandbox, stale))
    assert f"dunning-bridge secrets set t {REFRESH_TOKEN}" in str(caught.value)


def test_a_daemon_down_for_thirty_days_still_refreshes_but_not_after_45() -> None:
    clock = Clock()
    sandbox = FortnoxSandbox(TODAY, clock=clock)
    secrets = StaticSecrets("t", _code_secrets(sandbox))
    _customers(_open(sandbox, secrets))
    clock.now += timedelta(days=30)
    auth.forget_tokens()
    assert _customers(_open(sandbox, secrets)) == 0
    clock.now += timedelta(days=45, minutes=1)
    auth.forget_tokens()
    with pytest.raises(AuthError, match="unused for 45 days"):
        _customers(_open(sandbox, secrets))


def test_an_expired_access_token_is_refreshed_once_and_the_call_repeated(
    sandbox: FortnoxSandbox,
) -> None:
    secrets = StaticSecrets("t", _code_secrets(sandbox))
    session = _open(sandbox, secrets)
    _customers(session)
    sandbox.expire_access_tokens()
    assert _customers(session) == len(sandbox.state()["customers"])
    calls = [r for r in sandbox.requests if r[1].startswith("/3/customers")]
    assert sandbox.requests.count(TOKEN) == 2
    assert len(calls) == 3  # the refused one and its repeat


def test_a_revoked_integration_stops_the_tenant(sandbox: FortnoxSandbox) -> None:
    session = _open(sandbox, StaticSecrets("t", dict(CONNECTOR.sandbox_secrets)))
    _customers(session)
    sandbox.revoke_grant()
    with pytest.raises(AuthError, match=r"invalid_grant.*service account"):
        _customers(session)


def test_a_wrong_client_secret_names_the_secrets_to_store(sandbox: FortnoxSandbox) -> None:
    values = {**CONNECTOR.sandbox_secrets, CLIENT_SECRET: "wrong-client-secret-value"}
    with pytest.raises(AuthError, match="invalid_client") as caught:
        _customers(_open(sandbox, StaticSecrets("t", values)))
    assert "secrets set t client_id" in str(caught.value)
    assert "wrong-client-secret-value" not in str(caught.value)
    assert "wrong-client-secret-value" not in redact_text("secret wrong-client-secret-value")


def test_concurrent_sessions_refresh_once(sandbox: FortnoxSandbox) -> None:
    secrets = StaticSecrets("t", _code_secrets(sandbox))
    sessions = [_open(sandbox, secrets) for _ in range(4)]
    barrier = threading.Barrier(len(sessions))
    failures: list[BaseException] = []

    def work(session: FortnoxSession) -> None:
        barrier.wait()
        try:
            _customers(session)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sandbox.requests.count(TOKEN) == 1


def test_tokens_never_reach_logs_or_errors(sandbox: FortnoxSandbox) -> None:
    secrets = StaticSecrets("t", _code_secrets(sandbox))
    session = _open(sandbox, secrets)
    _customers(session)
    rotated = secrets.get(REFRESH_TOKEN)
    assert rotated not in redact_text(f"refresh with {rotated} please")
    assert FortnoxSandbox.CLIENT_SECRET not in redact_text(f"x {FortnoxSandbox.CLIENT_SECRET}")
