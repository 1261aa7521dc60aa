"""Fortnox JSON -> domain: the type quirks of the recordings, stop signals, reminders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, StepStatus
from bridge.vocab.errors import ConfigError, MalformedResponse
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


# -- identity and salesperson ------------------------------------------------------------------

# A full customer as GET /3/customers/{n} answers (the keys and null/"" habits of the recorded
# customers/find_id_1.yml), with the identity filled in.
FULL_CUSTOMER: dict[str, Any] = {
    "@url": "https://api.fortnox.se/3/customers/1",
    "Active": True,
    "Address1": "Fyrisvallsgatan 4",
    "Address2": None,
    "City": "Uppsala",
    "Country": "Sverige",
    "CountryCode": "SE",
    "Currency": "SEK",
    "CustomerNumber": "1",
    "DefaultDeliveryTypes": {"Invoice": "EMAIL", "Order": "PRINT", "Offer": "PRINT"},
    "Email": "ekonomi@fyrisbygg.example.se",
    "EmailInvoice": "",
    "Fax": None,
    "Name": "Byggbolaget Fyris AB",
    "OrganisationNumber": "556677-1234",
    "OurReference": "Maria Holmgren",
    "Phone1": "070-174 06 05",
    "Phone2": None,
    "Type": "COMPANY",
    "VATNumber": "",
    "YourReference": "",
    "ZipCode": "752 28",
}


def _full(**changes: Any) -> dict[str, Any]:
    return {**FULL_CUSTOMER, **changes}


def test_identity_and_salesperson_of_a_full_customer() -> None:
    customer = mapping.customer(FULL_CUSTOMER)
    assert customer.org_number == "556677-1234"
    assert customer.address == "Fyrisvallsgatan 4, 752 28 Uppsala, Sverige"
    assert customer.phone == "070-174 06 05"
    assert customer.salesperson == "Maria Holmgren"
    assert customer.salesperson_email is None  # Fortnox names the salesperson, no more


def test_address_lines_join_and_the_country_only_when_given() -> None:
    danish = _full(Address1="Nørregade 1", ZipCode="1165", City="København K", Country="Denmark")
    assert mapping.postal_address(danish) == "Nørregade 1, 1165 København K, Denmark"
    two_lines = _full(Address2="c/o Ekonomi", Country=None)
    assert mapping.postal_address(two_lines) == "Fyrisvallsgatan 4, c/o Ekonomi, 752 28 Uppsala"
    assert mapping.postal_address(_full(Country="  ")) == "Fyrisvallsgatan 4, 752 28 Uppsala"
    assert mapping.postal_address(_full(Address1=None, ZipCode=None)) == "Uppsala, Sverige"
    # A country alone is no address.
    assert mapping.postal_address({"Country": "Sverige", "Address1": None}) is None


@pytest.mark.parametrize("unset", [None, "", "   ", "\n"])
def test_unset_identity_fields_are_none(unset: Any) -> None:
    customer = mapping.customer(
        _full(
            OrganisationNumber=unset,
            Address1=unset,
            Address2=unset,
            ZipCode=unset,
            City=unset,
            Phone1=unset,
            Phone2=unset,
            OurReference=unset,
        )
    )
    assert (customer.org_number, customer.address, customer.phone, customer.salesperson) == (
        None,
        None,
        None,
        None,
    )
    assert customer.name == "Byggbolaget Fyris AB"


def test_missing_identity_fields_are_none() -> None:
    bare = {"CustomerNumber": "3", "Name": "Customer with Swedish country code", "Type": "COMPANY"}
    customer = mapping.customer(bare)
    assert (customer.org_number, customer.address, customer.phone, customer.salesperson) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"ZipCode": 75228}, "address", "Fyrisvallsgatan 4, 75228 Uppsala, Sverige"),
        ({"Phone1": 46701740605}, "phone", "46701740605"),
        ({"Phone1": True}, "phone", None),
        ({"Phone1": Decimal("0.5")}, "phone", None),
        ({"Address1": ["Fyrisvallsgatan 4"]}, "address", "752 28 Uppsala, Sverige"),
        ({"City": {"Name": "Uppsala"}}, "address", "Fyrisvallsgatan 4, 752 28, Sverige"),
        ({"OrganisationNumber": {"Value": "556677-1234"}}, "org_number", None),
        ({"OrganisationNumber": False}, "org_number", None),
        ({"OurReference": ["Maria Holmgren"]}, "salesperson", None),
        ({"OurReference": "  Maria \n Holmgren "}, "salesperson", "Maria Holmgren"),
        (
            {"Address1": "Fyrisvallsgatan 4\nPlan 3"},
            "address",
            "Fyrisvallsgatan 4 Plan 3, 752 28 Uppsala, Sverige",  # one line
        ),
    ],
)
def test_oddly_typed_identity_fields_never_fail_the_mapping(
    changes: dict[str, Any], field: str, expected: str | None
) -> None:
    customer = mapping.customer(_full(**changes))
    assert getattr(customer, field) == expected


def test_a_malformed_customer_still_names_what_is_wrong() -> None:
    with pytest.raises(MalformedResponse, match=r"field 'CustomerNumber' is not a number"):
        mapping.customer(_full(CustomerNumber=["1"], Phone1=12))
    with pytest.raises(MalformedResponse, match="expected an object"):
        mapping.customer(["1"])


def test_phone_prefers_phone1_then_phone2_then_the_lists_phone() -> None:
    assert mapping.phone_number(_full(Phone1="", Phone2="018-10 20 30")) == "018-10 20 30"
    # A list item (GET /3/customers) has one "Phone" and neither Phone1 nor Phone2.
    listed = {"CustomerNumber": "1", "Name": "Updated name", "Phone": "08-123 45"}
    assert mapping.phone_number(listed) == "08-123 45"
    assert mapping.phone_number({**listed, "Phone1": "070-174 06 06"}) == "070-174 06 06"


def test_a_list_item_maps_without_the_fields_the_list_lacks() -> None:
    # Shaped like customers/all.yml: no Country, Phone1/Phone2 or OurReference in the list.
    listed = {
        "@url": "https://api.fortnox.se/3/customers/1",
        "Address1": "",
        "Address2": "",
        "City": "New York",
        "CustomerNumber": "1",
        "Email": "",
        "Name": "Updated name",
        "OrganisationNumber": "",
        "Phone": "",
        "ZipCode": "10001",
    }
    customer = mapping.customer(listed)
    assert (customer.org_number, customer.address, customer.phone, customer.salesperson) == (
        None,
        "10001 New York",
        None,
        None,
    )


def test_recorded_customers_map_their_identity() -> None:
    from tests.connectors.fortnox.recorded import interactions, recorded  # noqa: PLC0415

    full = interactions("customers/find_id_1.yml")[0].json()["Customer"]
    customer = mapping.customer(full)
    # Recorded: Address1 null, ZipCode "10001", City "New York", OrganisationNumber "",
    # Phone1/Phone2 null, OurReference "".
    assert customer.address == "10001 New York"
    assert (customer.org_number, customer.phone, customer.salesperson) == (None, None, None)
    for item in recorded("customers", 200):
        body = item.json()
        for obj in body.get("Customers", []) or [body.get("Customer")]:
            if obj:
                mapped = mapping.customer(obj)
                assert mapped.salesperson is None, item.cassette
                assert mapped.salesperson_email is None, item.cassette


def test_the_invoices_ocr_is_its_payment_reference() -> None:
    # A recorded Fortnox invoice 13 carries "OCR": "133"; letters print the same reference.
    assert mapping.invoice(_item(OCR="133")).payment_reference == "133"
    assert mapping.invoice(_item(OCR="")).payment_reference is None
    assert mapping.invoice(ITEM).payment_reference is None
