"""Dinero's OAuth: refresh before expiry and once on 401, rotation stored first, no races."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bridge.vocab.errors import AuthError
from bridge.vocab.faults import Fault
from bridge.vocab.redact import redact_text
from bridge.vocab.secrets import StaticSecrets
from connectors.dinero.auth import (
    ACCESS_EXPIRES,
    ACCESS_TOKEN,
    AUTHORIZE_URL,
    REFRESH_TOKEN,
    DineroAuth,
    authorize,
    authorize_url,
    code_from,
    oauth_error,
    open_tokens,
)
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.recorded import load
from tests.connectors.dinero.support import TODAY, open_session, secrets


def _client(sandbox: DineroSandbox, store: StaticSecrets) -> httpx.Client:
    tokens = open_tokens("demo", store, transport=sandbox.transport())
    return httpx.Client(
        base_url="https://api.dinero.dk", auth=DineroAuth(tokens), transport=sandbox.transport()
    )


def _org(sandbox: DineroSandbox) -> str:
    return f"/v1/{sandbox.organization}/sales/settings"


def test_a_fresh_stored_token_is_used_without_a_refresh(sandbox: DineroSandbox) -> None:
    store = secrets()
    client = _client(sandbox, store)
    assert client.get(_org(sandbox)).status_code == 200
    assert sandbox.token_requests == ["refresh_token"]
    # The next session finds the stored token still good for an hour.
    again = _client(sandbox, store)
    assert again.get(_org(sandbox)).status_code == 200
    assert sandbox.token_requests == ["refresh_token"]


def test_a_token_within_a_minute_of_expiry_is_refreshed_first(sandbox: DineroSandbox) -> None:
    store = secrets()
    _client(sandbox, store).get(_org(sandbox))
    soon = datetime.now(UTC) + timedelta(seconds=59)
    store.set(ACCESS_EXPIRES, soon.isoformat())
    _client(sandbox, store).get(_org(sandbox))
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]
    sandbox.token_requests.clear()
    store.set(ACCESS_EXPIRES, (datetime.now(UTC) + timedelta(seconds=120)).isoformat())
    _client(sandbox, store).get(_org(sandbox))
    assert sandbox.token_requests == []


def test_a_401_refreshes_once_and_retries(sandbox: DineroSandbox) -> None:
    store = secrets()
    client = _client(sandbox, store)
    client.get(_org(sandbox))
    sandbox.expire_access_tokens()  # the server disagrees with our clock
    store.set(ACCESS_EXPIRES, (datetime.now(UTC) + timedelta(hours=1)).isoformat())
    assert client.get(_org(sandbox)).status_code == 200
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]


def test_a_second_401_is_not_refreshed_again() -> None:
    grants: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "connect.visma.com":
            grants.append("refresh")
            return httpx.Response(
                200, json={"access_token": f"tok-{len(grants)}", "expires_in": 3600}
            )
        return httpx.Response(401)

    store = secrets()
    tokens = open_tokens("demo", store, transport=httpx.MockTransport(handler))
    client = httpx.Client(auth=DineroAuth(tokens), transport=httpx.MockTransport(handler))
    assert client.get("https://api.dinero.dk/v1/organizations").status_code == 401
    assert grants == ["refresh", "refresh"]  # one to start, one on the 401: never a loop


def test_reuse_mode_keeps_the_refresh_token(sandbox: DineroSandbox) -> None:
    store = secrets()
    _client(sandbox, store).get(_org(sandbox))
    assert store.get(REFRESH_TOKEN) == DineroSandbox.REFRESH_TOKEN


def test_rotating_mode_stores_the_new_token_before_using_it(sandbox: DineroSandbox) -> None:
    sandbox.set_refresh_mode("rotating")
    order: list[str] = []

    class Watching(StaticSecrets):
        def set(self, name: str, value: str) -> None:
            order.append(name)
            super().set(name, value)

    store = Watching("demo", secrets()._values)
    _client(sandbox, store).get(_org(sandbox))
    assert order == [REFRESH_TOKEN, ACCESS_TOKEN, ACCESS_EXPIRES]
    rotated = store.get(REFRESH_TOKEN)
    assert rotated != DineroSandbox.REFRESH_TOKEN
    assert sandbox.state.refresh_tokens == [rotated]  # the old one is spent
    # The next refresh spends the rotated token, not the original.
    sandbox.expire_access_tokens()
    store.set(ACCESS_EXPIRES, datetime(2000, 1, 1, tzinfo=UTC).isoformat())
    assert _client(sandbox, store).get(_org(sandbox)).status_code == 200


def test_two_sessions_never_race_a_rotating_refresh(sandbox: DineroSandbox) -> None:
    sandbox.set_refresh_mode("rotating")
    store = secrets()
    results: list[int] = []
    start = threading.Barrier(4)

    def work() -> None:
        client = _client(sandbox, store)
        start.wait()
        results.append(client.get(_org(sandbox)).status_code)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200, 200, 200, 200]
    assert sandbox.token_requests == ["refresh_token"]


def test_a_spent_refresh_token_is_invalid_grant_with_a_fix(sandbox: DineroSandbox) -> None:
    sandbox.set_refresh_mode("rotating")
    store = secrets()
    _client(sandbox, store).get(_org(sandbox))
    stale = secrets()  # still holds the original, already rotated away
    with pytest.raises(AuthError, match="dunning-bridge authorize demo") as caught:
        _client(sandbox, stale).get(_org(sandbox))
    assert caught.value.vendor_code == "invalid_grant"
    assert DineroSandbox.REFRESH_TOKEN not in str(caught.value)


def test_a_wrong_client_secret_names_the_credentials(sandbox: DineroSandbox) -> None:
    store = StaticSecrets(
        "demo",
        {
            "client_id": DineroSandbox.CLIENT_ID,
            "client_secret": "wrong-secret-value",
            "refresh_token": DineroSandbox.REFRESH_TOKEN,
        },
    )
    with pytest.raises(AuthError, match="client id or secret"):
        _client(sandbox, store).get(_org(sandbox))


def test_the_token_endpoint_is_retried_through_5xx_and_drops(sandbox: DineroSandbox) -> None:
    # Drops never reached Visma Connect; the 503 and the time-out may have, so they are sent
    # again only at once (within the shortest grace period) and at most twice.
    sandbox.inject(Fault("drop", path_prefix="/connect/", times=2))
    sandbox.inject(Fault("status", status=503, path_prefix="/connect/", times=1))
    sandbox.inject(Fault("timeout_after_commit", path_prefix="/connect/", times=1))
    assert _client(sandbox, secrets()).get(_org(sandbox)).status_code == 200


def test_tokens_never_reach_messages(sandbox: DineroSandbox) -> None:
    store = secrets()
    _client(sandbox, store).get(_org(sandbox))
    access = store.get(ACCESS_TOKEN)
    assert redact_text(f"failed with Bearer {access}") == "failed with Bearer ***"
    assert DineroSandbox.CLIENT_SECRET not in redact_text(f"secret {DineroSandbox.CLIENT_SECRET}")


def test_the_recorded_invalid_grant_body_is_understood() -> None:
    body = load("error_unauthorized_grant.json")
    response = httpx.Response(400, json=body)
    assert oauth_error(response) == "invalid_grant"
    assert oauth_error(httpx.Response(400, json={"error": "invalid_grant"})) == "invalid_grant"
    assert oauth_error(httpx.Response(400, content=b"<html>")) is None


# -- the one-time set-up ----------------------------------------------------------------------


def test_authorize_prints_the_url_takes_the_code_and_stores_tokens(
    sandbox: DineroSandbox,
) -> None:
    lines: list[str] = []
    store = StaticSecrets("acme", {})
    captured: dict[str, str] = {}

    def ask(prompt: str) -> str:
        url = next(line for line in lines if line.startswith(AUTHORIZE_URL))
        state = httpx.URL(url).params["state"]
        captured["url"] = url
        return f"https://bridge.example.dk/callback?code={DineroSandbox.AUTH_CODE}&state={state}"

    authorize(
        "acme",
        store,
        client_id=DineroSandbox.CLIENT_ID,
        client_secret=DineroSandbox.CLIENT_SECRET,
        redirect_uri="https://bridge.example.dk/callback",
        ask=ask,
        say=lines.append,
        transport=sandbox.transport(),
    )
    params = httpx.URL(captured["url"]).params
    assert params["client_id"] == DineroSandbox.CLIENT_ID
    assert "offline_access" in params["scope"]
    assert params["response_type"] == "code"
    assert store.get(REFRESH_TOKEN).startswith("sbx-refresh-")
    assert store.get("client_secret") == DineroSandbox.CLIENT_SECRET
    assert not any(store.get(REFRESH_TOKEN) in line for line in lines)
    assert sandbox.token_requests == ["authorization_code"]


def test_code_from_reads_a_url_or_a_bare_code() -> None:
    assert code_from("abc123", "s1") == "abc123"
    assert code_from("https://x.example/cb?code=abc&state=s1", "s1") == "abc"
    with pytest.raises(AuthError, match="another authorization attempt"):
        code_from("https://x.example/cb?code=abc&state=other", "s1")
    with pytest.raises(AuthError, match="refused the consent"):
        code_from("https://x.example/cb?error=access_denied&state=s1", "s1")
    with pytest.raises(AuthError, match="no authorization code"):
        code_from("https://x.example/cb?state=s1", "s1")
    with pytest.raises(AuthError):
        code_from("   ", "s1")


def test_authorize_url_asks_for_offline_access() -> None:
    url = httpx.URL(authorize_url("isv_x", "https://cb.example/", "st"))
    assert str(url).startswith(AUTHORIZE_URL)
    assert url.params["scope"] == "dineropublicapi:read dineropublicapi:write offline_access"


def test_a_session_counts_token_requests(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, organization_id=sandbox.organization)
    session.fetch(TODAY, None)
    assert session.tokens.endpoint.requests == 1


def test_the_reauthorize_hint_names_a_real_command() -> None:
    import re  # noqa: PLC0415

    from typer.main import get_command  # noqa: PLC0415

    from bridge.surfaces.cli import app  # noqa: PLC0415
    from connectors.dinero.auth import reauthorize_hint  # noqa: PLC0415

    hint = reauthorize_hint("demo")
    found = re.search(r"`dunning-bridge (\S+) demo`", hint)
    assert found is not None, hint
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert found.group(1) in commands
    assert found.group(1) == "authorize"


class _Counting(StaticSecrets):
    """Secrets that count reads of the access token (each a store read and unseal)."""

    reads = 0

    def get(self, name: str) -> str:
        if name == ACCESS_TOKEN:
            type(self).reads += 1
        return super().get(name)


def test_a_session_reads_the_stored_token_once_not_per_request(sandbox: DineroSandbox) -> None:
    """Thousands of requests a cycle reuse the token while it stays valid."""
    store = _Counting("demo", secrets()._values)
    _Counting.reads = 0
    client = _client(sandbox, store)
    for _ in range(50):
        assert client.get(_org(sandbox)).status_code == 200
    assert sandbox.token_requests == ["refresh_token"]
    assert _Counting.reads <= 3  # open's check; the first request's read and its refresh's


def test_a_kept_token_the_vendor_refuses_is_replaced_by_the_stored_one(
    sandbox: DineroSandbox,
) -> None:
    """Another daemon refreshed (the vendor dropped our token): the 401 finds its token."""
    store = secrets()
    ours = _client(sandbox, store)
    assert ours.get(_org(sandbox)).status_code == 200
    sandbox.expire_access_tokens()
    other = _client(sandbox, store)
    store.set(ACCESS_EXPIRES, datetime(2000, 1, 1, tzinfo=UTC).isoformat())
    assert other.get(_org(sandbox)).status_code == 200  # the other daemon's refresh
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]
    assert ours.get(_org(sandbox)).status_code == 200  # 401, then the stored token
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]


def test_a_token_kept_in_the_session_is_refreshed_before_it_expires(
    sandbox: DineroSandbox,
) -> None:
    now = [datetime.now(UTC)]
    store = secrets()
    tokens = open_tokens("demo", store, transport=sandbox.transport(), clock=lambda: now[0])
    client = httpx.Client(
        base_url="https://api.dinero.dk", auth=DineroAuth(tokens), transport=sandbox.transport()
    )
    assert client.get(_org(sandbox)).status_code == 200
    assert sandbox.token_requests == ["refresh_token"]
    expires = datetime.fromisoformat(store.get(ACCESS_EXPIRES))
    now[0] = expires - timedelta(seconds=61)  # a second more than the early margin
    assert client.get(_org(sandbox)).status_code == 200
    assert sandbox.token_requests == ["refresh_token"]
    now[0] = expires - timedelta(seconds=60)  # the last minute begins: refreshed first
    assert client.get(_org(sandbox)).status_code == 200
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]
