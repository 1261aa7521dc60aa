"""`doctor` asks a connector that can check its own set-up (bridge.connector.SetupChecks)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bridge import registry, retry
from bridge.doctor import _connectivity
from bridge.secrets import StaticSecrets
from bridge.settings import TenantSettings
from connectors.economic.sandbox import EconomicSandbox

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
