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

from bridge.domain import ActionKind, StepRecord
from bridge.letters import LOCALES, compose, context, to_html
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

CASES = [
    (lang, COUNTRY_OF[lang], action, step)
    for lang in ("da", "nb", "sv", "fi", "en")
    for action, step in SERIES
] + [("en", country, ActionKind.COLLECTION_WARNING, 3) for country in ("NO", "SE", "FI")]


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
    if action in {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING} and step in {1, 3}:
        _compare(SNAPSHOTS / lang / f"{stem}.html", to_html(rendered, creditor(country)))


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
        if action in {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING} and step in {1, 3}:
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
