"""The report's tables as CSV files: one file per table and tenant, for a spreadsheet.

Cells are the report's JSON facts (bridge/surfaces/report/facts.py): amounts as Decimal strings
with two decimals ("1234.50"), amounts per currency as one column per currency ("amount_DKK"),
lists joined with "; ". Headers are fixed per table. A text cell that a spreadsheet would run
as a formula (starting with = + - @, a tab or a carriage return) is written with a leading
apostrophe; an amount stays a number.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from bridge.surfaces.report.data import Report
from bridge.surfaces.report.facts import tenant_json

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The tables and where their rows are in a tenant's JSON.
TABLES: dict[str, tuple[str, ...]] = {
    "receivables": ("receivables",),
    "pipeline": ("pipeline",),
    "recovery": ("recovery", "steps"),
    "upcoming": ("upcoming", "actions"),
    "late-customers": ("late_customers",),
    "actions": ("actions",),
}


# The columns of a table of actions, written even when it has no row.
ACTION_COLUMNS = (
    "date",
    "invoice",
    "invoice_number",
    "customer",
    "customer_name",
    "action",
    "step",
    "label",
    "state",
    "currency",
    "fee",
    "interest",
    "compensation",
    "outstanding",
    "deadline",
    "legal_basis",
    "document",
    "source",
)


def cell(value: Any) -> str:
    """One CSV cell: numbers as written, text that would run as a formula escaped."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value)
    text = "; ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
    if _is_number(text):
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return text.strip() == text and text != "" and text.lstrip("-")[:1].isdigit()


def _rows(data: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    found: Any = data
    for part in path:
        found = found.get(part, []) if isinstance(found, dict) else []
    return list(found) if isinstance(found, list) else []


def _flat(rows: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Amounts per currency become one column each; the header keeps the JSON's order."""
    header: list[str] = []
    flat: list[dict[str, Any]] = []
    for row in rows:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, dict):
                for currency, amount in sorted(value.items()):
                    out[f"{key}_{currency}"] = amount
            else:
                out[key] = value
        for key in out:
            if key not in header:
                header.append(key)
        flat.append(out)
    return header, flat


def write_csv(report: Report, folder: Path) -> list[Path]:
    """Write every table of every tenant as ``<tenant>-<table>.csv``; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for t in report.tenants:
        data = tenant_json(t)
        for name, path in TABLES.items():
            header, rows = _flat(_rows(data, path))
            if not header and name in ("upcoming", "actions"):
                header = list(ACTION_COLUMNS)
            target = folder / f"{t.tenant}-{name}.csv"
            with target.open("w", encoding="utf-8", newline="") as f:
                out = csv.writer(f)
                out.writerow(header)
                for row in rows:
                    out.writerow([cell(row.get(key)) for key in header])
            written.append(target)
    return written
