"""The session token is minted with the long-lived tokens in a JSON body, never in a URL.

Tripletex 2.74.00 documents ``POST /token/session/:create`` with ``PostSessionTokenBody``
("Preferred endpoint using request body instead of query parameters for better security") and
marks the query-string ``PUT`` deprecated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR
from connectors.tripletex.sandbox.server import TripletexSandbox
from connectors.tripletex.session import TripletexSession

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


class Spy(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)


def test_the_session_is_minted_with_the_tokens_in_the_body() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    spy = Spy(sandbox.transport())
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=spy,
    )
    session = TripletexSession(ctx, today=lambda: TODAY)
    session.fetch(TODAY, None)
    mint = [r for r in spy.requests if r.url.path.endswith("/token/session/:create")]
    assert len(mint) == 1
    assert mint[0].method == "POST"
    assert not mint[0].url.query  # nothing in the URL: proxies and access logs keep URLs
    body = json.loads(mint[0].content)
    assert body["consumerToken"] == TripletexSandbox.CONSUMER_TOKEN
    assert body["employeeToken"] == TripletexSandbox.EMPLOYEE_TOKEN
    assert body["expirationDate"] == "2026-03-04"
    for request in spy.requests:
        assert TripletexSandbox.EMPLOYEE_TOKEN not in str(request.url)


def test_the_sandbox_refuses_wrong_tokens_in_the_body() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    client = httpx.Client(transport=sandbox.transport(), base_url=sandbox.BASE_URL)
    answer = client.post(
        "/token/session/:create",
        json={"consumerToken": "x", "employeeToken": "y", "expirationDate": "2026-03-04"},
    )
    assert answer.status_code == 403
    good = client.post(
        "/token/session/:create",
        json={
            "consumerToken": sandbox.CONSUMER_TOKEN,
            "employeeToken": sandbox.EMPLOYEE_TOKEN,
            "expirationDate": "2026-03-04",
        },
    )
    assert good.status_code == 201
    assert good.json()["value"]["token"]
