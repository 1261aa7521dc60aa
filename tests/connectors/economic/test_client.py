"""The e-conomic client: filters, paging, idempotency keys, error bodies, retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from bridge.infra import retry
from bridge.infra.http import build_client
from bridge.infra.http_status import raise_for_vendor
from bridge.vocab.errors import (
    AuthError,
    MalformedResponse,
    NotFound,
    RejectedRequest,
    SecretMissing,
    Transient,
)
from bridge.vocab.secrets import TenantSecrets
from connectors.economic import client as api
from connectors.economic.auth import EconomicAuth
from connectors.economic.client import EconomicClient, status_table
from tests.connectors.economic.fake import APP, GRANT, HOST, FakeEconomic
from tests.connectors.economic.recorded import load


class Secrets:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, name: str) -> str:
        return self.values[name]

    def set(self, name: str, value: str) -> None:
        self.values[name] = value


SECRETS = Secrets({"app_secret_token": APP, "agreement_grant_token": GRANT})


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _client(fake: FakeEconomic, page_size: int = 1000) -> EconomicClient:
    http = build_client(base_url=HOST, auth=EconomicAuth(SECRETS), transport=fake.transport())
    return EconomicClient(
        http, table=status_table("acme"), policy=api.RETRY_POLICY, page_size=page_size
    )


def _filter(request: httpx.Request) -> str | None:
    return request.url.params.get("filter")


def test_escape_special_characters() -> None:
    assert api.escape("a$b(c)*d,e[f]g") == "a$$b$(c$)$*d$,e$[f$]g"
    assert api.escape("plain-key_01") == "plain-key_01"


def test_filters_render_values() -> None:
    assert api.eq("references.other", "x,y") == "references.other$eq:x$,y"
    assert api.clause("date", "gte", date(2026, 1, 2)) == "date$gte:2026-01-02"
    cet = timezone(timedelta(hours=1))
    when = datetime(2026, 1, 2, 13, 0, tzinfo=cet)
    assert api.clause("lastUpdated", "gt", when) == "lastUpdated$gt:2026-01-02T12:00:00Z"
    assert api.eq("barred", True) == "barred$eq:true"
    assert api.one_of("customerNumber", [3, 1]) == "customerNumber$in:[3,1]"
    assert api.any_of("a$eq:1", "b$eq:2") == "a$eq:1$or:b$eq:2"
    with pytest.raises(ValueError, match="naive"):
        api.clause("lastUpdated", "gt", datetime(2026, 1, 2))
    with pytest.raises(ValueError, match=r"1\.\.200"):
        api.one_of("customerNumber", list(range(201)))


def test_special_characters_reach_the_vendor_escaped_and_encoded() -> None:
    fake = FakeEconomic(
        collections={
            "/invoices/drafts": [{"draftInvoiceNumber": 1, "references": {"other": "a&b=c$d,(e)"}}]
        }
    )
    found = list(_client(fake).drafts(reference="a&b=c$d,(e)"))
    assert len(found) == 1
    raw = fake.requests[0].url.query.decode()
    assert "&b=" not in raw  # the ampersand is percent-encoded, not a new parameter
    assert _filter(fake.requests[0]) == "references.other$eq:a&b=c$$d$,$(e$)"


def test_paging_walks_every_page() -> None:
    items = [{"customerNumber": n, "name": f"C{n}"} for n in range(1, 2501)]
    fake = FakeEconomic(collections={"/customers": items})
    got = list(_client(fake).customers())
    assert [c["customerNumber"] for c in got] == list(range(1, 2501))
    assert [r.url.params["skippages"] for r in fake.requests] == ["0", "1", "2"]
    assert {r.url.params["pagesize"] for r in fake.requests} == {"1000"}


def test_a_failing_page_fails_the_walk() -> None:
    items = [{"customerNumber": n, "name": f"C{n}"} for n in range(1, 30)]
    fake = FakeEconomic(collections={"/customers": items})
    walk = _client(fake, page_size=10).customers()
    assert next(walk)["customerNumber"] == 1
    fake.fail("/customers", 400)
    with pytest.raises(RejectedRequest):
        list(walk)


def test_a_looping_next_link_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "collection": [{}],
                "pagination": {"nextPage": f"{HOST}/layouts?skippages=0&pagesize=1000"},
            },
        )

    http = build_client(base_url=HOST, auth=None, transport=httpx.MockTransport(handler))
    client = EconomicClient(http, table=status_table("acme"), policy=api.RETRY_POLICY)
    with pytest.raises(MalformedResponse, match="loop"):
        list(client.layouts())


def test_unpaid_for_one_customer_filters_on_the_customer() -> None:
    fake = FakeEconomic(
        collections={
            "/invoices/unpaid": [
                {"bookedInvoiceNumber": 1, "customer": {"customerNumber": 5}},
                {"bookedInvoiceNumber": 2, "customer": {"customerNumber": 6}},
            ]
        }
    )
    got = list(_client(fake).unpaid_invoices(customer=6))
    assert [i["bookedInvoiceNumber"] for i in got] == [2]
    assert _filter(fake.requests[0]) == "customer.customerNumber$eq:6"


@pytest.mark.parametrize(("numbers", "requests"), [(199, 1), (200, 1), (201, 2)])
def test_unpaid_by_booked_number_200_to_a_request(numbers: int, requests: int) -> None:
    items = [{"bookedInvoiceNumber": n, "customer": {"customerNumber": 1}} for n in range(1, 300)]
    fake = FakeEconomic(collections={"/invoices/unpaid": items})
    got = list(_client(fake).unpaid_numbered(list(range(1, numbers + 1))))
    assert [i["bookedInvoiceNumber"] for i in got] == list(range(1, numbers + 1))
    assert len(fake.requests) == requests
    assert _filter(fake.requests[0]).startswith("bookedInvoiceNumber$in:[1,2,3,")


def test_customers_by_number_in_chunks_of_200() -> None:
    items = [{"customerNumber": n, "name": f"C{n}"} for n in range(1, 500)]
    fake = FakeEconomic(collections={"/customers": items})
    got = list(_client(fake).customers_numbered(list(range(1, 451))))
    assert len(got) == 450
    assert len(fake.requests) == 3
    sizes = [len(_filter(r).split("[")[1].split(",")) for r in fake.requests]  # type: ignore[union-attr]
    assert sizes == [200, 200, 50]


def test_incremental_customers_filter_on_last_updated() -> None:
    fake = FakeEconomic(collections={"/customers": []})
    list(_client(fake).customers(updated_after=datetime(2026, 2, 1, 6, 30, tzinfo=UTC)))
    assert _filter(fake.requests[0]) == "lastUpdated$gt:2026-02-01T06:30:00Z"


def test_entries_follow_our_own_link_only() -> None:
    fake = FakeEconomic(
        collections={
            "/accounting-years/2026/entries": [{"entryNumber": 1, "entryType": "reminder"}]
        }
    )
    client = _client(fake)
    types = ("customerPayment", "reminder")
    assert list(client.entries("2026", types=types, link=f"{HOST}/accounting-years/2026/entries"))
    assert _filter(fake.requests[0]) == "entryType$eq:customerPayment$or:entryType$eq:reminder"
    # A link to another host is never followed (it would carry our tokens elsewhere).
    list(
        client.entries(
            "2026", types=types, link="https://evil.example/accounting-years/2026/entries"
        )
    )
    assert fake.requests[-1].url.host == "restapi.e-conomic.com"
    with pytest.raises(NotFound):  # the fake has no such year; the path is what counts
        list(client.entries("2025/2026", types=types))
    assert fake.requests[-1].url.raw_path.startswith(b"/accounting-years/2025%2F2026/entries")


def test_entries_with_a_date_range() -> None:
    fake = FakeEconomic(collections={"/accounting-years/2026/entries": []})
    list(
        _client(fake).entries(
            "2026", types=("reminder",), from_date=date(2026, 1, 1), to_date=date(2026, 6, 30)
        )
    )
    assert (
        _filter(fake.requests[0])
        == "entryType$eq:reminder$and:date$gte:2026-01-01$and:date$lte:2026-06-30"
    )


def test_a_date_range_holds_for_every_entry_type() -> None:
    """`$and:` binds tighter than `$or:`, so the window is repeated in each alternative."""
    fake = FakeEconomic(collections={"/accounting-years/2026/entries": []})
    list(
        _client(fake).entries(
            "2026", types=("customerPayment", "reminder"), from_date=date(2026, 1, 1)
        )
    )
    assert _filter(fake.requests[0]) == (
        "entryType$eq:customerPayment$and:date$gte:2026-01-01"
        "$or:entryType$eq:reminder$and:date$gte:2026-01-01"
    )


def test_writes_carry_idempotency_keys_and_tokens() -> None:
    fake = FakeEconomic(
        on_post={
            "/invoices/drafts": lambda body, req: {"draftInvoiceNumber": 7, **body},
            "/invoices/booked": lambda body, req: {"bookedInvoiceNumber": 31},
        }
    )
    client = _client(fake)
    client.create_draft({"date": "2026-03-02"}, idempotency_key="dl-abc")
    client.book(7, send_by="Email", idempotency_key="dl-abc-book")
    draft, booking = fake.requests
    assert draft.headers["Idempotency-Key"] == "dl-abc"
    assert booking.headers["Idempotency-Key"] == "dl-abc-book"
    assert json.loads(booking.content) == {
        "draftInvoice": {"draftInvoiceNumber": 7},
        "sendBy": "Email",
    }
    for request in fake.requests:
        assert request.headers["X-AppSecretToken"] == APP
        assert request.headers["X-AgreementGrantToken"] == GRANT
        assert request.headers["Content-Type"] == "application/json"


def test_keyed_write_is_not_retried_after_a_5xx() -> None:
    """A 5xx leaves the outcome unknown: the key alone is no proof of a replay (no recording
    shows one), so the write is raised for a read-back instead of being sent again."""
    fake = FakeEconomic(on_post={"/invoices/drafts": lambda body, req: {"draftInvoiceNumber": 8}})
    fake.fail("/invoices/drafts", 503)
    with pytest.raises(Transient):
        _client(fake).create_draft({}, idempotency_key="dl-1")
    assert fake.paths("POST") == ["/invoices/drafts"]


def test_keyed_write_is_retried_after_a_429() -> None:
    fake = FakeEconomic(on_post={"/invoices/drafts": lambda body, req: {"draftInvoiceNumber": 8}})
    fake.fail("/invoices/drafts", 429, **{"Retry-After": "1"})
    assert _client(fake).create_draft({}, idempotency_key="dl-1")["draftInvoiceNumber"] == 8
    assert fake.paths("POST") == ["/invoices/drafts", "/invoices/drafts"]


def test_429_is_retried_and_5xx_exhausts_into_transient() -> None:
    fake = FakeEconomic(collections={"/layouts": [{"layoutNumber": 19}]})
    fake.fail("/layouts", 429, **{"Retry-After": "1"})
    assert list(_client(fake).layouts()) == [{"layoutNumber": 19}]
    fake.fail("/layouts", 500, times=10)
    with pytest.raises(Transient):
        list(_client(fake).layouts())


def test_wrong_tokens_say_how_to_fix() -> None:
    fake = FakeEconomic(collections={"/layouts": []})
    http = build_client(
        base_url=HOST,
        auth=EconomicAuth(
            Secrets({"app_secret_token": APP, "agreement_grant_token": "revoked-grant-1"})
        ),
        transport=fake.transport(),
    )
    client = EconomicClient(http, table=status_table("acme"), policy=api.RETRY_POLICY)
    with pytest.raises(AuthError) as caught:
        list(client.layouts())
    message = str(caught.value)
    assert "dunning-bridge secrets set acme agreement_grant_token" in message
    assert "revoked-grant-1" not in message
    assert len(fake.requests) == 1


def test_missing_secret_stops_at_open() -> None:
    with pytest.raises(SecretMissing, match="secrets set acme app_secret_token"):
        EconomicAuth(TenantSecrets("acme"))


def test_recorded_404_body_is_read() -> None:
    body = json.dumps(load("404.json")).encode()
    response = httpx.Response(
        404, content=body, request=httpx.Request("GET", f"{HOST}/customers/9")
    )
    with pytest.raises(NotFound) as caught:
        raise_for_vendor(response, status_table("acme"))
    assert caught.value.request_id == "8d79f54f226ebe44-CPH"
    assert "Resource not found." in str(caught.value)


def test_validation_errors_are_flattened() -> None:
    body: dict[str, Any] = {
        "message": "Validation failed. 1 error found.",
        "errorCode": "E04300",
        "logId": "abc",
        "errors": {
            "layout": {"errors": [{"errorCode": "E04100", "message": "Layout is required."}]}
        },
    }
    response = httpx.Response(
        400, json=body, request=httpx.Request("POST", f"{HOST}/invoices/drafts")
    )
    with pytest.raises(RejectedRequest) as caught:
        raise_for_vendor(response, status_table("acme"))
    assert caught.value.vendor_code == "E04300"
    assert "layout: Layout is required." in str(caught.value)


def test_single_resources() -> None:
    fake = FakeEconomic(
        resources={
            "/invoices/booked/31": {"bookedInvoiceNumber": 31},
            "/customers/5": {"customerNumber": 5},
            "/invoices/drafts/7": {"draftInvoiceNumber": 7},
        }
    )
    client = _client(fake)
    assert client.booked_invoice(31)["bookedInvoiceNumber"] == 31
    assert client.customer(5)["customerNumber"] == 5
    assert client.draft(7)["draftInvoiceNumber"] == 7
    with pytest.raises(NotFound):
        client.draft(8)
