"""Secrets never reach logs, error messages or exceptions."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import structlog
from hypothesis import given
from hypothesis import strategies as st

from bridge.infra.http import build_client
from bridge.infra.http_status import raise_for_vendor
from bridge.vocab.errors import AuthError
from bridge.vocab.redact import (
    MAX_KNOWN_VALUES,
    REDACTED,
    forget_secrets,
    is_secret_name,
    known_secret_count,
    redact_headers,
    redact_mapping,
    redact_processor,
    redact_text,
    redact_url,
    redact_value,
    register_secret,
)


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


@pytest.mark.parametrize(
    "name",
    [
        "X-AppSecretToken",
        "X-AgreementGrantToken",
        "Authorization",
        "Proxy-Authorization",
        "refresh_token",
        "client_secret",
        "password",
        "api_key",
        "Cookie",
        "agreement_grant_token",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name", ["Idempotency-Key", "letter_key", "Content-Type", "customer", "status", "url"]
)
def test_public_names(name: str) -> None:
    assert not is_secret_name(name)


def test_headers_are_masked_by_name() -> None:
    headers = httpx.Headers(
        {
            "X-AppSecretToken": "app-123456789",
            "X-AgreementGrantToken": "grant-123456789",
            "Authorization": "Bearer abc.def.ghi",
            "Idempotency-Key": "dl-0001",
            "Accept": "application/json",
        }
    )
    out = redact_headers(headers)
    assert out["x-appsecrettoken"] == REDACTED
    assert out["x-agreementgranttoken"] == REDACTED
    assert out["authorization"] == REDACTED
    assert out["idempotency-key"] == "dl-0001"
    assert out["accept"] == "application/json"


def test_url_query_and_userinfo_are_masked() -> None:
    url = "https://user:pw@api.example.test/x?access_token=T0KEN-VALUE&filter=a$eq:1&page=2"
    out = redact_url(url)
    assert "T0KEN-VALUE" not in out
    assert ":pw@" not in out
    assert "access_token=***" in out
    assert "filter=a$eq:1" in out
    assert "page=2" in out


def test_free_text_fragments_are_masked() -> None:
    text = (
        "sent X-AppSecretToken: abcdef123 and grant_token=zzz999 to host; Authorization: Bearer qwe"
    )
    out = redact_text(text)
    assert "abcdef123" not in out
    assert "zzz999" not in out
    assert "qwe" not in out


def test_registered_values_are_scrubbed_anywhere() -> None:
    register_secret("s3cr3t-value-from-keyring")
    assert redact_text("boom: s3cr3t-value-from-keyring!") == f"boom: {REDACTED}!"


def test_short_values_are_not_registered() -> None:
    register_secret("demo")
    assert redact_text("the demo tenant") == "the demo tenant"


def test_mapping_masks_nested_keys_and_values() -> None:
    register_secret("grant-value-0123456")
    event = {
        "event": "request failed with grant-value-0123456",
        "headers": {"X-AgreementGrantToken": "grant-value-0123456", "Accept": "json"},
        "url": httpx.URL("https://api.example.test/?password=hunter22"),
        "attempts": [{"token": "x1"}, "grant-value-0123456"],
        "count": 3,
    }
    out = redact_mapping(event)
    assert "grant-value-0123456" not in repr(out)
    assert "hunter22" not in repr(out)
    assert out["headers"]["Accept"] == "json"
    assert out["count"] == 3


def test_structlog_processor_redacts_events() -> None:
    register_secret("app-secret-value-42")
    out = redact_processor(None, "info", {"event": "x", "app_secret_token": "app-secret-value-42"})
    assert out == {"event": "x", "app_secret_token": REDACTED}


def test_exceptions_from_the_http_stack_carry_no_secret() -> None:
    register_secret("grant-token-abcdef")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"message": "bad token grant-token-abcdef"})

    client = build_client(
        base_url="https://api.example.test", auth=None, transport=httpx.MockTransport(handler)
    )
    response = client.get("/x", params={"token": "grant-token-abcdef"})
    with pytest.raises(AuthError) as caught:
        raise_for_vendor(response)
    assert "grant-token-abcdef" not in str(caught.value)
    assert "grant-token-abcdef" not in repr(caught.value.args)
    client.close()


def test_logged_requests_carry_no_secret() -> None:
    register_secret("live-app-secret-99")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    client = build_client(
        base_url="https://api.example.test", auth=None, transport=httpx.MockTransport(handler)
    )
    with structlog.testing.capture_logs(processors=[redact_processor]) as logs:
        client.get("/x", params={"secret": "live-app-secret-99"})
        structlog.get_logger().info("oops", detail="live-app-secret-99")
    assert logs
    assert "live-app-secret-99" not in repr(logs)
    client.close()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=8, max_size=40))
def test_any_registered_secret_disappears_from_text(secret: str) -> None:
    register_secret(secret)
    try:
        assert secret not in redact_text(f"before {secret} after")
    finally:
        forget_secrets([secret])


def test_the_registry_is_bounded_and_keeps_the_secrets_in_use() -> None:
    in_use = "app-secret-still-in-use"
    register_secret(in_use)
    expired = [f"access-token-{n:06d}" for n in range(MAX_KNOWN_VALUES)]
    for number, token in enumerate(expired):
        register_secret(token)
        if number % 1000 == 0:
            register_secret(in_use)  # read again by each new session: the newest again
    assert known_secret_count() == MAX_KNOWN_VALUES
    # Not registered again here: the reads during the flood must have kept it.
    assert redact_text(f"x {in_use} y") == f"x {REDACTED} y"
    # The oldest tokens (long expired) made room; the newest are still scrubbed.
    assert redact_text(expired[0]) == expired[0]
    assert redact_text(expired[-1]) == REDACTED


def test_registering_a_known_secret_again_makes_it_the_newest() -> None:
    first, second = "first-secret-value", "second-secret-value"
    register_secret(first)
    register_secret(second)
    register_secret(first)  # read again: now the newest
    fillers = [f"filler-token-{n:06d}" for n in range(MAX_KNOWN_VALUES - 1)]
    for token in fillers:
        register_secret(token)
    assert known_secret_count() == MAX_KNOWN_VALUES
    assert redact_text(second) == second  # the oldest went
    assert redact_text(first) == REDACTED  # the one read again stayed
    assert redact_text(fillers[0]) == REDACTED


def test_query_strings_are_scrubbed_in_urls_and_in_text() -> None:
    register_secret("registered-value-42")
    url = httpx.URL("https://api.example.test/v1?apikey=K3Y-VALUE&q=registered-value-42&page=2")
    for out in (redact_url(url), redact_value(url), str(redact_value([url])[0])):
        assert "K3Y-VALUE" not in out
        assert "registered-value-42" not in out
        assert "page=2" in out
    text = "GET /v1/invoices?client_secret=S3CRET-VALUE&page=2 failed"
    assert redact_text(text) == "GET /v1/invoices?client_secret=***&page=2 failed"
    assert redact_value(text) == redact_text(text)


def test_a_url_without_query_or_user_is_left_as_it_is() -> None:
    url = "https://api.example.test/v1/invoices/17"
    assert redact_url(url) == url
