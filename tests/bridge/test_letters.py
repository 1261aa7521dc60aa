"""Letter text: every amount, period and deadline; strict about missing fields; per language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest

from bridge.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    InterestCharge,
    InterestPeriod,
    Invoice,
    Letter,
)
from bridge.letters import language_for, render

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
    assert "reminder no. 2" in text
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
    with pytest.raises(jinja2.UndefinedError):
        render(
            letter(ActionKind.REMINDER),
            CUSTOMER,
            {"1001": INVOICE},
            creditor="K",
            override=tmp_path,
        )


def test_override_is_sandboxed(tmp_path: Path) -> None:
    (tmp_path / "da").mkdir()
    (tmp_path / "da" / "reminder.txt.j2").write_text(
        "{{ customer.__class__.__mro__ }}", encoding="utf-8"
    )
    with pytest.raises(jinja2.exceptions.SecurityError):
        render(
            letter(ActionKind.REMINDER),
            CUSTOMER,
            {"1001": INVOICE},
            creditor="K",
            override=tmp_path,
        )


def test_language_choice() -> None:
    assert language_for(CUSTOMER, "da") == "da"
    assert language_for(Customer("1", "x", CustomerKind.CONSUMER, language="en-GB"), "da") == "en"
    assert language_for(Customer("1", "x", CustomerKind.CONSUMER, language="de"), "da") == "da"
    assert language_for(Customer("1", "x", CustomerKind.CONSUMER), "xx") == "en"
