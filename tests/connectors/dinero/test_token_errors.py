"""Visma Connect's OAuth errors, each with its own fix, and no blind resend of a refresh."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bridge.vocab.errors import AuthError, Transient
from bridge.vocab.faults import Fault
from bridge.vocab.secrets import StaticSecrets
from connectors.dinero.auth import REFRESH_TOKEN, TokenEndpoint, oauth_advice, open_tokens
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import TODAY, secrets

TOKEN_URL = "https://connect.visma.com/connect/token"


def _form(token: str = DineroSandbox.REFRESH_TOKEN) -> dict[str, str]:
    return {
        "grant_type": "refresh_token",
        "refresh_token": token,
        "client_id": DineroSandbox.CLIENT_ID,
        "client_secret": DineroSandbox.CLIENT_SECRET,
    }


def _stepping(step: timedelta) -> Callable[[], datetime]:
    """A clock that moves ``step`` forward at every reading."""
    now = [datetime(2026, 3, 16, 7, tzinfo=UTC)]

    def clock() -> datetime:
        now[0] += step
        return now[0]

    return clock


def test_a_wrong_client_secret_is_invalid_client_not_a_refused_refresh_token(
    sandbox: DineroSandbox,
) -> None:
    store = StaticSecrets(
        "demo",
        {
            "client_id": DineroSandbox.CLIENT_ID,
            "client_secret": "wrong-secret-value",
            "refresh_token": DineroSandbox.REFRESH_TOKEN,
        },
    )
    with pytest.raises(AuthError) as caught:
        open_tokens("demo", store, transport=sandbox.transport()).current()
    message = str(caught.value)
    assert caught.value.vendor_code == "invalid_client"
    assert caught.value.status == 400  # Visma Connect takes the credentials in the form body
    assert "refresh token" not in message
    assert "dunning-bridge secrets set demo client_secret" in message


def test_the_sandbox_answers_invalid_client_with_400(sandbox: DineroSandbox) -> None:
    answer = httpx.Client(transport=sandbox.transport()).post(
        TOKEN_URL, data={**_form(), "client_secret": "nope"}
    )
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_client"}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("invalid_grant", "dunning-bridge authorize demo"),
        ("invalid_client", "dunning-bridge secrets set demo client_secret"),
        ("unauthorized_client", "Visma Connect"),
        ("invalid_scope", "offline_access"),
        ("unsupported_grant_type", "unsupported_grant_type"),
        (None, "no OAuth error code"),
    ],
)
def test_each_oauth_error_names_its_fix(code: str | None, words: str) -> None:
    advice = oauth_advice(code, "demo", grant="refresh_token")
    assert words in advice
    if code != "invalid_grant":
        assert "dunning-bridge authorize" not in advice or code == "invalid_scope"


def test_the_sandbox_grace_period_accepts_a_rotated_token_for_a_while() -> None:
    moments = [datetime(2026, 3, 16, 7, tzinfo=UTC)]
    sandbox = DineroSandbox.demo(TODAY, clock=lambda: moments[0])
    sandbox.set_refresh_mode("rotating", grace_seconds=10)
    http = httpx.Client(transport=sandbox.transport())
    assert http.post(TOKEN_URL, data=_form()).status_code == 200
    moments[0] += timedelta(seconds=9)
    assert http.post(TOKEN_URL, data=_form()).status_code == 200
    moments[0] += timedelta(seconds=2)
    late = http.post(TOKEN_URL, data=_form())
    assert late.status_code == 400
    assert late.json() == {"error": "invalid_grant"}


def test_a_lost_refresh_answer_is_not_resent_once_the_grace_period_may_be_over(
    sandbox: DineroSandbox,
) -> None:
    sandbox.set_refresh_mode("rotating", grace_seconds=5)
    sandbox.inject(Fault("timeout_after_commit", path_prefix="/connect/", times=1))
    store = secrets()
    clock = _stepping(timedelta(seconds=30))
    tokens = open_tokens("demo", store, transport=sandbox.transport(), clock=clock)
    with pytest.raises(Transient, match="may have been spent") as caught:
        tokens.current()
    assert "dunning-bridge authorize demo" in str(caught.value)
    assert sandbox.token_requests == ["refresh_token"]
    assert store.get(REFRESH_TOKEN) == DineroSandbox.REFRESH_TOKEN


def test_a_lost_refresh_answer_is_resent_at_once_within_the_grace_period(
    sandbox: DineroSandbox,
) -> None:
    sandbox.set_refresh_mode("rotating", grace_seconds=5)
    sandbox.inject(Fault("timeout_after_commit", path_prefix="/connect/", times=1))
    store = secrets()
    tokens = open_tokens("demo", store, transport=sandbox.transport())
    assert tokens.current()
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]
    assert store.get(REFRESH_TOKEN) != DineroSandbox.REFRESH_TOKEN


def test_an_unreadable_refresh_answer_is_not_asked_again_blindly(sandbox: DineroSandbox) -> None:
    for _ in range(3):
        sandbox.inject(Fault("malformed", path_prefix="/connect/", times=1))
    endpoint = TokenEndpoint(
        client_id=DineroSandbox.CLIENT_ID,
        client_secret=DineroSandbox.CLIENT_SECRET,
        tenant="demo",
        transport=sandbox.transport(),
    )
    with pytest.raises(Transient, match="may have been spent"):
        endpoint.refresh(DineroSandbox.REFRESH_TOKEN)
    # One first try and at most two resends, all within the grace period's minimum of 5 s.
    assert sandbox.token_requests == ["refresh_token"] * 3
