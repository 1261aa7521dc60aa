"""The Tripletex checks `doctor` runs: what would make our orders and reminders wrong.

An order line without ``vatType`` gets the line's default VAT, 25 % for a Norwegian company's
sales; the charges are outside the VAT act, so the lines name a VAT type at 0 %: the option
``vat_type`` (an id) or the active outgoing type number 7, else 6 (``GET /ledger/vatType``,
VatType.percentage, openapi-2.74.00.json). Reading our orders and the reminders back needs
access to ``GET /order`` and ``GET /reminder``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bridge.infra import retry
from bridge.vocab.connector import SetupChecks, TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR
from connectors.tripletex.sandbox.server import TripletexSandbox
from connectors.tripletex.session import TripletexSession

TODAY = date(2026, 3, 2)
ORDERS_READABLE = "the token may read our orders (GET /order), read back before each letter is sent"
REMINDERS_READABLE = "the token may read the invoices' reminders (GET /reminder)"
POSTS_READABLE = (
    "the token may read the customers' open ledger posts (GET /ledger/posting/openPost), "
    "where payments on no invoice show"
)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _checks(sandbox: TripletexSandbox, **options: str) -> list[tuple[bool, str]]:
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
        options=options,
    )
    session = TripletexSession(ctx, today=lambda: TODAY)
    try:
        assert isinstance(session, SetupChecks)
        return session.checks()
    finally:
        session.close()


def _failures(found: list[tuple[bool, str]]) -> list[str]:
    return [detail for ok, detail in found if not ok]


def test_the_demo_company_is_ready() -> None:
    found = _checks(TripletexSandbox.demo(TODAY))
    assert [d for _, d in found] == [
        "the charges book without VAT on VAT type id 107 (number 7 'Ingen mva-behandling "
        "(inntekter)') (looked up)",
        ORDERS_READABLE,
        REMINDERS_READABLE,
        POSTS_READABLE,
    ]
    assert _failures(found) == []


def test_the_next_vat_free_type_is_used_when_number_7_is_off() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    sandbox.deactivate_vat_type("7")
    found = _checks(sandbox)
    assert _failures(found) == []
    assert found[0][1].startswith("the charges book without VAT on VAT type id 106 (number 6")


def test_no_vat_free_type_names_the_setting_and_the_option() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    sandbox.deactivate_vat_type("7")
    sandbox.deactivate_vat_type("6")
    assert _failures(_checks(sandbox)) == [
        "Tripletex lists no active outgoing VAT type without VAT (number 7 or 6): it would add "
        "25 % VAT to fees, interest and compensation; turn one on under Regnskap > "
        "Innstillinger > MVA-innstillinger, or set vat_type to the id of a VAT type without VAT"
    ]


def test_a_vat_free_type_named_by_the_option_passes() -> None:
    found = _checks(TripletexSandbox.demo(TODAY), vat_type="105")
    assert _failures(found) == []
    assert found[0][1] == (
        "the charges book without VAT on VAT type id 105 (number 5 'Ingen utgående mva "
        "(innenfor mva-loven)') (option vat_type)"
    )


def test_a_vat_type_with_vat_named_by_the_option_fails() -> None:
    assert _failures(_checks(TripletexSandbox.demo(TODAY), vat_type="103")) == [
        "VAT type id 103 (number 3 'Utgående mva, høy sats') (option vat_type) charges 25 % "
        "VAT: Tripletex would add it to fees, interest and compensation; set vat_type to a VAT "
        "type without VAT (number 7 or 6)"
    ]


def test_an_unknown_or_inactive_vat_type_fails() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    expected = (
        "VAT type id {} (option vat_type) is not an active outgoing VAT type in Tripletex: turn "
        "it on under Regnskap > Innstillinger > MVA-innstillinger, or set vat_type to one that "
        "is (number 7 or 6)"
    )
    assert _failures(_checks(sandbox, vat_type="999")) == [expected.format(999)]
    sandbox.deactivate_vat_type("6")
    assert _failures(_checks(sandbox, vat_type="106")) == [expected.format(106)]


def test_an_employee_without_access_to_orders_is_told_what_to_grant() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    sandbox.deny("order")
    assert _failures(_checks(sandbox)) == [
        "Tripletex refused to show our orders (GET /order), read back before each letter is "
        "sent: give the employee behind the employee token access to orders (Ordre) in "
        "Tripletex (Selskap > Brukere), or store another employee token"
    ]


def test_an_employee_without_access_to_reminders_is_told_what_to_grant() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    sandbox.deny("reminder")
    assert _failures(_checks(sandbox)) == [
        "Tripletex refused to show the invoices' reminders (GET /reminder): give the employee "
        "behind the employee token access to invoices and reminders (Faktura) in Tripletex "
        "(Selskap > Brukere), or store another employee token"
    ]


def test_an_employee_without_access_to_the_ledger_is_told_what_to_grant() -> None:
    sandbox = TripletexSandbox.demo(TODAY)
    sandbox.deny("ledger/posting")
    assert _failures(_checks(sandbox)) == [
        "Tripletex refused to show the customers' open ledger posts (GET "
        "/ledger/posting/openPost), where payments on no invoice show: give the employee behind "
        "the employee token access to the ledger (Regnskap) in Tripletex (Selskap > Brukere), "
        "or store another employee token"
    ]
