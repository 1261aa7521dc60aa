"""Benchmark 1: requests of a first cycle per connector, next to the lower bound.

Not a test: prints numbers and writes bench/results/requests_per_cycle.json. For each
connector and each size (1,000 and 10,000 open invoices; 100,000 with ``--full``), a fresh
sandbox company (bench/companies.py) gets one review-mode cycle; its requests are set next to
the vendor's floor bench/cycles.py explains, with the re-check strategy each connector uses, and
the days a 100,000-invoice e-conomic first cycle takes under its 50,000 calls a day. Target:
within 10 % of the floor (forced reads included).

    .venv/bin/python bench/requests_per_cycle.py [--full] [SYSTEM ...]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write
from bench.companies import SYSTEMS
from bench.cycles import STRATEGY, measure_all
from bridge.infra.budget import RESERVE, daily_limit

SIZES = (1_000, 10_000)
FULL = (*SIZES, 100_000)
TARGET = 1.10


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Measure, print a table, save the JSON; return the numbers."""
    args = sys.argv[1:] if argv is None else argv
    systems = tuple(a for a in args if not a.startswith("--")) or SYSTEMS
    sizes = FULL if "--full" in args else SIZES
    rows = measure_all(systems, sizes)
    print(
        f"{'system':<10} {'invoices':>9} {'requests':>9} {'floor':>7} {'forced':>7} "
        f"{'ratio':>6} {'letters':>8} {'cycle s':>8}  re-check"
    )
    table = []
    for row in rows:
        first = row["first"]
        print(
            f"{row['system']:<10} {row['invoices']:>9,} {first['requests']:>9,} "
            f"{first['bound']:>7,} {first['forced_reads']:>7,} "
            f"{first['requests_over_bound']:>6.3f} {first['written']:>8,} {first['cycle_s']:>8.1f}"
            f"  {STRATEGY[row['system']][0]}"
        )
        table.append(
            {
                "system": row["system"],
                "invoices": row["invoices"],
                "recheck": STRATEGY[row["system"]][0],
                **first,
            }
        )
    for system in systems:
        name, why = STRATEGY[system]
        print(f"{system} re-check, {name}: {why}")
    days = economic_days(rows)
    if days is not None:
        print(
            f"economic, 100,000 invoices under 50,000 calls per 24 h: the first cycle's letters "
            f"take {days['days']} day(s) ({days['basis']})"
        )
    met = all(r["requests_over_bound"] <= TARGET for r in table)
    data: dict[str, object] = {
        "target": "requests within 10 % of the vendor's floor (list pages + set-up + one write "
        "per letter, with the reads the API forces counted apart); re-checks count against us",
        "met": met,
        "rows": table,
        "strategies": {s: {"name": STRATEGY[s][0], "why": STRATEGY[s][1]} for s in systems},
        "economic_100k_days": days,
    }
    write("requests_per_cycle", data)
    return data


def economic_days(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Days the letters of a 100,000-invoice e-conomic first cycle take under its budget.

    From the largest e-conomic size measured (scaled linearly to 100,000 when smaller): each
    day a cycle reads what an unchanged cycle reads, then writes letters while the budget less
    its reserve lasts (bridge/infra/budget.py), each letter costing what the first cycle's did.
    """
    from bench.companies import descriptor  # noqa: PLC0415

    measured = [r for r in rows if r["system"] == "economic"]
    if not measured:
        return None
    row = max(measured, key=lambda r: r["invoices"])
    scale = 100_000 / row["invoices"]
    first, second = row["first"], row["second"]
    letters = max(1, first["written"])
    per_letter = (first["requests"] - second["requests"]) / letters
    reads, letters_100k = second["requests"] * scale, round(letters * scale)
    limit = daily_limit(descriptor("economic").rate_limits) or 0
    spendable = limit * (1 - RESERVE)
    left, days = letters_100k, 0
    while left > 0 and days < 365:
        left -= max(1, int((spendable - reads) / per_letter))
        days += 1
    return {
        "days": days,
        "letters": letters_100k,
        "requests_per_letter": round(per_letter, 2),
        "reads_per_cycle": round(reads),
        "spendable_per_day": int(spendable),
        "basis": (
            f"{letters_100k:,} letters at {per_letter:.2f} requests each, {round(reads):,} reads "
            f"per cycle, {int(spendable):,} of {limit:,} spendable a day"
            + ("" if scale == 1 else f"; scaled from {row['invoices']:,} invoices")
        ),
    }


if __name__ == "__main__":
    main()
