"""Dinero JSON -> domain: the recorded responses, every quirk, every stop signal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, StepStatus
from bridge.vocab.errors import MalformedResponse
from connectors.dinero import mapping
from connectors.dinero.client import dinero_error
from tests.connectors.dinero.recorded import load

PAID_NOTHING = {"RemainingAmount": 250, "PaidAmount": 0, "Payments": []}


def test_recorded_contacts_map() -> None:
    people = [mapping.customer(c) for c in load("contacts_list.json")["Collection"]]
    assert [p.kind for p in people] == [CustomerKind.CONSUMER, CustomerKind.BUSINESS]
    assert people[0].email is None  # "" is no address
    assert people[1].country == "DK"
    single = mapping.customer(load("contacts_single.json"))
    assert single.id == "716a3105-e8fd-4fdd-a886-0490b047986f"
    assert single.do_not_dun_reason is None


def test_recorded_overdue_invoice_maps_with_its_payments() -> None:
    draft, overdue = load("invoices_list.json")["Collection"]
    overdue = {**overdue, "ContactGuid": "716a3105-e8fd-4fdd-a886-0490b047986f"}
    invoice = mapping.invoice(overdue, PAID_NOTHING)
    assert invoice.number == "1"
    assert invoice.due_date == date(2017, 5, 27)  # PaymentDate is the due date
    assert invoice.amount == Decimal("250.00")
    assert invoice.outstanding == Decimal("250.00")
    assert mapping.invoice_status(overdue) == "Overdue"
    # The draft carries long.MaxValue as its number until booked.
    with pytest.raises(MalformedResponse, match="no booked invoice number"):
        mapping.invoice({**draft, "ContactGuid": "x"}, PAID_NOTHING)


def test_recorded_invoice_read_model_has_a_timestamp() -> None:
    assert mapping.timestamp(load("invoices_single.json")) == "0000000008766398"
    with pytest.raises(MalformedResponse, match="TimeStamp"):
        mapping.timestamp({"Guid": "x"})


def test_recorded_pagination_block_ends_the_walk() -> None:
    page = load("products_list.json")
    assert len(mapping.collection(page, "products")) == 2
    assert mapping.next_page(page, 0) is None


@pytest.mark.parametrize(
    ("size", "result", "total", "page", "expected"),
    [
        (100, 100, 231, 0, 1),
        (100, 100, 231, 1, 2),
        (100, 31, 231, 2, None),  # a short page is the last
        (100, 100, 200, 1, None),  # (page+1)*size == total: the last, though full
        (100, 100, 201, 1, 2),
        (1000, 0, 0, 0, None),
    ],
)
def test_next_page_boundaries(
    size: int, result: int, total: int, page: int, expected: int | None
) -> None:
    block = {
        "Collection": [],
        "Pagination": {
            "MaxPageSizeAllowed": 1000,
            "PageSize": size,
            "Result": result,
            "ResultWithoutFilter": total,
            "Page": page,
        },
    }
    assert mapping.next_page(block, page) == expected


def test_a_page_without_pagination_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="Pagination"):
        mapping.next_page({"Collection": []}, 0)
    with pytest.raises(MalformedResponse, match="Collection"):
        mapping.collection({"Items": []}, "invoices")
    assert mapping.collection({"Collection": None, "Pagination": {}}, "x") == []


def test_recorded_error_bodies_are_read() -> None:
    request = httpx.Request("GET", "https://api.dinero.dk/v1/1/invoices/x")
    found = dinero_error(httpx.Response(404, json=load("error_not_found.json"), request=request))
    assert found.code == "65"
    assert found.message is not None
    assert found.message.startswith("Item is deleted")
    bad = dinero_error(httpx.Response(400, json=load("error_bad_request.json"), request=request))
    assert bad.code == "45"
    quota = dinero_error(httpx.Response(429, content=b"API calls quota exceeded!", request=request))
    assert quota.message == "API calls quota exceeded!"
    assert quota.code is None


@pytest.mark.parametrize(
    ("status", "stop"),
    [
        (None, False),
        ("normal", False),
        ("active", False),
        ("unknown", False),
        ("underCreation", False),
        ("underBankruptcy", True),
        ("underVoluntaryLiquidation", True),
        ("duringReconstruction", True),
        ("underCompulsoryResolution", True),
        ("dissolvedAfterBankruptcy", True),
        ("forciblyDissolved", True),
        ("dissolved", True),
        ("ceasedTrading", True),
        ("deleted", True),
        ("somethingNew", True),  # an unknown status is checked by a human first
    ],
)
def test_company_status_stops_dunning(status: str | None, stop: bool) -> None:
    assert (mapping.do_not_dun_reason(status) is not None) is stop


def test_a_person_is_never_stopped_by_a_company_status() -> None:
    person = {"ContactGuid": "p", "Name": "A", "IsPerson": True, "CompanyStatus": "dissolved"}
    assert mapping.customer(person).do_not_dun_reason is None
    company = {**person, "IsPerson": False}
    assert mapping.customer(company).do_not_dun_reason is not None


def test_a_contact_without_is_person_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="IsPerson"):
        mapping.customer({"ContactGuid": "x", "Name": "A"})


def test_outstanding_is_the_unpaid_principal() -> None:
    item = {
        "Guid": "g",
        "Number": 7,
        "ContactGuid": "c",
        "Date": "2026-01-01",
        "PaymentDate": "2026-01-15",
        "TotalInclVat": Decimal("1000.00"),
    }
    # RemainingAmount includes a booked reminder fee of 100: the principal is 600.
    paid = {
        "RemainingAmount": Decimal("700.00"),
        "PaidAmount": Decimal("400.00"),
        "Payments": [
            {"Amount": Decimal("400.00"), "PaymentDate": "2026-02-01"},
            {"Amount": Decimal("5.00"), "PaymentDate": None},
        ],
    }
    invoice = mapping.invoice(item, paid)
    assert invoice.outstanding == Decimal("600.00")
    assert invoice.currency == "DKK"
    assert [p.amount for p in mapping.payments("g", paid)] == [Decimal("400.00")]
    settled = mapping.invoice(
        item,
        {
            "RemainingAmount": 0,
            "PaidAmount": 1000,
            "Payments": [{"Amount": 1000, "PaymentDate": "2026-02-20"}],
        },
    )
    assert settled.outstanding == 0
    assert settled.paid_date == date(2026, 2, 20)
    over = mapping.invoice(item, {"RemainingAmount": -5, "PaidAmount": 1005})
    assert over.outstanding == 0


def test_reminders_map_to_steps() -> None:
    base = {
        "Id": 3,
        "Number": 2,
        "Date": "2026-02-01",
        "IsDraft": False,
        "IsDeleted": False,
        "WithFee": True,
        "WithInterestFee": True,
        "WithCompensationFee": False,
        "WithDebtCollectionWarning": True,
        "FeeAmount": 100,
        "InterestAmount": Decimal("12.34"),
        "CompensationFeeAmount": 310,
    }
    step = mapping.reminder_step("inv", base)
    assert step is not None
    assert step.action is ActionKind.COLLECTION_WARNING
    assert step.step == 2
    assert (step.fee, step.interest, step.compensation) == (
        Decimal("100.00"),
        Decimal("12.34"),
        Decimal("0.00"),
    )
    assert step.status is StepStatus.ISSUED
    assert step.document == "inv/3"
    draft = mapping.reminder_step("inv", {**base, "IsDraft": True})
    assert draft is not None
    assert draft.status is StepStatus.PENDING
    assert mapping.reminder_step("inv", {**base, "IsDeleted": True}) is None
    with pytest.raises(MalformedResponse):
        mapping.reminder_step("inv", {**base, "Number": None})


def test_our_key_is_found_in_description_or_title() -> None:
    key = "dl-0123456789abcdef01234567"
    assert mapping.reminder_key({"Description": f"Text\n\nRef. {key}"}) == key
    assert mapping.reminder_key({"Title": f"Rykker {key}", "Description": None}) == key
    assert mapping.reminder_key({"Description": "dl-short"}) is None
    assert mapping.note_key({"Text": f"Ref. {key}", "DeletedAt": "2026-01-01"}) is None
    assert mapping.note_id({"Id": "n1"}) == "n1"
    # A create answers the contact's guid (ContactCreatedResult), never the note's id.
    with pytest.raises(MalformedResponse):
        mapping.note_id({"ContactGuid": "c1"})


def test_languages_and_addresses() -> None:
    assert mapping.language_of("en-GB") == "en"
    assert mapping.language_of("da") == "da"
    assert mapping.language_of(None) is None
    assert mapping.first_email("a@x.dk; b@y.dk") == "a@x.dk"
    assert mapping.first_email("not-an-address") is None
