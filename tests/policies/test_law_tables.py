"""The law's dated tables as data: shipped files, operator rows that take precedence, refusals.

Expected values are written out from ../shared/reference/law.md (§ 1.4 Denmark, § 2.2-2.3
Norway, § 3.4 Sweden, § 4.3 Finland), never read back from the files under test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bridge.vocab.domain import CustomerKind
from policies.law import build, for_country, tables_for, use_data_dir
from policies.law.base import PlaceholderRate, RateUnavailable
from policies.law.tables import LawDataError, overlay, parse_tables, shipped

D = Decimal


@pytest.mark.parametrize(
    ("country", "day", "reference", "grade"),
    [
        ("DK", date(2023, 1, 1), "1.90", "A"),  # law.md § 1.4: morarente 9.90
        ("DK", date(2022, 7, 1), "-0.45", "A"),  # fixed before NB's 22 July raise
        ("NO", date(2024, 1, 1), "4.50", "A"),  # § 2.3: forsinkelsesrente 12.50 less 8
        ("NO", date(2026, 1, 1), "4.00", "B"),  # 12.00 less 8
        ("SE", date(2023, 7, 1), "3.50", "A"),  # § 3.4
        ("FI", date(2024, 7, 1), "4.5", "A"),  # § 4.3
    ],
)
def test_the_shipped_files_carry_law_md_values(
    country: str, day: date, reference: str, grade: str
) -> None:
    row = for_country(country).reference_row(day)
    assert row.reference_rate == D(reference)
    assert row.confidence == grade
    assert row.origin == "shipped"


def test_norway_sats_and_compensation_are_data() -> None:
    tables = shipped("NO")
    sats = {row.valid_from: row.amount for row in tables.inkassosats}
    assert sats[date(2026, 1, 1)] == D(750)  # law.md § 2.2
    assert sats[date(2017, 1, 1)] == D(700)
    compensation = {row.valid_from: row.amount for row in tables.compensation}
    assert compensation[date(2024, 1, 1)] == D(470)  # law.md § 2.3
    assert compensation[date(2026, 1, 1)] == D(460)


def _write(folder: Path, country: str, body: str) -> Path:
    path = folder / f"{country.lower()}.toml"
    path.write_text(f'country = "{country}"\n\n{body}', encoding="utf-8")
    return path


DK_2027 = """
[[reference_rate]]
from = 2027-01-01
to = 2027-06-30
rate = "1.60"
source = "nationalbanken.dk"
grade = "A"
"""


def test_an_operator_row_extends_the_table(tmp_path: Path) -> None:
    _write(tmp_path, "DK", DK_2027)
    with pytest.raises(RateUnavailable, match="2027-01-01"):
        for_country("DK").reference_row(date(2027, 1, 1))
    law = for_country("DK", tmp_path)
    row = law.reference_row(date(2027, 1, 1))
    assert row.reference_rate == D("1.60")
    assert row.origin == str(tmp_path / "dk.toml")
    assert law.annual_rate(date(2027, 3, 1), date(2027, 2, 1), _business()).rate == D("9.60")
    # The shipped rows are still there, the day before and a year before.
    assert law.reference_row(date(2026, 12, 31)).reference_rate == D("2.00")
    assert law.reference_row(date(2026, 1, 1)).reference_rate == D("1.75")
    with pytest.raises(RateUnavailable, match="2027-07-01"):
        law.reference_row(date(2027, 7, 1))


def test_an_operator_row_takes_precedence_over_a_shipped_row(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "DK",
        '[[reference_rate]]\nfrom = 2026-07-01\nto = 2026-12-31\nrate = "2.25"\n'
        'source = "nationalbanken.dk"\ngrade = "A"\n',
    )
    law = for_country("DK", tmp_path)
    assert law.reference_row(date(2026, 6, 30)).reference_rate == D("1.75")
    assert law.reference_row(date(2026, 7, 1)).reference_rate == D("2.25")
    assert law.reference_row(date(2026, 12, 31)).reference_rate == D("2.25")


def test_the_process_wide_folder_is_read_and_a_change_is_seen(tmp_path: Path) -> None:
    use_data_dir(tmp_path)
    with pytest.raises(RateUnavailable):
        for_country("DK").reference_row(date(2027, 1, 1))
    _write(tmp_path, "DK", DK_2027)
    assert for_country("DK").reference_row(date(2027, 1, 1)).reference_rate == D("1.60")


def test_norway_operator_sats_changes_the_fee(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "NO",
        '[[inkassosats]]\nfrom = 2027-01-01\namount = "800"\nsource = "lovdata"\ngrade = "A"\n',
    )
    law = for_country("NO", tmp_path)
    before = law.fee_rule(date(2026, 12, 31), due_date=date(2026, 11, 1))
    after = law.fee_rule(date(2027, 1, 1), due_date=date(2026, 11, 1))
    assert before is not None
    assert after is not None
    assert before.cap == D("38.00")  # 750 / 20 = 37.50 -> 38
    assert after.cap == D("40.00")  # 800 / 20
    assert after.final_cap == D("120.00")  # 3/20 of 800


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("[[reference_rate]]\nfrom = 2027-01-01\n", "to must be a date"),
        (DK_2027.replace('"1.60"', '"160"'), "outside -5..25"),
        (DK_2027.replace('"1.60"', '"-5.01"'), "outside -5..25"),
        (DK_2027.replace('"1.60"', '"abc"'), "not a number"),
        (DK_2027.replace('"1.60"', "1.6"), "written as a string"),
        (DK_2027.replace("2027-01-01", "2027-01-15"), "half-year"),
        (DK_2027.replace("2027-06-30", "2027-06-29"), "half-year"),
        (DK_2027.replace('"A"', '"X"'), "grade must be one of"),
        (DK_2027.replace('grade = "A"', 'grade = "A"\nrate_pct = "1"'), "unknown key"),
        (DK_2027 + DK_2027, "overlaps"),
        ("rates = 1\n", "unknown table"),
        ("[[reference_rate]\n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_row(
    tmp_path: Path, body: str, named: str
) -> None:
    _write(tmp_path, "DK", body)
    with pytest.raises(LawDataError, match=named) as caught:
        for_country("DK", tmp_path)
    assert "dk.toml" in str(caught.value)


def test_the_rate_bounds_hold_at_their_edges() -> None:
    for rate in ("-5", "25"):
        text = 'country = "DK"\n' + DK_2027.replace('"1.60"', f'"{rate}"')
        tables = parse_tables(text, country="DK", origin="x", where="x")
        assert tables.reference_rates[0].reference_rate == D(rate)


def test_a_file_for_another_country_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dk.toml").write_text(f'country = "SE"\n{DK_2027}', encoding="utf-8")
    with pytest.raises(LawDataError, match="expected 'DK'"):
        for_country("DK", tmp_path)


def test_overlay_keeps_the_shipped_rows_around_an_operator_row() -> None:
    extra = parse_tables(
        'country = "SE"\n[[reference_rate]]\nfrom = 2025-07-01\nto = 2025-12-31\n'
        'rate = "1.75"\nsource = "riksbank.se"\ngrade = "A"\n',
        country="SE",
        origin="op",
        where="op",
    )
    merged = overlay(shipped("SE"), extra)
    rows = {row.valid_from: (row.reference_rate, row.origin) for row in merged.reference_rates}
    assert rows[date(2025, 1, 1)] == (D("3.00"), "shipped")
    assert rows[date(2025, 7, 1)] == (D("1.75"), "op")
    assert rows[date(2026, 1, 1)] == (D("2.00"), "shipped")
    assert len(merged.reference_rates) == len(shipped("SE").reference_rates)
    build("SE", merged)  # a usable pack


def test_tables_for_names_each_rows_origin(tmp_path: Path) -> None:
    _write(tmp_path, "DK", DK_2027)
    origins = {row.valid_from: row.origin for row in tables_for("DK", tmp_path).reference_rates}
    assert origins[date(2026, 7, 1)] == "shipped"
    assert origins[date(2027, 1, 1)] == str(tmp_path / "dk.toml")


def test_a_placeholder_prices_nothing_unless_allowed() -> None:
    law = for_country("FI")
    row = shipped("FI").reference_rates[-1]
    assert (row.valid_from, row.confidence) == (date(2026, 7, 1), "U")
    with pytest.raises(PlaceholderRate, match="allow_placeholder_rates"):
        law.annual_rate(date(2026, 7, 1), date(2026, 6, 1), _business())
    # The day before is the published 2026 H1 rate (law.md § 4.3: 2.5 + 8 = 10.5).
    assert law.annual_rate(date(2026, 6, 30), date(2026, 6, 1), _business()).rate == D("10.5")
    allowed = replace(law, allow_placeholders=True)
    rate = allowed.annual_rate(date(2026, 7, 1), date(2026, 6, 1), _business())
    assert rate.rate == D("10.5")
    assert rate.placeholder


def _business() -> CustomerKind:
    return CustomerKind.BUSINESS
