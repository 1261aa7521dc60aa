"""The e-conomic sandbox behaves like the real API at its boundary: HTTP in, HTTP out.

Pagination, filters and sorting, tokens, drafts and booking, payments, idempotent replays,
rate limiting, injected faults, persistence and the demo company's coverage of every dunning
situation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.vocab.connector import Sandbox
from connectors.economic.sandbox.errors import CODE_NOT_FOUND, CODE_UNAUTHORIZED, CODE_VALIDATION
from connectors.economic.sandbox.fields import Field, Kind
from connectors.economic.sandbox.query import ListQuery, paginate, parse_filter
from connectors.economic.sandbox.server import EconomicSandbox, Fault, sandbox_factory

TODAY = date(2026, 3, 10)


class Clock:
    """A settable wall clock for replay windows and rate limits."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def connect(sandbox: EconomicSandbox, **headers: str) -> httpx.Client:
    base = {"X-AppSecretToken": sandbox.APP_SECRET, "X-AgreementGrantToken": sandbox.GRANT}
    return httpx.Client(
        transport=sandbox.transport(), base_url=sandbox.BASE_URL, headers=base | headers
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> EconomicSandbox:
    demo = EconomicSandbox.demo(TODAY)
    return EconomicSandbox(TODAY, state=demo.state(), clock=clock)


@pytest.fixture
def client(sandbox: EconomicSandbox) -> Iterator[httpx.Client]:
    with connect(sandbox) as client:
        yield client


def parsed(response: httpx.Response) -> Any:
    """The body with every fraction read as a Decimal, as the bridge reads it."""
    return json.loads(response.content, parse_float=Decimal)


def everything(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Follow nextPage links to the end; return every item."""
    page = parsed(client.get(path, params={"pagesize": 1000, **params}))
    items = list(page["collection"])
    while "nextPage" in page["pagination"]:
        page = parsed(client.get(page["pagination"]["nextPage"]))
        items += page["collection"]
    return items


def numbers(items: list[dict[str, Any]], key: str = "bookedInvoiceNumber") -> list[int]:
    return [item[key] for item in items]


def draft_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "date": "2026-03-10",
        "currency": "DKK",
        "customer": {"customerNumber": 3},
        "paymentTerms": {"paymentTermsNumber": 1},
        "layout": {"layoutNumber": 19},
        "recipient": {"name": "Aarhus Tegnestue A/S", "vatZone": {"vatZoneNumber": 1}},
        "notes": {"heading": "Rykker", "textLine1": "Faktura 1024 er ikke betalt."},
        "references": {"other": "bridge:key-1"},
        "lines": [
            {"product": {"productNumber": "RYK"}, "quantity": 1, "unitNetPrice": 100},
            {"product": {"productNumber": "1002"}, "quantity": 2, "unitNetPrice": 95},
        ],
    }
    body.update(changes)
    return body


# --- pagination ---------------------------------------------------------------------------


def test_pages_followed_to_exhaustion_return_every_customer_once(client: httpx.Client) -> None:
    first = client.get("/customers", params={"pagesize": 7})
    block = first.json()["pagination"]
    assert block["results"] == block["resultsWithoutFilter"] == 30
    seen = numbers(first.json()["collection"], "customerNumber")
    page = first
    while "nextPage" in page.json()["pagination"]:
        page = client.get(page.json()["pagination"]["nextPage"])
        assert page.json()["self"] == page.request.url
        seen += numbers(page.json()["collection"], "customerNumber")
    assert seen == list(range(1, 31))
    assert page.json()["pagination"]["lastPage"] == str(page.request.url)
    assert block["lastPage"].endswith("skippages=4&pagesize=7")


def test_default_page_size_is_20_and_later_pages_link_back(client: httpx.Client) -> None:
    first = client.get("/customers").json()
    assert first["pagination"]["pageSize"] == 20
    assert len(first["collection"]) == 20
    assert first["self"].endswith("/customers?skippages=0&pagesize=20")
    second = client.get(first["pagination"]["nextPage"]).json()
    assert second["pagination"]["previousPage"] == first["self"]
    assert len(second["collection"]) == 10


def test_page_size_above_1000_is_refused(client: httpx.Client) -> None:
    assert client.get("/customers", params={"pagesize": 1000}).status_code == 200
    refused = client.get("/customers", params={"pagesize": 1001})
    assert refused.status_code == 400
    assert refused.json()["httpStatusCode"] == 400


@pytest.mark.parametrize("params", [{"pagesize": "0"}, {"pagesize": "x"}, {"skippages": "-1"}])
def test_unreadable_paging_is_refused(client: httpx.Client, params: dict[str, str]) -> None:
    assert client.get("/customers", params=params).status_code == 400


def test_skipping_past_the_end_gives_an_empty_page(client: httpx.Client) -> None:
    body = client.get("/customers", params={"skippages": 9, "pagesize": 10}).json()
    assert body["collection"] == []
    assert "nextPage" not in body["pagination"]


def test_page_links_keep_the_query_encoded_like_e_conomic(client: httpx.Client) -> None:
    body = client.get(
        "/customers", params={"pagesize": 2, "filter": "name$like:*a*", "sort": "-name"}
    ).json()
    assert body["pagination"]["nextPage"] == (
        "https://restapi.e-conomic.com/customers?skippages=1&pagesize=2"
        "&filter=name%24like%3a*a*&sort=-name"
    )
    again = client.get(body["pagination"]["nextPage"]).json()
    assert again["pagination"]["results"] == body["pagination"]["results"]


@given(total=st.integers(0, 120), size=st.integers(1, 50))
def test_pages_partition_any_collection(total: int, size: int) -> None:
    docs = [{"n": i} for i in range(total)]
    spec = {"n": Field(Kind.INT)}
    collected: list[dict[str, Any]] = []
    page_number = 0
    while True:
        query = ListQuery(page_number, size, None, (), ())
        page = paginate(docs, query, spec, "https://x", "/c")
        collected += page.items
        if "nextPage" not in page.pagination:
            break
        page_number += 1
    assert collected == docs
    assert page.pagination["lastPage"].startswith(f"https://x/c?skippages={page_number}&")


# --- filters and sorting ------------------------------------------------------------------


def test_filter_on_one_customer_and_date_combines_with_and(client: httpx.Client) -> None:
    found = everything(
        client, "/invoices/booked", filter="customer.customerNumber$eq:3$and:date$gte:2026-01-20"
    )
    assert found
    assert {i["customer"]["customerNumber"] for i in found} == {3}
    assert all(i["date"] >= "2026-01-20" for i in found)
    every = everything(client, "/invoices/booked", filter="customer.customerNumber$eq:3")
    assert len(every) > len(found)


def test_filter_with_or_and_in_and_nin(client: httpx.Client) -> None:
    ored = everything(client, "/customers", filter="customerNumber$eq:1$or:customerNumber$eq:5")
    assert numbers(ored, "customerNumber") == [1, 5]
    listed = everything(client, "/customers", filter="customerNumber$in:[2,4,30]")
    assert numbers(listed, "customerNumber") == [2, 4, 30]
    rest = everything(client, "/customers", filter="customerNumber$nin:[2,4,30]")
    assert len(rest) == 27


def test_and_binds_tighter_than_or_and_parentheses_group(client: httpx.Client) -> None:
    loose = everything(
        client,
        "/customers",
        filter="customerNumber$eq:1$or:customerNumber$gte:29$and:customerNumber$lte:29",
    )
    assert numbers(loose, "customerNumber") == [1, 29]
    grouped = everything(
        client,
        "/customers",
        filter="(customerNumber$eq:1$or:customerNumber$gte:29)$and:customerNumber$lte:29",
    )
    assert numbers(grouped, "customerNumber") == [1, 29]
    grouped = everything(
        client,
        "/customers",
        filter="(customerNumber$eq:1$or:customerNumber$gte:29)$and:customerNumber$ne:1",
    )
    assert numbers(grouped, "customerNumber") == [29, 30]


def test_like_matches_substrings_wildcards_and_ignores_case(client: httpx.Client) -> None:
    assert len(everything(client, "/customers", filter="name$like:aps")) == 12
    assert numbers(
        everything(client, "/customers", filter="name$like:aarhus*"), "customerNumber"
    ) == [3]
    # With a wildcard the pattern covers the whole name.
    assert everything(client, "/customers", filter="name$like:*tegnestue") == []
    assert numbers(
        everything(client, "/customers", filter="name$like:*TEGNESTUE a/s"), "customerNumber"
    ) == [3]


def test_null_and_escaped_values(client: httpx.Client) -> None:
    without_cvr = everything(client, "/customers", filter="corporateIdentificationNumber$eq:$null:")
    assert len(without_cvr) == 12  # the consumers (the German company has its HRB number)
    with_ean = everything(client, "/customers", filter="ean$ne:$null:")
    assert numbers(with_ean, "customerNumber") == [17]
    comma = everything(client, "/customers", filter="name$eq:Favrskov Kommune$, Hadsten Skole")
    assert numbers(comma, "customerNumber") == [17]


def test_boolean_filter_treats_an_omitted_false_as_false(client: httpx.Client) -> None:
    assert numbers(everything(client, "/customers", filter="barred$eq:true"), "customerNumber") == [
        16
    ]
    assert len(everything(client, "/customers", filter="barred$eq:false")) == 29


def test_incremental_customers_by_last_updated(client: httpx.Client) -> None:
    changed = everything(client, "/customers", filter="lastUpdated$gt:2026-02-01T00:00:00Z")
    assert changed
    assert all(c["lastUpdated"] > "2026-02-01T00:00:00Z" for c in changed)


@pytest.mark.parametrize("field", ["dueDate", "remainder", "grossAmount"])
def test_filter_on_a_field_e_conomic_does_not_filter_is_400(
    client: httpx.Client, field: str
) -> None:
    response = client.get("/invoices/overdue", params={"filter": f"{field}$lt:2026-01-01"})
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"][0]
    assert "bookedInvoiceNumber" in body["allowedFilteringFields"]
    assert field not in body["allowedFilteringFields"]


@pytest.mark.parametrize(
    "expression",
    [
        "customerNumber$xx:1",
        "customerNumber$eq:abc",
        "customerNumber$in:1,2",
        "(customerNumber$eq:1",
        "name$eq:a$b",
        "$eq:1",
        "name$gt:$null:",
    ],
)
def test_unparseable_filters_are_400(client: httpx.Client, expression: str) -> None:
    response = client.get("/customers", params={"filter": expression})
    assert response.status_code == 400
    assert response.json()["message"] == "Could not parse query string filter."


def test_sort_ascending_descending_and_refused(client: httpx.Client) -> None:
    newest = everything(client, "/invoices/booked", sort="-date")
    dates = [i["date"] for i in newest]
    assert dates == sorted(dates, reverse=True)
    by_name = [c["name"].casefold() for c in everything(client, "/customers", sort="name")]
    assert by_name == sorted(by_name)
    assert client.get("/invoices/overdue", params={"sort": "dueDate"}).status_code == 400


def test_entries_filter_on_entry_type_shows_ui_reminders(client: httpx.Client) -> None:
    reminders = everything(client, "/accounting-years/2026/entries", filter="entryType$eq:reminder")
    reminders += everything(
        client, "/accounting-years/2025/entries", filter="entryType$eq:reminder"
    )
    assert len(reminders) == 2
    assert {r["customer"]["customerNumber"] for r in reminders} == {5}
    assert len({r["invoiceNumber"] for r in reminders}) == 1
    assert all(r["amount"] == 100 for r in reminders)


@settings(max_examples=40, deadline=None)
@given(low=st.integers(0, 60000), high=st.integers(0, 60000), customer=st.integers(1, 30))
def test_and_is_intersection_and_or_is_union(low: int, high: int, customer: int) -> None:
    fields = {"balance": Field(Kind.NUMBER), "customerNumber": Field(Kind.INT)}
    docs: list[dict[str, Any]] = [
        {"customerNumber": n, "balance": Decimal(n * 1999) % 60000} for n in range(1, 31)
    ]
    a, b = f"balance$gte:{low}", f"customerNumber$lte:{customer}"
    c = f"balance$lt:{high}"

    def hits(expression: str) -> set[int]:
        query = ListQuery(0, 1000, parse_filter(expression, fields), (), ())
        return {d["customerNumber"] for d in paginate(docs, query, fields, "", "").items}

    assert hits(f"{a}$and:{b}") == hits(a) & hits(b)
    assert hits(f"{a}$or:{b}") == hits(a) | hits(b)
    assert hits(f"{a}$or:{b}$and:{c}") == hits(a) | (hits(b) & hits(c))
    assert hits(f"{a}$and:{b}") <= {d["customerNumber"] for d in docs if d["balance"] >= low}


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"X-AppSecretToken": "", "X-AgreementGrantToken": ""},
        {"X-AppSecretToken": "demo"},
        {"X-AgreementGrantToken": "someone-else"},
    ],
)
def test_missing_or_wrong_tokens_are_401(sandbox: EconomicSandbox, headers: dict[str, str]) -> None:
    with connect(sandbox, **headers) as client:
        response = client.get("/customers")
    assert response.status_code == 401
    assert response.json()["errorCode"] == CODE_UNAUTHORIZED


def test_a_revoked_grant_is_401_until_restored(
    sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    sandbox.revoke_grant()
    assert client.get("/self").status_code == 401
    assert client.post("/invoices/drafts", json=draft_body()).status_code == 401
    sandbox.restore_grant()
    assert client.get("/self").status_code == 200


# --- drafts, booking, deleting ------------------------------------------------------------


def test_draft_create_read_book_round_trip(sandbox: EconomicSandbox, client: httpx.Client) -> None:
    created = client.post("/invoices/drafts", json=draft_body())
    assert created.status_code == 201
    draft = parsed(created)
    assert created.headers["Location"] == draft["self"]
    # The fee is VAT-free; two pens at 95 carry 25 % VAT.
    assert draft["netAmount"] == 290
    assert draft["vatAmount"] == Decimal("47.50")
    assert draft["grossAmount"] == Decimal("337.50")
    assert draft["dueDate"] == "2026-03-18"
    assert [line["description"] for line in draft["lines"]] == [
        "Rykkergebyr",
        "Kuglepenne blå, 50 stk.",
    ]
    number = draft["draftInvoiceNumber"]
    assert parsed(client.get(f"/invoices/drafts/{number}")) == draft
    found = client.get("/invoices/drafts", params={"filter": "references.other$eq:bridge:key-1"})
    assert numbers(found.json()["collection"], "draftInvoiceNumber") == [number]

    booked = client.post(
        "/invoices/booked", json={"draftInvoice": {"draftInvoiceNumber": number}, "sendBy": "none"}
    )
    assert booked.status_code == 201
    invoice = parsed(booked)
    assert client.get(f"/invoices/drafts/{number}").status_code == 404
    assert invoice["remainder"] == invoice["grossAmount"] == Decimal("337.50")
    assert invoice["notes"] == draft_body()["notes"]
    assert invoice["references"] == {"other": "bridge:key-1"}
    assert [line["vatRate"] for line in invoice["lines"]] == [0, 25]
    assert invoice["dueDate"] == "2026-03-18"
    not_due = everything(client, "/invoices/not-due", filter="references.other$eq:bridge:key-1")
    assert numbers(not_due) == [invoice["bookedInvoiceNumber"]]
    entries = everything(
        client, "/accounting-years/2026/entries", filter="entryType$eq:customerInvoice"
    )
    assert str(invoice["bookedInvoiceNumber"]) in {e["invoiceNumber"] for e in entries}


def test_accountant_books_or_deletes_drafts_in_the_ui(
    sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    first = client.post("/invoices/drafts", json=draft_body()).json()["draftInvoiceNumber"]
    second = client.post("/invoices/drafts", json=draft_body()).json()["draftInvoiceNumber"]
    booked = sandbox.book_draft(first, send_by="Email")
    assert client.get(f"/invoices/booked/{booked}").status_code == 200
    sandbox.delete_draft(second)
    assert client.get(f"/invoices/drafts/{second}").status_code == 404
    assert client.get("/invoices/drafts").json()["collection"] == []


def test_accepting_all_drafts_books_each_once(
    sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    for _ in range(3):
        client.post("/invoices/drafts", json=draft_body())
    before = len(everything(client, "/invoices/booked"))
    assert sandbox.accept_drafts() == 3
    assert sandbox.accept_drafts() == 0
    assert len(everything(client, "/invoices/booked")) == before + 3
    assert client.get("/invoices/drafts").json()["collection"] == []


def test_delete_draft_answers_like_e_conomic(client: httpx.Client) -> None:
    number = client.post("/invoices/drafts", json=draft_body()).json()["draftInvoiceNumber"]
    deleted = client.delete(f"/invoices/drafts/{number}")
    assert deleted.status_code == 200
    assert deleted.json()["deletedCount"] == 1
    assert client.delete(f"/invoices/drafts/{number}").status_code == 404
    assert client.get(f"/invoices/drafts/{number}").json()["errorCode"] == CODE_NOT_FOUND


def test_draft_for_an_eur_customer_carries_no_vat_and_the_eur_rate(client: httpx.Client) -> None:
    body = draft_body(
        currency="EUR",
        customer={"customerNumber": 18},
        recipient={"name": "Flensburger Bürobedarf GmbH", "vatZone": {"vatZoneNumber": 2}},
    )
    draft = parsed(client.post("/invoices/drafts", json=body))
    assert draft["vatAmount"] == 0
    assert draft["exchangeRate"] == Decimal("746.120000")
    assert draft["grossAmountInBaseCurrency"] == Decimal("2163.75")


def validation_errors(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["errorCode"] == CODE_VALIDATION
    errors: dict[str, Any] = body["errors"]
    return errors


# --- the draft's due date (invoices.drafts.post, dueDate: "Only used if the terms of payment is
# of type 'duedate', in which case it is mandatory") ---------------------------------------


def test_a_draft_without_a_due_date_is_due_when_its_net_terms_say(client: httpx.Client) -> None:
    # Terms 1 are "Netto 8 dage": 2026-03-10 + 8 days; a posted dueDate does not count with them.
    for body in (draft_body(), draft_body(dueDate="2026-03-20")):
        assert parsed(client.post("/invoices/drafts", json=body))["dueDate"] == "2026-03-18"


def test_due_date_terms_keep_the_posted_due_date(client: httpx.Client) -> None:
    body = draft_body(paymentTerms={"paymentTermsNumber": 5}, dueDate="2026-03-23")
    draft = parsed(client.post("/invoices/drafts", json=body))
    assert draft["dueDate"] == "2026-03-23"
    assert draft["paymentTerms"]["paymentTermsType"] == "dueDate"
    booked = parsed(
        client.post(
            "/invoices/booked",
            json={"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}},
        )
    )
    assert booked["dueDate"] == "2026-03-23"


def test_due_date_terms_without_a_due_date_are_refused(client: httpx.Client) -> None:
    response = client.post(
        "/invoices/drafts", json=draft_body(paymentTerms={"paymentTermsNumber": 5})
    )
    assert "dueDate" in validation_errors(response)


def test_missing_required_fields_are_listed_together(client: httpx.Client) -> None:
    response = client.post("/invoices/drafts", json={"currency": "DKK"})
    errors = validation_errors(response)
    assert set(errors) == {"date", "layout", "paymentTerms", "customer", "recipient"}
    assert response.json()["errorCount"] == 7  # recipient.name and recipient.vatZone too
    assert errors["recipient"]["name"]["errors"][0]["propertyName"] == "name"


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("notes.heading", 250),
        ("notes.textLine1", 1000),
        ("notes.textLine2", 1000),
        ("references.other", 250),
    ],
)
def test_texts_over_e_conomic_limits_are_refused(
    client: httpx.Client, path: str, limit: int
) -> None:
    group, key = path.split(".")
    body = draft_body()
    body[group] = {key: "x" * limit}
    assert client.post("/invoices/drafts", json=body).status_code == 201
    body[group] = {key: "x" * (limit + 1)}
    errors = validation_errors(client.post("/invoices/drafts", json=body))
    assert errors[group][key]["errors"][0]["inputValue"] == "x" * (limit + 1)


def test_lines_need_an_existing_product(client: httpx.Client) -> None:
    body = draft_body(lines=[{"quantity": 1}, {"product": {"productNumber": "NOPE"}}])
    errors = validation_errors(client.post("/invoices/drafts", json=body))
    items = errors["lines"]["items"]
    assert [item["arrayIndex"] for item in items] == [0, 1]
    assert "NOPE" in items[1]["product"]["errors"][0]["errorMessage"]


@pytest.mark.parametrize(
    "changes",
    [
        {"customer": {"customerNumber": 999}},
        {"customer": {"customerNumber": 16}},  # barred
        {"layout": {"layoutNumber": 1}},
        {"paymentTerms": {"paymentTermsNumber": 99}},
        {"currency": "XYZ"},
        {"date": "2026-02-30"},
        {"recipient": {"name": "A", "vatZone": {"vatZoneNumber": 9}}},
        {"notes": "not an object"},
        {"lines": "not a list"},
    ],
)
def test_unknown_or_unusable_references_are_refused(
    client: httpx.Client, changes: dict[str, Any]
) -> None:
    validation_errors(client.post("/invoices/drafts", json=draft_body(**changes)))


def test_a_body_that_is_not_a_json_object_is_400(client: httpx.Client) -> None:
    assert client.post("/invoices/drafts", json=[1, 2]).status_code == 400
    assert client.post("/invoices/drafts", content=b"{nope").status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"draftInvoice": {"draftInvoiceNumber": 999}},
        {"draftInvoice": {"draftInvoiceNumber": 1}, "sendBy": "fax"},
        {"draftInvoice": {"draftInvoiceNumber": 1}, "sendBy": "ean"},  # customer 3 has no EAN
        {"draftInvoice": {"draftInvoiceNumber": 1}, "bookWithNumber": 1001},
    ],
)
def test_booking_refuses_what_e_conomic_refuses(client: httpx.Client, body: dict[str, Any]) -> None:
    assert client.post("/invoices/drafts", json=draft_body()).status_code == 201
    validation_errors(client.post("/invoices/booked", json=body))
    assert client.get("/invoices/drafts/1").status_code == 200


def test_booking_with_a_chosen_number(client: httpx.Client) -> None:
    client.post("/invoices/drafts", json=draft_body())
    booked = client.post(
        "/invoices/booked", json={"draftInvoice": {"draftInvoiceNumber": 1}, "bookWithNumber": 5000}
    )
    assert booked.json()["bookedInvoiceNumber"] == 5000


# --- payments -----------------------------------------------------------------------------


def overdue_invoice(client: httpx.Client) -> dict[str, Any]:
    found = everything(client, "/invoices/overdue", filter="customer.customerNumber$eq:15")
    assert len(found) == 1
    return found[0]


def test_payment_in_full_moves_the_invoice_from_overdue_to_paid(
    sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    invoice = overdue_invoice(client)
    number = invoice["bookedInvoiceNumber"]
    sandbox.pay(number, Decimal(invoice["remainder"]), TODAY)
    assert number not in numbers(everything(client, "/invoices/overdue"))
    assert number not in numbers(everything(client, "/invoices/unpaid"))
    assert number in numbers(everything(client, "/invoices/paid"))
    assert client.get(f"/invoices/booked/{number}").json()["remainder"] == 0
    payments = everything(
        client, "/accounting-years/2026/entries", filter="entryType$eq:customerPayment"
    )
    mine = [p for p in payments if p["invoiceNumber"] == str(number)]
    assert [(p["date"], p["amount"]) for p in mine] == [("2026-03-10", -invoice["remainder"])]


def test_partial_payment_lowers_the_remainder_and_the_balance(
    sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    invoice = overdue_invoice(client)
    before = parsed(client.get("/customers/15"))
    sandbox.pay(invoice["bookedInvoiceNumber"], Decimal("1000.00"), TODAY)
    after = overdue_invoice(client)
    assert after["remainder"] == invoice["remainder"] - 1000
    assert parsed(client.get("/customers/15"))["balance"] == before["balance"] - 1000


def test_paying_more_than_remains_is_refused(
    sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    invoice = overdue_invoice(client)
    with pytest.raises(ValueError, match="remains"):
        sandbox.pay(invoice["bookedInvoiceNumber"], Decimal(invoice["remainder"]) + 1, TODAY)


def test_moving_the_clock_makes_invoices_fall_due(
    sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    before = len(everything(client, "/invoices/overdue"))
    sandbox.today = TODAY + timedelta(days=5)
    after = everything(client, "/invoices/overdue")
    assert len(after) == before + 5  # due today and in 2, 3 (two) and 4 days
    sandbox.today = TODAY


# --- idempotency --------------------------------------------------------------------------


def test_replayed_post_returns_the_cached_answer_and_acts_once(
    client: httpx.Client, clock: Clock
) -> None:
    key = {"Idempotency-Key": "decision-42"}
    first = client.post("/invoices/drafts", json=draft_body(), headers=key)
    clock.advance(59 * 60)
    again = client.post("/invoices/drafts", json=draft_body(), headers=key)
    assert again.status_code == 201
    assert again.headers["X-ResultFromCache"] == "true"
    assert "X-ResultFromCache" not in first.headers
    assert again.json() == first.json()
    assert len(client.get("/invoices/drafts").json()["collection"]) == 1


def test_the_replay_cache_lasts_one_hour(client: httpx.Client, clock: Clock) -> None:
    key = {"Idempotency-Key": "decision-43"}
    client.post("/invoices/drafts", json=draft_body(), headers=key)
    clock.advance(61 * 60)
    later = client.post("/invoices/drafts", json=draft_body(), headers=key)
    assert "X-ResultFromCache" not in later.headers
    assert len(client.get("/invoices/drafts").json()["collection"]) == 2


def test_replayed_delete_does_not_answer_404(client: httpx.Client) -> None:
    client.post("/invoices/drafts", json=draft_body())
    key = {"Idempotency-Key": "delete-1"}
    first = client.delete("/invoices/drafts/1", headers=key)
    again = client.delete("/invoices/drafts/1", headers=key)
    assert first.status_code == again.status_code == 200
    assert again.headers["X-ResultFromCache"] == "true"


def test_get_ignores_the_idempotency_key(client: httpx.Client) -> None:
    key = {"Idempotency-Key": "read-1"}
    client.get("/self", headers=key)
    assert "X-ResultFromCache" not in client.get("/self", headers=key).headers


# --- rate limiting ------------------------------------------------------------------------


def test_above_the_rate_limit_answers_429_with_retry_after(clock: Clock) -> None:
    sandbox = EconomicSandbox(TODAY, rate_limit=(3, 10.0), clock=clock)
    with connect(sandbox) as client:
        assert [client.get("/self").status_code for _ in range(3)] == [200, 200, 200]
        clock.advance(4)
        limited = client.get("/self")
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "6"
        assert limited.json()["httpStatusCode"] == 429
        clock.advance(6)
        assert client.get("/self").status_code == 200


# --- injected faults ----------------------------------------------------------------------


def test_status_fault_answers_without_acting(
    client: httpx.Client, sandbox: EconomicSandbox
) -> None:
    sandbox.inject(Fault("status", "/invoices/drafts", times=2, status=503))
    for _ in range(2):
        failed = client.post("/invoices/drafts", json=draft_body())
        assert failed.status_code == 503
        assert failed.json()["httpStatusCode"] == 503
    assert client.get("/invoices/drafts").json()["collection"] == []
    assert client.post("/invoices/drafts", json=draft_body()).status_code == 201


def test_status_429_fault_carries_retry_after(
    client: httpx.Client, sandbox: EconomicSandbox
) -> None:
    sandbox.inject(Fault("status", status=429, retry_after=7))
    response = client.get("/self")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"


def test_timeout_after_commit_acts_then_hides_the_answer(
    client: httpx.Client, sandbox: EconomicSandbox
) -> None:
    sandbox.inject(Fault("timeout_after_commit", "/invoices/drafts", method="POST"))
    key = {"Idempotency-Key": "decision-7"}
    with pytest.raises(httpx.ReadTimeout):
        client.post("/invoices/drafts", json=draft_body(), headers=key)
    assert len(client.get("/invoices/drafts").json()["collection"]) == 1
    retried = client.post("/invoices/drafts", json=draft_body(), headers=key)
    assert retried.headers["X-ResultFromCache"] == "true"
    assert len(client.get("/invoices/drafts").json()["collection"]) == 1


def test_drop_fails_before_acting(client: httpx.Client, sandbox: EconomicSandbox) -> None:
    sandbox.inject(Fault("drop", "/invoices/drafts"))
    with pytest.raises(httpx.ConnectError):
        client.post("/invoices/drafts", json=draft_body())
    assert client.get("/invoices/drafts").json()["collection"] == []


def test_truncated_body_keeps_the_status(client: httpx.Client, sandbox: EconomicSandbox) -> None:
    sandbox.inject(Fault("truncated", "/invoices/drafts"))
    response = client.post("/invoices/drafts", json=draft_body())
    assert response.status_code == 201
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert len(client.get("/invoices/drafts").json()["collection"]) == 1


def test_malformed_answer_is_200_and_not_json(
    client: httpx.Client, sandbox: EconomicSandbox
) -> None:
    sandbox.inject(Fault("malformed", "/invoices/overdue"))
    response = client.get("/invoices/overdue")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert client.get("/invoices/overdue").status_code == 200


def test_faults_only_hit_matching_requests(client: httpx.Client, sandbox: EconomicSandbox) -> None:
    sandbox.inject(Fault("status", "/invoices/drafts", method="POST", status=500))
    assert client.get("/invoices/drafts").status_code == 200
    assert client.get("/customers").status_code == 200
    assert client.post("/invoices/drafts", json=draft_body()).status_code == 500
    assert sandbox.faults == []


@pytest.mark.parametrize(
    "arguments",
    [{"kind": "explode"}, {"kind": "status", "status": 404}, {"kind": "drop", "times": 0}],
)
def test_faults_that_make_no_sense_are_refused(arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"fault"):
        Fault(**arguments)


# --- wire format and small things ---------------------------------------------------------


def test_amounts_are_json_numbers_with_their_decimals(client: httpx.Client) -> None:
    text = client.get("/invoices/booked/1001").text
    assert '"grossAmount":8125.00' in text
    assert '"exchangeRate":100.000000' in text
    body = json.loads(text, parse_float=Decimal)
    assert body["remainder"] == Decimal("0.00")


def test_false_booleans_are_left_out(client: httpx.Client) -> None:
    assert "barred" not in client.get("/customers/1").json()
    assert client.get("/customers/16").json()["barred"] is True


def test_unknown_paths_and_entities_are_404(client: httpx.Client) -> None:
    route = client.get("/orders")
    assert route.status_code == 404
    assert "errorCode" not in route.json()
    assert client.put("/customers/1", json={}).status_code == 404
    assert client.get("/customers/999").json()["errorCode"] == CODE_NOT_FOUND
    assert client.get("/invoices/booked/1").status_code == 404
    assert client.get("/accounting-years/1999/entries").status_code == 404
    assert client.get("/products/NOPE").status_code == 404


def test_the_request_log_counts_calls(client: httpx.Client, sandbox: EconomicSandbox) -> None:
    sandbox.requests.clear()
    client.get("/customers/", params={"filter": "name$like:a"})
    client.post("/invoices/drafts", json=draft_body())
    assert sandbox.requests == [
        ("GET", "/customers?filter=name$like:a"),
        ("POST", "/invoices/drafts"),
    ]


# --- persistence --------------------------------------------------------------------------


def test_save_and_load_keep_the_state(
    tmp_path: Path, sandbox: EconomicSandbox, client: httpx.Client
) -> None:
    client.post("/invoices/drafts", json=draft_body(), headers={"Idempotency-Key": "k"})
    sandbox.pay(overdue_invoice(client)["bookedInvoiceNumber"], Decimal("0.01"), TODAY)
    sandbox.revoke_grant()
    path = tmp_path / "nested" / "economic.json"
    sandbox.save(path)
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    loaded = EconomicSandbox.load_or_demo(path, TODAY)
    assert loaded.state() == sandbox.state()
    loaded.restore_grant()
    sandbox.restore_grant()
    with connect(loaded) as other:
        for target in ("/customers/15", "/invoices/drafts/1", "/invoices/overdue"):
            assert other.get(target).json() == client.get(target).json()
    assert '"grossAmount": 14562.50' in path.read_text(encoding="utf-8")


def test_load_or_demo_seeds_when_there_is_no_file(tmp_path: Path) -> None:
    assert len(EconomicSandbox.load_or_demo(None, TODAY).state()["customers"]) == 30
    fresh = sandbox_factory(tmp_path / "missing.json", TODAY)
    assert fresh.state() == EconomicSandbox.demo(TODAY).state()
    typed: Sandbox = fresh
    assert isinstance(typed.transport(), httpx.MockTransport)


def test_a_state_in_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        EconomicSandbox(TODAY, state={"format": 99})


# --- the demo company ---------------------------------------------------------------------


def situations(sandbox: EconomicSandbox) -> dict[str, list[int]]:
    """Sort the demo's invoices into the dunning situations the bridge must handle."""
    with connect(sandbox) as client:
        invoices = everything(client, "/invoices/booked")
        entries = [
            e
            for year in everything(client, "/accounting-years")
            for e in everything(client, f"/accounting-years/{year['year']}/entries")
        ]
    paid_on: dict[str, str] = {}
    for e in entries:
        if e["entryType"] == "customerPayment":
            paid_on[e["invoiceNumber"]] = max(e["date"], paid_on.get(e["invoiceNumber"], ""))
    out: dict[str, list[int]] = {}

    def put(name: str, invoice: dict[str, Any]) -> None:
        out.setdefault(name, []).append(invoice["bookedInvoiceNumber"])

    for inv in invoices:
        late = (sandbox.today - date.fromisoformat(inv["dueDate"])).days
        remainder, gross = Decimal(inv["remainder"]), Decimal(inv["grossAmount"])
        if remainder == 0:
            paid = paid_on[str(inv["bookedInvoiceNumber"])]
            put("paid late" if paid > inv["dueDate"] else "paid on time", inv)
            continue
        if remainder < gross:
            put("partly paid", inv)
        if gross < 50:
            put("tiny", inv)
        for name, low, high in (
            ("not due", -999, -5),
            ("due in 2-4 days", -4, -2),
            ("due today", 0, 0),
            ("1-5 days overdue", 1, 5),
            ("12-20 days overdue", 12, 20),
            ("25-35 days overdue", 25, 35),
            ("45-70 days overdue", 45, 70),
        ):
            if low <= late <= high:
                put(name, inv)
    return out


EVERY_SITUATION = {
    "not due",
    "due in 2-4 days",
    "due today",
    "1-5 days overdue",
    "12-20 days overdue",
    "25-35 days overdue",
    "45-70 days overdue",
    "partly paid",
    "tiny",
    "paid on time",
    "paid late",
}


def test_demo_company_covers_every_dunning_situation(sandbox: EconomicSandbox) -> None:
    found = situations(sandbox)
    assert set(found) == EVERY_SITUATION
    assert all(len(found[name]) >= 2 for name in EVERY_SITUATION - {"due today"})


def test_demo_company_has_the_customers_the_law_distinguishes(client: httpx.Client) -> None:
    customers = everything(client, "/customers")
    assert len(customers) == 30
    businesses = [c for c in customers if c["customerGroup"]["customerGroupNumber"] == 1]
    consumers = [c for c in customers if c["customerGroup"]["customerGroupNumber"] == 2]
    assert len(consumers) == 12
    assert all("corporateIdentificationNumber" not in c for c in consumers)
    assert all(c["currency"] == "DKK" for c in consumers)
    assert [c["name"] for c in businesses if c.get("ean")] == ["Favrskov Kommune, Hadsten Skole"]
    assert [c["customerNumber"] for c in customers if c.get("barred")] == [16]
    assert [c["customerNumber"] for c in customers if c["currency"] == "EUR"] == [18]
    groups = client.get("/customer-groups").json()["collection"]
    assert {g["customerGroupNumber"]: g["name"] for g in groups} == {1: "Erhverv", 2: "Private"}
    overdue = {i["customer"]["customerNumber"] for i in everything(client, "/invoices/overdue")}
    assert {16, 17, 18} <= overdue  # barred, EAN and EUR customers all owe something


def test_demo_company_has_invoices_to_combine_and_ui_reminders(client: httpx.Client) -> None:
    overdue = everything(client, "/invoices/overdue")
    by_customer_and_due: dict[tuple[int, str], int] = {}
    for inv in overdue:
        key = (inv["customer"]["customerNumber"], inv["dueDate"])
        by_customer_and_due[key] = by_customer_and_due.get(key, 0) + 1
    assert max(by_customer_and_due.values()) >= 3
    reminders = everything(client, "/accounting-years/2026/entries", filter="entryType$eq:reminder")
    reminders += everything(
        client, "/accounting-years/2025/entries", filter="entryType$eq:reminder"
    )
    reminded = {r["invoiceNumber"] for r in reminders}
    assert len(reminders) == 2
    assert len(reminded) == 1
    assert int(reminded.pop()) in numbers(overdue)


def test_demo_amounts_are_realistic(client: httpx.Client) -> None:
    invoices = everything(client, "/invoices/booked")
    assert len(invoices) == 60
    regular = [Decimal(i["grossAmount"]) for i in invoices if Decimal(i["grossAmount"]) >= 50]
    assert all(Decimal(200) <= amount <= Decimal(60000) for amount in regular)
    domestic = [i for i in invoices if i["currency"] == "DKK"]
    assert all(
        Decimal(i["vatAmount"]) == Decimal(i["grossAmount"]) - Decimal(i["netAmount"])
        for i in domestic
    )
    assert all(
        abs(Decimal(i["vatAmount"]) - Decimal(i["netAmount"]) / 4) <= Decimal("0.01")
        for i in domestic
    )


def test_demo_is_deterministic_for_a_day() -> None:
    assert EconomicSandbox.demo(TODAY).state() == EconomicSandbox.demo(TODAY).state()


@settings(max_examples=10, deadline=None)
@given(today=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_demo_covers_every_situation_whatever_the_day(today: date) -> None:
    assert set(situations(EconomicSandbox.demo(today))) == EVERY_SITUATION
