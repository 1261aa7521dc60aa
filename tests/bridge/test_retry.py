"""Retries happen where they cannot do a thing twice, honour the vendor, and stop in time."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
import structlog

from bridge.infra import retry
from bridge.infra.retry import RetryPolicy, send
from bridge.vocab.errors import (
    AuthError,
    ConnectorError,
    NotFound,
    RateLimited,
    RejectedRequest,
    Transient,
)

BASE = "https://api.example.test"
KEYED = RetryPolicy(idempotency_header="Idempotency-Key")


@pytest.fixture(autouse=True)
def no_waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Turn waits off and record what would have been waited."""
    waited: list[float] = []
    retry.set_waits(False)
    real = retry._sleep

    def record(seconds: float) -> None:
        waited.append(seconds)
        real(seconds)

    monkeypatch.setattr(retry, "_sleep", record)
    yield waited
    retry.set_waits(True)


class Script:
    """A transport that plays a list of answers (responses or exceptions) in order."""

    def __init__(self, *steps: int | tuple[int, dict[str, str]] | Exception) -> None:
        self.steps = list(steps)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        step = self.steps[min(self.calls, len(self.steps) - 1)]
        self.calls += 1
        if isinstance(step, Exception):
            raise step
        status, headers = step if isinstance(step, tuple) else (step, {})
        return httpx.Response(status, headers=headers, json={"ok": status < 400})


def _run(
    script: Script,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    policy: RetryPolicy = retry.DEFAULT_POLICY,
) -> httpx.Response:
    with httpx.Client(base_url=BASE, transport=httpx.MockTransport(script)) as client:
        request = client.build_request(method, "/things", headers=headers, content=b"{}")
        return send(client, request, policy=policy)


def test_get_is_retried_through_5xx(no_waits: list[float]) -> None:
    script = Script(500, 503, 200)
    assert _run(script).status_code == 200
    assert script.calls == 3
    assert len(no_waits) == 2


def test_429_honours_retry_after(no_waits: list[float]) -> None:
    script = Script((429, {"Retry-After": "3"}), 200)
    assert _run(script).status_code == 200
    assert no_waits == [3.0]


def test_429_on_a_write_without_key_is_retried_as_nothing_was_processed() -> None:
    script = Script((429, {"Retry-After": "1"}), 201)
    assert _run(script, "POST").status_code == 201
    assert script.calls == 2


def test_backoff_grows_and_stays_capped(no_waits: list[float]) -> None:
    policy = RetryPolicy(attempts=6, backoff_initial=1.0, backoff_max=4.0)
    with pytest.raises(Transient):
        _run(Script(502), policy=policy)
    assert len(no_waits) == 5
    assert all(0 <= w <= 4.0 for w in no_waits)


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, RejectedRequest), (404, NotFound), (401, AuthError), (422, RejectedRequest)],
)
def test_4xx_is_never_retried(status: int, error: type[ConnectorError]) -> None:
    script = Script(status, 200)
    with pytest.raises(error):
        _run(script)
    assert script.calls == 1


def test_write_without_key_is_not_retried_after_5xx() -> None:
    script = Script(503, 201)
    with pytest.raises(Transient):
        _run(script, "POST")
    assert script.calls == 1


def test_write_with_honoured_key_is_retried() -> None:
    script = Script(503, 201)
    response = _run(script, "POST", {"Idempotency-Key": "dl-1"}, KEYED)
    assert response.status_code == 201
    assert script.calls == 2


def test_key_the_vendor_does_not_honour_does_not_make_a_write_safe() -> None:
    script = Script(503, 201)
    with pytest.raises(Transient):
        _run(script, "POST", {"Idempotency-Key": "dl-1"})
    assert script.calls == 1


def test_read_timeout_after_sending_a_write_is_an_unknown_outcome() -> None:
    script = Script(httpx.ReadTimeout("timed out"), 201)
    with pytest.raises(Transient, match=r"outcome unknown.*read back"):
        _run(script, "POST")
    assert script.calls == 1


def test_read_timeout_on_a_get_is_retried() -> None:
    script = Script(httpx.ReadTimeout("timed out"), 200)
    assert _run(script).status_code == 200


def test_timeouts_exhaust_into_transient() -> None:
    script = Script(httpx.ReadTimeout("timed out"))
    with pytest.raises(Transient, match="ReadTimeout"):
        _run(script, policy=RetryPolicy(attempts=3))
    assert script.calls == 3


@pytest.mark.parametrize(
    "failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("x")]
)
def test_connection_never_opened_is_retried_for_any_method(failure: Exception) -> None:
    script = Script(failure, 201)
    assert _run(script, "POST").status_code == 201
    assert script.calls == 2


def test_attempts_are_bounded() -> None:
    script = Script(500)
    with pytest.raises(Transient):
        _run(script, policy=RetryPolicy(attempts=4))
    assert script.calls == 4


def test_retry_after_beyond_the_deadline_gives_up_at_once(no_waits: list[float]) -> None:
    script = Script((429, {"Retry-After": "600"}), 200)
    with pytest.raises(RateLimited) as caught:
        _run(script, policy=RetryPolicy(deadline=60.0))
    assert caught.value.retry_after == 600.0
    assert script.calls == 1
    assert no_waits == []


def test_unsupported_scheme_is_not_transient() -> None:
    with httpx.Client(transport=httpx.HTTPTransport()) as client:
        request = client.build_request("GET", "ftp://example.test/x")
        with pytest.raises(ConnectorError) as caught:
            send(client, request)
    assert not isinstance(caught.value, Transient)


def test_transport_errors_carry_no_secret_from_the_url() -> None:
    script = Script(httpx.ConnectError("refused"))
    with httpx.Client(transport=httpx.MockTransport(script)) as client:
        request = client.build_request("GET", f"{BASE}/x?access_token=TOPSECRET-42")
        with pytest.raises(Transient) as caught:
            send(client, request, policy=RetryPolicy(attempts=2))
    assert "TOPSECRET-42" not in str(caught.value)


def test_waits_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    retry.set_waits(True)
    _sleep: Callable[[float], None] = retry.__dict__["_sleep"]
    _sleep(0.25)
    retry.set_waits(False)
    _sleep(0.25)
    assert slept == [0.25]
    assert not retry.waits_enabled()


def test_an_answer_at_the_first_try_sets_up_no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The common case costs one send: tenacity is set up only for a second try."""

    def no_retrying(*args: object, **kwargs: object) -> None:
        raise AssertionError("a retry was set up for a request answered at once")

    monkeypatch.setattr(retry, "Retrying", no_retrying)
    script = Script(200)
    assert _run(script).status_code == 200
    assert script.calls == 1


def test_a_retry_counts_the_first_try_as_attempt_one(no_waits: list[float]) -> None:
    script = Script(503, 503, 200)
    with structlog.testing.capture_logs() as logs:
        assert _run(script, policy=RetryPolicy(attempts=3)).status_code == 200
    assert [e["attempt"] for e in logs if e["event"] == "http.retry"] == [1, 2]
    assert script.calls == 3
    assert len(no_waits) == 2


@pytest.mark.parametrize(("first_try_s", "tries"), [(60.0, 1), (30.0, 2)])
def test_the_deadline_counts_from_the_first_try(
    monkeypatch: pytest.MonkeyPatch, first_try_s: float, tries: int
) -> None:
    """A first try that took the whole deadline leaves no time for a wait and a second."""
    now = [1000.0]
    monkeypatch.setattr(retry.time, "monotonic", lambda: now[0])
    calls = 0

    def slow_then_fine(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            now[0] += first_try_s  # the first answer, a 503, came this late
            return httpx.Response(503, json={})
        return httpx.Response(200, json={})

    # The first wait is at most 1 s (0.5 s doubled): 30 s leave room for it, 60 s do not.
    policy = RetryPolicy(deadline=60.0, backoff_initial=0.5)
    with httpx.Client(base_url=BASE, transport=httpx.MockTransport(slow_then_fine)) as client:
        request = client.build_request("GET", "/things")
        if tries == 1:
            with pytest.raises(Transient):
                send(client, request, policy=policy)
        else:
            assert send(client, request, policy=policy).status_code == 200
    assert calls == tries
