"""The HTML page is self-contained and escaped; the CLI writes it and the same data as JSON."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from bridge.surfaces.report.charts import charts
from bridge.surfaces.report.data import Report, tenant_report
from bridge.surfaces.report.html import render_html
from bridge.vocab.domain import ActionKind
from tests.bridge.report_fixtures import (
    AT,
    PERIOD,
    TODAY,
    customer,
    decision,
    inputs,
    invoice,
    letter,
    pay,
    snapshot,
)

D = timedelta(days=1)
runner = CliRunner()
DEMO_TODAY = "2026-03-16"


def _report() -> Report:
    a = invoice("1", TODAY - 20 * D, "1000.00", cust="EVIL")
    b = invoice("2", TODAY - 70 * D, "2500.00", cust="C2", currency="EUR")
    paid = invoice("3", TODAY - 40 * D, "0.00", cust="C2", amount="300.00", paid=TODAY - 5 * D)
    snap = snapshot(
        [a, b],
        settled=[paid],
        payments=[pay("3", TODAY - 5 * D, "300.00")],
        customers=[customer("EVIL", "<script>alert(1)</script> & Co"), customer("C2", "Bø A/S")],
    )
    letters = [
        letter("issued", decision(a, TODAY - 3 * D, 1, fee="100.00", basis=["renteloven § 9 b"])),
        letter("issued", decision(paid, TODAY - 12 * D, 1)),
        letter("pending", decision(b, TODAY - D, 3, ActionKind.COLLECTION_WARNING)),
    ]
    upcoming = [decision(a, TODAY + 2 * D, 2)]
    part = tenant_report(inputs(snap, letters, upcoming=upcoming))
    return Report(generated_at=AT, today=TODAY, period=PERIOD, tenants=[part])


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(_report())


def test_page_is_self_contained_with_four_inline_charts(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    # Nothing is fetched to view it: no external source, stylesheet, font or script.
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", page)
    assert "<link" not in page
    assert "@import" not in page
    assert "url(http" not in page
    assert page.count('<svg class="chart"') == 4
    for section in ("receivables", "pipeline", "recovery", "upcoming", "late", "actions"):
        assert f'id="{section}-t"' in page


def test_svg_ids_are_unique_in_the_page(page: str) -> None:
    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    assert ids
    assert [i for i, n in ids.items() if n > 1] == []
    # Every reference inside a chart points at an id of the page.
    for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', page):
        assert ref in ids


def test_customer_names_are_escaped_and_money_is_in_the_locale(page: str) -> None:
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert "1.000,00\xa0kr." in page
    assert "2.500,00\xa0€" in page
    assert "renteloven § 9 b" in page


def test_charts_are_deterministic_and_text_is_drawn_as_paths() -> None:
    part = _report().tenants[0]
    first, second = charts(part), charts(part)
    assert first == second
    assert "<text" not in first["receivables"]
    assert 'data-chart="t-receivables"' in first["receivables"]


def test_empty_tenant_renders_every_section() -> None:
    part = tenant_report(inputs(snapshot()))
    page = render_html(Report(generated_at=AT, today=TODAY, period=PERIOD, tenants=[part]))
    assert page.count('<svg class="chart"') == 4
    # A Danish tenant's empty tables say so in Danish.
    assert "Ingen handlinger i perioden." in page
    assert "Intet forfalder de kommende dage." in page


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("report") / "demo"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", DEMO_TODAY])
    assert result.exit_code == 0, result.output
    return state


def test_report_on_the_demo_writes_html_and_the_same_data_as_json(
    demo_dir: Path, tmp_path: Path
) -> None:
    page = tmp_path / "out" / "report.html"
    result = runner.invoke(
        app,
        ["report", "--demo", str(demo_dir), "--today", DEMO_TODAY, "--html", str(page), "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (tenant,) = data["tenants"]
    assert tenant["company"] == "Kontorhjørnet ApS"
    assert tenant["error"] is None
    assert sum(b["invoices"] for b in tenant["receivables"]) == tenant["open_invoices"] > 0
    assert any(b["invoices"] for b in tenant["receivables"] if b["bucket"] == "not_due")
    assert tenant["pipeline"]
    assert tenant["recovery"]["steps"]
    assert tenant["upcoming"]["actions"]
    assert all(
        a["date"] > DEMO_TODAY or a["date"] == DEMO_TODAY for a in tenant["upcoming"]["actions"]
    )
    assert tenant["late_customers"]
    assert tenant["actions"]
    assert any(a["legal_basis"] for a in tenant["actions"])
    html = page.read_text(encoding="utf-8")
    assert html.count('<svg class="chart"') == 4
    for row in tenant["late_customers"]:
        assert row["name"].replace("&", "&amp;") in html


def test_report_needs_a_destination_and_a_valid_period(demo_dir: Path) -> None:
    nowhere = runner.invoke(app, ["report", "--demo", str(demo_dir)])
    assert nowhere.exit_code == 2
    assert "--html FILE, --csv DIR or --json" in nowhere.output
    reversed_ = runner.invoke(
        app,
        ["report", "--demo", str(demo_dir), "--json", "--from", "2026-03-01", "--to", "2026-02-01"],
    )
    assert reversed_.exit_code == 2
    bad = runner.invoke(app, ["report", "--demo", str(demo_dir), "--json", "--from", "March"])
    assert bad.exit_code == 2
    unknown = runner.invoke(app, ["report", "--demo", str(demo_dir), "--json", "-t", "nobody"])
    assert unknown.exit_code == 2


def test_a_tenant_that_cannot_be_read_is_reported_not_fatal(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(
        # No credentials stored for it: the read fails.
        f"BRIDGE_DATABASE={tmp_path}/s.sqlite3\nBRIDGE_TENANTS__GONE__SYSTEM=economic\n",
        encoding="utf-8",
    )
    page = tmp_path / "r.html"
    result = runner.invoke(
        app,
        ["report", "--env-file", str(env), "--json", "--html", str(page), "--today", "2026-03-16"],
    )
    assert result.exit_code == 1
    (tenant,) = json.loads(result.stdout)["tenants"]
    assert "secrets set gone" in tenant["error"]
    assert tenant["open_invoices"] == 0
    html = page.read_text(encoding="utf-8")
    # The tenant's country is Denmark (the default): the page says it in Danish.
    assert "Regnskabssystemet kunne ikke læses i dag" in html
    assert html.count('<svg class="chart"') == 4


# The chart titles (each chart's accessible name) and the footer, per language, as a reader of
# that language expects them: the same language as the headings, from the tenant's country.
CHART_WORDS = {
    "DK": (
        "da",
        "Tilgodehavender efter alder (DKK)",
        "Rykkerforløb (DKK)",
        "Fakturaer betalt efter hvert trin",
        "Forventede handlinger de næste 14 dage",
        "Beløb i hver fakturas valuta",
    ),
    "NO": (
        "nb",
        "Kundefordringer etter alder (NOK)",
        "Purreløp (NOK)",
        "Fakturaer betalt etter hvert trinn",
        "Forventede handlinger de neste 14 dagene",
        "Beløp i hver fakturas valuta",
    ),
    "SE": (
        "sv",
        "Kundfordringar efter ålder (SEK)",
        "Påminnelseflöde (SEK)",
        "Fakturor betalda efter varje steg",
        "Prognos över åtgärder de närmaste 14 dagarna",
        "Belopp i varje fakturas valuta",
    ),
    "FI": (
        "fi",
        "Saatavat iän mukaan (EUR)",
        "Perintäketju (EUR)",
        "Maksetut laskut vaiheittain",
        "Ennustetut toimenpiteet seuraavan 14 päivän aikana",
        "Summat kunkin laskun valuutassa",
    ),
    "GB": (
        "en",
        "Receivables by age (GBP)",
        "Dunning pipeline (GBP)",
        "Invoices paid after each step",
        "Actions forecast for the next 14 days",
        "Amounts in each invoice's currency",
    ),
}
_ENGLISH = (
    "Receivables by age (",
    "Dunning pipeline (",
    "Invoices paid after each step",
    "Actions forecast for the next",
    "Amounts in each invoice's currency",
    "charts show the home currency",
    " to 2026-",
    "Open invoices by",
    "invoice(s) dunned in the period",
    "A payment counts for the last step",
    "On the days the schedule runs",
    "Customers with two or more invoices",
    "What the bridge wrote back",
)
# One of the notes under the headings, per country.
NOTE_WORDS = {
    "DK": "Åbne fakturaer efter det seneste trin, de har nået",
    "NO": "Åpne fakturaer etter siste trinn de har nådd",
    "SE": "Öppna fakturor efter det senaste steg de nått",
    "FI": "Avoimet laskut viimeisimmän saavutetun vaiheen mukaan",
    "GB": "Open invoices by the last step they reached",
}


@pytest.mark.parametrize("country", list(CHART_WORDS))
def test_chart_titles_and_footer_are_in_the_tenants_language(country: str) -> None:
    lang, receivables, pipeline, recovery, upcoming, footer = CHART_WORDS[country]
    currency = {"DK": "DKK", "NO": "NOK", "SE": "SEK", "FI": "EUR", "GB": "GBP"}[country]
    a = invoice("1", TODAY - 20 * D, "1000.00", currency=currency)
    b = invoice("2", TODAY - 70 * D, "2500.00", currency=currency)
    letters = [letter("issued", decision(a, TODAY - 3 * D, 1))]
    upcoming_steps = [decision(b, TODAY + 2 * D, 2)]
    part = tenant_report(
        inputs(snapshot([a, b]), letters, upcoming=upcoming_steps, country=country)
    )
    if country == "GB":  # a country without its own language: English, amounts in GBP
        part = dataclasses.replace(part, currency="GBP")
    html = render_html(Report(generated_at=AT, today=TODAY, period=PERIOD, tenants=[part]))
    labels = re.findall(r'<svg class="chart" role="img" aria-label="([^"]*)"', html)
    assert f'<html lang="{lang}">' in html
    assert labels == [receivables, pipeline, recovery, upcoming]
    (foot,) = re.findall(r"<footer>(.*?)</footer>", html, re.S)
    assert footer in unescape(foot)
    assert NOTE_WORDS[country] in unescape(html)
    if lang != "en":
        for english in _ENGLISH:
            assert english not in html, english
