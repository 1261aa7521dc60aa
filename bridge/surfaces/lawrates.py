"""``dunning-bridge law rates``: the operator's own rows of the law's dated tables.

Rows go into ``BRIDGE_LAW_DATA/<country>.toml`` (policies/law/tables.py reads them), where they
take precedence over the tables shipped with the package. A new row replaces the operator's
earlier rows for the same days of the same table; the whole file is checked (shape, periods,
magnitude, no overlap, and that the country's law pack builds over it) before it replaces the
old one atomically, so a rejected row changes nothing.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from policies.law import SUPPORTED_COUNTRIES, UnknownCountry, build, tables_for
from policies.law.base import Confidence
from policies.law.tables import (
    SHIPPED,
    LawDataError,
    TableName,
    operator_file,
    overlay,
    parse_tables,
    shipped,
)

__all__ = ["NewRow", "list_rows", "write_rows"]

# The key that holds each table's first and last day in the data files.
_PERIOD_KEYS: dict[TableName, tuple[str, str]] = {
    "reference_rate": ("from", "to"),
    "inkassosats": ("from", "to"),
    "compensation": ("claims_due_from", "claims_due_to"),
}
_VALUE_KEYS: dict[TableName, str] = {
    "reference_rate": "rate",
    "inkassosats": "amount",
    "compensation": "amount",
}
# Tables only Norway has (its inkassosats and the NOK compensation set per half-year).
_NORWAY_ONLY: frozenset[TableName] = frozenset({"inkassosats", "compensation"})


@dataclass(frozen=True, slots=True)
class NewRow:
    """One row an operator (or ``law rates update``) adds to a country's table."""

    table: TableName
    start: date
    end: date | None  # None: until changed (inkassosats only)
    value: Decimal
    source: str
    grade: Confidence
    note: str = ""

    def as_toml(self) -> dict[str, Any]:
        """Return the row as the data file writes it."""
        first, last = _PERIOD_KEYS[self.table]
        row: dict[str, Any] = {first: self.start}
        if self.end is not None:
            row[last] = self.end
        row[_VALUE_KEYS[self.table]] = str(self.value)
        row["source"] = self.source
        row["grade"] = self.grade
        if self.note:
            row["note"] = self.note
        return row


def country_code(country: str) -> str:
    """Return the upper-case code of a supported country or raise UnknownCountry."""
    code = country.strip().upper()
    if code not in SUPPORTED_COUNTRIES:
        raise UnknownCountry(country)
    return code


def write_rows(directory: Path, country: str, rows: Sequence[NewRow]) -> Path:
    """Add ``rows`` to the operator's file for ``country``; return the file's path.

    Raises LawDataError (nothing written) when a row or the resulting table is not usable.
    """
    code = country_code(country)
    path = operator_file(directory, code)
    current = _read(path)
    for row in rows:
        if row.table in _NORWAY_ONLY and code != "NO":
            raise LawDataError(f"{code} has no {row.table} table (Norway only)")
        first, last = _PERIOD_KEYS[row.table]
        kept = [old for old in current.get(row.table, []) if not _overlaps(old, row, first, last)]
        kept.append(row.as_toml())
        kept.sort(key=lambda item: item[first])
        current[row.table] = kept
    # The country first: a plain key after a table would turn the tables inline.
    ordered = {"country": code, **{k: v for k, v in current.items() if k != "country"}}
    text = _HEADER + tomli_w.dumps(ordered)
    where = f"{path} (as it would be written)"
    tables = parse_tables(text, country=code, origin=str(path), where=where)
    try:
        build(code, overlay(shipped(code), tables))
    except ValueError as exc:
        raise LawDataError(f"{where}: {exc}") from None
    directory.mkdir(parents=True, exist_ok=True)
    _replace(path, text)
    return path


def list_rows(country: str, directory: Path | None) -> list[dict[str, str]]:
    """Every row of the country's tables as in force, with its origin, oldest first per table."""
    code = country_code(country)
    tables = tables_for(code, directory)
    out: list[dict[str, str]] = []
    for table, rows in (
        ("reference_rate", tables.reference_rates),
        ("inkassosats", tables.inkassosats),
        ("compensation", tables.compensation),
    ):
        for row in rows:
            value = getattr(row, "reference_rate", None)
            amount = value if value is not None else getattr(row, "amount")  # noqa: B009
            out.append(
                {
                    "table": table,
                    "from": row.valid_from.isoformat(),
                    "to": row.valid_to.isoformat() if row.valid_to else "",
                    "value": str(amount),
                    "grade": row.confidence,
                    "source": row.source,
                    "origin": "shipped" if row.origin == SHIPPED else row.origin,
                    "note": row.note,
                }
            )
    return out


_HEADER = (
    "# The operator's rows of the dunning law's dated tables (docs/law.md), written by\n"
    "# `dunning-bridge law rates set|update`. They take precedence over the shipped tables.\n\n"
)


def _read(path: Path) -> dict[str, Any]:
    """Read the operator's current file as raw TOML (empty when there is none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise LawDataError(f"{path}: cannot read: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LawDataError(f"{path}: not valid TOML: {exc}") from None


def _overlaps(old: dict[str, Any], row: NewRow, first: str, last: str) -> bool:
    """Tell whether an existing raw row shares a day with ``row`` (so ``row`` replaces it)."""
    start, end = old.get(first), old.get(last)
    if not isinstance(start, date):
        return False  # malformed: parse_tables names it below
    ends_before = row.end is not None and start > row.end
    starts_after = isinstance(end, date) and end < row.start
    return not (ends_before or starts_after)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a reader sees the old file or the new one."""
    handle, staging = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        Path(staging).replace(path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def set_rate_command(
    directory: Path,
    country: str,
    *,
    start: str,
    end: str | None,
    values: dict[str, str | None],
    source: str,
    grade: str,
) -> int:
    """`law rates set`: write one row; 0 written, 2 refused (nothing changed)."""
    import typer  # noqa: PLC0415

    try:
        row = _new_row(country, start=start, end=end, values=values, source=source, grade=grade)
        path = write_rows(directory, country, [row])
    except (LawDataError, UnknownCountry, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    period = f"{row.start.isoformat()}..{row.end.isoformat() if row.end else ''}"
    typer.echo(f"{country_code(country)} {row.table} {period}: {row.value} [{row.grade}] -> {path}")
    return 0


def _new_row(
    country: str,
    *,
    start: str,
    end: str | None,
    values: dict[str, str | None],
    source: str,
    grade: str,
) -> NewRow:
    """Read the command's options into one row, or raise ValueError saying what is wrong."""
    from decimal import InvalidOperation  # noqa: PLC0415

    from policies.law.tables import GRADES, half_year_end  # noqa: PLC0415

    given = {name: value for name, value in values.items() if value is not None}
    if len(given) != 1:
        raise ValueError("give exactly one of --rate, --inkassosats, --compensation")
    option, text = next(iter(given.items()))
    table: TableName = "reference_rate" if option == "rate" else option  # type: ignore[assignment]
    try:
        first = date.fromisoformat(start)
        last = date.fromisoformat(end) if end else None
    except ValueError:
        raise ValueError(f"--from/--to must be dates (YYYY-MM-DD): {start!r}, {end!r}") from None
    if last is None and table != "inkassosats":
        last = half_year_end(first)
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"--{option} {text!r} is not a number") from None
    if grade not in GRADES:
        raise ValueError(f"--grade must be one of {', '.join(GRADES)}")
    if not source.strip():
        raise ValueError("--source must say where the value was read")
    return NewRow(table, first, last, value, source.strip(), grade)


def list_rates_command(country: str, directory: Path | None, *, as_json: bool) -> int:
    """`law rates list`: every row with its origin; 2 for an unknown country or a bad file."""
    import json  # noqa: PLC0415

    import typer  # noqa: PLC0415

    try:
        rows = list_rows(country, directory)
    except (LawDataError, UnknownCountry) as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        period = f"{row['from']}..{row['to']}"
        origin = "" if row["origin"] == SHIPPED else f"  (operator: {row['origin']})"
        typer.echo(
            f"{row['table']:<15} {period:<23} {row['value']:>8} [{row['grade']}] "
            f"{row['source']}{origin}"
        )
    return 0
