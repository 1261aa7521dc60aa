"""Large-ledger listings render only the page asked for, and answer exactly as before.

The sandbox filters booked invoices and customers as stored, indexes invoices by customer and
computes customer balances in one pass (for the benchmarks' 100,000-invoice companies); every
answer must equal rendering every record and filtering the rendered documents.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from connectors.economic.sandbox import render
from connectors.economic.sandbox.fields import BOOKED_INVOICES, CUSTOMERS
from connectors.economic.sandbox.jsontext import dumps
from connectors.economic.sandbox.links import BASE_URL
from connectors.economic.sandbox.query import paginate, parse_list_query
from connectors.economic.sandbox.server import EconomicSandbox

TODAY = date(2026, 3, 10)


@pytest.fixture(scope="module")
def sandbox() -> EconomicSandbox:
    return EconomicSandbox.demo(TODAY)


def _get(sandbox: EconomicSandbox, path: str, params: dict[str, str]) -> Any:
    with httpx.Client(
        transport=sandbox.transport(),
        base_url=sandbox.BASE_URL,
        headers={"X-AppSecretToken": sandbox.APP_SECRET, "X-AgreementGrantToken": sandbox.GRANT},
    ) as client:
        response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _rendered_all(sandbox: EconomicSandbox, path: str, params: dict[str, str]) -> Any:
    """The answer as it was computed before: every record rendered, then filtered and cut."""
    state = sandbox._state
    if path == "/customers":
        docs = [render.customer(state.customers[n], state, TODAY) for n in sorted(state.customers)]
        fields = CUSTOMERS
    else:
        docs = [render.booked_invoice(state.booked[n]) for n in sorted(state.booked)]
        fields = BOOKED_INVOICES
    query = parse_list_query(list(params.items()), fields)
    page = paginate(docs, query, fields, BASE_URL, path)
    create = "Create a new customer" if path == "/customers" else None
    return json.loads(dumps(render.collection(page, create=create)))


PARAMS = [
    ("/invoices/booked", {}),
    ("/invoices/booked", {"pagesize": "7", "skippages": "2"}),
    ("/invoices/booked", {"filter": "customer.customerNumber$eq:3"}),
    ("/invoices/booked", {"filter": "customer.customerNumber$eq:3$and:date$gte:2026-01-01"}),
    (
        "/invoices/booked",
        {"filter": "customer.customerNumber$eq:3$or:customer.customerNumber$eq:4"},
    ),
    ("/invoices/booked", {"filter": "customer.customerNumber$in:[2,5]", "pagesize": "3"}),
    ("/invoices/booked", {"filter": "recipient.name$like:*ApS*"}),
    ("/invoices/booked", {"filter": "customer.customerNumber$eq:3$and:recipient.ean$eq:$null:"}),
    ("/invoices/booked", {"sort": "-date", "pagesize": "5"}),
    ("/customers", {}),
    ("/customers", {"pagesize": "4", "skippages": "1"}),
    ("/customers", {"filter": "customerNumber$in:[1,2,30]"}),
]


@pytest.mark.parametrize(("path", "params"), PARAMS)
def test_a_listing_answers_as_rendering_everything_would(
    sandbox: EconomicSandbox, path: str, params: dict[str, str]
) -> None:
    assert _get(sandbox, path, params) == _rendered_all(sandbox, path, params)


def test_the_customer_index_follows_new_invoices() -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    before = _get(sandbox, "/invoices/booked", {"filter": "customer.customerNumber$eq:3"})
    number = sandbox.add_invoice(3, TODAY, TODAY, Decimal("10.00"))
    after = _get(sandbox, "/invoices/booked", {"filter": "customer.customerNumber$eq:3"})
    assert after["pagination"]["results"] == before["pagination"]["results"] + 1
    assert number in [c["bookedInvoiceNumber"] for c in after["collection"]]
