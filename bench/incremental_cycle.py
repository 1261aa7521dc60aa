"""Benchmark 2: a second cycle with nothing changed since the first, per connector.

Not a test: prints numbers and writes bench/results/incremental_cycle.json. For 1,000 and
10,000 open invoices (100,000 with ``--full``), a fresh sandbox company gets a first cycle,
then, an hour later and with nothing changed (the first cycle's drafts still wait for the
accountant), a second; its requests are reported per tenant. Target: the same number of
requests whatever the ledger's size where the vendor has a change feed (Fortnox, Dinero: feed
snapshots in the store, bridge/store/feeds.py), list pages only elsewhere; the reason is
printed with the numbers. ``--full`` adds 100,000.

    .venv/bin/python bench/incremental_cycle.py [--full] [SYSTEM ...]
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

# Why a second cycle still grows with the ledger, per vendor (see bench/README.md).
WHY = {
    "economic": "invoices carry no change stamp, so the unpaid list is read whole (1 request "
    "per 1,000 invoices); the customers an open invoice names are read by number, 200 a "
    "request (e-conomic's $in: limit); nothing is read per invoice",
    "dinero": "the open invoices, the contacts, the read-back of our waiting drafts and each "
    "debtor's credit notes are kept in the store (feed snapshots) and merged from changesSince "
    "(invoices, contacts, sales) since the last cycle; all are read whole every "
    "full_sweep_days (7): constant",
    "fortnox": "the invoice and payment lists and our drafts are kept in the store (feed "
    "snapshots) and merged from lastmodified since the last cycle; read whole every "
    "full_sweep_days (7). The re-checks of letters decided but not written share one look "
    "while nothing is written: constant",
    "tripletex": "GET /invoice has no change filter, so the lookback is read whole in pages of "
    "1,000 (1 per 1,000 invoices); nothing is read per invoice",
}


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Measure, print a table, save the JSON; return the numbers."""
    args = sys.argv[1:] if argv is None else argv
    systems = tuple(a for a in args if not a.startswith("--")) or SYSTEMS
    sizes = FULL if "--full" in args else SIZES
    rows = measure_all(systems, sizes)
    print(f"{'system':<10} {'invoices':>9} {'first':>8} {'second':>8}  second by kind")
    table = []
    for row in rows:
        first, second = row["first"], row["second"]
        top = ", ".join(f"{k} {v}" for k, v in list(second["by_kind"].items())[:3])
        print(
            f"{row['system']:<10} {row['invoices']:>9,} {first['requests']:>8,} "
            f"{second['requests']:>8,}  {top}"
        )
        table.append(
            {
                "system": row["system"],
                "invoices": row["invoices"],
                "first_requests": first["requests"],
                "second_requests": second["requests"],
                "second_by_kind": second["by_kind"],
            }
        )
    growth = {}
    for system in systems:
        counts = [r["second_requests"] for r in table if r["system"] == system]
        growth[system] = counts
        print(f"{system}: {' -> '.join(f'{c:,}' for c in counts)}; {WHY[system]}")
    data: dict[str, object] = {
        "target": "second-cycle requests independent of ledger size where the vendor allows",
        "second_requests_by_size": growth,
        "why": {s: WHY[s] for s in systems},
        "rows": table,
    }
    write("incremental_cycle", data)
    return data


if __name__ == "__main__":
    main()
