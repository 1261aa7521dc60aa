"""The B2B compensation on an invoice in another currency than the law pack's (law.md § 1.3 DK
310, § 2.3 NO per half-year, § 3.3 SE 450, § 4.2 FI EUR 40; the Late Payment Directive
2011/7/EU's fixed EUR 40 that they implement)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Decision
from policies.ladder import PolicyError, TenantPolicy, load_policy
from tests.policies.factories import record, snapshot
from tests.policies.nordic import customer, invoice, policy, run

D = Decimal
R = ActionKind.REMINDER


def _dk_step_two(currency: str, data: dict[str, Any] | None = None, **extra: Any) -> Decision:
    """The default Danish ladder's step 2 (the one claiming the compensation) for a business."""
    due = date(2026, 1, 19)
    inv = invoice("DK", due=due, currency=currency, amount="1000.00")
    snap = snapshot([inv], customers=[customer("DK", **extra)])
    history = [record("1001", R, 1, due + timedelta(days=3))]
    [decision] = run("DK", due + timedelta(days=13), snap, history, policy("DK", data))
    return decision


def _purring(country: str, currency: str, data: dict[str, Any] | None = None) -> Decision:
    """The first letter of the default Norwegian/Swedish/Finnish ladder, which claims it."""
    due = date(2026, 1, 12)
    inv = invoice(country, due=due, currency=currency, amount="1000.00")
    snap = snapshot([inv], customers=[customer(country)])
    # The default ladders' first letter: due + 14 in NO and SE, due + 15 in FI (14 full days).
    day = date(2026, 1, 27) if country == "FI" else date(2026, 1, 26)
    [decision] = run(country, day, snap, (), policy(country, data))
    return decision


def test_dk_eur_invoice_gets_the_directives_eur_40_by_default() -> None:
    decision = _dk_step_two("EUR")
    assert decision.currency == "EUR"
    assert decision.compensation == D("40.00")
    assert decision.fee == D("0.00")  # the reminder fee stays a DKK amount
    assert "Compensation EUR 40.00" in decision.explanation
    assert "the Late Payment Directive's fixed EUR 40.00" in decision.explanation
    assert "DKK 310.00" in decision.explanation
    assert any("2011/7/EU" in basis for basis in decision.legal_basis)


def test_dk_usd_invoice_without_a_rate_gets_no_compensation_and_says_how_to_set_one() -> None:
    decision = _dk_step_two("USD")
    assert decision.compensation == D("0.00")
    assert (
        "No compensation: the invoice is in USD and the statutory amount is set in DKK; no "
        "exchange rate set for USD: set compensation.rates.USD" in decision.explanation
    )


def test_dk_usd_invoice_with_a_rate_gets_310_converted_and_rounded() -> None:
    data = {"compensation": {"rates": {"USD": "6.4500"}, "rates_source": "Nationalbanken"}}
    decision = _dk_step_two("USD", data)
    # 310 / 6.45 = 48.0620..., rounded to 0.01.
    assert decision.compensation == D("48.06")
    assert (
        "DKK 310.00 converted at 1 USD = DKK 6.4500 (Nationalbanken): 310.00 / 6.4500 = "
        "USD 48.06, rounded to 0.01" in decision.explanation
    )


@pytest.mark.parametrize(
    ("rate", "amount"),
    [
        ("99.2000", "3.13"),  # 310 / 99.2 = 3.125 exactly: half up, not to even
        ("99.2100", "3.12"),  # 3.1247...
        ("99.1900", "3.13"),  # 3.1253...
    ],
)
def test_conversion_rounds_half_up_to_the_cent(rate: str, amount: str) -> None:
    decision = _dk_step_two("GBP", {"compensation": {"rates": {"GBP": rate}}})
    assert decision.compensation == D(amount)


def test_dk_eur_invoice_converted_when_the_tenant_chooses_so() -> None:
    data = {"compensation": {"eur_invoices": "convert", "rates": {"EUR": "7.4600"}}}
    decision = _dk_step_two("EUR", data)
    # 310 / 7.46 = 41.5549...
    assert decision.compensation == D("41.55")
    assert "converted at 1 EUR = DKK 7.4600" in decision.explanation


def test_dk_eur_invoice_to_convert_without_a_rate_gets_none() -> None:
    decision = _dk_step_two("EUR", {"compensation": {"eur_invoices": "convert"}})
    assert decision.compensation == D("0.00")
    assert "no exchange rate set for EUR: set compensation.rates.EUR" in decision.explanation


def test_a_consumer_in_another_currency_still_gets_none() -> None:
    decision = _dk_step_two("EUR", kind=CustomerKind.CONSUMER)
    assert decision.compensation == D("0.00")
    assert "the customer is a consumer" in decision.explanation


def test_no_eur_invoice_gets_eur_40_not_the_nok_amount() -> None:
    decision = _purring("NO", "EUR")
    assert decision.compensation == D("40.00")
    assert "NOK 460.00" in decision.explanation


def test_no_usd_invoice_converts_the_half_years_nok_amount() -> None:
    decision = _purring("NO", "USD", {"compensation": {"rates": {"USD": "10.2500"}}})
    # 460 / 10.25 = 44.878...
    assert decision.compensation == D("44.88")


def test_se_eur_invoice_gets_eur_40() -> None:
    decision = _purring("SE", "EUR")
    assert decision.compensation == D("40.00")
    assert "SEK 450.00" in decision.explanation


def test_fi_sek_invoice_converts_eur_40() -> None:
    decision = _purring("FI", "SEK", {"compensation": {"rates": {"SEK": "0.0870"}}})
    # 40 / 0.087 = 459.770...
    assert decision.compensation == D("459.77")
    assert "EUR 40.00 converted at 1 SEK = EUR 0.0870" in decision.explanation


def test_fi_sek_invoice_without_a_rate_gets_none() -> None:
    decision = _purring("FI", "SEK")
    assert decision.compensation == D("0.00")
    assert "no exchange rate set for SEK: set compensation.rates.SEK" in decision.explanation


def test_the_default_policy_has_no_rates_and_eur_by_the_directive() -> None:
    default = TenantPolicy.default("DK").compensation
    assert default.eur_invoices == "directive"
    assert default.rates == ()
    parsed = policy("DK", {"compensation": {"rates": {"usd": "6.45"}}}).compensation
    assert parsed.rate("USD") == D("6.45")


@pytest.mark.parametrize(
    ("data", "key", "message"),
    [
        ({"rates": {"USD": "0"}}, "compensation.rates.USD", "must be above 0"),
        ({"rates": {"USD": "-1.5"}}, "compensation.rates.USD", "must be above 0"),
        ({"rates": {"USD": 6.45}}, "compensation.rates.USD", "write rates as strings"),
        ({"rates": {"USD": "6.4500001"}}, "compensation.rates.USD", "at most six decimals"),
        ({"rates": {"USD": "abc"}}, "compensation.rates.USD", "not a rate"),
        ({"rates": {"US": "6.45"}}, "compensation.rates.US", "three-letter currency code"),
        ({"rates": {"DKK": "1"}}, "compensation.rates.DKK", "the law's own currency"),
        ({"rates": "6.45"}, "compensation.rates", "must be a table"),
        ({"eur_invoices": "nearest"}, "compensation.eur_invoices", "directive, convert"),
        ({"rates_source": ""}, "compensation.rates_source", "non-empty string"),
        ({"rate": {}}, "compensation.rate", "unknown key"),
    ],
)
def test_bad_compensation_settings_are_refused_by_key(
    data: dict[str, Any], key: str, message: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        policy("DK", {"compensation": data})
    assert caught.value.key == key
    assert message in str(caught.value)


def test_smallest_positive_rate_is_accepted() -> None:
    parsed = policy("DK", {"compensation": {"rates": {"JPY": "0.000001"}}}).compensation
    assert parsed.rate("JPY") == D("0.000001")


def test_rates_read_from_a_toml_file_stay_exact(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        '[compensation]\neur_invoices = "convert"\nrates = { EUR = 7.4600, usd = "6.45" }\n'
        'rates_source = "Danmarks Nationalbank, 2026-03-02"\n',
        encoding="utf-8",
    )
    read = load_policy(path, "DK").compensation
    assert read.eur_invoices == "convert"
    assert read.rates == (("EUR", D("7.4600")), ("USD", D("6.45")))
    assert read.rates_source == "Danmarks Nationalbank, 2026-03-02"
