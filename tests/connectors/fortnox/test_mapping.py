"""Fortnox JSON -> domain: the type quirks of the recordings, stop signals, reminders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bridge.domain import ActionKind, CustomerKind, StepStatus
from bridge.errors import ConfigError, MalformedResponse
from connectors.fortnox import mapping

ITEM: dict[str, Any] = {
    "DocumentNumber": "32",
    "CustomerNumber": "1",
    "InvoiceDate": "2026-01-30",
    "DueDate": "2026-03-01",
    "Currency": "sek",
    "Total": Decimal("1250.00"),
    "Balance": 1250,
    "Booked": True,
    "Cancelled": False,
    "NoxFinans": False,
    "CurrencyRate": "1",
    "FinalPayDate": None,
    "ExternalInvoiceReference1": "",
}


def _item(**changes: Any) -> dict[str, Any]:
    return {**ITEM, **changes}


def test_a_list_item_maps_to_an_invoice() -> None:
    invoice = mapping.invoice(ITEM)
    assert (invoice.id, invoice.customer_id, invoice.currency) == ("32", "1", "SEK")
    assert (invoice.amount, invoice.outstanding) == (Decimal("1250.00"), Decimal("1250.00"))
    assert invoice.paid_date is None


def test_final_pay_date_is_the_settling_day_only_when_nothing_is_left() -> None:
    paid = mapping.invoice(_item(Balance=0, FinalPayDate="2026-03-10"))
    assert paid.paid_date == date(2026, 3, 10)
    partly = mapping.invoice(_item(Balance=100, FinalPayDate="2026-03-10"))
    assert partly.paid_date is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("Balance", 1250.5, "not an exact number"),
        ("Balance", True, "not an exact number"),
        ("Balance", "lots", "not a number"),
        ("Balance", "NaN", "not a finite number"),
        ("DueDate", "soon", "not a date"),
        ("DueDate", None, "missing"),
        ("CustomerNumber", ["1"], "not a number"),
        ("CustomerNumber", " ", "missing"),
        ("Currency", "", "missing"),
    ],
)
def test_malformed_items_name_the_invoice_and_field(field: str, value: Any, message: str) -> None:
    with pytest.raises(MalformedResponse, match=rf"invoice 32: field '{field}' .*{message}"):
        mapping.invoice(_item(**{field: value}))


def test_a_non_object_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="expected an object"):
        mapping.invoice(["32"])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"Cancelled": True}, "cancelled"),
        ({"Booked": False}, "not booked"),
        ({"NoxFinans": True}, "handed to Fortnox Finans, which does the dunning"),
        ({"Credit": "true"}, "a credit note"),
        ({"Credit": "false"}, None),
        ({"ExternalInvoiceReference1": "dl-0123456789abcdef01234567"}, "a fee or interest"),
        ({"ExternalInvoiceReference1": "dl-short"}, None),
    ],
)
def test_what_is_not_ours_to_dun(changes: dict[str, Any], reason: str | None) -> None:
    found = mapping.not_dunnable(_item(**changes))
    assert found == reason or (
        reason is not None and found is not None and found.startswith(reason)
    )


def test_reminders_become_issued_steps_dated_on_the_last() -> None:
    full = _item(Reminders=2, LastRemindDate="2026-03-05")
    steps = mapping.reminders(full, fee=Decimal("60.00"), fallback=date(2026, 3, 16))
    assert [(s.step, s.date, s.fee, s.status) for s in steps] == [
        (1, date(2026, 3, 5), Decimal("60.00"), StepStatus.ISSUED),
        (2, date(2026, 3, 5), Decimal("60.00"), StepStatus.ISSUED),
    ]
    assert {s.action for s in steps} == {ActionKind.REMINDER}
    assert {s.source for s in steps} == {"fortnox"}


def test_reminders_without_a_date_count_from_the_fetch_day() -> None:
    steps = mapping.reminders(_item(Reminders="1"), fee=Decimal(0), fallback=date(2026, 3, 16))
    assert [s.date for s in steps] == [date(2026, 3, 16)]
    assert mapping.reminders(_item(Reminders=0), fee=Decimal(0), fallback=date.today()) == []
    assert mapping.reminders(ITEM, fee=Decimal(0), fallback=date.today()) == []
    with pytest.raises(MalformedResponse, match="not a count"):
        mapping.reminders(_item(Reminders=-1), fee=Decimal(0), fallback=date.today())


CUSTOMER: dict[str, Any] = {
    "CustomerNumber": "7",
    "Name": "Anna Lindqvist",
    "Type": "PRIVATE",
    "Active": True,
    "Email": "privat@example.se",
    "EmailInvoice": "faktura@example.se; kopia@example.se",
    "CountryCode": None,
    "Country": "Sverige",
    "DefaultDeliveryTypes": {"Invoice": "EMAIL"},
}


def test_customer_type_active_email_and_country() -> None:
    customer = mapping.customer(CUSTOMER)
    assert customer.kind is CustomerKind.CONSUMER
    assert customer.email == "faktura@example.se"
    assert (customer.country, customer.language) == ("SE", "sv")
    assert customer.do_not_dun_reason is None
    company = mapping.customer({**CUSTOMER, "Type": "COMPANY", "Active": False})
    assert company.kind is CustomerKind.BUSINESS
    assert company.do_not_dun_reason == "inactive in Fortnox"
    assert mapping.customer({**CUSTOMER, "Type": None}).kind is CustomerKind.CONSUMER


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("NO", None, "NO"),
        (None, "Norge", "NO"),
        (None, "Germany", "DE"),
        (None, "", None),
        ("xx", "Danmark", "DK"),
        (None, "Atlantis", None),
    ],
)
def test_country_from_code_or_name(
    code: str | None, name: str | None, expected: str | None
) -> None:
    assert mapping.country_code(code, name) == expected


def test_a_customer_without_country_gets_the_tenants() -> None:
    customer = mapping.customer({**CUSTOMER, "Country": None}, default_country="SE")
    assert customer.country == "SE"
    stranger = mapping.customer({**CUSTOMER, "CountryCode": "US"})
    assert stranger.language == "en"


@pytest.mark.parametrize(
    ("option", "business", "consumer"),
    [
        (None, False, False),
        ("none", False, False),
        ("all", True, True),
        ("business", True, False),
        ("consumer", False, True),
    ],
)
def test_reminder_fee_agreement_by_option(
    option: str | None, business: bool, consumer: bool
) -> None:
    options = {"reminder_fee_agreed": option} if option else {}
    assert (
        mapping.customer({**CUSTOMER, "Type": "COMPANY"}, options=options).reminder_fee_agreed
        is business
    )
    assert mapping.customer(CUSTOMER, options=options).reminder_fee_agreed is consumer
    with pytest.raises(ConfigError, match="reminder_fee_agreed"):
        mapping.customer(CUSTOMER, options={"reminder_fee_agreed": "some"})


def test_delivery_type_defaults_to_print() -> None:
    assert mapping.delivery(CUSTOMER) == "EMAIL"
    assert mapping.delivery({}) == "PRINT"
    assert (
        mapping.delivery({"DefaultDeliveryTypes": {"Invoice": " printservice "}}) == "PRINTSERVICE"
    )


def test_payment_invoice_number_is_a_number_here() -> None:
    payment = mapping.payment(
        {
            "Number": "3",
            "InvoiceNumber": 12,
            "Amount": Decimal("-99.50"),
            "PaymentDate": "2026-03-01",
        }
    )
    assert (payment.invoice_id, payment.amount, payment.date) == (
        "12",
        Decimal("99.50"),
        date(2026, 3, 1),
    )


def test_pages_end_by_meta_information() -> None:
    meta = {"@TotalResources": 7, "@TotalPages": 2, "@CurrentPage": 1}
    assert mapping.next_page({"MetaInformation": meta}, 1) == 2
    assert mapping.next_page({"MetaInformation": {**meta, "@CurrentPage": 2}}, 2) is None
    assert mapping.next_page({"MetaInformation": {**meta, "@TotalPages": 0}}, 1) is None
    assert mapping.next_page({"Invoices": []}, 1) is None
    with pytest.raises(MalformedResponse, match="page count"):
        mapping.next_page({"MetaInformation": {"@TotalPages": "2"}}, 1)
    with pytest.raises(MalformedResponse, match="'Invoices' list"):
        mapping.collection({"Invoice": {}}, "Invoices")
    with pytest.raises(MalformedResponse, match="'Invoice' object"):
        mapping.unwrap({"Invoices": []}, "Invoice")
