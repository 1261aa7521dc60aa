"""``dunning-bridge law show``: the parameters in force on a day, with sources and confidence."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from bridge.surfaces.lawshow import law_show, render

runner = CliRunner()


def test_norway_2026_shows_38_and_460_with_grades() -> None:
    data = law_show("no", date(2026, 3, 1))
    assert data["country"] == "NO"
    assert data["interest"]["reference_rate"] == "4.00"
    assert {r["rate"] for r in data["interest"]["statutory_rates"]} == {"12.00"}
    [fee] = data["reminder_fees"]
    assert fee["cap"] == "38.00"
    assert fee["confidence"] == "C"
    assert fee["max_count"] == 2
    assert fee["missed_deadline_days"] == 14
    assert "37.50" in fee["derivation"]
    assert data["compensation"]["amount"] == "460.00"
    assert data["compensation"]["relation_to_fees"] == "offset"
    assert data["collection_warning"]["min_days"] == 14
    [regime] = data["regimes"]
    assert regime["in_force"] is None
    assert regime["policy_key"] == "law.new_inkassolov_from"
    assert any("reminder fee cap 38.00 (C)" in item for item in data["weak"])


def test_norway_2025_shows_35() -> None:
    [fee] = law_show("NO", date(2025, 12, 31))["reminder_fees"]
    assert fee["cap"] == "35.00"


def test_sweden_lists_the_agreed_fee_and_the_inkassokrav_fee() -> None:
    data = law_show("SE", date(2026, 3, 1))
    caps = {(tuple(f["letters"]), f["cap"], f["requires_agreement"]) for f in data["reminder_fees"]}
    assert caps == {(("reminder",), "60.00", True), (("collection_warning",), "180.00", False)}
    assert data["compensation"]["relation_to_fees"] == "replace"
    assert data["collection_warning"]["min_days"] == 8
    assert "2026-06-19" in data["banking_days"]["closed_weekdays"]  # midsommarafton


def test_finland_by_debtor_kind_and_placeholder_rate() -> None:
    data = law_show("FI", date(2026, 8, 1))
    rates = {r["debtor"]: r["rate"] for r in data["interest"]["statutory_rates"]}
    assert rates == {"business": "10.5", "consumer": "9.5"}
    assert data["interest"]["confidence"] == "U"
    assert {f["debtor"]: f["cap"] for f in data["reminder_fees"]} == {
        "consumer": "5.00",
        "business": "12.00",
    }
    assert data["compensation"]["tenant_may_stack"] is True
    assert any(item.startswith("reference rate 2.5 % (U)") for item in data["weak"])


def test_a_day_outside_the_rate_table_says_so() -> None:
    data = law_show("SE", date(2019, 6, 1))
    assert "error" in data["interest"]
    assert "Late interest" in render(data)


@pytest.mark.parametrize("country", ["DK", "NO", "SE", "FI"])
def test_cli_text_and_json(country: str) -> None:
    result = runner.invoke(app, ["law", "show", country, "--date", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert f"Law in force in {country} on 2026-03-01" in result.stdout
    assert "Reminder fees" in result.stdout
    as_json = runner.invoke(app, ["law", "show", country, "--date", "2026-03-01", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["country"] == country


def test_cli_unknown_country_and_bad_date() -> None:
    result = runner.invoke(app, ["law", "show", "XX"])
    assert result.exit_code == 2
    assert "law packs exist for DK, FI, NO, SE" in result.output
    result = runner.invoke(app, ["law", "show", "NO", "--date", "1 May"])
    assert result.exit_code == 2


def test_denmark_lists_nationalbankens_closing_days() -> None:
    # law.md § 5.2: the Friday after Ascension Day closed, 1 May open.
    banking = law_show("DK", date(2026, 3, 1))["banking_days"]
    assert banking["closed_day_after"] == ["Ascension Day"]
    assert "2026-05-15" in banking["closed_weekdays"]
    assert "2026-05-01" not in banking["closed_weekdays"]
    assert "2026-06-05" in banking["closed_weekdays"]


def test_finland_counts_the_consumers_14_days_in_full() -> None:
    data = law_show("FI", date(2026, 3, 1))
    consumer = next(f for f in data["reminder_fees"] if f["cap"] == "5.00")
    business = next(f for f in data["reminder_fees"] if f["cap"] == "12.00")
    assert (consumer["first_fee_days_after_due"], consumer["full_days"]) == (14, True)
    assert business["full_days"] is False
    text = render(data)
    assert (
        "first from due date + 15 days (14 full days must have passed, the due date not counted)"
        in text
    )
    assert "14 full days after the previous letter of any kind (from its day + 15)" in text
