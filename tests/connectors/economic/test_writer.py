"""A letter becomes an e-conomic draft body: lines, notes, reference, recipient, sending."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bridge.vocab.domain import (
    ActionKind,
    Decision,
    InterestCharge,
    InterestPeriod,
    Invoice,
    Letter,
)
from connectors.economic import writer
from connectors.economic.writer import DraftSettings, LetterTooLong

SETTINGS = DraftSettings(layout=19, payment_terms=5, payment_terms_type="dueDate")
CUSTOMER: dict[str, Any] = {
    "customerNumber": 1001,
    "name": "Kontorartikler ApS",
    "address": "Vejlevej 21",
    "zip": "7000",
    "city": "Fredericia",
    "email": "bogholderi@example.dk",
    "vatZone": {"vatZoneNumber": 1, "self": "https://restapi.e-conomic.com/vat-zones/1"},
}


def _decision(number: str, **charges: Any) -> Decision:
    return Decision(
        tenant="acme",
        invoice_id=number,
        invoice_number=number,
        customer_id="1001",
        date=date(2026, 3, 2),
        action=charges.pop("action", ActionKind.REMINDER),
        step=2,
        currency="DKK",
        outstanding=Decimal("10000.00"),
        deadline=date(2026, 3, 12),
        **charges,
    )


def _interest() -> InterestCharge:
    periods = (
        InterestPeriod(
            date(2026, 1, 20),
            date(2026, 1, 31),
            Decimal("10.25"),
            12,
            365,
            Decimal("10000"),
            Decimal("33.69"),
        ),
        InterestPeriod(
            date(2026, 2, 1),
            date(2026, 3, 2),
            Decimal("10.00"),
            30,
            365,
            Decimal("10000"),
            Decimal("82.19"),
        ),
    )
    return InterestCharge(
        date(2026, 1, 20), date(2026, 3, 2), Decimal("115.88"), periods, "act/365"
    )


def _letter(*decisions: Decision, action: ActionKind = ActionKind.REMINDER) -> Letter:
    return Letter(
        tenant="acme",
        customer_id="1001",
        action=action,
        step=2,
        date=date(2026, 3, 2),
        currency="DKK",
        decisions=decisions,
    )


INVOICES = {
    "1002": Invoice(
        "1002",
        "1002",
        "1001",
        date(2026, 1, 5),
        date(2026, 1, 19),
        "DKK",
        Decimal("500"),
        Decimal("500"),
    ),
}


def test_body_carries_customer_settings_notes_and_key() -> None:
    letter = _letter(_decision("1001", fee=Decimal("100.00")), _decision("1002"))
    body = writer.draft_body(
        letter, "Kære kunde", customer=CUSTOMER, settings=SETTINGS, invoices=INVOICES
    )
    assert body["customer"] == {"customerNumber": 1001}
    assert body["recipient"]["name"] == "Kontorartikler ApS"
    assert body["recipient"]["vatZone"] == {"vatZoneNumber": 1}
    assert body["recipient"]["city"] == "Fredericia"
    assert body["layout"] == {"layoutNumber": 19}
    assert body["paymentTerms"] == {"paymentTermsNumber": 5}
    assert body["date"] == "2026-03-02"
    assert body["currency"] == "DKK"
    assert body["notes"] == {"heading": "Rykker 2 - faktura 1001, 1002", "textLine1": "Kære kunde"}
    assert body["references"] == {"other": letter.key}
    assert body["dueDate"] == "2026-03-12"  # the letter's deadline


def test_lines_per_decision() -> None:
    letter = _letter(
        _decision(
            "1001", fee=Decimal("100.00"), interest=_interest(), compensation=Decimal("310.00")
        ),
        _decision("1002"),
    )
    body = writer.draft_body(letter, "x", customer=CUSTOMER, settings=SETTINGS, invoices=INVOICES)
    lines = body["lines"]
    assert [line["product"]["productNumber"] for line in lines] == ["RYK", "RENTE", "KOMP", "RYK"]
    assert [line["unitNetPrice"] for line in lines] == [
        Decimal("100.00"),
        Decimal("115.88"),
        Decimal("310.00"),
        Decimal("0.00"),
    ]
    assert [line["lineNumber"] for line in lines] == [1, 2, 3, 4]
    assert all(line["quantity"] == Decimal("1.00") for line in lines)
    assert lines[0]["description"] == "Rykkergebyr, faktura 1001"
    assert "20.01.2026–31.01.2026 10,25 % p.a." in lines[1]["description"]
    assert "01.02.2026–02.03.2026 10,00 % p.a." in lines[1]["description"]
    assert lines[3]["description"].startswith("Faktura 1002: restbeløb 10.000,00")
    assert "forfaldt 19.01.2026" in lines[3]["description"]


def test_products_come_from_settings() -> None:
    settings = DraftSettings(layout=1, payment_terms=1, fee_product="GEBYR", interest_product="R")
    letter = _letter(_decision("1001", fee=Decimal("100.00"), interest=_interest()))
    body = writer.draft_body(letter, "x", customer=CUSTOMER, settings=settings, invoices={})
    assert [line["product"]["productNumber"] for line in body["lines"]] == ["GEBYR", "R"]


def test_the_draft_is_due_on_the_letters_deadline_always() -> None:
    settings = DraftSettings(layout=1, payment_terms=7, payment_terms_type="dueDate")
    letter = _letter(_decision("1001", fee=Decimal("100.00")))
    body = writer.draft_body(letter, "x", customer=CUSTOMER, settings=settings, invoices={})
    assert letter.deadline == date(2026, 3, 12)
    assert body["dueDate"] == "2026-03-12"
    # A letter without a deadline (a task, a credit hold: never sent) is due on its own date.
    task = replace(letter, decisions=tuple(replace(d, deadline=None) for d in letter.decisions))
    body = writer.draft_body(task, "x", customer=CUSTOMER, settings=settings, invoices={})
    assert body["dueDate"] == "2026-03-02"


def test_english_lines() -> None:
    letter = _letter(_decision("1001", fee=Decimal("100.00")))
    body = writer.draft_body(
        letter, "x", customer=CUSTOMER, settings=SETTINGS, invoices={}, lang="en"
    )
    assert body["notes"]["heading"] == "Reminder 2 - invoice 1001"
    assert body["lines"][0]["description"] == "Reminder fee, invoice 1001"


@pytest.mark.parametrize(
    ("action", "label"),
    [
        (ActionKind.PRE_DUE_NOTICE, "Påmindelse"),
        (ActionKind.COLLECTION_WARNING, "Inkassovarsel"),
        (ActionKind.INTEREST_INVOICE, "Rentenota"),
        (ActionKind.HANDOVER, "Overdragelse til inkasso"),
        (ActionKind.CREDIT_HOLD, "Kreditstop"),
    ],
)
def test_heading_per_action(action: ActionKind, label: str) -> None:
    assert writer.heading(_letter(_decision("7"), action=action)) == f"{label} - faktura 7"


def test_heading_stays_within_250_characters() -> None:
    letter = _letter(*[_decision(str(100000 + i)) for i in range(60)])
    text = writer.heading(letter)
    assert len(text) <= writer.HEADING_MAX
    assert text.endswith(" m.fl.")
    assert text.startswith("Rykker 2 - faktura 100000, 100001")


def test_short_text_is_one_line() -> None:
    assert writer.split_text("  hello  ") == ("hello", None)


def test_long_text_is_cut_at_a_paragraph() -> None:
    first = "A" * 600
    second = "B" * 300
    third = "C" * 500
    line1, line2 = writer.split_text(f"{first}\n\n{second}\n\n{third}")
    assert line1 == f"{first}\n\n{second}"
    assert line2 == third


def test_too_long_text_is_refused_not_cut() -> None:
    with pytest.raises(LetterTooLong, match="cannot be written"):
        writer.split_text("word " * 500)


@given(
    st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Zl", "Zp")),
            max_size=400,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_split_keeps_every_word_within_the_limits(paragraphs: list[str]) -> None:
    text = "\n\n".join(paragraphs)
    try:
        line1, line2 = writer.split_text(text)
    except LetterTooLong:
        assert len(text.strip()) > writer.TEXT_LINE_MAX
        return
    assert len(line1) <= writer.TEXT_LINE_MAX
    assert line2 is None or len(line2) <= writer.TEXT_LINE_MAX
    joined = line1 + (line2 or "")
    assert "".join(text.split()) == "".join(joined.split())


def test_recipient_truncates_and_defaults_the_vat_zone() -> None:
    out = writer.recipient({"customerNumber": 5, "name": "N" * 300, "zip": "1" * 80})
    assert len(out["name"]) == 250
    assert len(out["zip"]) == 50
    assert out["vatZone"] == {"vatZoneNumber": 1}


@pytest.mark.parametrize(
    ("customer", "how"),
    [
        ({"ean": "5798000363007", "email": "a@b.dk"}, "EAN"),
        ({"email": "a@b.dk"}, "Email"),
        ({}, "none"),
        ({"email": "not an address"}, "none"),
    ],
)
def test_send_by(customer: dict[str, str], how: str) -> None:
    chosen, detail = writer.send_by(customer)
    assert chosen == how
    if how == "none":
        assert "not sent" in detail


def test_a_letter_too_long_for_the_notes_keeps_its_words_and_drops_the_list() -> None:
    items = "\n".join(f"- Faktura {n}, forfaldt 19. januar 2026: 1.000,00 kr." for n in range(60))
    text = (
        "Inkassovarsel\n\nDette er et påkrav efter inkassoloven § 10.\n\n"
        f"{items}\n\nBetales beløbet ikke senest 2. februar 2026, overgiver vi kravet til inkasso."
    )
    line1, line2 = writer.fit_text(text, "da")
    notes = line1 + (line2 or "")
    assert "inkassoloven § 10" in notes
    assert "senest 2. februar 2026" in notes
    assert "Faktura 59" not in notes
    assert "Fakturaerne og beløbene står på linjerne nedenfor." in notes
    short = "Rykker\n\n- Faktura 1: 100,00 kr."
    assert writer.fit_text(short, "en") == (short, None)
