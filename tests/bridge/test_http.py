"""The HTTP stack's client construction, error classification and JSON handling."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime

import httpx
import pytest
import structlog
from hypothesis import given
from hypothesis import strategies as st

from bridge.infra.http import build_client, stats_of
from bridge.infra.http_json import dump_json, parse_json
from bridge.infra.http_status import (
    DEFAULT_TABLE,
    VendorError,
    raise_for_vendor,
    retry_after_seconds,
    rule,
)
from bridge.infra.logs import configure
from bridge.infra.ratelimit import RateLimitedTransport
from bridge.vocab.connector import RateLimit
from bridge.vocab.errors import (
    AuthError,
    ConnectorError,
    MalformedResponse,
    NotFound,
    RateLimited,
    RejectedRequest,
    Transient,
)

URL = "https://api.example.test/v1/things?token=SECRET-IN-URL-123&page=2"


def _response(
    status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers, request=httpx.Request("GET", URL))


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, RejectedRequest),
        (401, AuthError),
        (403, AuthError),
        (404, NotFound),
        (408, Transient),
        (409, RejectedRequest),
        (422, RejectedRequest),
        (429, RateLimited),
        (500, Transient),
        (502, Transient),
        (503, Transient),
        (599, Transient),
    ],
)
def test_each_status_maps_to_its_class(status: int, error: type[ConnectorError]) -> None:
    with pytest.raises(ConnectorError) as caught:
        raise_for_vendor(_response(status))
    assert type(caught.value) is error
    assert caught.value.status == status


@pytest.mark.parametrize("status", [200, 201, 204, 304])
def test_success_does_not_raise(status: int) -> None:
    raise_for_vendor(_response(status))


def test_error_keeps_code_request_id_and_sanitized_url() -> None:
    body = json.dumps({"code": "E123", "message": "bad customer"}).encode()
    response = _response(422, body, {"X-Request-Id": "req-77"})
    with pytest.raises(RejectedRequest) as caught:
        raise_for_vendor(response)
    error = caught.value
    assert error.vendor_code == "E123"
    assert error.request_id == "req-77"
    assert error.url is not None
    assert "SECRET-IN-URL-123" not in error.url
    assert "SECRET-IN-URL-123" not in str(error)
    assert "page=2" in error.url
    assert "bad customer" in str(error)


def test_connector_rows_come_first_and_reader_is_used() -> None:
    table = DEFAULT_TABLE.with_rows(rule(404, Transient, "eventual consistency")).with_reader(
        lambda r: VendorError(code="V1", message="from the reader", request_id="log-1")
    )
    with pytest.raises(Transient) as caught:
        raise_for_vendor(_response(404, b"{}"), table)
    assert caught.value.vendor_code == "V1"
    assert caught.value.request_id == "log-1"
    assert "eventual consistency: from the reader" in str(caught.value)


def test_retry_after_seconds_header() -> None:
    with pytest.raises(RateLimited) as caught:
        raise_for_vendor(_response(429, headers={"Retry-After": "7"}))
    assert caught.value.retry_after == 7.0


def test_retry_after_http_date() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(header, now=now) == 90.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("soon", None), ("-5", 0.0), ("1.5", 1.5), ("Infinity", None)],
)
def test_retry_after_odd_values(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


def test_retry_after_date_in_the_past_is_zero() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    header = format_datetime(now - timedelta(minutes=5), usegmt=True)
    assert retry_after_seconds(header, now=now) == 0.0


def test_parse_json_reads_fractions_as_decimal() -> None:
    data = parse_json(_response(200, b'{"grossAmount": 10750.10, "n": 3}'))
    assert data == {"grossAmount": Decimal("10750.10"), "n": 3}
    assert isinstance(data["grossAmount"], Decimal)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"collection": [{"a": 1}', "truncated JSON"),
        (b"<html>Bad gateway</html>", "not JSON"),
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_parse_json_rejects_bad_bodies_clearly(body: bytes, says: str) -> None:
    with pytest.raises(MalformedResponse) as caught:
        parse_json(_response(200, body, {"content-type": "text/html"}))
    message = str(caught.value)
    assert says in message
    assert "SECRET-IN-URL-123" not in message


def test_dump_json_writes_decimals_exactly_and_refuses_floats() -> None:
    body = {"amount": Decimal("100.10"), "lines": [{"q": Decimal("1.00")}], "t": "æøå", "b": True}
    assert dump_json(body) == '{"amount":100.10,"lines":[{"q":1.00}],"t":"æøå","b":true}'.encode()
    with pytest.raises(TypeError):
        dump_json({"amount": 1.5})
    with pytest.raises(ValueError, match="non-finite"):
        dump_json({"amount": Decimal("NaN")})


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.text()
        | st.decimals(allow_nan=False, allow_infinity=False, places=2),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_dump_json_round_trips(value: object) -> None:
    assert json.loads(dump_json(value), parse_float=Decimal) == _normal(value)


def _normal(value: object) -> object:
    # Decimal("1E+2") is written as 100 and read back as the int 100: equal values.
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and "." not in format(value, "f")
            else value
        )
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


@pytest.fixture
def debug_logs() -> Iterator[None]:
    """Logs at debug level (a line per request), back to the default after."""
    configure("console", level="debug")
    try:
        yield
    finally:
        configure("console")


def test_build_client_counts_and_logs_without_secrets(debug_logs: None) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if request.url.path != "/missing" else 404, json={})

    client = build_client(
        base_url="https://api.example.test",
        auth=None,
        transport=httpx.MockTransport(handler),
    )
    with structlog.testing.capture_logs() as logs:
        client.get("/things", params={"api_key": "SECRET-KEY-999", "q": "x"})
        client.get("/missing")
    stats = stats_of(client)
    assert stats.total == 2
    assert stats.by_status == {200: 1, 404: 1}
    assert stats.by_method["GET"] == 2
    lines = [e for e in logs if e["event"] == "http.request"]
    assert [e["status"] for e in lines] == [200, 404]
    assert all(isinstance(e["elapsed_ms"], float) for e in lines)
    assert "SECRET-KEY-999" not in repr(logs)
    assert client.headers["User-Agent"].startswith("dunning-bridge/")
    client.close()


def test_a_client_at_info_level_builds_no_request_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below debug the line per request is not built (it would cost its redacted URL)."""
    redacted: list[object] = []
    monkeypatch.setattr("bridge.infra.http.redact_url", lambda url: redacted.append(url) or "")
    configure("console")
    client = build_client(
        base_url="https://api.example.test",
        auth=None,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})),
    )
    with structlog.testing.capture_logs() as logs:
        client.get("/things")
    assert [e for e in logs if e["event"] == "http.request"] == []
    assert redacted == []
    assert stats_of(client).total == 1  # still counted
    client.close()


def test_a_client_keeps_no_cookie_a_vendor_sets() -> None:
    """Vendors authenticate by token: a Set-Cookie is neither kept nor sent back."""
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, json={}, headers={"Set-Cookie": "session=abc123; Path=/"})

    client = build_client(
        base_url="https://api.example.test",
        auth=None,
        transport=httpx.MockTransport(handler),
    )
    client.get("/one")
    client.get("/two")
    assert seen == [None, None]
    assert list(client.cookies.jar) == []
    with pytest.raises(TypeError, match="no cookies"):
        client.cookies = {"session": "x"}  # type: ignore[assignment]
    client.close()


def test_build_client_paces_through_the_limiter() -> None:
    client = build_client(
        base_url="https://api.example.test",
        auth=None,
        transport=httpx.MockTransport(lambda r: httpx.Response(200)),
        limits=(RateLimit(5, 1.0),),
    )
    assert isinstance(client._transport, RateLimitedTransport)
    client.close()
