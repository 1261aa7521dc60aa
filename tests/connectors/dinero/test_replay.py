"""The connector's client and mapping, replayed against Dinero's recorded answers (2017).

The recordings are bare bodies (no request was kept), so each is served for the path the
client asks: a transport that answers from the files and fails on anything else. Without
../shared the tests skip with the reason.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bridge.vocab.errors import AuthError, NotFound
from connectors.dinero import mapping
from connectors.dinero.auth import TokenEndpoint
from connectors.dinero.client import DineroClient, status_table
from tests.connectors.dinero.recorded import load

ORG = "4711"
CONTACT = "716a3105-e8fd-4fdd-a886-0490b047986f"


class Replay(httpx.BaseTransport):
    """Answer GETs of the listed paths with a recorded body (and status)."""

    def __init__(self, answers: dict[str, tuple[int, Any]]) -> None:
        self.answers = answers
        self.played: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        found = self.answers.get(request.url.path)
        if found is None:
            raise AssertionError(f"nothing recorded for {request.method} {request.url}")
        self.played.append(request.url.path)
        status, body = found
        return httpx.Response(status, json=body, request=request)


def _client(answers: dict[str, tuple[int, Any]]) -> DineroClient:
    http = httpx.Client(base_url="https://api.dinero.dk", transport=Replay(answers))
    return DineroClient(http, organization=ORG, table=status_table("demo"))


def test_the_recorded_contact_list_is_read_through_the_client() -> None:
    # The 2017 list has no Pagination block (the current spec requires one): a page shorter
    # than the page size asked for is read as the last.
    client = _client({f"/v1/{ORG}/contacts": (200, load("contacts_list.json"))})
    contacts = [mapping.customer(c) for c in client.contacts()]
    assert contacts
    assert {c.id for c in contacts} >= {CONTACT}


def test_the_recorded_invoice_list_is_read_through_the_client() -> None:
    client = _client({f"/v1/{ORG}/invoices": (200, load("invoices_list.json"))})
    items = list(client.invoices(("Overdue", "Booked")))
    assert any(mapping.invoice_status(i) == "Overdue" for i in items)
    assert all(mapping.with_collection(i) is None for i in items)


def test_a_recorded_page_with_pagination_is_read() -> None:
    client = _client({f"/v1/{ORG}/contacts": (200, load("products_list.json"))})
    assert len(list(client.contacts())) == 2


def test_the_recorded_single_contact_maps() -> None:
    client = _client({f"/v1/{ORG}/contacts/{CONTACT}": (200, load("contacts_single.json"))})
    assert mapping.customer(client.contact(CONTACT)).id


def test_the_recorded_not_found_is_classified() -> None:
    client = _client({f"/v1/{ORG}/contacts/{CONTACT}": (404, load("error_not_found.json"))})
    with pytest.raises(NotFound) as caught:
        client.contact(CONTACT)
    assert caught.value.vendor_code == "65"


def test_the_recorded_invalid_grant_is_a_refused_refresh_token() -> None:
    body = load("error_unauthorized_grant.json")
    transport = httpx.MockTransport(lambda request: httpx.Response(400, json=body))
    endpoint = TokenEndpoint(
        client_id="isv_x", client_secret="s", tenant="demo", transport=transport
    )
    with pytest.raises(AuthError, match="dunning-bridge authorize demo") as caught:
        endpoint.refresh("r")
    assert caught.value.vendor_code == "invalid_grant"
