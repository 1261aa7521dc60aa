"""What a letter needs before it goes: a warning's payment details and contact for objections,
and a Norwegian collection letter's delivery (bridge/engine/letter_checks.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from bridge.engine.channels import Channels, Route
from bridge.engine.letter_checks import consented, delivery_problem, warning_problems
from bridge.engine.letter_creditor import Creditor
from bridge.store import Store, open_store
from bridge.vocab.domain import ActionKind, Customer, CustomerKind, Decision, Letter
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import writer

DAY = date(2026, 3, 2)


def _letter(action: ActionKind = ActionKind.COLLECTION_WARNING) -> Letter:
    decision = Decision(
        tenant="t",
        invoice_id="1001",
        invoice_number="1001",
        customer_id="C1",
        date=DAY,
        action=action,
        step=2,
        currency="NOK",
        outstanding=Decimal("1000.00"),
        fee=Decimal("38.00"),
        deadline=date(2026, 3, 16),
    )
    return Letter(
        tenant="t",
        customer_id="C1",
        action=action,
        step=2,
        date=DAY,
        currency="NOK",
        decisions=(decision,),
    )


def _customer(**extra: object) -> Customer:
    base: dict[str, object] = {
        "id": "C1",
        "name": "Kari Nordmann",
        "kind": CustomerKind.CONSUMER,
        "country": "NO",
        "email": "kari@example.no",
    }
    return Customer(**(base | extra))  # type: ignore[arg-type]


PAYS = Creditor(name="Firma AS", bank_account="86011117947", email="regnskap@firma.no")


# -- a warning without payment details or a contact ---------------------------------------------


def test_a_complete_warning_goes() -> None:
    assert warning_problems(_letter(), PAYS, vendor_pays=False) == []


def test_a_warning_without_payment_details_or_contact_names_the_options() -> None:
    problems = warning_problems(_letter(), Creditor(name="Firma AS"), vendor_pays=False)
    assert problems == [
        "the collection warning has no payment details: set the tenant option bank_account, "
        "iban or bankgiro",
        "the collection warning names no contact for objections: set the tenant option "
        "company_email or company_phone",
    ]


@pytest.mark.parametrize(
    "creditor",
    [
        Creditor(name="A", iban="NO9386011117947", phone="+47 55 12 34 56"),
        Creditor(name="A", bankgiro="123-4567", email="a@a.se"),
        Creditor(name="A", fik_creditor="85123456", email="a@a.dk"),
    ],
)
def test_any_one_payment_route_and_any_one_contact_is_enough(creditor: Creditor) -> None:
    assert warning_problems(_letter(), creditor, vendor_pays=False) == []


def test_the_vendors_layout_supplies_payment_details_but_not_the_contact() -> None:
    problems = warning_problems(_letter(), Creditor(name="Firma AS"), vendor_pays=True)
    assert problems == [
        "the collection warning names no contact for objections: set the tenant option "
        "company_email or company_phone"
    ]


def test_a_reminder_is_not_held_by_the_warning_rule() -> None:
    assert (
        warning_problems(_letter(ActionKind.REMINDER), Creditor(name="A"), vendor_pays=False) == []
    )


# -- Norway: paper, or e-mail with consent ---------------------------------------------------------


def _problem(routes: frozenset[str] | None, **kwargs: object) -> str | None:
    customer = _customer(**kwargs.pop("customer", {}))  # type: ignore[arg-type]
    options = kwargs.pop("options", {})
    return delivery_problem(
        _letter(),
        customer,
        country=str(kwargs.pop("country", "NO")),
        routes=routes,
        options=options,  # type: ignore[arg-type]
        name=str(kwargs.pop("name", "betalingsoppfordring")),
    )


def test_a_betalingsoppfordring_by_email_only_waits_with_the_settings_that_fix_it() -> None:
    assert _problem(frozenset({"email"})) == (
        "the betalingsoppfordring (inkassoloven § 10) would reach customer C1 by email only; "
        "inkassoloven § 3 a allows electronic delivery only in a reassuring way, for e-mail with "
        "the debtor's consent: set the tenant option electronic_notices_agreed (all, business, "
        "consumer or the customer ids) for debtors who agreed, or add a paper route (Tripletex: "
        "the tenant option dispatch_types, e.g. EMAIL,OWN_PRINTER)"
    )


def test_an_inkassovarsel_cites_section_9() -> None:
    found = _problem(frozenset({"email"}), name="inkassovarsel")
    assert found is not None
    assert found.startswith("the inkassovarsel (inkassoloven § 9) would reach")


@pytest.mark.parametrize("routes", [frozenset({"paper"}), frozenset({"email", "paper"}), None])
def test_a_paper_route_or_an_unknown_route_lets_it_go(routes: frozenset[str] | None) -> None:
    assert _problem(routes) is None


@pytest.mark.parametrize(
    ("options", "flag", "goes"),
    [
        ({}, False, False),
        ({"electronic_notices_agreed": "none"}, False, False),
        ({"electronic_notices_agreed": "all"}, False, True),
        ({"electronic_notices_agreed": "consumer"}, False, True),
        ({"electronic_notices_agreed": "business"}, False, False),
        ({"electronic_notices_agreed": "C7, C1"}, False, True),
        ({"electronic_notices_agreed": "C7"}, False, False),
        ({}, True, True),
    ],
)
def test_consent_by_option_or_customer_flag(
    options: dict[str, str], flag: bool, goes: bool
) -> None:
    customer = _customer(electronic_notices_agreed=flag)
    assert consented(customer, options) is goes
    found = _problem(
        frozenset({"email"}), options=options, customer={"electronic_notices_agreed": flag}
    )
    assert (found is None) is goes


@pytest.mark.parametrize("country", ["DK", "SE", "FI"])
def test_other_countries_are_not_held(country: str) -> None:
    assert _problem(frozenset({"email"}), country=country) is None


# -- Tripletex's dispatch types as routes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "email", "routes"),
    [
        ({}, "kari@example.no", {"email"}),
        # No address and no dispatch types listed: nothing would be sent (the reminder stays
        # pending until an address or OWN_PRINTER is set), so no route at all.
        ({}, None, set()),
        ({"dispatch_types": "EMAIL,OWN_PRINTER"}, "kari@example.no", {"email", "paper"}),
        ({"dispatch_types": "NETS_PRINT"}, "kari@example.no", {"paper"}),
        ({"dispatch_types": "SMS"}, "kari@example.no", {"electronic"}),
    ],
)
def test_tripletex_dispatch_types_as_routes(
    options: dict[str, str], email: str | None, routes: set[str]
) -> None:
    found = writer.routes(ActionKind.COLLECTION_WARNING, email=email, options=options)
    assert found == frozenset(routes)


def _channels(store: Store, creditor: Creditor, *, prints: bool, country: str) -> Channels:
    return Channels(
        store=store,
        tenant="t",
        options={},
        secrets=StaticSecrets("t", {}),
        creditor=creditor,
        system_sends_notices=False,
        today=DAY,
        now=datetime.combine(DAY, time(7), tzinfo=UTC),
        system_prints_payment=prints,
        country=country,
    )


def test_channels_ask_payment_details_only_where_the_system_prints_none() -> None:
    bare = Creditor(name="Firma AS", email="regnskap@firma.no")
    with open_store(":memory:") as store:
        printed = _channels(store, bare, prints=True, country="DK")
        assert (
            printed.check_letter(
                _letter(), _customer(), route=Route.SYSTEM, routes=None, name="reminder"
            )
            == []
        )
        unprinted = _channels(store, bare, prints=False, country="DK")
        [problem] = unprinted.check_letter(
            _letter(), _customer(), route=Route.SYSTEM, routes=None, name="reminder"
        )
        assert "bank_account, iban or bankgiro" in problem
        # The bridge's own e-mail never carries a vendor's layout.
        [problem] = printed.check_letter(
            _letter(), _customer(), route=Route.EMAIL, routes=None, name="reminder"
        )
        assert "bank_account, iban or bankgiro" in problem


def test_channels_hold_a_norwegian_warning_the_system_would_only_email() -> None:
    with open_store(":memory:") as store:
        channels = _channels(store, PAYS, prints=True, country="NO")
        [problem] = channels.check_letter(
            _letter(),
            _customer(),
            route=Route.SYSTEM,
            routes=frozenset({"email"}),
            name="betalingsoppfordring",
        )
        assert problem.startswith("the betalingsoppfordring (inkassoloven § 10)")
        assert (
            channels.check_letter(
                _letter(),
                _customer(),
                route=Route.SYSTEM,
                routes=frozenset({"email", "paper"}),
                name="betalingsoppfordring",
            )
            == []
        )
