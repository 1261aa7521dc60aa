"""`doctor` reports ahead what would make collection warnings wait
(bridge/engine/letter_checks.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bridge.surfaces.doctor import letter_readiness
from bridge.vocab import registry
from bridge.vocab.connector import CAP_PAYMENT_DETAILS
from bridge.vocab.settings import TenantSettings
from policies.ladder import load_policy

CONTACT = {"company_email": "debitor@firma.example"}
NO_WARNING = '[[steps]]\naction = "reminder"\ndays = 3\n'


def _check(tmp_path: Path, system: str, country: str, policy: str = "", **options: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "policy.toml"
    path.write_text(policy)
    tenant = TenantSettings(system=system, country=country, policy_file=path, options=options)
    descriptor = registry.connector(system)
    return tenant, descriptor, load_policy(path, country)


def test_a_complete_tenant_is_ready(tmp_path: Path) -> None:
    t, d, p = _check(tmp_path, "economic", "DK", bank_account="0012345678", **CONTACT)
    [check] = letter_readiness("t", t, d, p)
    assert (check.ok, check.warning) == (True, False)
    assert check.detail == "collection warnings say how to pay and where to object"


def test_no_contact_fails_and_no_account_warns_where_the_layout_prints_it(tmp_path: Path) -> None:
    t, d, p = _check(tmp_path, "economic", "DK")
    layout, contact = letter_readiness("t", t, d, p)
    assert (layout.ok, layout.warning) == (True, True)
    assert layout.detail == (
        "collection warnings rely on Visma e-conomic's own layout for the company's bank details "
        "(no bank_account, iban or bankgiro set)"
    )
    assert not contact.ok
    assert contact.detail == (
        "collection warnings will wait: no contact for objections; set the tenant option "
        "company_email or company_phone"
    )


def test_no_payment_details_fails_where_the_system_prints_none(tmp_path: Path) -> None:
    t, d, p = _check(tmp_path, "economic", "DK", **CONTACT)
    bare = replace(d, capabilities=d.capabilities - {CAP_PAYMENT_DETAILS})
    [check] = letter_readiness("t", t, bare, p)
    assert not check.ok
    assert check.detail == (
        "collection warnings will wait: no payment details; set the tenant option "
        "bank_account, iban or bankgiro"
    )


def test_a_ladder_without_a_warning_is_not_checked(tmp_path: Path) -> None:
    t, d, p = _check(tmp_path, "economic", "DK", NO_WARNING)
    assert letter_readiness("t", t, d, p) == []


def test_norway_warns_of_email_only_warnings_until_paper_or_consent(tmp_path: Path) -> None:
    t, d, p = _check(tmp_path, "tripletex", "NO", bank_account="86011117947", **CONTACT)
    [check] = letter_readiness("t", t, d, p)
    assert (check.ok, check.warning) == (True, True)
    assert "go by e-mail only and wait unless the debtor consented (inkassoloven § 3 a)" in (
        check.detail
    )
    for fix in ({"dispatch_types": "EMAIL,OWN_PRINTER"}, {"electronic_notices_agreed": "all"}):
        fixed = t.model_copy(update={"options": {**t.options, **fix}})
        [check] = letter_readiness("t", fixed, d, p)
        assert check.detail == "collection warnings say how to pay and where to object"
