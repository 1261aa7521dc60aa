"""Real recorded answers replayed through whole connector sessions (httpx.MockTransport).

Only the recorded bodies are real; where no recording exists (a session token, an empty list
of accounting years) the stand-in says so. Skipped, with the reason, when ../shared is absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bridge.infra import retry
from bridge.infra.http_json import dump_json
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.errors import RejectedRequest
from bridge.vocab.secrets import StaticSecrets
from connectors.economic import CONNECTOR as ECONOMIC
from connectors.tripletex import CONNECTOR as TRIPLETEX
from connectors.tripletex.session import TripletexSession
from tests.connectors.economic.recorded import load
from tests.contract import tripletex_spec

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _page(items: list[Any]) -> dict[str, Any]:
    """A collection page around recorded items (the envelope as pagination.json records it)."""
    return {
        "collection": items,
        "pagination": {
            "maxPageSizeAllowed": 1000,
            "skipPages": 0,
            "pageSize": 1000,
            "results": len(items),
            "resultsWithoutFilter": len(items),
        },
    }


def test_economic_fetch_replays_recorded_invoice_and_customer() -> None:
    invoice = load("create_booked_invoice.json")  # customer 1, remainder 10.00, due 2024-11-01
    customer = load("customer.json")  # customer 1, balance 151875.00
    routes = {
        "/invoices/unpaid": _page([invoice]),
        "/invoices/paid": _page([]),
        "/customers": _page([customer]),
        "/employees": _page([]),
        "/accounting-years": _page([]),  # stand-in: no recording of the years
    }

    def handler(request: httpx.Request) -> httpx.Response:
        found = routes.get(request.url.path)
        if found is None:
            return httpx.Response(404, content=dump_json(load("404.json")))
        return httpx.Response(200, content=dump_json(found))

    ctx = TenantContext(
        tenant="rec",
        country="DK",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("rec", ECONOMIC.sandbox_secrets),
        transport=httpx.MockTransport(handler),
    )
    session = ECONOMIC.open(ctx)
    snap = session.fetch(TODAY, None)
    [read] = snap.invoices
    assert (read.id, read.customer_id, read.outstanding) == (
        str(invoice["bookedInvoiceNumber"]),
        "1",
        Decimal("10.00"),
    )
    # The recorded balance is far above the one unpaid invoice: no unallocated credit.
    assert snap.customers["1"].unapplied_credit == 0
    assert session.skipped == []


def _tripletex(handler: Any) -> TripletexSession:
    ctx = TenantContext(
        tenant="rec",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("rec", TRIPLETEX.sandbox_secrets),
        transport=httpx.MockTransport(handler),
    )
    return TripletexSession(ctx, today=lambda: TODAY)


def _token(request: httpx.Request) -> httpx.Response | None:
    if request.url.path.endswith("/token/session/:create"):
        # Stand-in: the recordings hold no session answer (their tokens were not copied).
        body = {"value": {"id": 1, "token": "recorded-run", "expirationDate": "2026-03-04"}}
        return httpx.Response(201, json=body)
    return None


def test_tripletex_fetch_replays_the_recorded_invoice() -> None:
    recorded = tripletex_spec.recorded("invoice_post_201.value.json")
    # Stand-in: no customer was recorded; the invoice's link names its id.
    customer = {"id": recorded["customer"]["id"], "name": "Recorded AS", "email": ""}

    def handler(request: httpx.Request) -> httpx.Response:
        token = _token(request)
        if token is not None:
            return token
        path = request.url.path.removeprefix("/v2")
        if (
            path == "/invoice"
            and request.url.params["invoiceDateFrom"]
            <= "2026-03-21"
            < (request.url.params["invoiceDateTo"])
        ):
            return httpx.Response(200, content=dump_json({"from": 0, "values": [recorded]}))
        if path == f"/customer/{customer['id']}":
            return httpx.Response(200, content=dump_json({"value": customer}))
        return httpx.Response(200, content=dump_json({"from": 0, "values": []}))

    # The recorded invoice fell due 2026-04-04; the replayed day is after that.
    snap = _tripletex(handler).fetch(date(2026, 4, 10), None)
    [invoice] = snap.invoices
    # currency is a bare link in the recording: the company-currency amounts are read.
    assert (invoice.id, invoice.currency, invoice.outstanding) == (
        "2147635267",
        "NOK",
        Decimal("43625.00"),
    )


def test_tripletex_recorded_validation_error_is_a_rejected_request_with_its_message() -> None:
    error = tripletex_spec.recorded("error_422_invoice_post_no_bank_account.json")

    def handler(request: httpx.Request) -> httpx.Response:
        token = _token(request)
        if token is not None:
            return token
        return httpx.Response(422, content=json.dumps(error).encode())

    session = _tripletex(handler)
    with pytest.raises(RejectedRequest) as caught:
        session.client.invoice(1)
    assert "bankkontonummer" in str(caught.value)
    assert error["requestId"] in str(caught.value)
