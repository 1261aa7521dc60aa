"""A day without a usable reference rate holds only the steps that need interest for it.

Denmark's shipped table ends on 2026-12-31 (law.md § 1.4 lists rates through 2026 H2); Sweden's
and Finland's 2026 H2 rows are placeholders (law.md §§ 3.4, 4.3: "not found").
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind
from policies.engine import RateWait, decide, why_not
from policies.law import for_country
from tests.policies.factories import snapshot
from tests.policies.nordic import customer, invoice, policy

D = Decimal
DUE = date(2026, 12, 1)  # a Tuesday; interest from 2 December


def _plan(
    country: str, today: date, data: dict[str, Any] | None = None, *, law_dir: Path | None = None
) -> tuple[list[Any], list[RateWait]]:
    snap = snapshot(
        [invoice(country, due=DUE, amount="1000.00")],
        customers=[customer(country, kind=CustomerKind.BUSINESS)],
    )
    waits: list[RateWait] = []
    decisions = decide(
        today, snap, (), for_country(country, law_dir), policy(country, data), waits=waits
    )
    return decisions, waits


# A one-step ladder that charges interest on its letter, due 10 days after the due date.
WITH_INTEREST = {"steps": [{"action": "reminder", "days": 10, "interest": True, "fee": "0"}]}
WITHOUT_INTEREST = {"steps": [{"action": "reminder", "days": 10, "interest": False, "fee": "0"}]}


@pytest.mark.parametrize(
    ("today", "waits"),
    [
        (date(2026, 12, 31), False),  # the table's last day: priced
        (date(2027, 1, 1), True),  # the first day without a rate: the step waits
        (date(2027, 1, 2), True),
    ],
)
def test_a_step_with_interest_waits_from_the_first_day_without_a_rate(
    today: date, waits: bool
) -> None:
    decisions, found = _plan("DK", today, WITH_INTEREST)
    if not waits:
        assert [d.action for d in decisions] == [ActionKind.REMINDER]
        assert decisions[0].interest is not None
        assert found == []
        return
    assert decisions == []
    assert len(found) == 1
    wait = found[0]
    assert (wait.invoice_id, wait.country, wait.day) == ("1001", "DK", date(2027, 1, 1))
    assert "law rates set DK --from 2027-01-01" in wait.reason
    assert "law rates update DK" in wait.reason
    assert not wait.placeholder


def test_a_step_without_interest_goes_on() -> None:
    decisions, found = _plan("DK", date(2027, 1, 11), WITHOUT_INTEREST)
    assert [d.action for d in decisions] == [ActionKind.REMINDER]
    assert found == []


def test_an_operator_row_lets_the_step_go_on(tmp_path: Path) -> None:
    (tmp_path / "dk.toml").write_text(
        'country = "DK"\n[[reference_rate]]\nfrom = 2027-01-01\nto = 2027-06-30\n'
        'rate = "1.60"\nsource = "nationalbanken.dk"\ngrade = "A"\n',
        encoding="utf-8",
    )
    decisions, found = _plan("DK", date(2027, 1, 11), WITH_INTEREST, law_dir=tmp_path)
    assert found == []
    charge = decisions[0].interest
    assert charge is not None
    # 2 Dec - 31 Dec 2026: 30 days at 10.00 %; 1 - 11 Jan 2027: 11 days at 9.60 % (actual/365):
    # 1000 x 10 % x 30/365 = 8.2192 + 1000 x 9.6 % x 11/365 = 2.8932 -> 11.11
    assert charge.amount == D("11.11")
    assert [p.rate for p in charge.periods] == [D("10.00"), D("9.60")]


def test_other_invoices_are_decided_while_one_waits() -> None:
    snap = snapshot(
        [
            invoice("DK", "1001", due=DUE, amount="1000.00"),
            invoice("DK", "1002", due=DUE, amount="500.00", customer_id="C2"),
        ],
        customers=[customer("DK", "C1"), customer("DK", "C2")],
    )
    mixed = {
        "steps": [
            {"action": "reminder", "days": 10, "interest": True, "fee": "0"},
        ]
    }
    waits: list[RateWait] = []
    # A paid-late invoice would need interest too; an open one without interest goes on.
    decisions = decide(
        date(2027, 1, 11), snap, (), for_country("DK"), policy("DK", mixed), waits=waits
    )
    assert decisions == []
    assert sorted(w.invoice_id for w in waits) == ["1001", "1002"]


def test_why_not_names_the_missing_rate() -> None:
    snap = snapshot(
        [invoice("DK", due=DUE, amount="1000.00")],
        customers=[customer("DK")],
    )
    lines = why_not(
        date(2027, 1, 11),
        snap,
        (),
        for_country("DK"),
        policy("DK", WITH_INTEREST),
        invoice_id="1001",
    )
    assert any("waiting for a reference rate" in line for line in lines), lines


def test_a_placeholder_rate_waits_unless_the_policy_allows_it() -> None:
    # Sweden 2026 H2: not found anywhere (law.md § 3.4), shipped as a grade-U placeholder.
    decisions, found = _plan("SE", date(2026, 12, 11), WITH_INTEREST)
    assert decisions == []
    assert found[0].placeholder
    assert "allow_placeholder_rates" in found[0].reason
    allowed = {**WITH_INTEREST, "law": {"allow_placeholder_rates": True}}
    decisions, found = _plan("SE", date(2026, 12, 11), allowed)
    assert found == []
    charge = decisions[0].interest
    assert charge is not None
    assert all(p.placeholder for p in charge.periods)
    # 1000 x (2.00 + 8) % x 10/365 = 2.74
    assert charge.amount == D("2.74")
    assert "a placeholder: not yet published" in decisions[0].explanation


def test_no_day_from_2013_to_2035_raises() -> None:
    """Every country, every quarter: decide() answers (a decision or a wait), never raises."""
    for country in ("DK", "NO", "SE", "FI"):
        day = date(2013, 1, 15)
        while day <= date(2035, 12, 31):
            snap = snapshot(
                [invoice(country, due=day - timedelta(days=40), amount="1000.00")],
                customers=[customer(country)],
            )
            waits: list[RateWait] = []
            decide(day, snap, (), for_country(country), policy(country), waits=waits)
            day += timedelta(days=91)
