"""The Fortnox client: error bodies in every casing, lastmodified, paging, unsafe writes."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from bridge.infra.http_status import raise_for_vendor
from bridge.vocab.errors import AuthError, NotFound, RejectedRequest, Transient
from bridge.vocab.faults import Fault
from connectors.fortnox.client import (
    FortnoxClient,
    fortnox_error,
    lastmodified,
    status_table,
)
from connectors.fortnox.sandbox.server import FortnoxSandbox
from tests.connectors.fortnox.conftest import open_on

REQUEST = httpx.Request("GET", "https://api.fortnox.se/3/invoices/9")


def _answer(status: int, body: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(
        status, content=body, headers={"Content-Type": content_type}, request=REQUEST
    )


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            b'{"ErrorInformation":{"Error":1,"Message":"Kan inte hitta fakturan.","Code":2000434}}',
            "2000434",
            "Kan inte hitta fakturan.",
        ),
        (
            b'{"ErrorInformation":{"error":1,"message":"Ett ogiltigt filter har anv\\u00e4nts.",'
            b'"code":2000587}}',
            "2000587",
            "Ett ogiltigt filter har använts.",
        ),
        (b'{"errorinformation":{"ERROR":1,"MESSAGE":"Odd","CODE":"7"}}', "7", "Odd"),
        (b'{"message":"unauthorized"}', None, "unauthorized"),
        (
            b'{"error":"invalid_grant","error_description":"Invalid refresh token"}',
            "invalid_grant",
            "Invalid refresh token",
        ),
    ],
)
def test_error_bodies_are_read_in_every_casing(body: bytes, code: str | None, message: str) -> None:
    vendor = fortnox_error(_answer(400, body))
    assert (vendor.code, vendor.message) == (code, message)


@pytest.mark.parametrize("body", [b"", b"<html>Bad Gateway</html>", b"[1, 2]", b'"text"'])
def test_unreadable_error_bodies_give_nothing(body: bytes) -> None:
    vendor = fortnox_error(_answer(502, body, "text/html"))
    assert (vendor.code, vendor.message) == (None, None)


def test_statuses_become_the_error_tree_with_the_vendors_words() -> None:
    table = status_table("t")
    body = b'{"ErrorInformation":{"Error":1,"Message":"Kan inte hitta fakturan.","Code":2000434}}'
    with pytest.raises(NotFound, match=r"Kan inte hitta fakturan\..*code=2000434"):
        raise_for_vendor(_answer(404, body), table)
    with pytest.raises(AuthError, match="tenant 't'"):
        raise_for_vendor(_answer(401, b'{"message":"unauthorized"}'), table)
    with pytest.raises(AuthError, match="lacks a scope"):
        raise_for_vendor(_answer(403, b"{}"), table)
    with pytest.raises(RejectedRequest, match="code=2000587"):
        raise_for_vendor(
            _answer(400, b'{"ErrorInformation":{"error":1,"message":"x","code":2000587}}'), table
        )
    with pytest.raises(Transient):
        raise_for_vendor(_answer(503, b""), table)


def test_lastmodified_is_swedish_local_time_to_the_minute() -> None:
    assert lastmodified(datetime(2026, 3, 16, 6, 5, 59, tzinfo=UTC)) == "2026-03-16 07:05"
    assert lastmodified(datetime(2026, 7, 1, 22, 0, tzinfo=UTC)) == "2026-07-02 00:00"  # summer
    with pytest.raises(ValueError, match="aware"):
        lastmodified(datetime(2026, 3, 16, 6, 5))


def test_pages_are_walked_to_the_last(sandbox: FortnoxSandbox) -> None:
    session = open_on(sandbox)
    client = FortnoxClient(session.http, table=status_table("t"), page_size=7)
    numbers = [item["DocumentNumber"] for item in client.invoices()]
    assert numbers == [str(n) for n in range(1, 33)]
    pages = [r for r in sandbox.requests if r[1].startswith("/3/invoices?")]
    assert [p[1].split("page=")[1].split("&")[0] for p in pages] == ["1", "2", "3", "4", "5"]
    with pytest.raises(ValueError, match=r"1\.\.500"):
        FortnoxClient(session.http, table=status_table("t"), page_size=501)


def test_unknown_filters_and_odd_numbers_are_refused_before_sending(
    sandbox: FortnoxSandbox,
) -> None:
    client = open_on(sandbox).client
    with pytest.raises(ValueError, match="no invoice filter"):
        client.invoices(filter_="overdue")
    with pytest.raises(ValueError, match="not a Fortnox document number"):
        client.invoice("1/../2")
    with pytest.raises(ValueError, match="cannot send"):
        client.send("1", "fax")
    assert sandbox.requests == []


def test_a_create_is_never_retried_after_it_may_have_arrived(sandbox: FortnoxSandbox) -> None:
    client = open_on(sandbox).client
    sandbox.inject(Fault("status", path_prefix="/3/invoices", method="POST", status=503))
    with pytest.raises(Transient):
        client.create_invoice({"Invoice": {"CustomerNumber": "1"}})
    assert [r for r in sandbox.requests if r[0] == "POST" and r[1] == "/3/invoices"] == [
        ("POST", "/3/invoices")
    ]


def test_a_create_refused_with_429_or_never_sent_is_retried(sandbox: FortnoxSandbox) -> None:
    client = open_on(sandbox).client
    sandbox.inject(Fault("status", path_prefix="/3/invoices", method="POST", status=429))
    sandbox.inject(Fault("drop", path_prefix="/3/invoices", method="POST"))
    created = client.create_invoice({"Invoice": {"CustomerNumber": "1"}})
    assert created["Booked"] is False
    assert len([r for r in sandbox.requests if r == ("POST", "/3/invoices")]) == 3
