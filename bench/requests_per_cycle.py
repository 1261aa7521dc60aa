"""Benchmark 1: requests of a first cycle per connector, next to the lower bound.

Not a test: prints numbers and writes bench/results/requests_per_cycle.json. For each
connector and each size (1,000 and 10,000 open invoices; 100,000 with ``--full``), a fresh
sandbox company (bench/companies.py) gets one review-mode cycle; its requests are set next to
the bound bench/cycles.py explains. Target: within 10 % of the bound (forced reads included).

    .venv/bin/python bench/requests_per_cycle.py [--full] [SYSTEM ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write
from bench.companies import SYSTEMS
from bench.cycles import measure_all

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
        f"{'system':<10} {'invoices':>9} {'requests':>9} {'bound':>7} {'forced':>7} "
        f"{'ratio':>6} {'letters':>8} {'cycle s':>8}"
    )
    table = []
    for row in rows:
        first = row["first"]
        print(
            f"{row['system']:<10} {row['invoices']:>9,} {first['requests']:>9,} "
            f"{first['bound']:>7,} {first['forced_reads']:>7,} "
            f"{first['requests_over_bound']:>6.3f} {first['written']:>8,} {first['cycle_s']:>8.1f}"
        )
        table.append({"system": row["system"], "invoices": row["invoices"], **first})
    met = all(r["requests_over_bound"] <= TARGET for r in table)
    data: dict[str, object] = {
        "target": "requests within 10 % of the bound (list pages + set-up + one write per "
        "letter + the reads a safe write needs + reads the vendor's lists force)",
        "met": met,
        "rows": table,
    }
    write("requests_per_cycle", data)
    return data


if __name__ == "__main__":
    main()
