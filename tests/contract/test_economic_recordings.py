"""Real recorded e-conomic answers: they match the official schemas, and the connector reads them.

The recordings pin down what the vendor really sends; the schemas say what it promises. Every
field the mapping reads, found by watching it parse the recordings (tests/contract/key_reads.py),
is one the schemas define, and recorded answers served over HTTP flow through the client, the
paginator and the mapping unchanged.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bridge.infra import retry
from bridge.infra.http import build_client
from bridge.infra.http_json import dump_json
from bridge.vocab.errors import NotFound
from connectors.economic import mapping
from connectors.economic.client import RETRY_POLICY, EconomicClient, status_table
from tests.connectors.economic.recorded import items, load
from tests.contract.economic_schemas import assert_valid, fixture, require_specs, schema
from tests.contract.key_reads import documented, example, wrap

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

BOOKED = (
    "create_booked_invoice.json",
    "create_booked_invoice_with_ean.json",
    "invoice_book.json",
    "invoice_book_with_number.json",
)
CUSTOMERS = (
    "customer.json",
    "create_customer.json",
    "update_customer.json",
    "customers_0.trimmed.json",
)
DRAFTS = ("invoices_0.json", "invoice.json", "create_draft_invoice.json", "invoice_send.json")


@dataclass(frozen=True)
class Feed:
    """A mapping function, the endpoints whose answers the session gives it, their recordings.

    Which fields it reads is not written here: the test watches it read them (key_reads.py).
    ``schemas`` are the endpoints it parses items of (session.py); ``recordings`` real answers
    of those endpoints. Where there is none, an item built from the schema stands in.
    """

    name: str
    read: Callable[[Any], object]
    schemas: tuple[str, ...]
    recordings: tuple[str, ...] = ()
    whole_page: bool = False  # the function takes the page's items, not one item


FEEDS = (
    Feed(
        "invoice",
        mapping.invoice,
        ("invoices.unpaid.get", "invoices.paid.get", "invoices.booked.bookedInvoiceNumber.get"),
        BOOKED,
    ),
    Feed(
        "invoice_number",
        mapping.invoice_number,
        ("invoices.booked.get", "invoices.booked.bookedInvoiceNumber.get"),
        BOOKED,
    ),
    Feed("reference of a booked invoice", mapping.reference, ("invoices.booked.get",), BOOKED),
    Feed("open_in_base", mapping.open_in_base, ("invoices.unpaid.get",), whole_page=True),
    Feed(
        "customer",
        lambda o: mapping.customer(o, employees={1: mapping.Employee(1, "Sales")}),
        ("customers.get", "customers.customerNumber.get"),
        CUSTOMERS,
    ),
    Feed("customer_number", mapping.customer_number, ("customers.get",), CUSTOMERS),
    Feed("salesperson_number", mapping.salesperson_number, ("customers.get",), CUSTOMERS),
    Feed(
        "unapplied_credit",
        lambda o: mapping.unapplied_credit(o, Decimal("100.00")),
        ("customers.get",),
        CUSTOMERS,
    ),
    Feed("employee", mapping.employee, ("employees.get",)),
    Feed(
        "reminder_contact",
        mapping.reminder_contact,
        ("customers.customerNumber.contacts.get",),
        ("customer_contact_0.json",),
        whole_page=True,
    ),
    Feed("accounting_year", mapping.accounting_year, ("accounting-years.get",)),
    Feed("entry_type", mapping.entry_type, ("accounting-years.accountingYear.entries.get",)),
    Feed("payment", mapping.payment, ("accounting-years.accountingYear.entries.get",)),
    Feed("reminder", mapping.reminder, ("accounting-years.accountingYear.entries.get",)),
    Feed(
        "entry_customer", mapping.entry_customer, ("accounting-years.accountingYear.entries.get",)
    ),
    Feed("draft_number", mapping.draft_number, ("invoices.drafts.get",), DRAFTS),
    Feed("reference of a draft", mapping.reference, ("invoices.drafts.get",), DRAFTS),
    Feed("layout_number", mapping.layout_number, ("layouts.get",), ("layouts.json",)),
    Feed("payment_terms", mapping.payment_terms, ("payment-terms.get",), ("payment_terms.json",)),
)


def _item_schema(name: str) -> dict[str, Any]:
    """The schema of one item: a collection's items, or the whole answer of a single GET."""
    found = schema(name)
    page = found.get("properties", {}).get("collection")
    return page["items"] if page else found


def _inputs(feed: Feed) -> list[Any]:
    """What the function is given: each recorded item, else an item built from the schema."""
    pages = [load(name) for name in feed.recordings] or [
        {"collection": [example(_item_schema(feed.schemas[0]))]}
    ]
    if feed.whole_page:
        return [items(page) for page in pages]
    return [item for page in pages for item in items(page)]


def _reads(feed: Feed) -> set[str]:
    seen: set[str] = set()
    for given in _inputs(feed):
        feed.read(wrap(given, seen))
    return seen


@pytest.mark.parametrize("feed", FEEDS, ids=[f.name for f in FEEDS])
def test_every_field_the_mapping_reads_is_in_the_schemas(feed: Feed) -> None:
    """Watch the mapping parse the recordings; every key it asks for is one the vendor defines."""
    read = _reads(feed)
    assert read, f"{feed.name} read nothing: the watch is not working"
    for name in feed.schemas:
        undocumented = sorted(p for p in read if not documented(_item_schema(name), p))
        assert not undocumented, f"{feed.name} reads {undocumented}, which {name} does not define"


# Functions of mapping.py that read no vendor JSON of their own: called by a watched function
# (customer_kind, postal_address), or working on text, our own values or a page's envelope.
NOT_FED = {
    "customer_kind",
    "postal_address",
    "country_code",
    "language_of",
    "reminder_steps",
    "collection",
    "next_page",
}


def test_every_mapping_function_is_watched() -> None:
    """A new function in mapping.py must join FEEDS (or NOT_FED, saying why)."""
    public = {
        name
        for name, value in vars(mapping).items()
        if inspect.isfunction(value)
        and value.__module__ == mapping.__name__
        and not name.startswith("_")
    }
    assert public - NOT_FED == {feed.name.split()[0] for feed in FEEDS}


def test_the_watch_catches_a_read_of_an_undocumented_key() -> None:
    """The check above can fail: a mapping that asks for a key e-conomic never sends."""
    seen: set[str] = set()
    invoice = wrap(load("invoice_book.json"), seen)
    assert invoice.get("customer", {}).get("customerNumber") is not None
    assert invoice.get("dunningLevel") is None
    item = _item_schema("invoices.unpaid.get")
    assert documented(item, "customer.customerNumber")
    assert not documented(item, "dunningLevel")
    assert sorted(seen) == ["customer", "customer.customerNumber", "dunningLevel"]


def test_the_watch_sees_reads_in_nested_lists() -> None:
    seen: set[str] = set()
    draft = wrap({"lines": [{"product": {"productNumber": "RYK"}}]}, seen)
    assert draft["lines"][0]["product"].get("productNumber") == "RYK"
    assert "notes" not in draft
    assert seen == {"lines", "lines.product", "lines.product.productNumber", "notes"}
    drafts = _item_schema("invoices.drafts.draftInvoiceNumber.get")
    assert documented(drafts, "lines.product.productNumber")
    assert not documented(drafts, "lines.product.dunningLevel")


@pytest.fixture(autouse=True)
def specs() -> Iterator[None]:
    require_specs()
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.mark.parametrize(("name", "schema_name"), RECORDED)
def test_recordings_match_the_official_schemas(name: str, schema_name: str) -> None:
    assert_valid(schema_name, fixture(name))


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
