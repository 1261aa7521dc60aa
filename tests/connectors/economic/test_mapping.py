"""e-conomic JSON -> domain: every recorded real response maps, and the quirks are handled."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bridge.vocab.domain import ActionKind, CustomerKind, StepStatus
from bridge.vocab.errors import MalformedResponse
from connectors.economic import mapping
from tests.ci import skip_or_fail
from tests.connectors.economic.recorded import items, kind, load, names, recorded

WITH_ITEMS = [n for n in names() if any(kind(i) for i in items(load(n)))] if names() else []


@pytest.mark.parametrize("name", WITH_ITEMS)
def test_every_recorded_customer_and_invoice_maps(name: str) -> None:
    mapped = 0
    for item in items(load(name)):
        match kind(item):
            case "booked":
                invoice = mapping.invoice(item)
                assert invoice.id == str(item["bookedInvoiceNumber"])
                assert invoice.customer_id == str(item["customer"]["customerNumber"])
                assert isinstance(invoice.amount, Decimal)
                assert invoice.outstanding == item["remainder"]
                assert invoice.due_date >= invoice.issue_date
            case "draft":
                assert mapping.draft_number(item) == item["draftInvoiceNumber"]
                assert mapping.reference(item) == item.get("references", {}).get("other")
            case "customer":
                customer = mapping.customer(item)
                assert customer.id == str(item["customerNumber"])
                assert customer.name
            case _:
                continue
        mapped += 1
    assert mapped


def test_the_recordings_cover_what_we_read() -> None:
    if not names():
        skip_or_fail("e-conomic vendor specs not found (../shared)")
    assert {n for n, _ in recorded("booked")} >= {
        "create_booked_invoice.json",
        "create_booked_invoice_with_ean.json",
        "invoice_book.json",
        "invoice_book_with_number.json",
    }
    assert {n for n, _ in recorded("customer")} >= {
        "customer.json",
        "customers_0.trimmed.json",
        "create_customer.json",
    }
    assert {n for n, _ in recorded("draft")} >= {"invoices_0.json", "invoice.json"}


def test_booked_invoice_fields() -> None:
    invoice = mapping.invoice(load("create_booked_invoice.json"))
    assert invoice.id == invoice.number == "31"
    assert invoice.customer_id == "1"
    assert invoice.issue_date == date(2024, 10, 24)
    assert invoice.due_date == date(2024, 11, 1)
    assert invoice.currency == "DKK"
    assert invoice.amount == Decimal("10.00")
    assert invoice.outstanding == Decimal("10.00")


def test_barred_is_false_when_left_out_and_true_when_sent() -> None:
    customers = {c["customerNumber"]: c for c in load("customers_0.trimmed.json")["collection"]}
    assert "barred" not in customers[1]
    assert mapping.customer(customers[1]).barred is False
    assert mapping.customer(customers[2]).barred is True


def test_business_when_a_cvr_number_is_present() -> None:
    customers = {c["customerNumber"]: c for c in load("customers_0.trimmed.json")["collection"]}
    assert mapping.customer(customers[1]).kind is CustomerKind.BUSINESS  # CVR DK12345678
    assert mapping.customer(customers[999]).kind is CustomerKind.CONSUMER  # nothing to tell


def test_ean_customer_is_business() -> None:
    booked = load("create_booked_invoice_with_ean.json")
    customer = {
        "customerNumber": booked["customer"]["customerNumber"],
        "name": booked["recipient"]["name"],
        "ean": booked["recipient"]["ean"],
    }
    assert mapping.customer(customer).kind is CustomerKind.BUSINESS


def test_missing_email_is_none() -> None:
    customers = {c["customerNumber"]: c for c in load("customers_0.trimmed.json")["collection"]}
    assert "email" not in customers[2]
    assert mapping.customer(customers[2]).email is None
    assert mapping.customer(customers[1000]).email == "api@e-conomic.com"


def test_country_and_language() -> None:
    customers = {c["customerNumber"]: c for c in load("customers_0.trimmed.json")["collection"]}
    norway = mapping.customer(customers[1])
    assert (norway.country, norway.language) == ("NO", "no")
    denmark = mapping.customer(customers[2])  # "Danmark"
    assert (denmark.country, denmark.language) == ("DK", "da")
    india = mapping.customer(customers[8])
    assert (india.country, india.language) == ("IN", "en")
    nowhere = mapping.customer(customers[4], default_country="SE")  # "aaaaaa"
    assert (nowhere.country, nowhere.language) == ("SE", None)


@pytest.mark.parametrize(
    ("options", "group", "ids", "expected"),
    [
        ({"business_groups": "2, 3"}, 2, {}, CustomerKind.BUSINESS),
        ({"business_groups": "3"}, 2, {}, CustomerKind.CONSUMER),
        (
            {"consumer_groups": "2"},
            2,
            {"corporateIdentificationNumber": "12345678"},
            CustomerKind.CONSUMER,
        ),
        ({"business_groups": "2", "consumer_groups": "2"}, 2, {}, CustomerKind.CONSUMER),
        ({}, 1, {"vatNumber": "SE556000000001"}, CustomerKind.BUSINESS),
        ({}, 1, {"publicEntryNumber": "P-1"}, CustomerKind.BUSINESS),
        ({}, 1, {"ean": "  "}, CustomerKind.CONSUMER),
    ],
)
def test_kind_from_groups_and_ids(
    options: dict[str, str], group: int, ids: dict[str, str], expected: CustomerKind
) -> None:
    obj = {"customerNumber": 7, "name": "X", "customerGroup": {"customerGroupNumber": group}, **ids}
    assert mapping.customer(obj, options=options).kind is expected


def test_first_of_several_email_addresses() -> None:
    obj = {"customerNumber": 7, "name": "X", "email": "a@example.dk; b@example.dk"}
    assert mapping.customer(obj).email == "a@example.dk"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("remainder", None, "'remainder' is missing"),
        ("remainder", "lots", "'remainder' is not a number"),
        ("remainder", 1.5, "not an exact number"),
        ("dueDate", "2024-13-45", "'dueDate' is not a date"),
        ("customer", {}, "'customer.customerNumber' is missing"),
    ],
)
def test_malformed_invoice_names_the_invoice_and_field(field: str, value: Any, says: str) -> None:
    obj = copy.deepcopy(load("create_booked_invoice.json"))
    if value is None:
        del obj[field]
    else:
        obj[field] = value
    with pytest.raises(MalformedResponse) as caught:
        mapping.invoice(obj)
    assert "booked invoice 31" in str(caught.value)
    assert says in str(caught.value)


def test_malformed_customer_is_named() -> None:
    with pytest.raises(MalformedResponse, match="customer \\(no number\\)"):
        mapping.customer({"name": "No Number"})
    with pytest.raises(MalformedResponse, match="expected an object"):
        mapping.customer(["not", "an", "object"])


def test_payment_entry_uses_the_absolute_amount() -> None:
    entry = {
        "entryNumber": 12,
        "entryType": "customerPayment",
        "amount": Decimal("-1250.50"),
        "date": "2026-02-03",
        "invoiceNumber": "1001",
    }
    payment = mapping.payment(entry)
    assert payment is not None
    assert (payment.invoice_id, payment.date, payment.amount) == (
        "1001",
        date(2026, 2, 3),
        Decimal("1250.50"),
    )


def test_payment_prefers_the_booked_invoice_reference() -> None:
    entry = {
        "entryNumber": 12,
        "amount": Decimal("-10.00"),
        "date": "2026-02-03",
        "invoiceNumber": "R-7",
        "bookedInvoice": {"bookedInvoiceNumber": 1001},
    }
    payment = mapping.payment(entry)
    assert payment is not None
    assert payment.invoice_id == "1001"


def test_unallocated_payment_is_none() -> None:
    assert mapping.payment({"entryNumber": 1, "amount": -5, "date": "2026-01-01"}) is None


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_payment_amount_is_never_negative(amount: Decimal) -> None:
    entry = {"entryNumber": 1, "amount": amount, "date": "2026-01-01", "invoiceNumber": "5"}
    payment = mapping.payment(entry)
    assert payment is not None
    assert payment.amount == abs(amount)


def test_reminder_entries_become_numbered_issued_steps() -> None:
    rows = [
        {
            "entryNumber": 30,
            "entryType": "reminder",
            "amount": Decimal("100.00"),
            "date": "2026-03-01",
            "invoiceNumber": "1001",
        },
        {
            "entryNumber": 20,
            "entryType": "reminder",
            "amount": Decimal("100.00"),
            "date": "2026-02-10",
            "invoiceNumber": "1001",
        },
        {
            "entryNumber": 25,
            "entryType": "reminder",
            "amount": Decimal("100.00"),
            "date": "2026-02-20",
            "invoiceNumber": "1002",
        },
    ]
    steps = mapping.reminder_steps(mapping.reminder(r) for r in rows)
    by = {(s.invoice_id, s.step): s for s in steps}
    assert by[("1001", 1)].date == date(2026, 2, 10)
    assert by[("1001", 2)].date == date(2026, 3, 1)
    assert by[("1002", 1)].document == "25"
    assert all(s.action is ActionKind.REMINDER for s in steps)
    assert all(s.status is StepStatus.ISSUED and s.source == "economic" for s in steps)
    assert all(s.fee == Decimal("100.00") for s in steps)


def test_reminder_without_invoice_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="ledger entry 3"):
        mapping.reminder({"entryNumber": 3, "amount": 100, "date": "2026-01-01"})


def test_settings_and_pages_from_recordings() -> None:
    assert [mapping.layout_number(x) for x in load("layouts.json")["collection"]] == [19, 20, 21]
    terms = [mapping.payment_terms(x) for x in load("payment_terms.json")["collection"]]
    assert terms[0] == (1, "net")
    assert mapping.next_page({"pagination": load("pagination.json")}, 0) == 1
    assert mapping.next_page(load("layouts.json"), 0) is None


def test_accounting_year() -> None:
    year = {
        "year": "2026",
        "fromDate": "2026-01-01",
        "toDate": "2026-12-31",
        "entries": "https://restapi.e-conomic.com/accounting-years/2026/entries",
    }
    assert mapping.accounting_year(year) == (
        "2026",
        date(2026, 1, 1),
        date(2026, 12, 31),
        "https://restapi.e-conomic.com/accounting-years/2026/entries",
    )


def test_a_page_without_collection_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="no 'collection'"):
        mapping.collection({"message": "odd"}, "customers")
