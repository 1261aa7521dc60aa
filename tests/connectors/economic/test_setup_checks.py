"""The e-conomic checks `doctor` runs: what would make the drafts wrong.

e-conomic links a product to its VAT through its group: the product names a product group,
the group has a sales account per VAT zone (product-groups.productGroupNumber.sales-accounts),
and the account names a VAT account (accounts.accountNumber: ``vatAccount.vatCode``) whose
``ratePercentage`` e-conomic adds to the line. A fee, interest or compensation must carry none.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from bridge.infra import retry
from bridge.vocab.connector import SetupChecks, TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.economic import CONNECTOR
from connectors.economic.sandbox.server import EconomicSandbox
from tests.contract.economic_schemas import assert_valid, require_specs

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _checks(**options: str) -> list[tuple[bool, str]]:
    ctx = TenantContext(
        tenant="demo",
        country="DK",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("demo", CONNECTOR.sandbox_secrets),
        transport=EconomicSandbox.demo(TODAY).transport(),
        options=options,
    )
    session = CONNECTOR.open(ctx)
    try:
        assert isinstance(session, SetupChecks)
        return session.checks()
    finally:
        session.close()


def _failures(found: list[tuple[bool, str]]) -> list[str]:
    return [detail for ok, detail in found if not ok]


def test_the_demo_agreement_is_ready() -> None:
    found = _checks()
    assert _failures(found) == []
    assert [d for _, d in found] == [
        "product RYK (fee_product, info_product) books to account 1050, which carries no VAT",
        "product RENTE (interest_product) books to account 1050, which carries no VAT",
        "product KOMP (compensation_product) books to account 1050, which carries no VAT",
        "payment terms 5 'Forfaldsdato' give the draft the letter's deadline as due date",
        "layout 19 'DK. std. m. bankoplys. 1.5'",
    ]


def test_a_missing_product_names_the_option_that_fixes_it() -> None:
    assert _failures(_checks(fee_product="GEBYR")) == [
        "product GEBYR does not exist: create it or set fee_product"
    ]


def test_a_separate_info_product_is_checked_under_its_own_option() -> None:
    assert _failures(_checks(info_product="INFO")) == [
        "product INFO does not exist: create it or set info_product"
    ]


def test_a_vat_bearing_account_names_the_option_that_fixes_it() -> None:
    assert _failures(_checks(interest_product="1001")) == [
        "product 1001's account 1010 carries VAT (U25, 25 %): e-conomic would add it to the "
        "charge; use a VAT-free account or set interest_product"
    ]


def test_each_charge_names_its_own_option() -> None:
    assert _failures(_checks(compensation_product="1003")) == [
        "product 1003's account 1010 carries VAT (U25, 25 %): e-conomic would add it to the "
        "charge; use a VAT-free account or set compensation_product"
    ]


def test_payment_terms_and_layout_are_checked() -> None:
    assert _failures(_checks(payment_terms="3", layout="99")) == [
        "payment terms 3 (option 'payment_terms') are of type 'net': e-conomic would compute "
        "the draft's due date from them instead of the letter's deadline; create payment terms "
        "of type 'Forfaldsdato' (dueDate) in e-conomic (Indstillinger -> Betalingsbetingelser), "
        "or name such terms in the tenant option 'payment_terms'",
        "layout 99 does not exist: set layout to one of 19, 21",
    ]


def _client(sandbox: EconomicSandbox) -> httpx.Client:
    return httpx.Client(
        transport=sandbox.transport(),
        base_url=sandbox.BASE_URL,
        headers={"X-AppSecretToken": sandbox.APP_SECRET, "X-AgreementGrantToken": sandbox.GRANT},
    )


def test_the_sandbox_serves_the_vat_chain_as_the_vendor_does() -> None:
    require_specs()
    with _client(EconomicSandbox.demo(TODAY)) as client:
        assert_valid("products.productNumber.get", client.get("/products/RYK").json())
        assert_valid("product-groups.get", client.get("/product-groups").json())
        group = client.get("/product-groups/2").json()
        assert_valid("product-groups.productGroupNumber.get", group)
        sales = client.get("/product-groups/1/sales-accounts").json()
        assert_valid("product-groups.productGroupNumber.sales-accounts.get", sales)
        assert_valid("accounts.get", client.get("/accounts").json())
        account = client.get("/accounts/1010").json()
        assert_valid("accounts.accountNumber.get", account)
        vat = client.get("/vat-accounts/U25").json()
        assert_valid("vat-accounts.id.get", vat)
        assert_valid("vat-accounts.get", client.get("/vat-accounts").json())
        assert client.get("/accounts/4242").status_code == 404
        assert client.get("/product-groups/9/sales-accounts").status_code == 404
    assert account["vatAccount"]["vatCode"] == "U25"
    assert vat["ratePercentage"] == 25
    zones = {s["vatZone"]["vatZoneNumber"]: s["salesAccount"] for s in sales["collection"]}
    assert zones[1]["accountNumber"] == 1010
    assert "vatAccount" not in zones[3]
