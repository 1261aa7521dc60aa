"""The debtor's identity and salesperson: read from Tripletex's customer, served by the sandbox.

The payloads here are shaped like customers recorded from a real Tripletex company: unset
texts are ``""``, an unset reference (``accountManager``) is null, and a reference that
``fields`` did not expand is a bare ``{id, url}`` link.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.errors import MalformedResponse
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR, mapping
from connectors.tripletex.client import CUSTOMER_FIELDS, INVOICE_FIELDS
from connectors.tripletex.sandbox import bulk as sandbox_bulk
from connectors.tripletex.sandbox.server import TripletexSandbox, parse_fields
from connectors.tripletex.session import TripletexSession

TODAY = date(2026, 3, 2)
HOST = "example.tripletex.dev/v2"


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _expanded(**changes: Any) -> dict[str, Any]:
    """A customer as ``GET /customer/{id}?fields=CUSTOMER_FIELDS`` answers it."""
    base: dict[str, Any] = {
        "id": 108400001,
        "version": 2,
        "name": "Kystlys Maskin AS",
        "organizationNumber": "915550123",
        "email": "post@kystlys.example.no",
        "invoiceEmail": "",
        "overdueNoticeEmail": "",
        "phoneNumber": "55 12 34 56",
        "phoneNumberMobile": "",
        "isPrivateIndividual": False,
        "isInactive": False,
        "isFactoring": False,
        "language": "NO",
        "invoiceSendMethod": "EMAIL",
        "postalAddress": {
            "addressLine1": "Sjøgata 7",
            "addressLine2": "",
            "postalCode": "5004",
            "city": "Bergen",
            "country": {"isoAlpha2Code": "NO", "name": "Norge"},
        },
        "accountManager": {
            "firstName": "Tone",
            "lastName": "Aasen",
            "email": "tone.aasen@example.no",
        },
    }
    return {**base, **changes}


def _unexpanded() -> dict[str, Any]:
    """A customer as ``fields=*`` answers it: references are links, unset texts are ""."""
    return {
        "id": 108400002,
        "version": 1,
        "url": f"{HOST}/customer/108400002",
        "name": "Elvetun AS",
        "organizationNumber": "",
        "customerNumber": 10002,
        "isInactive": False,
        "accountManager": None,
        "department": None,
        "email": "",
        "invoiceEmail": "",
        "overdueNoticeEmail": "",
        "phoneNumber": "",
        "phoneNumberMobile": "",
        "language": "NO",
        "isPrivateIndividual": False,
        "invoiceSendMethod": "EMAIL",
        "postalAddress": {"id": 405500001, "url": f"{HOST}/address/405500001"},
        "physicalAddress": {"id": 405500002, "url": f"{HOST}/address/405500002"},
        "deliveryAddress": None,
        "isFactoring": False,
    }


# --- mapping --------------------------------------------------------------------------------


def test_identity_and_salesperson_are_read_from_the_expanded_customer() -> None:
    found = mapping.customer(_expanded())
    assert found.org_number == "915550123"
    assert found.address == "Sjøgata 7, 5004 Bergen, Norge"
    assert found.phone == "55 12 34 56"
    assert found.salesperson == "Tone Aasen"
    assert found.salesperson_email == "tone.aasen@example.no"
    assert found.country == "NO"


def test_the_mobile_is_preferred_and_a_second_address_line_is_kept() -> None:
    address = {
        "addressLine1": "c/o Regnskapshuset",
        "addressLine2": "Postboks 112",
        "postalCode": "5804",
        "city": "Bergen",
        "country": {"isoAlpha2Code": "NO", "name": "Norge"},
    }
    found = mapping.customer(_expanded(phoneNumberMobile="901 23 456", postalAddress=address))
    assert found.phone == "901 23 456"
    assert found.address == "c/o Regnskapshuset, Postboks 112, 5804 Bergen, Norge"


def test_an_unexpanded_customer_maps_with_nothing_invented() -> None:
    found = mapping.customer(_unexpanded(), default_country="NO")
    assert found.name == "Elvetun AS"
    assert found.org_number is None
    assert found.address is None  # a bare link to the address
    assert found.phone is None
    assert found.salesperson is None  # accountManager null
    assert found.salesperson_email is None
    assert found.email is None
    assert found.country == "NO"


def test_an_account_manager_given_only_as_a_link_names_nobody() -> None:
    # Not expanded, or its fields filtered away because the login may not see employees.
    link = {"id": 18600001, "url": f"{HOST}/employee/18600001"}
    found = mapping.customer(_expanded(accountManager=link))
    assert (found.salesperson, found.salesperson_email) == (None, None)


@pytest.mark.parametrize(
    ("manager", "name", "email"),
    [
        ({"firstName": "Tone", "lastName": "", "email": ""}, "Tone", None),
        ({"firstName": "  ", "lastName": "Aasen", "email": "  "}, "Aasen", None),
        (
            {"displayName": "Tone Aasen", "email": "tone@example.no"},
            "Tone Aasen",
            "tone@example.no",
        ),
        ({"firstName": "Tone", "email": "not an address"}, "Tone", None),
        ({"firstName": None, "lastName": None, "email": None}, None, None),
        ({"firstName": 7, "lastName": ["x"], "email": {"a": 1}}, None, None),
        ("Tone Aasen", None, None),
        ([{"firstName": "Tone"}], None, None),
    ],
)
def test_a_salesperson_is_read_tolerantly(
    manager: Any, name: str | None, email: str | None
) -> None:
    found = mapping.customer(_expanded(accountManager=manager))
    assert (found.salesperson, found.salesperson_email) == (name, email)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (None, None),
        ("Sjøgata 7, 5004 Bergen", None),  # not an object
        ({"id": 1, "url": f"{HOST}/address/1"}, None),
        ({"addressLine1": "", "postalCode": "", "city": "", "country": {"name": "Norge"}}, None),
        (
            {"addressLine1": " Sjøgata 7 ", "postalCode": "5004", "city": "Bergen"},
            "Sjøgata 7, 5004 Bergen",
        ),
        ({"postalCode": "0150", "city": "Oslo", "country": {"id": 161}}, "0150 Oslo"),
        ({"addressLine1": "Sjøgata 7", "postalCode": 5004, "city": None}, "Sjøgata 7, 5004"),
        ({"city": "Bergen", "country": "Norge"}, "Bergen"),
        (
            {
                "addressLine1": "Nørregade 1",
                "postalCode": "1165",
                "city": "København K",
                "country": {"isoAlpha2Code": "DK", "name": "Danmark"},
            },
            "Nørregade 1, 1165 København K, Danmark",
        ),
        (
            {"id": 1, "addressAsString": "Sjøgata 7, 5004 Bergen, Norge"},
            "Sjøgata 7, 5004 Bergen, Norge",
        ),
        ({"addressLine1": 12, "postalCode": True, "city": ["Bergen"]}, None),
    ],
)
def test_the_address_is_one_line_of_what_is_given(address: Any, expected: str | None) -> None:
    assert mapping.customer(_expanded(postalAddress=address)).address == expected


@pytest.mark.parametrize(
    ("changes", "org", "phone"),
    [
        ({"organizationNumber": 915550123}, "915550123", "55 12 34 56"),
        ({"organizationNumber": "   "}, None, "55 12 34 56"),
        ({"organizationNumber": None, "phoneNumber": None}, None, None),
        ({"organizationNumber": True, "phoneNumber": 55123456}, None, "55123456"),
        ({"organizationNumber": {"x": 1}, "phoneNumber": "", "phoneNumberMobile": " "}, None, None),
        ({"phoneNumber": [], "phoneNumberMobile": "412 34 567"}, "915550123", "412 34 567"),
    ],
)
def test_org_number_and_phone_are_read_tolerantly(
    changes: dict[str, Any], org: str | None, phone: str | None
) -> None:
    found = mapping.customer(_expanded(**changes))
    assert (found.org_number, found.phone) == (org, phone)


def test_missing_fields_are_none_and_a_missing_id_is_still_malformed() -> None:
    bare = mapping.customer({"id": 5, "name": "Bare AS"})
    assert (bare.org_number, bare.address, bare.phone) == (None, None, None)
    assert (bare.salesperson, bare.salesperson_email) == (None, None)
    without_id = _expanded()
    del without_id["id"]
    with pytest.raises(MalformedResponse, match="'id' is missing"):
        mapping.customer(without_id)


# --- the client asks for them in the reads it already makes ----------------------------------


def test_the_customer_read_expands_address_and_account_manager() -> None:
    asked = parse_fields(CUSTOMER_FIELDS)
    address = asked["postalAddress"]
    manager = asked["accountManager"]
    assert address is not None
    assert manager is not None
    assert {"addressLine1", "addressLine2", "postalCode", "city", "country"} <= set(address)
    assert {"firstName", "lastName", "email"} <= set(manager)
    assert {"organizationNumber", "phoneNumber", "phoneNumberMobile"} <= set(asked)
    # The invoice list carries the same customer, so the fetch needs no read of its own.
    assert parse_fields(INVOICE_FIELDS)["customer"] == asked


def test_parse_fields_reads_tripletex_patterns() -> None:
    assert parse_fields("") == {}
    assert parse_fields("id,project(name),*") == {"id": None, "project": {"name": None}, "*": None}
    assert parse_fields("a(b(c,d),e),f") == {
        "a": {"b": {"c": None, "d": None}, "e": None},
        "f": None,
    }


# --- the sandbox serves them like the real API -----------------------------------------------


def _session(sandbox: TripletexSandbox) -> TripletexSession:
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
    )
    return TripletexSession(ctx, today=lambda: TODAY)


def test_the_demo_company_gives_every_debtor_an_identity_in_the_same_reads() -> None:
    session = _session(TripletexSandbox.demo(TODAY))
    snap = session.fetch(TODAY, None)
    # Token, open posts, two invoice windows, our orders: no customer or employee read.
    assert session.request_count == 5
    customers = list(snap.customers.values())
    assert customers
    assert all(c.address and c.address.endswith(", Norge") for c in customers)
    assert all(c.phone for c in customers)
    assert all(c.org_number for c in customers if c.kind.value == "business")
    assert all(c.org_number is None for c in customers if c.kind.value == "consumer")
    by_name = {c.name: c for c in customers}
    fjord = by_name["Fjordkraft Regnskap AS"]
    assert fjord.org_number == "912345670"
    assert fjord.address == "Strandkaien 2, 5013 Bergen, Norge"
    assert fjord.salesperson == "Silje Haugland"
    assert fjord.salesperson_email == "silje.haugland@bryggen-kontormobler.example.no"
    # A salesperson without an e-mail in Tripletex, and an account without a salesperson.
    bakery = by_name["Bakeriet på Torget AS"]
    assert (bakery.salesperson, bakery.salesperson_email) == ("Magnus Eide", None)
    assert bakery.phone == "412 55 301"  # the mobile before the switchboard
    assert by_name["Hansen Tannklinikk AS"].salesperson is None


def test_the_sandbox_answers_links_unless_fields_expands() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    session = _session(sandbox)
    plain = session.client._send("GET", "/customer/1")["value"]
    assert plain["accountManager"] == {"id": 1, "url": "tripletex.no/v2/employee/1"}
    assert set(plain["postalAddress"]) == {"id", "url"}
    assert plain["phoneNumberMobile"] == ""
    unmanaged = session.client._send("GET", "/customer/3")["value"]
    assert unmanaged["accountManager"] is None
    asked = session.client.customer(1)
    # Only the fields asked for, nested ones included.
    assert set(asked) == set(parse_fields(CUSTOMER_FIELDS))
    assert asked["accountManager"] == {
        "firstName": "Silje",
        "lastName": "Haugland",
        "email": "silje.haugland@bryggen-kontormobler.example.no",
    }
    assert asked["postalAddress"]["country"] == {"isoAlpha2Code": "NO", "name": "Norge"}
    everything = session.client._send(
        "GET", "/customer/1", params={"fields": "*,postalAddress(*),accountManager(*)"}
    )["value"]
    assert everything["postalAddress"]["addressAsString"] == "Strandkaien 2, 5013 Bergen, Norge"
    assert everything["postalAddress"]["country"] == {
        "id": 161,
        "url": "tripletex.no/v2/country/161",
    }
    assert everything["accountManager"]["displayName"] == "Silje Haugland"


def test_a_customer_without_identity_is_served_as_blanks() -> None:
    sandbox = TripletexSandbox(TODAY)
    ident = sandbox.add_customer("Tom AS")
    body = _session(sandbox).client.customer(ident)
    assert body["organizationNumber"] == ""
    assert body["phoneNumber"] == body["phoneNumberMobile"] == ""
    assert body["accountManager"] is None
    assert body["postalAddress"]["addressLine1"] == ""
    found = mapping.customer(body)
    assert (found.org_number, found.address, found.phone, found.salesperson) == (None,) * 4
    with pytest.raises(KeyError, match="no employee 99"):
        sandbox.add_customer("Ukjent AS", account_manager=99)


def test_a_state_saved_before_addresses_were_kept_still_loads() -> None:
    sandbox = TripletexSandbox(TODAY)
    ident = sandbox.add_customer("Gammel AS", email="post@gammel.example.no")
    state = sandbox.state
    old = state["customers"][str(ident)]
    for key in ("accountManager", "phoneNumber", "phoneNumberMobile", "organizationNumber"):
        del old[key]
    old["postalAddress"] = {"country": {"isoAlpha2Code": "NO"}}
    del state["employees"]
    del state["counters"]["employee"], state["counters"]["address"]
    loaded = TripletexSandbox(TODAY, state=state)
    found = mapping.customer(_session(loaded).client.customer(ident))
    assert found.email == "post@gammel.example.no"
    assert (found.address, found.salesperson, found.country) == (None, None, "NO")
    assert loaded.add_employee("Ny", "Selger") == 1


def test_bulk_seeding_gives_debtors_an_identity_and_some_a_salesperson() -> None:
    sandbox = TripletexSandbox(TODAY)
    debtors = [
        SimpleNamespace(index=n, name=f"Kunde {n}", business=n % 4 != 1, email=f"k{n}@example.no")
        for n in range(12)
    ]
    due = TODAY - timedelta(days=20)
    sales = [
        SimpleNamespace(
            index=n,
            debtor=n,
            amount=Decimal("1000"),
            issued=due - timedelta(days=14),
            due=due,
            paid=Decimal("0"),
            paid_on=None,
            reminded_on=None,
        )
        for n in range(12)
    ]
    sandbox_bulk.seed(sandbox, debtors, sales)
    snap = _session(sandbox).fetch(TODAY, None)
    customers = list(snap.customers.values())
    assert len(customers) == 12
    assert all(c.address and c.phone for c in customers)
    assert any(c.salesperson_email for c in customers)
    assert any(c.salesperson and not c.salesperson_email for c in customers)


# --- the sandbox's customers against the vendor's schemas ------------------------------------


def test_sandbox_customers_match_the_spec() -> None:
    from tests.contract.tripletex_spec import require_specs, validate  # noqa: PLC0415

    require_specs()
    sandbox = TripletexSandbox.demo(TODAY)
    session = _session(sandbox)
    client = session.client
    for fields in ("", CUSTOMER_FIELDS, "*,postalAddress(*,country(*)),accountManager(*)"):
        for ident in (1, 3, 7):
            params = {"fields": fields} if fields else None
            validate(
                client._send("GET", f"/customer/{ident}", params=params), "ResponseWrapperCustomer"
            )
    page = client._send(
        "GET",
        "/invoice",
        params={
            "invoiceDateFrom": (TODAY - timedelta(days=365)).isoformat(),
            "invoiceDateTo": TODAY.isoformat(),
            "fields": INVOICE_FIELDS,
        },
    )
    assert any(v["customer"].get("accountManager") for v in page["values"])
    validate(page, "ListResponseInvoice")
    validate(
        client._send("GET", "/customer", params={"fields": CUSTOMER_FIELDS}), "ListResponseCustomer"
    )
