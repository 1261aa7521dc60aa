"""The Fortnox checks `doctor` runs: what would make the drafts wrong.

Fortnox grants scopes per resource (developer docs, "Scopes": invoice, customer, payment,
bookkeeping for accounts, article, noxfinansinvoice for Fortnox Finans) and the token answer
names those granted ("scope": "article invoice settings customer order project", recorded in
authentication/valid_request.yml). An account names its VAT in ``VATCode``
(fortnox_AccountSingleItem) and an article its rate in ``VAT`` (fortnox_Article). Fees,
interest and compensation are outside the scope of VAT: their rows must book without any.
"""

from __future__ import annotations

from decimal import Decimal

import httpx

from bridge.vocab.connector import SetupChecks
from bridge.vocab.domain import Mode
from connectors.fortnox.sandbox.server import FortnoxSandbox
from tests.connectors.fortnox.conftest import open_on
from tests.contract.fortnox_spec import assert_valid, require_specs, response_schema

ALL_READY = [
    "the integration's scopes allow every call: invoice, customer, payment, bookkeeping",
    "account 3590 'Övriga fakturerade kostnader' (fee_account, compensation_account) exists "
    "and carries no VAT code",
    "account 8313 'Ränteintäkter från kundfordringar' (interest_account) exists and carries "
    "no VAT code",
]


def _checks(
    sandbox: FortnoxSandbox, mode: Mode = Mode.REVIEW, **options: str
) -> list[tuple[bool, str]]:
    session = open_on(sandbox, mode, **options)
    try:
        assert isinstance(session, SetupChecks)
        session.fetch(sandbox.today, None)  # doctor fetches first: the token is then known
        return session.checks()
    finally:
        session.close()


def _failures(found: list[tuple[bool, str]]) -> list[str]:
    return [detail for ok, detail in found if not ok]


def test_the_demo_company_is_ready(sandbox: FortnoxSandbox) -> None:
    found = _checks(sandbox)
    assert _failures(found) == []
    assert [d for _, d in found] == ALL_READY


def test_a_missing_account_names_its_option(sandbox: FortnoxSandbox) -> None:
    assert _failures(_checks(sandbox, interest_account="8314")) == [
        "account 8314 does not exist in Fortnox's chart: create it or set interest_account"
    ]


def test_an_account_with_a_vat_code_names_the_options_booking_charges_on_it(
    sandbox: FortnoxSandbox,
) -> None:
    assert _failures(_checks(sandbox, compensation_account="3001")) == [
        "account 3001 carries VAT code MP1: fees, interest and compensation are outside the "
        "scope of VAT; use an account without a VAT code or set compensation_account"
    ]


def test_the_fee_account_covers_the_text_rows_unless_they_have_their_own(
    sandbox: FortnoxSandbox,
) -> None:
    sandbox.remove_account(3590)
    assert _failures(_checks(sandbox)) == [
        "account 3590 does not exist in Fortnox's chart: create it or set fee_account or "
        "compensation_account"
    ]
    sandbox.set_account(3590)
    sandbox.set_account(3991, vat_code="MP1")
    found = _checks(sandbox, text_account="3991")
    assert _failures(found) == []  # text rows carry no amount: a VAT code does no harm there
    text_row = (
        "account 3991 'Konto 3991' (text_account) exists and carries VAT code MP1 (text rows only)"
    )
    assert text_row in [d for _, d in found]


def test_an_inactive_account_is_reported(sandbox: FortnoxSandbox) -> None:
    sandbox.set_account(3590, active=False)
    assert _failures(_checks(sandbox)) == [
        "account 3590 is inactive in Fortnox: activate it or set fee_account or "
        "compensation_account"
    ]


def test_articles_exist_and_carry_no_vat(sandbox: FortnoxSandbox) -> None:
    sandbox.add_article("RYK", vat=Decimal(0))
    sandbox.add_article("RTA", vat=Decimal(25))
    assert _failures(_checks(sandbox, fee_article="RYK", interest_article="RTA")) == [
        "article RTA carries VAT (25 %): set its VAT to 0 in Fortnox or unset interest_article"
    ]
    assert _failures(_checks(sandbox, fee_article="NOPE")) == [
        "article NOPE does not exist in Fortnox: create it or unset fee_article"
    ]
    found = _checks(sandbox, fee_article="RYK")
    assert "article RYK (fee_article) exists and carries VAT 0" in [d for _, d in found]


def test_a_missing_scope_is_named_with_what_it_is_for(sandbox: FortnoxSandbox) -> None:
    sandbox.grant_scopes("invoice customer payment settings")
    assert _failures(_checks(sandbox)) == [
        "the integration lacks the scope bookkeeping (bookkeeping to check the accounts the "
        "drafts book to (/3/accounts)): add the scopes to the integration in Fortnox's "
        "developer portal and authorise it again",
        "Fortnox refused to show account 3590: give the integration the bookkeeping scope to "
        "let doctor check it",
        "Fortnox refused to show account 8313: give the integration the bookkeeping scope to "
        "let doctor check it",
    ]


def test_hand_overs_to_fortnox_finans_need_the_finans_scope(sandbox: FortnoxSandbox) -> None:
    sandbox.grant_scopes("invoice customer payment settings bookkeeping")
    assert _failures(_checks(sandbox, Mode.AUTONOMOUS, handover_via="system")) == [
        "the integration lacks the scope noxfinansinvoice (noxfinansinvoice to hand claims to "
        "Fortnox Finans (/3/noxfinansinvoices)): add the scopes to the integration in Fortnox's "
        "developer portal and authorise it again or unset handover_via (hand-overs then go to "
        "the agency as a case file)"
    ]
    # Proposals in review mode, or hand-overs to the agency, never call Fortnox Finans.
    assert _failures(_checks(sandbox, Mode.REVIEW, handover_via="system")) == []
    assert _failures(_checks(sandbox, Mode.AUTONOMOUS)) == []


def test_articles_need_the_article_scope(sandbox: FortnoxSandbox) -> None:
    sandbox.grant_scopes("invoice customer payment settings bookkeeping")
    sandbox.add_article("RYK")
    failures = _failures(_checks(sandbox, fee_article="RYK"))
    assert failures[0].startswith("the integration lacks the scope article (")
    assert failures[0].endswith("or unset fee_article and interest_article")


def _api(sandbox: FortnoxSandbox) -> httpx.Client:
    session = open_on(sandbox)
    return session.http


def test_the_sandbox_serves_accounts_and_articles_as_the_spec_says(
    sandbox: FortnoxSandbox,
) -> None:
    require_specs()
    sandbox.add_article("RYK")
    http = _api(sandbox)
    account = http.get("/3/accounts/3590")
    article = http.get("/3/articles/RYK")
    assert account.status_code == 200
    assert article.status_code == 200
    assert_valid(response_schema("get", "/3/accounts/{Number}", 200), account.json())
    assert_valid(response_schema("get", "/3/articles/{ArticleNumber}", 200), article.json())
    missing = http.get("/3/accounts/4242")
    assert missing.status_code == 404
    assert_valid(response_schema("get", "/3/accounts/{Number}", 404), missing.json())


def test_the_sandbox_refuses_a_call_outside_the_granted_scopes(sandbox: FortnoxSandbox) -> None:
    sandbox.grant_scopes("invoice customer")
    http = _api(sandbox)
    assert http.get("/3/customers").status_code == 200
    refused = http.get("/3/invoicepayments")
    assert refused.status_code == 403
    assert refused.json()["ErrorInformation"]["Code"] == 2000663
