"""Contract: the e-conomic sandbox answers what e-conomic's official schemas and recordings say.

Every GET the sandbox serves validates against e-conomic's own JSON Schema for that endpoint,
the sandbox emits no property the schema does not declare (beyond a few the recorded real
answers also carry), error bodies and pagination blocks have the recorded keys, and the
sandbox's own tables (filterable/sortable flags, required properties, text limits) agree with
the schemas. Skipped with a reason when ../shared is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from connectors.economic.sandbox import fields
from connectors.economic.sandbox.drafts import REQUIRED, TEXT_LIMITS
from connectors.economic.sandbox.server import EconomicSandbox
from tests.contract.economic_schemas import assert_valid, fixture, require_specs, schema

TODAY = date(2026, 3, 10)

# Properties the recorded real answers carry although the schema leaves them out, per schema.
_VAT_ZONE_IN_FULL = {  # create_draft_invoice.json, create_booked_invoice.json, invoices_0.json
    "recipient.vatZone.name",
    "recipient.vatZone.enabledForCustomer",
    "recipient.vatZone.enabledForSupplier",
}
# create_booked_invoice.json carries these; the overdue/unpaid/paid/not-due schemas omit them.
_BOOKED_IN_COLLECTIONS = {"exchangeRate", "grossAmountInBaseCurrency", "sent"}
# invoices_0.json (a recorded drafts collection) carries these on every draft.
_DRAFT_IN_COLLECTIONS = {"attachment", "layout", "lastUpdated", "soap"}
RECORDED_EXTRAS: dict[str, set[str]] = {
    "customers.get": {"metaData.create"},  # customers_0.trimmed.json
    "customers.customerNumber.get": {"metaData.delete", "metaData.replace"},  # customer.json
    "invoices.drafts.get": _VAT_ZONE_IN_FULL | _DRAFT_IN_COLLECTIONS,
    "customers.customerNumber.invoices.drafts.get": _VAT_ZONE_IN_FULL | _DRAFT_IN_COLLECTIONS,
    "invoices.drafts.draftInvoiceNumber.get": _VAT_ZONE_IN_FULL,
    "invoices.booked.bookedInvoiceNumber.get": _VAT_ZONE_IN_FULL,
    **dict.fromkeys(
        (
            "invoices.booked.get",
            "invoices.overdue.get",
            "invoices.unpaid.get",
            "invoices.paid.get",
            "invoices.not-due.get",
            "customers.customerNumber.invoices.booked.get",
        ),
        _VAT_ZONE_IN_FULL | _BOOKED_IN_COLLECTIONS,
    ),
}


@pytest.fixture(autouse=True)
def _specs() -> None:
    require_specs()


@pytest.fixture
def sandbox() -> EconomicSandbox:
    sandbox = EconomicSandbox.demo(TODAY)
    with _client(sandbox) as client:
        response = client.post("/invoices/drafts", json=_draft_body())
        assert response.status_code == 201, response.text
    return sandbox


@pytest.fixture
def client(sandbox: EconomicSandbox) -> Iterator[httpx.Client]:
    with _client(sandbox) as client:
        yield client


def _client(sandbox: EconomicSandbox) -> httpx.Client:
    return httpx.Client(
        transport=sandbox.transport(),
        base_url=sandbox.BASE_URL,
        headers={
            "X-AppSecretToken": sandbox.APP_SECRET,
            "X-AgreementGrantToken": sandbox.GRANT,
        },
    )


def _draft_body() -> dict[str, Any]:
    return {
        "date": "2026-03-10",
        "currency": "DKK",
        "customer": {"customerNumber": 3},
        "paymentTerms": {"paymentTermsNumber": 1},
        "layout": {"layoutNumber": 19},
        "recipient": {"name": "Aarhus Tegnestue A/S", "vatZone": {"vatZoneNumber": 1}},
        "notes": {"heading": "Rykker 1", "textLine1": "Vi har endnu ikke modtaget betaling."},
        "references": {"other": "bridge:abc123"},
        "lines": [
            {"product": {"productNumber": "RYK"}, "quantity": 1, "unitNetPrice": 100},
            {"product": {"productNumber": "RENTE"}, "quantity": 1, "unitNetPrice": 57.31},
        ],
    }


def _undeclared(node: dict[str, Any], instance: Any, path: str = "") -> set[str]:
    """Dotted paths of properties in ``instance`` that the schema ``node`` does not declare."""
    found: set[str] = set()
    if isinstance(instance, dict) and "properties" in node:
        for key, value in instance.items():
            where = f"{path}.{key}" if path else key
            if key not in node["properties"]:
                found.add(where)
            else:
                found |= _undeclared(node["properties"][key], value, where)
    elif isinstance(instance, list) and isinstance(node.get("items"), dict):
        for item in instance:
            found |= _undeclared(node["items"], item, path)
    return found


def _check(name: str, body: Any) -> None:
    assert_valid(name, body)
    root = schema(name)
    if "collection" in root.get("properties", {}):
        items = root["properties"]["collection"]["items"]
        extra = set().union(*(_undeclared(items, i) for i in body["collection"]))
        extra |= _undeclared(root, {k: v for k, v in body.items() if k != "collection"})
    else:
        extra = _undeclared(root, body)
    allowed = RECORDED_EXTRAS.get(name, set())
    assert extra <= allowed, f"{name}: undeclared properties {sorted(extra - allowed)}"


GETS = [
    ("/self", "self.get"),
    ("/customers", "customers.get"),
    ("/customers/3", "customers.customerNumber.get"),
    ("/customers/16", "customers.customerNumber.get"),
    ("/customers/9/contacts", "customers.customerNumber.contacts.get"),
    ("/customers/3/invoices/booked", "customers.customerNumber.invoices.booked.get"),
    ("/customers/3/invoices/drafts", "customers.customerNumber.invoices.drafts.get"),
    ("/customer-groups", "customer-groups.get"),
    ("/customer-groups/2", "customer-groups.customerGroupNumber.get"),
    ("/invoices/booked", "invoices.booked.get"),
    ("/invoices/booked/1001", "invoices.booked.bookedInvoiceNumber.get"),
    ("/invoices/overdue", "invoices.overdue.get"),
    ("/invoices/unpaid", "invoices.unpaid.get"),
    ("/invoices/paid", "invoices.paid.get"),
    ("/invoices/not-due", "invoices.not-due.get"),
    ("/invoices/drafts", "invoices.drafts.get"),
    ("/invoices/drafts/1", "invoices.drafts.draftInvoiceNumber.get"),
    ("/accounting-years", "accounting-years.get"),
    ("/accounting-years/2026", "accounting-years.accountingYear.get"),
    ("/accounting-years/2026/entries", "accounting-years.accountingYear.entries.get"),
    ("/accounting-years/2025/entries", "accounting-years.accountingYear.entries.get"),
    ("/payment-terms", "payment-terms.get"),
    ("/payment-terms/1", "payment-terms.paymentTermsNumber.get"),
    ("/layouts", "layouts.get"),
    ("/layouts/19", "layouts.layoutNumber.get"),
    ("/products", "products.get"),
    ("/products/RYK", "products.productNumber.get"),
    ("/vat-zones", "vat-zones.get"),
    ("/vat-zones/1", "vat-zones.vatZoneNumber.get"),
]


@pytest.mark.parametrize(("path", "name"), GETS, ids=[p for p, _ in GETS])
def test_get_answers_validate_against_the_official_schema(
    client: httpx.Client, path: str, name: str
) -> None:
    response = client.get(path, params={"pagesize": 1000} if name.endswith("s.get") else None)
    assert response.status_code == 200, response.text
    _check(name, response.json())


def test_contacts_of_one_customer_validate(client: httpx.Client) -> None:
    contacts = client.get("/customers/9/contacts").json()["collection"]
    single = client.get(contacts[0]["self"])
    assert single.status_code == 200
    _check("customers.customerNumber.contacts.contactNumber.get", single.json())


def test_created_draft_validates_as_a_draft(client: httpx.Client) -> None:
    response = client.post("/invoices/drafts", json=_draft_body())
    assert response.status_code == 201
    _check("invoices.drafts.draftInvoiceNumber.get", response.json())


def test_booked_draft_validates_as_a_booked_invoice(client: httpx.Client) -> None:
    response = client.post(
        "/invoices/booked", json={"draftInvoice": {"draftInvoiceNumber": 1}, "sendBy": "none"}
    )
    assert response.status_code == 201, response.text
    _check("invoices.booked.bookedInvoiceNumber.get", response.json())


def test_draft_post_body_validates_against_the_post_schema() -> None:
    assert_valid("invoices.drafts.post", _draft_body())
    assert_valid("invoices.booked.post", {"draftInvoice": {"draftInvoiceNumber": 1}})


def _error_answers(sandbox: EconomicSandbox, client: httpx.Client) -> Iterator[httpx.Response]:
    yield client.get("/no/such/thing")
    yield client.get("/customers/999")
    yield client.get("/invoices/overdue", params={"filter": "dueDate$lt:2026-01-01"})
    yield client.get("/invoices/overdue", params={"pagesize": 1001})
    yield client.post("/invoices/drafts", json={"currency": "DKK"})
    yield client.get("/self", headers={"X-AgreementGrantToken": "wrong"})
    limited = EconomicSandbox(TODAY, rate_limit=(1, 60.0))
    with _client(limited) as other:
        other.get("/self")
        yield other.get("/self")


def test_error_bodies_have_the_recorded_keys(
    sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    recorded = set(fixture("404.json"))
    statuses = set()
    for response in _error_answers(sandbox, client):
        body = response.json()
        assert recorded <= set(body), f"{response.status_code}: {sorted(body)}"
        assert body["httpStatusCode"] == response.status_code
        statuses.add(response.status_code)
    assert statuses == {400, 401, 404, 429}


def test_unknown_route_answers_exactly_the_recorded_404(client: httpx.Client) -> None:
    assert set(client.get("/orders/drafts").json()) == set(fixture("404.json"))


def test_pagination_block_has_the_recorded_keys(client: httpx.Client) -> None:
    recorded = fixture("pagination.json")
    first = client.get("/customers", params={"pagesize": 10}).json()["pagination"]
    assert set(first) == set(recorded)
    last = client.get(first["lastPage"]).json()["pagination"]
    assert "nextPage" not in last
    assert first["firstPage"].startswith(recorded["firstPage"].split("?")[0])


TABLES = [
    ("customers.get", fields.CUSTOMERS),
    ("customers.customerNumber.contacts.get", fields.CONTACTS),
    ("invoices.booked.get", fields.BOOKED_INVOICES),
    ("invoices.overdue.get", fields.BOOKED_INVOICES),
    ("invoices.unpaid.get", fields.BOOKED_INVOICES),
    ("invoices.paid.get", fields.BOOKED_INVOICES),
    ("invoices.not-due.get", fields.BOOKED_INVOICES),
    ("invoices.drafts.get", fields.DRAFT_INVOICES),
    ("accounting-years.accountingYear.entries.get", fields.ENTRIES),
    ("products.get", fields.PRODUCTS),
    ("customer-groups.get", fields.CUSTOMER_GROUPS),
    ("accounting-years.get", fields.ACCOUNTING_YEARS),
]


def _property(node: dict[str, Any], path: str) -> dict[str, Any]:
    for part in path.split("."):
        node = node["properties"][part]
    return node


@pytest.mark.parametrize(("name", "table"), TABLES, ids=[n for n, _ in TABLES])
def test_filter_and_sort_flags_match_the_schema(name: str, table: fields.Fields) -> None:
    items = schema(name)["properties"]["collection"]["items"]
    for path, spec in table.items():
        declared = _property(items, path)
        assert spec.filterable == bool(declared.get("filterable")), f"{name} {path} filterable"
        assert spec.sortable == bool(declared.get("sortable")), f"{name} {path} sortable"


def _required(node: dict[str, Any], path: str = "") -> set[str]:
    out: set[str] = set()
    for key, child in node.get("properties", {}).items():
        where = f"{path}.{key}" if path else key
        if child.get("required"):
            out.add(where)
        out |= _required(child, where)
    return out


def test_draft_rules_match_the_post_schema() -> None:
    post = schema("invoices.drafts.post")
    assert _required(post) == set(REQUIRED)
    for path, limit in TEXT_LIMITS.items():
        assert _property(post, path)["maxLength"] == limit, path
