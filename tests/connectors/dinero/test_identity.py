"""The debtor's identity from a Dinero contact: CVR (VatNumber), address, phone; no salesperson.

Payloads are shaped like the recorded contacts (Apaq/dinero-java, 2017): unset text fields are
"" in the list and null in a single read.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bridge.vocab.domain import CustomerKind
from bridge.vocab.errors import MalformedResponse
from connectors.dinero import mapping
from connectors.dinero.client import CONTACT_FIELDS
from connectors.dinero.sandbox.bulk import seed
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.recorded import load
from tests.connectors.dinero.support import TODAY, open_session
from tests.contract import dinero_spec as spec

PHONE = "+45 99 99 99 99"
WITHOUT_COUNTRY = "Nørregade 1, 1165 København K"
# A company contact as the recorded list item carries it, with its identity filled in.
COMPANY: dict[str, Any] = {
    "ContactGuid": "345af4c6-0867-4040-8fb9-62625b5ef3c1",
    "CreatedAt": "2017-05-20T17:15:00",
    "UpdatedAt": "2017-05-20T17:15:00",
    "DeletedAt": None,
    "IsDebitor": True,
    "IsCreditor": False,
    "ExternalReference": None,
    "Name": "Nørregade Kaffe ApS",
    "Street": "Nørregade 1",
    "ZipCode": "1165",
    "City": "København K",
    "CountryKey": "DK",
    "Phone": "+45 99 99 99 99",
    "Email": "bogholderi@example.dk",
    "Webpage": None,
    "AttPerson": "Jane Doe",
    "VatNumber": "12345674",
    "EanNumber": None,
    "PaymentConditionType": "Netto",
    "PaymentConditionNumberOfDays": 8,
    "IsPerson": False,
}


# -- mapping ------------------------------------------------------------------------------------


def test_a_company_s_identity_maps() -> None:
    found = mapping.customer(COMPANY)
    assert found.org_number == "12345674"
    assert found.address == "Nørregade 1, 1165 København K, Denmark"
    assert found.phone == "+45 99 99 99 99"
    # Dinero keeps no salesperson; AttPerson is the customer's own contact, not ours.
    assert found.salesperson is None
    assert found.salesperson_email is None


def test_recorded_contacts_give_an_address_and_no_blank_identity() -> None:
    person, company = (mapping.customer(c) for c in load("contacts_list.json")["Collection"])
    assert person.address == "Testvej 1 (redacted), 9530 Støvring, Denmark"
    assert company.address == "Fyensgade 16, 1. th., 9000 Aalborg, Denmark"
    for listed in (person, company):  # the list answers "" for an unset Phone and VatNumber
        assert listed.org_number is None
        assert listed.phone is None
        assert listed.salesperson is None
    single = mapping.customer(load("contacts_single.json"))  # a single read answers null
    assert (single.org_number, single.phone) == (None, None)
    assert single.address == person.address


@pytest.mark.parametrize(
    ("changes", "org_number", "address", "phone"),
    [
        (
            {"VatNumber": None, "Phone": None},
            None,
            "Nørregade 1, 1165 København K, Denmark",
            None,
        ),
        ({"VatNumber": "", "Phone": "   "}, None, "Nørregade 1, 1165 København K, Denmark", None),
        (
            {"VatNumber": " 12345674 ", "Phone": " +45 20 30 40 50 "},
            "12345674",
            "Nørregade 1, 1165 København K, Denmark",
            "+45 20 30 40 50",
        ),
        # Odd types: a number is read as text, anything else as absent; nothing fails.
        (
            {"VatNumber": 12345674, "Phone": 99999999, "ZipCode": 1165},
            "12345674",
            "Nørregade 1, 1165 København K, Denmark",
            "99999999",
        ),
        (
            {"VatNumber": True, "Phone": ["+45"], "Street": {"x": 1}, "City": ["Odense"]},
            None,
            "1165, Denmark",
            None,
        ),
        ({"Street": "", "ZipCode": "", "City": None}, "12345674", None, PHONE),
        ({"Street": None, "ZipCode": None}, "12345674", "København K, Denmark", PHONE),
        # A street of several lines is one address line each.
        (
            {"Street": "Nørregade 1\n2. th.,\n\n"},
            "12345674",
            "Nørregade 1, 2. th., 1165 København K, Denmark",
            PHONE,
        ),
        # The country name only when a country is given; an unknown key stays as written.
        ({"CountryKey": None}, "12345674", WITHOUT_COUNTRY, PHONE),
        ({"CountryKey": "  "}, "12345674", WITHOUT_COUNTRY, PHONE),
        ({"CountryKey": "se"}, "12345674", f"{WITHOUT_COUNTRY}, Sweden", PHONE),
        ({"CountryKey": "XQ"}, "12345674", f"{WITHOUT_COUNTRY}, XQ", PHONE),
        ({"CountryKey": 45}, "12345674", WITHOUT_COUNTRY, PHONE),
    ],
)
def test_missing_empty_null_and_odd_identity_fields(
    changes: dict[str, Any], org_number: str | None, address: str | None, phone: str | None
) -> None:
    found = mapping.customer({**COMPANY, **changes})
    assert (found.org_number, found.address, found.phone) == (org_number, address, phone)
    assert found.kind is CustomerKind.BUSINESS


def test_a_contact_without_identity_fields_still_maps() -> None:
    bare = mapping.customer({"ContactGuid": "c", "Name": "A", "IsPerson": True})
    assert (bare.org_number, bare.address, bare.phone, bare.salesperson) == (None,) * 4
    assert bare.country == "DK"


def test_a_malformed_contact_still_raises_the_clear_error() -> None:
    with pytest.raises(MalformedResponse, match="IsPerson"):
        mapping.customer({**COMPANY, "IsPerson": None})
    with pytest.raises(MalformedResponse, match="ContactGuid"):
        mapping.customer({**COMPANY, "ContactGuid": ""})


# -- the sandbox ----------------------------------------------------------------------------------


def _contacts(sandbox: DineroSandbox) -> list[dict[str, Any]]:
    """The contact list as the session asks for it (its ``fields``)."""
    session = open_session(sandbox)
    try:
        return list(session.client.contacts())
    finally:
        session.close()


def test_the_client_asks_for_the_identity_fields() -> None:
    asked = CONTACT_FIELDS.split(",")
    assert {"Street", "ZipCode", "City", "CountryKey", "Phone", "VatNumber"} <= set(asked)


def test_the_demo_company_s_debtors_have_an_identity(sandbox: DineroSandbox) -> None:
    snapshot = open_session(sandbox).fetch(TODAY, None)
    customers = list(snapshot.customers.values())
    assert len(customers) == 24
    for customer in customers:
        assert customer.address is not None
        assert customer.address.endswith(", Denmark")
        assert customer.phone is not None
        assert (customer.org_number is not None) is (customer.kind is CustomerKind.BUSINESS)
        assert customer.salesperson is None  # Dinero has none to give
        assert customer.salesperson_email is None
    cafe = next(c for c in customers if c.name == "Café Lindegården ApS")
    assert cafe.address == "Lindegade 4, 5000 Odense C, Denmark"
    assert cafe.org_number == "31264017"


def test_the_sandbox_serves_the_fields_as_dinero_names_and_shapes_them(
    sandbox: DineroSandbox,
) -> None:
    listed = _contacts(sandbox)
    assert all(isinstance(c["Street"], str) and isinstance(c["ZipCode"], str) for c in listed)
    assert all(isinstance(c["Phone"], str) and c["Phone"] for c in listed)
    # Unset text fields: "" in the list, null in a single read, as recorded.
    guid = sandbox.add_contact("Uden Telefon", person=True)
    [bare] = [c for c in _contacts(sandbox) if c["ContactGuid"] == guid]
    assert (bare["Phone"], bare["VatNumber"], bare["Email"]) == ("", "", "")
    assert bare["Street"] is None
    single = open_session(sandbox).client.contact(guid)
    assert (single["Phone"], single["VatNumber"]) == (None, None)
    assert mapping.customer(bare).phone is None
    # Without ``fields`` the list keeps Dinero's default set.
    session = open_session(sandbox)
    plain = session.http.get(f"/v1/{sandbox.organization}/contacts").json()["Collection"]
    assert set(plain[0]) == {"ContactGuid", "Name"}


def test_the_sandbox_contacts_match_the_spec(sandbox: DineroSandbox) -> None:
    spec.require_specs()
    sandbox.add_contact("Uden Telefon", person=True)
    model = spec.component("ContactReadModel")
    items = _contacts(sandbox)
    # The list answers only the fields asked for; the read model's IsDebitor, IsCreditor and
    # UseCvr are not among the names ``fields`` documents, so the bridge does not ask for them.
    unasked = ("IsCreditor", "IsDebitor", "UseCvr")
    for item in items:
        problems = [
            p for p in spec.errors(model, item) if not any(f"'{n}' is" in p for n in unasked)
        ]
        assert not problems, problems[:3]
    session = open_session(sandbox)
    for item in items:
        assert not spec.errors(model, session.client.contact(item["ContactGuid"]))


def test_bulk_seeding_gives_every_contact_an_identity() -> None:
    sandbox = DineroSandbox(TODAY)
    debtors = [
        SimpleNamespace(index=0, name="Firma 0 ApS", business=True, email="a@x.dk"),
        SimpleNamespace(index=1, name="Person 1", business=False, email="b@x.dk"),
    ]
    seed(sandbox, debtors, [])
    firm, person = sorted(
        (mapping.customer(c) for c in sandbox.state.contacts.values()), key=lambda c: c.name
    )
    assert firm.org_number == "30000000"
    assert person.org_number is None
    assert firm.address == "Testvej 1, 5000 Odense C, Denmark"
    assert person.phone == "+45 20000001"
