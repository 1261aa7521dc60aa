"""Soak run: many daily cycles over a changing e-conomic sandbox ledger, with memory watched.

Each simulated day: new invoices are booked, some open ones are paid, the accountant books
yesterday's drafts, and one cycle runs (fetch, reconcile, decide, write). Memory is sampled at
the start and the end; a leak shows as growth that scales with the number of cycles. The
sandbox lives in this process too, and its ledger grows every day, so some growth is its data.

    python bench/soak.py [DAYS]     (default 60)
"""

from __future__ import annotations

import gc
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import TODAY, write
from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import retry
from bridge.infra.logs import configure
from bridge.store import open_store
from bridge.vocab import registry
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from connectors.economic.sandbox.server import EconomicSandbox


def main(days: int) -> None:
    retry.set_waits(False)
    configure("console", quiet=True)
    rng = random.Random(11)
    descriptor = registry.connector("economic")
    start = TODAY - timedelta(days=days)
    sandbox = EconomicSandbox.demo(start)
    customers = [int(c["customerNumber"]) for c in sandbox.state()["customers"]]
    tenant = TenantSettings(system="economic", country="DK")
    invoices = cycles = written = 0
    traced: list[int] = []
    rss: list[float] = []
    tracemalloc.start()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "db.sqlite3") as store:
        for n in range(days):
            day = start + timedelta(days=n)
            sandbox.today = day
            for _ in range(rng.randint(2, 6)):
                sandbox.add_invoice(
                    rng.choice(customers),
                    day,
                    day + timedelta(days=rng.choice((8, 14, 30))),
                    Decimal(rng.randint(200, 20_000)),
                )
                invoices += 1
            unpaid = [i for i in sandbox.state()["booked"] if Decimal(str(i["remainder"])) > 0]
            for item in rng.sample(unpaid, k=min(len(unpaid), rng.randint(0, 4))):
                sandbox.pay(item["bookedInvoiceNumber"], Decimal(str(item["remainder"])), day)
            sandbox.accept_drafts()
            outcome = run_tenant(
                store,
                "soak",
                tenant,
                CycleOptions(
                    today=day,
                    now=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
                    transport=sandbox.transport(),
                    secrets=StaticSecrets("soak", descriptor.sandbox_secrets),
                ),
            )
            assert outcome.status in {"ok", "partial"}, outcome.error
            cycles += 1
            written += len(outcome.written)
            gc.collect()
            traced.append(tracemalloc.get_traced_memory()[0])
            rss.append(round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    first, last = traced[min(4, len(traced) - 1)], traced[-1]
    write(
        "soak",
        {
            "cycles": cycles,
            "invoices_added": invoices,
            "letters_written": written,
            "seconds": round(time.perf_counter() - began, 1),
            "python_heap_mb_after_5_cycles": round(first / 2**20, 1),
            "python_heap_mb_at_end": round(last / 2**20, 1),
            "peak_rss_mb_after_5_cycles": rss[min(4, len(rss) - 1)],
            "peak_rss_mb_at_end": rss[-1],
        },
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
