"""`doctor` asks a connector that can check its own set-up (bridge.vocab.connector.SetupChecks)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bridge.infra import retry
from bridge.surfaces.doctor import _connectivity
from bridge.vocab import registry
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from connectors.economic.sandbox.server import EconomicSandbox

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _doctor(**options: str) -> list[tuple[str, bool, str]]:
    descriptor = registry.connector("economic")
    tenant = TenantSettings(system="economic", country="DK", options=options)
    secrets = StaticSecrets("t", descriptor.sandbox_secrets)
    found = _connectivity(
        "t", tenant, descriptor, secrets, transport=EconomicSandbox.demo(TODAY).transport()
    )
    return [(c.subject, c.ok, c.detail) for c in found]


def test_all_good_gives_ok_lines() -> None:
    found = _doctor()
    assert all(ok for _, ok, _ in found)
    assert found[0][0] == "tenant t"
    assert found[0][2].startswith("Visma e-conomic: ")
    assert found[0][2].endswith("open invoices readable")
    assert {s for s, _, _ in found[1:]} == {"tenant t drafts"}
    assert len(found) == 6


def test_a_missing_product_fails_naming_fee_product() -> None:
    failed = [(s, d) for s, ok, d in _doctor(fee_product="GEBYR") if not ok]
    assert failed == [
        ("tenant t drafts", "product GEBYR does not exist: create it or set fee_product")
    ]


def test_a_vat_bearing_account_fails_naming_the_option() -> None:
    failed = [d for _, ok, d in _doctor(interest_product="1002") if not ok]
    assert failed == [
        "product 1002's account 1010 carries VAT (U25, 25 %): e-conomic would add it to the "
        "charge; use a VAT-free account or set interest_product"
    ]


def _doctor_on(
    system: str, country: str, transport: object, **options: str
) -> list[tuple[str, bool, str]]:
    descriptor = registry.connector(system)
    tenant = TenantSettings(system=system, country=country, options=options)
    secrets = StaticSecrets("t", descriptor.sandbox_secrets)
    found = _connectivity("t", tenant, descriptor, secrets, transport=transport)  # type: ignore[arg-type]
    return [(c.subject, c.ok, c.detail) for c in found]


def test_fortnox_drafts_are_checked_after_the_fetch() -> None:
    from connectors.fortnox.auth import forget_tokens  # noqa: PLC0415
    from connectors.fortnox.sandbox.server import FortnoxSandbox  # noqa: PLC0415

    forget_tokens()
    sandbox = FortnoxSandbox.demo(TODAY)
    found = _doctor_on("fortnox", "SE", sandbox.transport())
    assert all(ok for _, ok, _ in found)
    assert [s for s, _, _ in found] == ["tenant t"] + ["tenant t drafts"] * 3
    forget_tokens()
    failed = [
        d
        for _, ok, d in _doctor_on("fortnox", "SE", sandbox.transport(), fee_account="3001")
        if not ok
    ]
    assert failed == [
        "account 3001 carries VAT code MP1: fees, interest and compensation are outside the "
        "scope of VAT; use an account without a VAT code or set fee_account"
    ]


def test_tripletex_drafts_are_checked_after_the_fetch() -> None:
    from connectors.tripletex.sandbox.server import TripletexSandbox  # noqa: PLC0415

    sandbox = TripletexSandbox.demo(TODAY)
    found = _doctor_on("tripletex", "NO", sandbox.transport())
    assert all(ok for _, ok, _ in found)
    # VAT type, orders, reminders, open ledger posts.
    assert [s for s, _, _ in found] == ["tenant t"] + ["tenant t drafts"] * 4
    failed = [
        d
        for _, ok, d in _doctor_on("tripletex", "NO", sandbox.transport(), vat_type="103")
        if not ok
    ]
    assert len(failed) == 1
    assert failed[0].startswith("VAT type id 103 (number 3 ")


def test_dinero_drafts_are_checked_after_the_fetch() -> None:
    from connectors.dinero.sandbox.server import DineroSandbox  # noqa: PLC0415

    sandbox = DineroSandbox.demo(TODAY)
    found = _doctor_on("dinero", "DK", sandbox.transport())
    assert all(ok for _, ok, _ in found)
    assert [s for s, _, _ in found] == ["tenant t"] + ["tenant t drafts"] * 3
    sandbox.grant_scopes("dineropublicapi:read dineropublicapi:write")
    failed = [d for _, ok, d in _doctor_on("dinero", "DK", sandbox.transport()) if not ok]
    assert failed == [
        "the token lacks the scope offline_access (offline_access to get the refresh token "
        "the daemon renews its access with): give the Visma Connect app the scope and "
        "re-authorize with `dunning-bridge authorize t`"
    ]
