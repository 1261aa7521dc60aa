"""Letter text: every amount, period and deadline; strict about missing fields; per language."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from babel.numbers import format_currency

from bridge.engine.letter_creditor import Creditor, group_account, national_account
from bridge.engine.letter_templates import missing_templates
from bridge.engine.letters import LetterError, compose, render, to_html, to_pdf
from bridge.vocab.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    InterestCharge,
    InterestPeriod,
    Invoice,
    Letter,
    StepRecord,
)
from bridge.vocab.languages import AVAILABLE, language_for, tenant_language
from tests.bridge.letter_fixtures import (
    COUNTRY_OF,
    INVOICES,
    SERIES,
    UPCOMING,
    creditor,
)
from tests.bridge.letter_fixtures import (
    CUSTOMER as FULL_CUSTOMER,
)
from tests.bridge.letter_fixtures import (
    history as past_steps,
)
from tests.bridge.letter_fixtures import (
    letter as series_letter,
)

CUSTOMER = Customer(id="7", name="Tømrer Hansen ApS", kind=CustomerKind.BUSINESS, language=None)
INVOICE = Invoice(
    id="1001",
    number="1001",
    customer_id="7",
    issue_date=date(2026, 1, 5),
    due_date=date(2026, 1, 19),
    currency="DKK",
    amount=Decimal("10000.00"),
    outstanding=Decimal("10000.00"),
)


def letter(action: ActionKind, step: int = 2) -> Letter:
    interest = InterestCharge(
        start=date(2026, 1, 20),
        end=date(2026, 2, 9),
        amount=Decimal("56.10"),
        day_count="actual/365",
        periods=(
            InterestPeriod(
                date(2026, 1, 20),
                date(2026, 2, 9),
                Decimal("9.75"),
                21,
                365,
                Decimal("10000.00"),
                Decimal("56.0958"),
            ),
        ),
    )
    d = Decision(
        tenant="t",
        invoice_id="1001",
        invoice_number="1001",
        customer_id="7",
        date=date(2026, 2, 9),
        action=action,
        step=step,
        currency="DKK",
        outstanding=Decimal("10000.00"),
        fee=Decimal("100.00"),
        interest=interest,
        compensation=Decimal("310.00"),
        deadline=date(2026, 2, 19),
    )
    return Letter(
        tenant="t",
        customer_id="7",
        action=action,
        step=step,
        date=d.date,
        currency="DKK",
        decisions=(d,),
    )


def test_danish_collection_warning_carries_the_claim_and_deadline() -> None:
    text = render(
        letter(ActionKind.COLLECTION_WARNING, 3),
        CUSTOMER,
        {"1001": INVOICE},
        creditor="Kontorhjørnet ApS",
    )
    assert "inkassoloven § 10" in text
    assert "10.000,00" in text  # babel: Danish grouping and decimal comma
    for amount in ("56,10", "310,00", "100,00"):
        assert amount in text
    assert "19. februar 2026" in text
    assert "19. januar 2026" in text  # the due date
    assert "10.466,10" in text  # total: principal + interest + compensation + fee
    assert "Kontorhjørnet ApS" in text


def test_english_reminder() -> None:
    text = render(letter(ActionKind.REMINDER), CUSTOMER, {"1001": INVOICE}, creditor="K", lang="en")
    assert text.startswith("Reminder: invoice 1001\n")
    assert "DKK" in text


def test_every_action_has_a_template_in_every_language() -> None:
    for lang in ("da", "en"):
        for action in ActionKind:
            assert render(
                letter(action), CUSTOMER, {"1001": INVOICE}, creditor="K", lang=lang
            ).strip()


def test_interest_invoice_asks_only_for_the_charges() -> None:
    text = render(letter(ActionKind.INTEREST_INVOICE, 1), CUSTOMER, {"1001": INVOICE}, creditor="K")
    assert "466,10" in text
    assert "10.466,10" not in text


def test_tenant_override_must_not_use_unknown_fields(tmp_path: Path) -> None:
    (tmp_path / "da").mkdir()
    (tmp_path / "da" / "reminder.txt.j2").write_text("{{ nonsense }}", encoding="utf-8")
    with pytest.raises(
        LetterError, match=r"da/reminder\.txt\.j2 .* 'nonsense' is undefined"
    ) as caught:
        render(
            letter(ActionKind.REMINDER),
            CUSTOMER,
            {"1001": INVOICE},
            creditor="K",
            override=tmp_path,
        )
    assert isinstance(caught.value.__cause__, jinja2.UndefinedError)


def test_override_is_sandboxed(tmp_path: Path) -> None:
    (tmp_path / "da").mkdir()
    (tmp_path / "da" / "reminder.txt.j2").write_text(
        "{{ customer.__class__.__mro__ }}", encoding="utf-8"
    )
    with pytest.raises(LetterError, match="unsafe") as caught:
        render(
            letter(ActionKind.REMINDER),
            CUSTOMER,
            {"1001": INVOICE},
            creditor="K",
            override=tmp_path,
        )
    assert isinstance(caught.value.__cause__, jinja2.exceptions.SecurityError)


def test_language_choice() -> None:
    assert language_for(CUSTOMER, "da") == "da"
    assert language_for(Customer("1", "x", CustomerKind.CONSUMER, language="en-GB"), "da") == "en"
    assert language_for(Customer("1", "x", CustomerKind.CONSUMER, language="de"), "da") == "da"
    assert language_for(Customer("1", "x", CustomerKind.CONSUMER), "xx") == "en"


# -- five languages, four laws -----------------------------------------------------------------


def _text(
    action: ActionKind,
    step: int,
    lang: str,
    country: str | None = None,
    history: Sequence[StepRecord] = (),
) -> str:
    country = country or COUNTRY_OF[lang]
    return compose(
        series_letter(action, step, country),
        FULL_CUSTOMER,
        {**INVOICES, **UPCOMING},
        creditor=creditor(country),
        lang=lang,
        country=country,
        open_invoices=INVOICES.values(),
        history=history,
    ).text


def test_every_action_has_a_template_in_all_five_languages() -> None:
    assert AVAILABLE == ("da", "nb", "sv", "fi", "en")
    assert missing_templates() == []
    for lang in AVAILABLE:
        for action, step in SERIES:
            assert _text(action, step, lang).strip()


@pytest.mark.parametrize("lang", ["da", "nb", "sv", "fi", "en"])
def test_the_tone_firms_up_step_by_step(lang: str) -> None:
    # Reminder 2 follows reminder 1, reminder 3 both (the fixtures' history).
    sent = {1: [], 2: past_steps()[:2], 3: past_steps()[:4]}
    subjects = [
        _text(ActionKind.REMINDER, n, lang, history=sent[n]).splitlines()[0] for n in (1, 2, 3)
    ]
    friendly = {
        "da": "Betalingspåmindelse",
        "nb": "Betalingspåminnelse",
        "sv": "Vänlig",
        "fi": "Ystävällinen",
        "en": "Payment reminder",
    }
    assert subjects[0].startswith(friendly[lang])
    assert "2" in subjects[1]
    assert "3" in subjects[2]
    # Step 1 asks kindly, step 3 asks to pay now.
    now = {
        "da": "betale nu",
        "nb": "betale nå",
        "sv": "betala nu",
        "fi": "maksamaan nyt",
        "en": "pay now",
    }
    assert now[lang] not in _text(ActionKind.REMINDER, 1, lang)
    assert now[lang] in _text(ActionKind.REMINDER, 3, lang, history=sent[3])


def test_danish_warning_names_section_10_and_its_deadline() -> None:
    text = _text(ActionKind.COLLECTION_WARNING, 3, "da")
    assert text.startswith("INKASSOVARSEL")
    assert "inkassoloven § 10" in text
    assert "19. februar 2026, 10 dage fra dette brevs dato" in text


@pytest.mark.parametrize("lang", ["nb", "en", "da", "sv", "fi"])
def test_norwegian_warning_is_an_inkassovarsel_with_14_days_in_any_language(lang: str) -> None:
    text = _text(ActionKind.COLLECTION_WARNING, 3, lang, "NO")
    assert "INKASSOVARSEL" in text.splitlines()[0]
    assert "14" in text
    assert "23" in text  # 9 February + 14 days = 23 February


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_swedish_inkassokrav_itemises_capital_interest_and_costs(lang: str) -> None:
    text = _text(ActionKind.COLLECTION_WARNING, 3, lang, "SE")
    assert "INKASSOKRAV" in text.splitlines()[0]
    labels = {
        "sv": ("Kapital:", "Ränta:", "Avgifter och kostnader:", "kapitalbeloppet"),
        "en": ("Principal:", "Interest:", "Fees and costs:", "per annum on"),
    }[lang]
    for label in labels:
        assert label in text
    assert "10,00 %" in text or "10.00 %" in text  # the rate
    assert "Kronofogden" in text  # what follows if unpaid


def test_finnish_demand_names_creditor_payment_and_dispute() -> None:
    text = _text(ActionKind.COLLECTION_WARNING, 3, "fi")
    assert text.startswith("MAKSUKEHOTUS")
    assert "Velkoja: Kontorhjørnet ApS" in text
    assert "IBAN FI21 1234 5600 0007 85" in text
    assert "kiistät" in text


@pytest.mark.parametrize(
    ("lang", "currency", "amount"),
    [
        ("da", "DKK", "10.000,00"),
        ("nb", "NOK", "10 000,00"),
        ("sv", "SEK", "10 000,00"),
        ("fi", "EUR", "10 000,00"),
        ("en", "DKK", "10,000.00"),
    ],
)
def test_amounts_and_dates_follow_the_locale(lang: str, currency: str, amount: str) -> None:
    text = _text(ActionKind.REMINDER, 2, lang).replace("\u00a0", " ").replace("\u202f", " ")
    assert amount in text
    day = {
        "da": "19. januar 2026",
        "nb": "19. januar 2026",
        "sv": "19 januari 2026",
        "fi": "19. tammikuuta 2026",
        "en": "19 January 2026",
    }[lang]
    assert day in text
    assert currency  # the currency itself is babel's symbol for the locale


def test_english_amounts_keep_the_code_apart_from_the_number() -> None:
    assert format_currency(Decimal("1"), "DKK", locale="en_GB") == "DKK1.00"  # babel's own
    assert "DKK\u00a010,000.00" in _text(ActionKind.REMINDER, 2, "en")


def test_account_details_are_formatted_per_country() -> None:
    assert group_account("dk5000400440116243") == "DK50 0040 0440 1162 43"
    assert national_account("NO", "12345678903") == "1234.56.78903"
    assert national_account("SE", "1234567") == "123-4567"
    assert national_account("DK", " 0012345678 ") == "0012345678"
    assert "Kontonummer 1234.56.78903" in _text(ActionKind.REMINDER, 2, "nb")
    assert "Reg.nr. 1234, kontonr. 0012345678" in _text(ActionKind.REMINDER, 2, "da")
    assert "Bankgiro 123-4567" in _text(ActionKind.REMINDER, 2, "sv")


def test_no_payment_block_without_account_details() -> None:
    text = compose(
        series_letter(ActionKind.REMINDER, 2),
        FULL_CUSTOMER,
        INVOICES,
        creditor=Creditor(name="K"),
        lang="da",
    ).text
    assert "Betaling til" not in text


@pytest.mark.parametrize(
    ("customer_language", "tenant_default", "expected"),
    [
        (None, "da", "da"),
        ("no", "da", "nb"),
        ("nn-NO", "da", "nb"),
        ("sv_SE", "da", "sv"),
        ("FI", "da", "fi"),
        ("de", "sv", "sv"),
        ("", "xx", "en"),
    ],
)
def test_language_aliases(
    customer_language: str | None, tenant_default: str, expected: str
) -> None:
    customer = Customer("1", "x", CustomerKind.CONSUMER, language=customer_language)
    assert language_for(customer, tenant_default) == expected


def test_tenant_language_option_wins_over_the_country() -> None:
    assert tenant_language("NO") == "nb"
    assert tenant_language("SE", {"language": "en"}) == "en"
    assert tenant_language("FI", {"language": "klingon"}) == "fi"


def test_an_override_replaces_one_template_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "da").mkdir()
    (tmp_path / "da" / "reminder.txt.j2").write_text(
        "Vores egen rykker {{ step }}\n\n{% include 'da/_claim.txt.j2' %}", encoding="utf-8"
    )
    own = compose(
        series_letter(ActionKind.REMINDER, 2),
        FULL_CUSTOMER,
        INVOICES,
        creditor="K",
        override=tmp_path,
    )
    assert own.subject == "Vores egen rykker 2"
    assert "I alt at betale" in own.text
    shipped = compose(
        series_letter(ActionKind.COLLECTION_WARNING, 3),
        FULL_CUSTOMER,
        INVOICES,
        creditor="K",
        override=tmp_path,
    )
    assert "inkassoloven § 10" in shipped.text


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no letters in 'de'"):
        compose(
            series_letter(ActionKind.REMINDER, 1), FULL_CUSTOMER, INVOICES, creditor="K", lang="de"
        )


def test_html_escapes_names_and_keeps_the_subject() -> None:
    evil = Customer("7", "<script>alert(1)</script> & Co", CustomerKind.BUSINESS)
    rendered = compose(series_letter(ActionKind.REMINDER, 1), evil, INVOICES, creditor="K")
    html = to_html(rendered, Creditor(name="K & Søn"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "K &amp; Søn" in html
    assert f"<h1>{rendered.subject}</h1>" in html


def test_pdf_is_reproducible_and_survives_non_latin1_characters() -> None:
    rendered = compose(
        series_letter(ActionKind.COLLECTION_WARNING, 3, "FI"),
        FULL_CUSTOMER,
        INVOICES,
        creditor=creditor("FI"),
        lang="fi",
        country="FI",
    )
    assert "€" in rendered.text
    first = to_pdf(rendered, creditor("FI"), when=date(2026, 2, 9))
    again = to_pdf(rendered, creditor("FI"), when=date(2026, 2, 9))
    assert first.startswith(b"%PDF-")
    assert first == again


# -- the `letter` command ------------------------------------------------------------------------


def test_letter_command_writes_a_scenarios_series(tmp_path: Path) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from bridge.surfaces.cli import app  # noqa: PLC0415

    scenario = Path(__file__).parents[1] / "scenarios" / "dk_b2b.json"
    result = CliRunner().invoke(
        app,
        [
            "letter",
            "all",
            "--scenario",
            str(scenario),
            "--out",
            str(tmp_path),
            "--format",
            "html",
            "--option",
            "iban=DK5000400440116243",
        ],
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.glob("*.html"))
    assert any("collection_warning" in name for name in files)
    warning = next(tmp_path.glob("*collection_warning*.html")).read_text(encoding="utf-8")
    assert "inkassoloven § 10" in warning
    assert "DK50 0040 0440 1162 43" in warning
    assert list((tmp_path / "handovers").glob("case-*/summary.pdf"))


def test_letter_command_refuses_bad_input(tmp_path: Path) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from bridge.surfaces.cli import app  # noqa: PLC0415

    scenario = Path(__file__).parents[1] / "scenarios" / "dk_b2b.json"
    runner = CliRunner()
    no_out = runner.invoke(app, ["letter", "all", "--scenario", str(scenario)])
    assert no_out.exit_code == 2
    bad_format = runner.invoke(
        app,
        ["letter", "all", "--scenario", str(scenario), "--out", str(tmp_path), "--format", "doc"],
    )
    assert bad_format.exit_code == 2


@pytest.mark.slow
def test_letter_command_previews_the_demo(tmp_path: Path) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from bridge.surfaces.cli import app  # noqa: PLC0415

    runner = CliRunner()
    demo = tmp_path / "demo"
    assert (
        runner.invoke(app, ["demo", "--state", str(demo), "--today", "2026-03-16"]).exit_code == 0
    )
    text = runner.invoke(app, ["letter", "1050", "--demo", str(demo), "--today", "2026-03-20"])
    assert text.exit_code == 0, text.output
    assert "Venlig påmindelse: faktura 1050" in text.output
    pdf = tmp_path / "l.pdf"
    step = runner.invoke(
        app,
        [
            "letter",
            "1050",
            "--demo",
            str(demo),
            "--today",
            "2026-03-20",
            "--step",
            "3",
            "--format",
            "pdf",
            "-o",
            str(pdf),
        ],
    )
    assert step.exit_code == 0, step.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    missing = runner.invoke(app, ["letter", "nope", "--demo", str(demo), "--today", "2026-03-20"])
    assert missing.exit_code == 2


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("nb", "BETALINGSOPPFORDRING (inkassoloven § 10)"),
        ("en", "DEMAND FOR PAYMENT – BETALINGSOPPFORDRING"),
        ("da", "BETALINGSOPPFORDRING (norsk inkassolov § 10)"),
        ("sv", "BETALNINGSUPPMANING – BETALINGSOPPFORDRING"),
        ("fi", "MAKSUVAATIMUS – BETALINGSOPPFORDRING"),
    ],
)
def test_a_norwegian_warning_after_the_varsel_is_the_betalingsoppfordring(
    lang: str, title: str
) -> None:
    warning = series_letter(ActionKind.COLLECTION_WARNING, 3, "NO")
    first = compose(warning, CUSTOMER, INVOICES, creditor=creditor("NO"), lang=lang, country="NO")
    assert "BETALINGSOPPFORDRING" not in first.text
    varsel = [
        StepRecord(
            invoice_id=i,
            action=ActionKind.COLLECTION_WARNING,
            step=2,
            date=date(2026, 1, 20),
            deadline=date(2026, 2, 3),
        )
        for i in INVOICES
    ]
    demand = compose(
        warning,
        CUSTOMER,
        INVOICES,
        creditor=creditor("NO"),
        lang=lang,
        country="NO",
        history=varsel,
    )
    assert title in demand.text
    assert any(mark in demand.text for mark in ("§ 10", "10 §", "section 10"))


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("da", "foreløbig referencesats"),
        ("nb", "foreløpig referanserente"),
        ("sv", "preliminär referensränta"),
        ("fi", "alustavalla viitekorolla"),
        ("en", "provisional reference rate"),
    ],
)
def test_a_placeholder_rate_is_said_in_the_letter(lang: str, says: str) -> None:
    """A placeholder (grade U) reference rate priced the interest only because the tenant's
    policy allowed it: the debtor is told the rate is provisional (docs/law.md)."""
    country = COUNTRY_OF[lang]
    plain = series_letter(ActionKind.REMINDER, 2, country)
    decisions = []
    for decision in plain.decisions:
        charge = decision.interest
        assert charge is not None
        marked = tuple(dataclasses.replace(p, placeholder=True) for p in charge.periods)
        decisions.append(
            dataclasses.replace(decision, interest=dataclasses.replace(charge, periods=marked))
        )
    marked_letter = dataclasses.replace(plain, decisions=tuple(decisions))
    render = {
        "creditor": creditor(country),
        "lang": lang,
        "country": country,
        "open_invoices": INVOICES.values(),
    }
    text = compose(marked_letter, FULL_CUSTOMER, INVOICES, **render).text
    assert says in text
    assert says not in compose(plain, FULL_CUSTOMER, INVOICES, **render).text
