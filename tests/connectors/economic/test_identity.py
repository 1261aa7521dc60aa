"""The debtor's identity and salesperson: from e-conomic's customer and employee payloads.

Organisation number, postal address and phone fill the hand-over case file; the salesperson's
name and e-mail say who gets a task. The payloads follow the recorded real answers
(customer.json, customers_0.trimmed.json); e-conomic's recordings hold no customer with a
salesperson or a mobile and no employee list, so those parts follow the official schemas
(customers.get, employees.get), which the sandbox's answers are validated against here too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Customer, Mode
from bridge.vocab.errors import MalformedResponse, Transient
from bridge.vocab.secrets import StaticSecrets
from connectors.economic import CONNECTOR, mapping
from connectors.economic.sandbox import bulk as sandbox_bulk
from connectors.economic.sandbox import demo_company
from connectors.economic.sandbox.fields import EMPLOYEES
from connectors.economic.sandbox.server import EconomicSandbox, Fault
from connectors.economic.session import EconomicSession
from tests.connectors.economic.recorded import load
from tests.contract.economic_schemas import assert_valid, require_specs, schema

TODAY = date(2026, 3, 2)
EMPLOYEE_LINK = "https://restapi.e-conomic.com/employees/{}"


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _recorded_customers() -> dict[int, dict[str, Any]]:
    return {c["customerNumber"]: c for c in load("customers_0.trimmed.json")["collection"]}


def _staff(*people: mapping.Employee) -> dict[int, mapping.Employee]:
    return {p.number: p for p in people}


SELLER = mapping.Employee(6, "Rasmus Holt", "rasmus.holt@example.dk")


def _with_seller(obj: dict[str, Any], number: int = 6) -> dict[str, Any]:
    """The recorded customer with a salesPerson reference shaped as the schema declares it."""
    return {
        **copy.deepcopy(obj),
        "salesPerson": {"employeeNumber": number, "self": EMPLOYEE_LINK.format(number)},
    }


# --- mapping: organisation number, address, phone ------------------------------------------


def test_the_recorded_single_customer_gives_address_and_phone() -> None:
    customer = mapping.customer(load("customer.json"))
    # "aaaaaa" is what the recording's country says; a given country is kept as written.
    assert customer.address == "High road 32, 8700 Horsens, aaaaaa"
    assert customer.phone == "7629 2929"  # telephoneAndFaxNumber
    assert customer.org_number is None  # the recording carries no CVR
    assert (customer.salesperson, customer.salesperson_email) == (None, None)


@pytest.mark.parametrize(
    ("number", "org_number", "address", "phone"),
    [
        (1, "DK12345678", "Vejen 1, 1234 Storeby, Norway", None),
        (2, None, "1411 København K, Danmark", None),  # no street
        (3, None, None, None),  # nothing at all
        (4, None, "aaaaa, aaaaaa", None),  # a city only
        (5, None, "Test", None),  # a street only
        (8, "Test", "street, 110058 Delhi, India", "123213"),
        (1000, None, "Møtrikvej 1, 2750 Ballerup", None),  # no country given
    ],
)
def test_recorded_customers_map_their_identity(
    number: int, org_number: str | None, address: str | None, phone: str | None
) -> None:
    customer = mapping.customer(_recorded_customers()[number])
    assert (customer.org_number, customer.address, customer.phone) == (org_number, address, phone)


def test_every_recorded_customer_maps_its_identity_without_failing() -> None:
    for obj in _recorded_customers().values():
        customer = mapping.customer(obj)
        for value in (customer.org_number, customer.address, customer.phone):
            assert value is None or (value.strip() == value and value)


def test_the_mobile_is_preferred_to_the_switchboard() -> None:
    obj = {**load("customer.json"), "mobilePhone": " 20 31 52 17 "}
    assert mapping.customer(obj).phone == "20 31 52 17"
    obj["mobilePhone"] = "  "
    assert mapping.customer(obj).phone == "7629 2929"


@pytest.mark.parametrize("empty", [None, "", "   ", "\n", [], {}, True, 1.5])
@pytest.mark.parametrize(
    "field",
    [
        "corporateIdentificationNumber",
        "address",
        "zip",
        "city",
        "country",
        "telephoneAndFaxNumber",
        "mobilePhone",
        "salesPerson",
    ],
)
def test_empty_null_or_oddly_typed_fields_never_fail(field: str, empty: Any) -> None:
    obj = _with_seller(load("customer.json"))
    obj["corporateIdentificationNumber"] = "29573158"
    obj["mobilePhone"] = "20 31 52 17"
    obj[field] = empty
    customer = mapping.customer(obj, employees=_staff(SELLER))
    expected = {
        "corporateIdentificationNumber": ("org_number", None),
        "telephoneAndFaxNumber": ("phone", "20 31 52 17"),
        "mobilePhone": ("phone", "7629 2929"),
        "salesPerson": ("salesperson", None),
        "address": ("address", "8700 Horsens, aaaaaa"),
        "zip": ("address", "High road 32, Horsens, aaaaaa"),
        "city": ("address", "High road 32, 8700, aaaaaa"),
        "country": ("address", "High road 32, 8700 Horsens"),
    }[field]
    assert getattr(customer, expected[0]) == expected[1]


def test_missing_fields_are_none() -> None:
    customer = mapping.customer({"customerNumber": 7, "name": "Bare"}, employees=_staff(SELLER))
    assert customer == Customer(id="7", name="Bare", kind=customer.kind, country="DK")


def test_numbers_sent_as_numbers_are_read_as_text() -> None:
    obj = {"customerNumber": 7, "name": "X", "corporateIdentificationNumber": 29573158}
    obj |= {"zip": 8700, "city": "Horsens", "mobilePhone": 20315217}
    customer = mapping.customer(obj)
    assert (customer.org_number, customer.address, customer.phone) == (
        "29573158",
        "8700 Horsens",
        "20315217",
    )


def test_a_multi_line_address_becomes_one_line() -> None:
    obj = {"customerNumber": 7, "name": "X", "address": "c/o Bogholderiet\r\n Nørregade 1 \n\n"}
    obj |= {"zip": "1165", "city": "København K", "country": "Denmark"}
    expected = "c/o Bogholderiet, Nørregade 1, 1165 København K, Denmark"
    assert mapping.customer(obj).address == expected


def test_a_country_alone_is_no_address() -> None:
    obj = {"customerNumber": 7, "name": "X", "country": "Danmark"}
    assert mapping.customer(obj).address is None


def test_a_malformed_customer_still_raises_the_clear_error() -> None:
    obj = _with_seller(load("customer.json"))
    del obj["customerNumber"]
    with pytest.raises(MalformedResponse, match="'customerNumber' is missing"):
        mapping.customer(obj, employees=_staff(SELLER))


# --- mapping: the salesperson --------------------------------------------------------------


def test_the_salesperson_comes_from_the_employee_list() -> None:
    customer = mapping.customer(_with_seller(load("customer.json")), employees=_staff(SELLER))
    assert (customer.salesperson, customer.salesperson_email) == (
        "Rasmus Holt",
        "rasmus.holt@example.dk",
    )


def test_without_the_employee_list_the_salesperson_is_unknown() -> None:
    obj = _with_seller(load("customer.json"))
    assert mapping.customer(obj).salesperson is None
    assert mapping.customer(obj, employees={}).salesperson_email is None
    other = mapping.Employee(7, "Sara Lindberg", "sara@example.dk")
    assert mapping.customer(obj, employees=_staff(other)).salesperson is None


def test_a_barred_employee_keeps_the_name_but_gets_no_tasks() -> None:
    left = mapping.Employee(6, "Thomas Krog", "thomas.krog@example.dk", barred=True)
    customer = mapping.customer(_with_seller(load("customer.json")), employees=_staff(left))
    assert (customer.salesperson, customer.salesperson_email) == ("Thomas Krog", None)


@pytest.mark.parametrize(
    ("reference", "number"),
    [
        ({"employeeNumber": 6, "self": EMPLOYEE_LINK.format(6)}, 6),
        ({"self": EMPLOYEE_LINK.format(6)}, 6),  # the schema requires only the link
        ({"employeeNumber": "6"}, 6),
        ({"employeeNumber": 0}, None),
        ({"employeeNumber": True}, None),
        ({"employeeNumber": None, "self": "https://restapi.e-conomic.com/employees/"}, None),
        ({"self": 6}, None),
        ({}, None),
        ("6", None),
        (6, None),
        (None, None),
    ],
)
def test_salesperson_number(reference: Any, number: int | None) -> None:
    assert mapping.salesperson_number({"customerNumber": 1, "salesPerson": reference}) == number


def test_employee_mapping() -> None:
    item = {
        "employeeNumber": 6,
        "employeeGroup": {"employeeGroupNumber": 1, "self": "x"},
        "name": " Rasmus Holt ",
        "email": "rasmus.holt@example.dk rh@example.dk",
        "phone": "+4586120452",
        "self": EMPLOYEE_LINK.format(6),
    }
    assert mapping.employee(item) == mapping.Employee(6, "Rasmus Holt", "rasmus.holt@example.dk")
    assert mapping.employee({"employeeNumber": 2, "barred": True}) == mapping.Employee(
        2, None, None, barred=True
    )
    with pytest.raises(MalformedResponse, match="employee \\(no number\\)"):
        mapping.employee({"name": "No Number"})
    with pytest.raises(MalformedResponse, match="expected an object"):
        mapping.employee("Rasmus")


def test_space_separated_customer_e_mails_give_the_first() -> None:
    # e-conomic's schema: several addresses in the field are separated by a space.
    obj = {"customerNumber": 7, "name": "X", "email": "a@example.dk b@example.dk"}
    assert mapping.customer(obj).email == "a@example.dk"


# --- the sandbox serves them as e-conomic does ---------------------------------------------


def _client(sandbox: EconomicSandbox) -> httpx.Client:
    return httpx.Client(
        transport=sandbox.transport(),
        base_url=sandbox.BASE_URL,
        headers={"X-AppSecretToken": sandbox.APP_SECRET, "X-AgreementGrantToken": sandbox.GRANT},
    )


@pytest.fixture
def sandbox() -> EconomicSandbox:
    return EconomicSandbox.demo(TODAY)


def test_demo_customers_carry_identity_fields_in_e_conomic_names(sandbox: EconomicSandbox) -> None:
    with _client(sandbox) as client:
        customers = client.get("/customers", params={"pagesize": 1000}).json()["collection"]
        employees = client.get("/employees").json()["collection"]
    assert len(customers) == 30
    for item in customers:
        assert all(item.get(key) for key in ("address", "zip", "city", "country")), item
        assert item.get("telephoneAndFaxNumber") or item.get("mobilePhone"), item
    businesses = [c for c in customers if c["customerGroup"]["customerGroupNumber"] == 1]
    assert all(c["corporateIdentificationNumber"] for c in businesses)
    assert all("salesPerson" in c for c in businesses)
    seller = businesses[0]["salesPerson"]
    assert set(seller) == {"employeeNumber", "self"}
    assert seller["self"] == EMPLOYEE_LINK.format(seller["employeeNumber"])
    by_number = {e["employeeNumber"]: e for e in employees}
    assert by_number[seller["employeeNumber"]]["email"].endswith("@example.dk")
    assert any(e.get("barred") for e in employees)
    consumers = [c for c in customers if c["customerGroup"]["customerGroupNumber"] == 2]
    assert consumers
    assert all("mobilePhone" in c for c in consumers)
    assert not [c for c in consumers if "salesPerson" in c]


def test_employees_list_single_filter_and_404(sandbox: EconomicSandbox) -> None:
    with _client(sandbox) as client:
        listed = client.get("/employees").json()
        single = client.get("/employees/2")
        missing = client.get("/employees/99")
        filtered = client.get("/employees", params={"filter": "barred$eq:true"}).json()
        refused = client.get("/employees", params={"sort": "barred"})
    assert [e["employeeNumber"] for e in listed["collection"]] == [1, 2, 3, 4]
    assert single.status_code == 200
    assert single.json() == listed["collection"][1]
    assert "barred" not in single.json()  # false is left out, as e-conomic does
    assert missing.status_code == 404
    assert [e["name"] for e in filtered["collection"]] == ["Thomas Krog"]
    assert refused.status_code == 400


def test_employee_and_customer_answers_validate_against_the_official_schemas(
    sandbox: EconomicSandbox,
) -> None:
    require_specs()
    with _client(sandbox) as client:
        assert_valid("employees.get", client.get("/employees").json())
        assert_valid("employees.employeeNumber.get", client.get("/employees/4").json())
        for number in (1, 18, 19):
            assert_valid("customers.customerNumber.get", client.get(f"/customers/{number}").json())


def test_employee_filter_flags_match_the_schema() -> None:
    require_specs()
    items = schema("employees.get")["properties"]["collection"]["items"]
    for path, spec in EMPLOYEES.items():
        node = items
        for part in path.split("."):
            node = node["properties"][part]
        assert spec.filterable == bool(node.get("filterable")), path
        assert spec.sortable == bool(node.get("sortable")), path


def test_employees_survive_save_and_load(tmp_path: Any, sandbox: EconomicSandbox) -> None:
    path = tmp_path / "economic.json"
    sandbox.save(path)
    loaded = EconomicSandbox.load_or_demo(path, TODAY)
    assert loaded.state()["employees"] == sandbox.state()["employees"]
    # A state saved before employees existed still loads.
    old = sandbox.state()
    del old["employees"]
    assert EconomicSandbox(TODAY, state=old).state()["employees"] == []


def test_a_customer_can_only_name_an_existing_employee() -> None:
    sandbox = EconomicSandbox(TODAY)
    with pytest.raises(KeyError, match="no employee 3"):
        sandbox.add_customer("X", salesperson=3)
    seller = sandbox.add_employee("Rasmus Holt", email="rasmus.holt@example.dk")
    number = sandbox.add_customer("X", salesperson=seller, cvr="HRB 4711")
    assert "vatNumber" not in sandbox.state()["customers"][0]  # only a Danish CVR gives DK<cvr>
    with _client(sandbox) as client:
        assert client.get(f"/customers/{number}").json()["salesPerson"]["employeeNumber"] == 1


def test_bulk_seeded_customers_have_an_address_and_a_phone_but_no_salesperson() -> None:
    class Debtor:
        def __init__(self, index: int, business: bool) -> None:
            self.index, self.business = index, business
            self.name, self.email = f"Kunde {index}", f"kunde{index}@example.dk"

    sandbox = EconomicSandbox(TODAY)
    sandbox_bulk.seed(sandbox, [Debtor(0, True), Debtor(1, False)], [])
    first, second = (mapping.customer(c) for c in sandbox.state()["customers"])
    assert first.address == "Handelsvej 1, 1000 Testby, Danmark"
    assert (first.org_number, first.phone) == ("30000000", "70000000")
    assert (second.org_number, second.phone) == (None, "20000001")
    assert (first.salesperson, second.salesperson) == (None, None)


# --- the session: the employee list once, and only when needed -----------------------------


def _open(transport: httpx.BaseTransport) -> EconomicSession:
    ctx = TenantContext(
        tenant="demo",
        country="DK",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("demo", CONNECTOR.sandbox_secrets),
        transport=transport,
    )
    session = CONNECTOR.open(ctx)
    assert isinstance(session, EconomicSession)
    return session


def _employee_reads(sandbox: EconomicSandbox) -> int:
    return sum(1 for _, path in sandbox.requests if path.startswith("/employees"))


def test_fetch_fills_identity_and_salesperson(sandbox: EconomicSandbox) -> None:
    snapshot = _open(sandbox.transport()).fetch(TODAY, None)
    customers = snapshot.customers
    assert customers["9"].org_number == "28741596"
    assert customers["9"].address == "Kongens Nytorv 5, 1050 København K, Danmark"
    assert customers["9"].phone  # telephoneAndFaxNumber
    assert customers["9"].salesperson == "Rasmus Holt"
    assert customers["9"].salesperson_email == "rasmus.holt@example.dk"
    assert customers["18"].org_number == "HRB 4711 FL"
    consumer = customers["20"]
    assert (consumer.org_number, consumer.salesperson) == (None, None)
    assert consumer.phone
    assert consumer.address
    barred_seller = customers[str(demo_company.BARRED_CUSTOMER)]
    assert (barred_seller.salesperson, barred_seller.salesperson_email) == ("Thomas Krog", None)
    assert all(c.address and c.phone for c in customers.values())


def test_the_employee_list_is_read_once_per_session(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox.transport())
    session.fetch(TODAY, None)
    assert _employee_reads(sandbox) == 1
    again = session.fetch(TODAY, None)
    assert _employee_reads(sandbox) == 1
    assert again.customers["1"].salesperson_email == "rasmus.holt@example.dk"
    _open(sandbox.transport()).fetch(TODAY, None)
    assert _employee_reads(sandbox) == 2  # a new session (a new cycle) reads it afresh


def test_no_employee_read_when_no_customer_names_a_salesperson() -> None:
    sandbox = EconomicSandbox(TODAY)
    number = sandbox.add_customer("Kunde", cvr="29573158", address="Vej 1", phone="70 11 40 10")
    sandbox.add_invoice(number, date(2026, 1, 5), date(2026, 1, 19), Decimal("1250.00"))
    snapshot = _open(sandbox.transport()).fetch(TODAY, None)
    assert snapshot.customers[str(number)].org_number == "29573158"
    assert _employee_reads(sandbox) == 0


def test_an_employee_list_the_app_may_not_read_leaves_salespeople_unknown(
    sandbox: EconomicSandbox,
) -> None:
    denied: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/employees"):
            denied.append(request.url.path)
            body = {"message": "Insufficient access.", "httpStatusCode": 403, "logId": "x"}
            return httpx.Response(403, json=body)
        return sandbox.handle(request)

    session = _open(httpx.MockTransport(handle))
    snapshot = session.fetch(TODAY, None)
    assert snapshot.invoices
    assert all(c.salesperson is None for c in snapshot.customers.values())
    assert all(c.org_number for c in snapshot.customers.values() if c.kind.value == "business")
    assert any(reason.startswith("salespeople: ") for reason in session.skipped)
    session.fetch(TODAY, None)
    assert denied == ["/employees"]  # refused once is not asked again in the session


def test_a_refused_employee_list_is_skipped_and_a_transient_one_fails_the_fetch(
    sandbox: EconomicSandbox,
) -> None:
    sandbox.inject(Fault("status", status=422, path_prefix="/employees"))
    refused = _open(sandbox.transport())
    assert refused.fetch(TODAY, None).customers["1"].salesperson is None
    sandbox.inject(Fault("status", status=503, path_prefix="/employees", times=50))
    failing = _open(sandbox.transport())
    with pytest.raises(Transient):
        failing.fetch(TODAY, None)
    sandbox.faults.clear()
    assert failing.fetch(TODAY, None).customers["1"].salesperson == "Rasmus Holt"


def test_a_bad_employee_is_skipped_and_the_rest_are_read(sandbox: EconomicSandbox) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        response = sandbox.handle(request)
        if request.url.path == "/employees":
            page = response.json()
            del page["collection"][1]["employeeNumber"]  # Rasmus Holt
            return httpx.Response(200, json=page)
        return response

    session = _open(httpx.MockTransport(handle))
    customers = session.fetch(TODAY, None).customers
    assert customers["1"].salesperson is None  # Rasmus Holt's customer
    assert customers["3"].salesperson == "Sara Lindberg"
    assert any("employee (no number)" in reason for reason in session.skipped)


@given(
    reference=st.one_of(
        st.dictionaries(
            st.sampled_from(["employeeNumber", "self"]),
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.floats()),
        ),
        st.text(),
        st.integers(),
    ),
    fields=st.dictionaries(
        st.sampled_from(
            ["corporateIdentificationNumber", "address", "zip", "city", "country", "mobilePhone"]
        ),
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.lists(st.text())),
    ),
)
def test_identity_fields_never_fail_the_mapping(reference: Any, fields: dict[str, Any]) -> None:
    obj = {"customerNumber": 7, "name": "X", "salesPerson": reference, **fields}
    customer = mapping.customer(obj, employees=_staff(SELLER))
    for value in (customer.org_number, customer.address, customer.phone, customer.salesperson):
        assert value is None or value.strip()
