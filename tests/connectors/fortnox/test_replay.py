"""The connector's client and mapping, replayed against Fortnox's recorded answers."""

from __future__ import annotations

import httpx
import pytest

from bridge.vocab.errors import NotFound, RejectedRequest
from connectors.fortnox import mapping
from connectors.fortnox.client import FortnoxClient, status_table
from tests.connectors.fortnox.replay import Replay, Unrecorded


def _client(*cassettes: str) -> tuple[FortnoxClient, Replay]:
    replay = Replay(*cassettes)
    http = httpx.Client(base_url="https://api.fortnox.se", transport=replay)
    return FortnoxClient(http, table=status_table("t")), replay


def test_the_invoice_list_is_read_and_mapped() -> None:
    client, replay = _client("invoices/all.yml")
    items = list(client.invoices())
    assert len(items) == 34  # MetaInformation: 34 resources on one page
    for item in items:
        mapping.not_dunnable(item)
        mapping.invoice(item)
    assert len(replay.played) == 1


def test_the_fully_paid_filter_is_read() -> None:
    client, _ = _client("invoices/filter_hit.yml")
    items = list(client.invoices(filter_="fullypaid"))
    assert items
    assert all(mapping.invoice(i).outstanding == 0 for i in items)


def test_a_full_invoice_gives_reminders_and_credit() -> None:
    client, _ = _client("invoices/find_id_1.yml")
    full = client.invoice("1")
    assert mapping.credited(full) is None  # "Credit": "false", "CreditInvoiceReference": "0"
    assert mapping.sent(full) in (True, False)


def test_a_customer_is_read_and_mapped() -> None:
    client, _ = _client("customers/find_id_1.yml")
    customer = mapping.customer(client.customer("1"))
    assert customer.id == "1"
    assert mapping.delivery(client.customer("1")) == "PRINT"


def test_the_recorded_invalid_filter_error_is_read() -> None:
    client, _ = _client("invoices/filter_invalid.yml")
    # The client refuses an unknown filter before sending; the raw request shows the answer.
    with pytest.raises(RejectedRequest) as caught:
        client._send("GET", "/invoices", params={"filter": "doesntexist"})
    assert caught.value.vendor_code == "2000587"


def test_an_unknown_invoice_is_not_found() -> None:
    client, _ = _client("invoices/find_failure.yml")
    with pytest.raises(NotFound):
        client.invoice("123456789")


def test_a_created_invoice_answers_its_number() -> None:
    client, _ = _client("invoices/save_new.yml")
    created = client.create_invoice({"Invoice": {"CustomerNumber": "1", "Comments": "A value"}})
    assert mapping.document_number(created)


def test_an_unrecorded_request_fails_instead_of_going_out() -> None:
    client, _ = _client("invoices/find_id_1.yml")
    with pytest.raises(Unrecorded):
        client.invoice("2")
