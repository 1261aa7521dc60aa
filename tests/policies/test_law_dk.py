"""Denmark's law pack: the dated tables, their sources, and the lookups at their edges."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bridge.vocab.domain import CustomerKind
from policies.law import SUPPORTED_COUNTRIES, RateUnavailable, UnknownCountry, for_country
from policies.law.base import LawPack, RateRow
from policies.law.dk import LAW, REFERENCE_RATES
from tests.ci import skip_or_fail

D = Decimal
SHARED = Path(
    os.environ.get("DUNNING_BRIDGE_SHARED", Path(__file__).resolve().parents[3] / "shared")
)
LAW_MD = SHARED / "reference" / "law.md"


def test_for_country_is_case_insensitive_and_returns_denmark() -> None:
    assert for_country("DK") is LAW
    assert for_country(" dk ") is LAW
    assert SUPPORTED_COUNTRIES == ("DK", "FI", "NO", "SE")


@pytest.mark.parametrize("code", ["IS", "DE", "XX", ""])
def test_other_countries_raise_a_clear_error(code: str) -> None:
    with pytest.raises(UnknownCountry, match="law packs exist for DK, FI, NO, SE") as info:
        for_country(code)
    assert isinstance(info.value, ValueError)


def test_rate_table_has_one_row_per_half_year_2013_to_2026() -> None:
    assert len(REFERENCE_RATES) == 28
    assert LAW.rate_table_span == (date(2013, 1, 1), date(2026, 12, 31))
    for row in REFERENCE_RATES:
        assert (row.valid_from.month, row.valid_from.day) in {(1, 1), (7, 1)}
        assert row.confidence in {"A", "B", "C", "U"}
        assert row.source


@pytest.mark.parametrize(
    ("day", "reference"),
    [
        (date(2013, 1, 1), "0.20"),
        (date(2015, 6, 30), "0.20"),  # the cut on 2015-01-20 waits for 1 July
        (date(2015, 7, 1), "0.05"),
        (date(2019, 12, 31), "0.05"),
        (date(2021, 7, 1), "-0.35"),
        (date(2022, 6, 30), "-0.45"),
        (date(2022, 7, 1), "-0.45"),  # raised 22 July 2022, after the fixing date
        (date(2023, 1, 1), "1.90"),
        (date(2023, 12, 31), "3.25"),
        (date(2024, 1, 1), "3.75"),
        (date(2025, 6, 30), "2.75"),
        (date(2025, 7, 1), "1.75"),
        (date(2026, 6, 30), "1.75"),
        (date(2026, 12, 31), "2.00"),
    ],
)
def test_reference_rate_on_boundary_days(day: date, reference: str) -> None:
    assert LAW.reference_row(day).reference_rate == D(reference)


@pytest.mark.parametrize("day", [date(2012, 12, 31), date(2027, 1, 1)])
def test_a_day_outside_the_table_is_refused(day: date) -> None:
    with pytest.raises(RateUnavailable, match=r"table covers 2013-01-01\.\.2026-12-31"):
        LAW.reference_row(day)


def test_surcharge_is_chosen_by_the_claims_due_date_for_its_whole_life() -> None:
    old = LAW.annual_rate(date(2026, 1, 10), date(2013, 2, 28), CustomerKind.BUSINESS)
    new = LAW.annual_rate(date(2026, 1, 10), date(2013, 3, 1), CustomerKind.BUSINESS)
    assert (old.points, old.rate) == (D(7), D("8.75"))
    assert (new.points, new.rate) == (D(8), D("9.75"))
    assert "7 procentpoint" in old.citation


def test_negative_reference_rate_gives_the_reduced_rate() -> None:
    rate = LAW.annual_rate(date(2021, 9, 1), date(2021, 8, 1), CustomerKind.CONSUMER)
    assert rate.reference == D("-0.35")
    assert rate.rate == D("7.65")


def test_fee_rule_values() -> None:
    rule = LAW.fee_rule(date(2026, 1, 1))
    assert rule is not None
    assert (rule.cap, rule.max_count, rule.min_spacing_days) == (D(100), 3, 10)
    assert rule.earliest_days_after_due == 1
    assert not rule.requires_agreement
    assert "§ 9 b" in rule.citation


def test_compensation_applies_to_claims_due_from_1_march_2013() -> None:
    assert LAW.compensation_rule(date(2013, 2, 28)) is None
    rule = LAW.compensation_rule(date(2013, 3, 1))
    assert rule is not None
    assert rule.amount == D(310)
    assert rule.stacks_with_fees
    assert "§ 9 a stk. 3" in rule.citation


def test_collection_warning_needs_ten_days() -> None:
    assert LAW.collection_warning_min_days == 10


def _pack(rows: tuple[RateRow, ...]) -> LawPack:
    return LawPack(
        country="ZZ",
        currency="ZZZ",
        calendar=LAW.calendar,
        reference_rate_name="rate",
        reference_rates=rows,
        surcharges=LAW.surcharges,
        fee_rules=LAW.fee_rules,
        compensations=LAW.compensations,
        collection_warning_min_days=10,
        default_day_count="actual/365",
        citations=LAW.citations,
    )


def test_a_gap_in_the_table_has_no_rate_on_its_days_only() -> None:
    # An operator may enter 2027 H2 before 2027 H1: the gap's days have no rate, both sides do.
    rows = (
        RateRow(date(2026, 1, 1), date(2026, 6, 30), D(1), "s", "A"),
        RateRow(date(2026, 7, 2), date(2026, 12, 31), D(2), "s", "A"),
    )
    pack = _pack(rows)
    assert pack.reference_row(date(2026, 6, 30)).reference_rate == D(1)
    with pytest.raises(RateUnavailable, match="2026-07-01"):
        pack.reference_row(date(2026, 7, 1))
    assert pack.reference_row(date(2026, 7, 2)).reference_rate == D(2)
    # The gap's first day and the next row's start are both change days for interest.
    assert pack.rate_changes(date(2026, 6, 1), date(2027, 1, 5)) == [
        date(2026, 7, 1),
        date(2026, 7, 2),
        date(2027, 1, 1),
    ]


def test_overlapping_rows_are_refused() -> None:
    rows = (
        RateRow(date(2026, 1, 1), date(2026, 7, 1), D(1), "s", "A"),
        RateRow(date(2026, 7, 1), date(2026, 12, 31), D(1), "s", "A"),
    )
    with pytest.raises(ValueError, match="overlap"):
        _pack(rows)


def test_rates_agree_with_law_md_section_1_4() -> None:
    """Cross-check 2020 H1 - 2026 H2 against the research file, when it is present."""
    if not LAW_MD.is_file():
        skip_or_fail(f"reference file {LAW_MD} is absent")
    table = re.compile(r"^\| (\d{4}-\d{2}-\d{2}) \| (\d{4}-\d{2}-\d{2}) \| ([−-]?\d+\.\d+) \|")
    section = LAW_MD.read_text(encoding="utf-8").split("### 1.4", 1)[1].split("### 1.5", 1)[0]
    found = 0
    for line in section.splitlines():
        match = table.match(line)
        if match:
            start = date.fromisoformat(match.group(1))
            reference = D(match.group(3).replace("−", "-"))
            assert LAW.reference_row(start).reference_rate == reference, start
            assert LAW.reference_row(date.fromisoformat(match.group(2))).valid_from == start
            found += 1
    assert found == 14


def test_every_day_of_the_table_has_exactly_one_row() -> None:
    day, last = LAW.rate_table_span
    while day <= last:
        row = LAW.reference_row(day)
        assert row.valid_from <= day <= row.valid_to
        day += timedelta(days=30)
