"""Snapshots of every letter in every language, compared byte for byte.

Each language is rendered with its own country's law (English with Denmark's, plus English
warnings for all four countries). Regenerate after an intended wording change with::

    UPDATE_LETTER_SNAPSHOTS=1 .venv/bin/pytest tests/bridge/test_letters_snapshots.py

and review the diff like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.dates import format_date
from stdnum import iso11649, luhn

from bridge.engine.letter_context import context
from bridge.engine.letter_templates import LOCALES
from bridge.engine.letters import compose, to_html
from bridge.vocab.domain import ActionKind, StepRecord
from tests.bridge.letter_fixtures import (
    COUNTRY_OF,
    CUSTOMER,
    INVOICES,
    LETTER_DAY,
    SERIES,
    UPCOMING,
    creditor,
    history,
    letter,
)

SNAPSHOTS = Path(__file__).parent / "snapshots" / "letters"
UPDATE = os.environ.get("UPDATE_LETTER_SNAPSHOTS") == "1"

# Every letter of the series in every language under every country's law: a Finland-Swedish
# reminder, an English inkassokrav and a Danish letter of a Norwegian creditor included.
CASES = [
    (lang, country, action, step)
    for lang in ("da", "nb", "sv", "fi", "en")
    for country in ("DK", "NO", "SE", "FI")
    for action, step in SERIES
]


def _compare(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    if not path.is_file():
        pytest.fail(
            f"no snapshot {path.relative_to(SNAPSHOTS)}; run with UPDATE_LETTER_SNAPSHOTS=1"
        )
    assert actual.encode("utf-8") == path.read_bytes(), (
        f"{path.relative_to(SNAPSHOTS)} differs; if intended, regenerate with "
        "UPDATE_LETTER_SNAPSHOTS=1 and review the diff"
    )


@pytest.mark.parametrize(
    ("lang", "country", "action", "step"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2].value}-{c[3]}" for c in CASES],
)
def test_letter_matches_its_snapshot(
    lang: str, country: str, action: ActionKind, step: int
) -> None:
    rendered = compose(
        letter(action, step, country),
        CUSTOMER,
        {**INVOICES, **UPCOMING},
        creditor=creditor(country),
        lang=lang,
        country=country,
        open_invoices=INVOICES.values(),
        history=_history_for(action, step),
    )
    stem = f"{country.lower()}-{action.value}-{step}"
    _compare(SNAPSHOTS / lang / f"{stem}.txt", rendered.text)
    if _with_html(lang, country, action, step):
        _compare(SNAPSHOTS / lang / f"{stem}.html", to_html(rendered, creditor(country)))
    _keeps_the_wording_rules(lang, country, action, rendered.text)


def _with_html(lang: str, country: str, action: ActionKind, step: int) -> bool:
    """The layouts are the same for every law: HTML snapshots of the language's own country,
    and of every English warning."""
    if action not in {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING} or step not in {1, 3}:
        return False
    return COUNTRY_OF[lang] == country or (lang == "en" and action is ActionKind.COLLECTION_WARNING)


def _keeps_the_wording_rules(lang: str, country: str, action: ActionKind, text: str) -> None:
    """What every snapshot was reviewed against (issue 16), checked on each of them."""
    lowered = text.lower()
    # No greeting with the company's name; English opens "Dear Sir or Madam".
    for greeting in ("Kære", "Hei", "Hej", "Dear"):
        assert f"{greeting} Tømrer" not in text
    # Internal letters say whose claim it is.
    for wrong in ("ApS har et krav", "ApS har en fordran", "ApS has a claim", "Asiakkaan Tømrer"):
        assert wrong not in text
    # Earlier reminders are named with their dates, never "despite earlier reminders".
    for vague in (
        "tidligere rykkere",
        "tidligere purringer",
        "tidigare påminnelser",
        "aiemmista muistutuksista",
        "earlier reminders",
    ):
        assert vague not in lowered
    # A letter that charges interest or fees does not call itself a friendly oversight.
    if any(label in text for label in ("Renter:", "Ränta:", "Korko:", "Interest:")):
        for said in ("forglemmelse", "förbiseende", "unohduksesta", "oversight"):
            assert said not in lowered
    # A pre-due notice speaks of the future.
    if action is ActionKind.PRE_DUE_NOTICE:
        for past in ("forfaldt", "forfalt", "förföll"):
            assert past not in text
    if lang == "en":
        for wrong in ("Capital:", " a year on ", "€", "(reg. no."):
            assert wrong not in text
    if country == "FI":
        # One name for the warning; Finland-Swedish letters use Finland's terms.
        assert "perintävaroitu" not in lowered
        assert "maksuvaatimu" not in lowered or "betalingsoppfordring" in lowered
        if lang == "sv":
            assert "Förseningsersättning" not in text
            assert "org.nr" not in lowered
    if country == "DK" and action is ActionKind.COLLECTION_WARNING:
        assert "for dig (inkassoloven § 10)" not in text


def _history_for(action: ActionKind, step: int) -> list[StepRecord]:
    """The letters sent before this one: the first reminder, then the second."""
    if action is ActionKind.HANDOVER:
        return history()
    if action is ActionKind.TASK or (action is ActionKind.REMINDER and step == 2):
        return history()[:2]  # the first reminder on both invoices
    if (action is ActionKind.REMINDER and step > 2) or action is ActionKind.COLLECTION_WARNING:
        return history()[:4]  # both reminders
    return []


def test_no_snapshot_is_orphaned() -> None:
    if UPDATE:
        pytest.skip("regenerating")
    expected = set()
    for lang, country, action, step in CASES:
        stem = f"{lang}/{country.lower()}-{action.value}-{step}"
        expected.add(f"{stem}.txt")
        if _with_html(lang, country, action, step):
            expected.add(f"{stem}.html")
    found = {str(p.relative_to(SNAPSHOTS)) for p in SNAPSHOTS.rglob("*") if p.is_file()}
    assert found == expected


_CHECKS = {"DK": luhn.is_valid, "NO": luhn.is_valid, "SE": luhn.is_valid, "FI": iso11649.is_valid}


@pytest.mark.parametrize("lang", ["da", "nb", "sv", "fi", "en"])
@pytest.mark.parametrize("action", [ActionKind.REMINDER, ActionKind.COLLECTION_WARNING])
def test_a_letter_is_complete(lang: str, action: ActionKind) -> None:
    """Date, both addresses, the creditor's identity and a checked reference per invoice."""
    country = COUNTRY_OF[lang] if lang != "en" else "FI"
    step = 3
    who = creditor(country)
    data = context(letter(action, step, country), CUSTOMER, INVOICES, creditor=who, country=country)
    text = compose(
        letter(action, step, country),
        CUSTOMER,
        INVOICES,
        creditor=who,
        lang=lang,
        country=country,
    ).text
    assert format_date(LETTER_DAY, format="long", locale=LOCALES[lang]) in text
    for line in ("Tømrer Hansen ApS", "Savværksvej 3", "8600 Silkeborg"):
        assert line in text
    assert "Nørregade 1, 1165 København K" in text
    assert who.org_number in text
    references = data["references"]
    assert [r["number"] for r in references] == ["1001", "1002"]
    for found in references:
        assert _CHECKS[country](found["value"]), found
        assert found["display"] in text
    # Every invoice has its reference: the letter does not also ask for the invoice number.
    assert data["all_referenced"]


def test_an_interest_invoice_carries_no_reference_of_the_paid_invoices() -> None:
    data = context(
        letter(ActionKind.INTEREST_INVOICE, 1, "DK"),
        CUSTOMER,
        INVOICES,
        creditor=creditor("DK"),
        country="DK",
    )
    assert (data["references"], data["all_referenced"]) == ([], False)
