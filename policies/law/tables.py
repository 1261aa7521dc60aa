"""The law's changing numbers as data: reference rates, Norway's inkassosats and compensation.

Each country ships one TOML file in ``policies/law/data/`` (a row per period with its value,
source and grade). An operator adds or corrects rows without a release in a directory of files
of the same shape (``BRIDGE_LAW_DATA``, written by ``dunning-bridge law rates set`` or
``update``); an operator row takes precedence over the shipped rows for the days it covers.
Rows are checked when read: a file that is malformed, out of order, overlapping or implausible
is refused whole with its path and the row named, so a typo never prices a claim.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from policies.law.base import Confidence, RateRow

__all__ = [
    "GRADES",
    "RATE_BOUNDS",
    "SHIPPED",
    "AmountRow",
    "LawDataError",
    "TableName",
    "Tables",
    "half_year_end",
    "half_year_start",
    "operator_file",
    "operator_tables",
    "overlay",
    "parse_tables",
    "shipped",
]

GRADES: tuple[Confidence, ...] = ("A", "B", "C", "U")
SHIPPED = "shipped"
# A reference rate outside this band (percent per year) is a typo or a misread unit: the
# lowest published in the four countries was -0.75 (Sweden's repo rate 2016), the highest
# Nordic policy rates since 1993 stayed below 12. A true outlier needs a code change on purpose.
RATE_BOUNDS = (Decimal("-5"), Decimal("25"))
# Norway's inkassosats and compensation in NOK: today 750 and 430-470; a value beyond these
# bounds is far outside anything set since 2000.
_AMOUNT_BOUNDS = (Decimal("1"), Decimal("10000"))

TableName = Literal["reference_rate", "inkassosats", "compensation"]
_TABLES: tuple[TableName, ...] = ("reference_rate", "inkassosats", "compensation")


class LawDataError(ValueError):
    """A law data file cannot be used; the message names the file and the row."""


@dataclass(frozen=True, slots=True)
class AmountRow:
    """An amount in force from ``valid_from`` through ``valid_to`` (None: until changed).

    For the inkassosats the period is the day a letter is sent; for the compensation it is the
    day the claim fell due.
    """

    valid_from: date
    valid_to: date | None
    amount: Decimal
    source: str
    confidence: Confidence
    origin: str = SHIPPED
    note: str = ""

    def covers(self, day: date) -> bool:
        """Tell whether the row is in force on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Tables:
    """One country's dated tables, oldest row first in each."""

    country: str
    reference_rates: tuple[RateRow, ...] = ()
    inkassosats: tuple[AmountRow, ...] = ()
    compensation: tuple[AmountRow, ...] = ()

    @property
    def empty(self) -> bool:
        """Tell whether no table has a row."""
        return not (self.reference_rates or self.inkassosats or self.compensation)


def half_year_start(day: date) -> date:
    """Return the first day of ``day``'s half-year (1 January or 1 July)."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: date) -> date:
    """Return the last day of ``day``'s half-year (30 June or 31 December)."""
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


@lru_cache(maxsize=8)
def shipped(country: str) -> Tables:
    """Return the tables shipped with the package for ``country`` (``DK``, ``NO``...)."""
    name = f"{country.lower()}.toml"
    resource = resources.files("policies.law").joinpath("data", name)
    text = resource.read_text(encoding="utf-8")
    where = f"policies/law/data/{name}"
    return parse_tables(text, country=country.upper(), origin=SHIPPED, where=where)


def operator_file(directory: Path, country: str) -> Path:
    """Return the operator's file for ``country`` in ``directory`` (it may not exist yet)."""
    return directory / f"{country.lower()}.toml"


def operator_tables(directory: Path, country: str) -> Tables | None:
    """Read the operator's rows for ``country``; None when the file does not exist."""
    path = operator_file(directory, country)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise LawDataError(f"{path}: cannot read: {exc}") from None
    return parse_tables(text, country=country.upper(), origin=str(path), where=str(path))


def parse_tables(text: str, *, country: str, origin: str, where: str) -> Tables:
    """Read one TOML law data file; raise LawDataError naming ``where`` and the row."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LawDataError(f"{where}: not valid TOML: {exc}") from None
    named = data.get("country", country)
    if not isinstance(named, str) or named.upper() != country:
        raise LawDataError(f"{where}: country is {named!r}, expected {country!r}")
    unknown = sorted(set(data) - {"country", *_TABLES})
    if unknown:
        raise LawDataError(f"{where}: unknown table(s) {', '.join(unknown)}")
    rates = tuple(
        _rate_row(raw, where=f"{where}: reference_rate[{n}]", origin=origin)
        for n, raw in enumerate(_rows(data, "reference_rate", where))
    )
    sats = tuple(
        _amount_row(raw, where=f"{where}: inkassosats[{n}]", origin=origin, key="from")
        for n, raw in enumerate(_rows(data, "inkassosats", where))
    )
    compensation = tuple(
        _amount_row(raw, where=f"{where}: compensation[{n}]", origin=origin, key="claims_due_from")
        for n, raw in enumerate(_rows(data, "compensation", where))
    )
    _check_order(rates, where=f"{where}: reference_rate")
    _check_order(sats, where=f"{where}: inkassosats")
    _check_order(compensation, where=f"{where}: compensation")
    return Tables(country, rates, sats, compensation)


def overlay(base: Tables, extra: Tables | None) -> Tables:
    """Return ``base`` with ``extra``'s rows taking precedence for the days they cover."""
    if extra is None or extra.empty:
        return base
    return Tables(
        base.country,
        _overlay_rows(base.reference_rates, extra.reference_rates),
        _overlay_rows(base.inkassosats, extra.inkassosats),
        _overlay_rows(base.compensation, extra.compensation),
    )


_Row = TypeVar("_Row", RateRow, AmountRow)


def _overlay_rows(base: Sequence[_Row], extra: Sequence[_Row]) -> tuple[_Row, ...]:
    """Cut ``base`` rows around each ``extra`` row and merge, oldest first."""
    if not extra:
        return tuple(base)
    kept: list[_Row] = list(base)
    for row in extra:
        next_kept: list[_Row] = []
        for old in kept:
            next_kept.extend(_cut(old, row.valid_from, row.valid_to))
        kept = next_kept
    merged = kept + list(extra)
    merged.sort(key=lambda r: r.valid_from)
    return tuple(merged)


def _cut(row: _Row, start: date, end: date | None) -> list[_Row]:
    """Return the parts of ``row`` outside ``start``..``end`` (``end`` None: open)."""
    parts: list[_Row] = []
    if row.valid_from < start:
        before_end = start - timedelta(days=1)
        parts.append(replace(row, valid_to=_min_date(row.valid_to, before_end)))
    if end is not None and (row.valid_to is None or row.valid_to > end):
        parts.append(replace(row, valid_from=max(row.valid_from, end + timedelta(days=1))))
    return parts


def _min_date(first: date | None, second: date) -> date:
    """Return the earlier day, where None is the open end."""
    return second if first is None else min(first, second)


def _rows(data: Mapping[str, Any], table: str, where: str) -> list[Mapping[str, Any]]:
    raw = data.get(table, [])
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise LawDataError(f"{where}: {table} must be a list of tables ([[{table}]])")
    return cast("list[Mapping[str, Any]]", raw)


def _day(raw: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> date | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise LawDataError(f"{where}: {key} must be a date (YYYY-MM-DD), got {value!r}")


def _decimal(raw: Mapping[str, Any], key: str, where: str) -> Decimal:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise LawDataError(f'{where}: {key} must be a number written as a string, e.g. "2.25"')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise LawDataError(f"{where}: {key} {value!r} is not a number") from None
    if not number.is_finite():
        raise LawDataError(f"{where}: {key} {value!r} is not a number")
    return number


def _text(raw: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise LawDataError(f"{where}: {key} must be a non-empty text")
    return value.strip()


def _grade(raw: Mapping[str, Any], where: str) -> Confidence:
    value = raw.get("grade")
    if value not in GRADES:
        raise LawDataError(f"{where}: grade must be one of {', '.join(GRADES)}, got {value!r}")
    return cast("Confidence", value)


def _known(raw: Mapping[str, Any], keys: set[str], where: str) -> None:
    unknown = sorted(set(raw) - keys)
    if unknown:
        raise LawDataError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _rate_row(raw: Mapping[str, Any], *, where: str, origin: str) -> RateRow:
    _known(raw, {"from", "to", "rate", "source", "grade", "note"}, where)
    start = _day(raw, "from", where)
    end = _day(raw, "to", where)
    assert start is not None
    assert end is not None
    if start != half_year_start(start) or end != half_year_end(end) or end < start:
        # Every country fixes its reference rate per calendar half-year (renteloven § 5,
        # forsinkelsesrenteloven § 3, räntelagen 9 §, korkolaki § 12).
        raise LawDataError(
            f"{where}: the period {start}..{end} must run from 1 January or 1 July to "
            "30 June or 31 December (rates are fixed per half-year)"
        )
    rate = _decimal(raw, "rate", where)
    low, high = RATE_BOUNDS
    if not low <= rate <= high:
        raise LawDataError(
            f"{where}: rate {raw['rate']} % is outside {low}..{high} % (a reference rate in "
            "percent per year; is it the statutory rate or a fraction?)"
        )
    return RateRow(
        start,
        end,
        rate,
        _text(raw, "source", where),
        _grade(raw, where),
        origin=origin,
        note=_text(raw, "note", where, required=False),
    )


def _amount_row(raw: Mapping[str, Any], *, where: str, origin: str, key: str) -> AmountRow:
    end_key = "to" if key == "from" else "claims_due_to"
    _known(raw, {key, end_key, "amount", "source", "grade", "note"}, where)
    start = _day(raw, key, where)
    end = _day(raw, end_key, where, required=False)
    assert start is not None
    if end is not None and end < start:
        raise LawDataError(f"{where}: {end_key} {end} is before {key} {start}")
    amount = _decimal(raw, "amount", where)
    low, high = _AMOUNT_BOUNDS
    if not low <= amount <= high:
        raise LawDataError(f"{where}: amount {raw['amount']} is outside {low}..{high}")
    return AmountRow(
        start,
        end,
        amount,
        _text(raw, "source", where),
        _grade(raw, where),
        origin=origin,
        note=_text(raw, "note", where, required=False),
    )


def _check_order(rows: Sequence[RateRow | AmountRow], *, where: str) -> None:
    """Refuse rows out of order or overlapping; gaps are allowed (a gap has no value)."""
    for earlier, later in pairwise(rows):
        if earlier.valid_to is None or later.valid_from <= earlier.valid_to:
            raise LawDataError(
                f"{where}: the row from {later.valid_from} overlaps or precedes the row from "
                f"{earlier.valid_from}"
            )
