"""Real recorded e-conomic answers: they match the official schemas, and the connector reads them.

The recordings pin down what the vendor really sends; the schemas say what it promises. The
mapping reads only fields the schemas define, and recorded answers served over HTTP flow
through the client, the paginator and the mapping unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bridge.infra import retry
from bridge.infra.http import build_client, dump_json
from bridge.vocab.errors import NotFound
from connectors.economic import mapping
from connectors.economic.client import RETRY_POLICY, EconomicClient, status_table
from tests.connectors.economic.recorded import load
from tests.contract.economic_schemas import assert_valid, fixture, require_specs, schema

HOST = "https://restapi.e-conomic.com"

RECORDED = [
    ("create_booked_invoice.json", "invoices.booked.bookedInvoiceNumber.get"),
    ("create_booked_invoice_with_ean.json", "invoices.booked.bookedInvoiceNumber.get"),
    ("invoice_book.json", "invoices.booked.bookedInvoiceNumber.get"),
    ("invoice_book_with_number.json", "invoices.booked.bookedInvoiceNumber.get"),
    ("customer.json", "customers.customerNumber.get"),
    ("create_customer.json", "customers.customerNumber.get"),
    ("update_customer.json", "customers.customerNumber.get"),
    ("customers_0.trimmed.json", "customers.get"),
    ("invoices_0.json", "invoices.drafts.get"),
    ("invoice.json", "invoices.drafts.draftInvoiceNumber.get"),
    ("create_draft_invoice.json", "invoices.drafts.draftInvoiceNumber.get"),
    ("invoice_send.json", "invoices.drafts.draftInvoiceNumber.get"),
    ("layouts.json", "layouts.get"),
    ("payment_terms.json", "payment-terms.get"),
    ("customer_contact_0.json", "customers.customerNumber.contacts.get"),
]

# Every field path mapping.py reads, with the schema of the collection it reads it from.
READ_FIELDS = {
    "invoices.unpaid.get": [
        "bookedInvoiceNumber",
        "customer.customerNumber",
        "date",
        "dueDate",
        "currency",
        "grossAmount",
        "remainder",
        "references.other",
    ],
    "invoices.paid.get": ["bookedInvoiceNumber", "dueDate", "remainder"],
    "invoices.booked.get": ["bookedInvoiceNumber", "references.other"],
    "invoices.drafts.get": ["draftInvoiceNumber", "references.other"],
    "customers.get": [
        "customerNumber",
        "name",
        "email",
        "barred",
        "country",
        "corporateIdentificationNumber",
        "ean",
        "publicEntryNumber",
        "vatNumber",
        "customerGroup.customerGroupNumber",
        "vatZone.vatZoneNumber",
        "address",
        "zip",
        "city",
    ],
    "accounting-years.get": ["year", "fromDate", "toDate", "entries"],
    "accounting-years.accountingYear.entries.get": [
        "entryNumber",
        "entryType",
        "date",
        "amount",
        "invoiceNumber",
        "bookedInvoice.bookedInvoiceNumber",
    ],
    "layouts.get": ["layoutNumber"],
    "payment-terms.get": ["paymentTermsNumber", "paymentTermsType"],
}


@pytest.fixture(autouse=True)
def specs() -> Iterator[None]:
    require_specs()
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.mark.parametrize(("name", "schema_name"), RECORDED)
def test_recordings_match_the_official_schemas(name: str, schema_name: str) -> None:
    assert_valid(schema_name, fixture(name))


@pytest.mark.parametrize("schema_name", sorted(READ_FIELDS))
def test_mapping_reads_only_fields_the_schemas_define(schema_name: str) -> None:
    items = schema(schema_name)["properties"]["collection"]["items"]
    for field in READ_FIELDS[schema_name]:
        node: dict[str, Any] | None = items
        for part in field.split("."):
            node = (node or {}).get("properties", {}).get(part)
        assert node is not None, f"{schema_name} has no {field}"


def _serve(routes: dict[str, Any]) -> EconomicClient:
    def handler(request: httpx.Request) -> httpx.Response:
        found = routes.get(request.url.path)
        if found is None:
            return httpx.Response(404, content=dump_json(load("404.json")))
        return httpx.Response(200, content=dump_json(found))

    http = build_client(base_url=HOST, auth=None, transport=httpx.MockTransport(handler))
    return EconomicClient(http, table=status_table("demo"), policy=RETRY_POLICY)


def _last_page(document: dict[str, Any]) -> dict[str, Any]:
    # The trimmed recording keeps the original's pagination (3,684 customers, a next page).
    single = copy.deepcopy(document)
    single["pagination"].pop("nextPage", None)
    return single


def test_recorded_customers_flow_through_client_and_mapping() -> None:
    client = _serve({"/customers": _last_page(load("customers_0.trimmed.json"))})
    customers = [mapping.customer(c) for c in client.customers()]
    assert len(customers) == 25
    assert len({c.id for c in customers}) == 25


def test_recorded_pagination_leads_to_the_next_page() -> None:
    assert mapping.next_page({"pagination": load("pagination.json")}, 0) == 1


def test_recorded_booked_invoice_flows_through_client_and_mapping() -> None:
    client = _serve({"/invoices/booked/38": load("create_booked_invoice_with_ean.json")})
    invoice = mapping.invoice(client.booked_invoice(38))
    assert (invoice.id, invoice.customer_id, invoice.outstanding) == (
        "38",
        "264178000",
        Decimal("10.00"),
    )


def test_recorded_drafts_and_settings_flow_through_client_and_mapping() -> None:
    client = _serve(
        {
            "/invoices/drafts": load("invoices_0.json"),
            "/layouts": load("layouts.json"),
            "/payment-terms": load("payment_terms.json"),
        }
    )
    drafts = list(client.drafts())
    assert [mapping.draft_number(d) for d in drafts][:1] == [4]
    assert mapping.reference(drafts[0]) == "UI Other ref"
    assert mapping.layout_number(next(client.layouts())) == 19
    assert [mapping.payment_terms(t) for t in client.payment_terms()][-1] == (14, "prepaid")


def test_recorded_error_body_becomes_not_found() -> None:
    client = _serve({})
    with pytest.raises(NotFound) as caught:
        client.customer(404)
    assert caught.value.request_id == load("404.json")["logId"]
