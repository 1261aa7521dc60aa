"""decide() throughput on one core for a large ledger, and peak memory while streaming it.

Fetching and deciding stream customer by customer, so memory stays flat as the ledger grows:
the ledger is generated and decided in chunks of whole customers, and only counts are kept.

    python bench/decide_throughput.py [INVOICES]     (default 1,000,000)
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import TODAY, ledger_chunks, write
from policies.engine import decide
from policies.ladder import load_policy
from policies.law import for_country


def main(invoices: int) -> None:
    law, policy = for_country("DK"), load_policy(None, "DK")
    decided = decisions = 0
    generate = deciding = 0.0
    chunks = ledger_chunks(invoices)
    while True:
        start = time.perf_counter()
        snapshot = next(chunks, None)
        generate += time.perf_counter() - start
        if snapshot is None:
            break
        start = time.perf_counter()
        decisions += len(decide(TODAY, snapshot, [], law, policy))
        deciding += time.perf_counter() - start
        decided += len(snapshot.invoices)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write(
        "decide_throughput",
        {
            "invoices": decided,
            "decisions": decisions,
            "decide_seconds": round(deciding, 2),
            "invoices_per_second": round(decided / deciding),
            "generate_seconds": round(generate, 2),
            "peak_rss_mb": round(peak_mb, 1),
            "target": ">= 50,000 invoices/s and < 500 MB for 1,000,000",
        },
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
