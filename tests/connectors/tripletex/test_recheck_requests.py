"""The re-check before a write reads a letter's invoices in one list call, not one each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

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


def _company() -> tuple[TripletexSandbox, list[int]]:
    sandbox = TripletexSandbox(TODAY)
    customer = sandbox.add_customer("Fjord AS", email="post@example.no")
    ids = [
        sandbox.add_invoice(
            customer,
            Decimal("1000"),
            issued=TODAY - timedelta(days=40 + n * 30),
            due=TODAY - timedelta(days=26 + n * 30),
        )
        for n in range(3)
    ]
    return sandbox, ids


def _session(sandbox: TripletexSandbox) -> TripletexSession:
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
    )
    return TripletexSession(ctx, today=lambda: TODAY)


def test_fetched_invoices_are_rechecked_in_one_request() -> None:
    sandbox, ids = _company()
    session = _session(sandbox)
    session.fetch(TODAY, None)
    sandbox.pay(ids[0], Decimal("1000"))
    sandbox.requests.clear()
    result = session.recheck([str(i) for i in ids])
    assert result == {str(ids[0]): "paid", str(ids[1]): None, str(ids[2]): None}
    assert len(sandbox.requests) == 1
    method, path = sandbox.requests[0]
    assert method == "GET"
    assert path.startswith("/invoice?")


def test_an_invoice_the_fetch_did_not_see_is_read_on_its_own() -> None:
    sandbox, ids = _company()
    session = _session(sandbox)
    session.fetch(TODAY, None)
    sandbox.requests.clear()
    result = session.recheck([str(ids[1]), "99999"])
    assert result == {str(ids[1]): None, "99999": "not found in Tripletex"}
    assert len(sandbox.requests) == 2  # the fetched one listed, the unknown one read alone
