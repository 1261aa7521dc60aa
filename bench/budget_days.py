"""Benchmark 7: a 100,000-invoice e-conomic company's first cycles under its daily budget.

Not a test: prints numbers and writes bench/results/budget_days.json. e-conomic allows 50,000
calls per 24 hours per agreement (docs/connectors/economic.md); a first cycle on a company this
size needs more. The daemon's own pieces run it: each cycle is bridge.engine.cycle.run_tenant
on one store (the request log, the outbox), and when the next cycle runs is what the daemon
would schedule (bridge.engine.cycle_retry: the next 07:00 cycle, or earlier the same day when
the vendor's 24-hour window frees). It goes on until no letter waits. Time is the vendor's:
each cycle's clock starts where the schedule says, and its requests are booked at its end (its
start plus the real seconds it took).

Printed per cycle: when it ran, its requests, the letters written and those still waiting, and
the most requests any 24-hour window can have held (a window touching part of a cycle charged
all of it: an upper bound on the vendor's count), against the 50,000.

    .venv/bin/python bench/budget_days.py [INVOICES]      # default 100,000
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apscheduler.triggers.cron import CronTrigger

from bench.common import write
from bench.companies import TODAY, company, descriptor, tenant
from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.engine.cycle_retry import next_budget_run
from bridge.infra import retry
from bridge.infra.budget import DAY, daily_limit
from bridge.infra.logs import configure
from bridge.store import open_store
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import Settings

SYSTEM = "economic"
NAME = "bench-budget"
SCHEDULE = "0 7 * * *"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the cycles until nothing waits; print and save the numbers."""
    args = sys.argv[1:] if argv is None else argv
    invoices = int(args[0]) if args else 100_000
    configure("console", quiet=True)
    retry.set_waits(False)
    day = TODAY[SYSTEM]
    settings = Settings(schedule=SCHEDULE, timezone="UTC")
    trigger = CronTrigger.from_crontab(SCHEDULE, timezone=UTC)
    limit = daily_limit(descriptor(SYSTEM).rate_limits) or 0
    at = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
    # The vendor's clock follows the cycles' (what it holds was changed before each one).
    vendor_now = [at - timedelta(hours=1)]
    sandbox = company(SYSTEM, invoices, clock=lambda: vendor_now[0])
    transport = sandbox.transport()
    cycles: list[dict[str, Any]] = []
    spans: list[tuple[datetime, datetime, int]] = []
    with open_store(":memory:") as store:
        while len(cycles) < 20:
            sandbox.today, vendor_now[0] = at.date(), at
            started = time.perf_counter()
            outcome = run_tenant(
                store,
                NAME,
                tenant(SYSTEM),
                CycleOptions(
                    today=at.date(),
                    now=at,
                    transport=transport,
                    secrets=StaticSecrets(NAME, descriptor(SYSTEM).sandbox_secrets),
                ),
            )
            seconds = time.perf_counter() - started
            ended = at + timedelta(seconds=seconds)
            spans.append((at, ended, outcome.requests))
            cycles.append(
                {
                    "at": at.isoformat(),
                    "requests": outcome.requests,
                    "written": len(outcome.written),
                    "waiting": outcome.budget_waits,
                    "status": outcome.status,
                    "error": outcome.error,
                    "seconds": round(seconds, 1),
                }
            )
            print(
                f"{at:%a %Y-%m-%d %H:%M}  requests {outcome.requests:>6,}  written "
                f"{len(outcome.written):>6,}  waiting {outcome.budget_waits:>6,}  "
                f"({seconds:.0f} s){'  ' + outcome.error if outcome.error else ''}",
                flush=True,
            )
            if outcome.error or not outcome.budget_waits:
                break
            runs = store.runs(NAME, limit=50)
            scheduled = trigger.get_next_fire_time(None, at + timedelta(seconds=1))
            sooner = next_budget_run(settings, runs, store.budget_frees_at(NAME, ended))
            at = sooner or scheduled
    busiest = busiest_24h(spans)
    first, last = datetime.fromisoformat(cycles[0]["at"]), datetime.fromisoformat(cycles[-1]["at"])
    data = {
        "invoices": invoices,
        "limit_per_24h": limit,
        "cycles": cycles,
        "letters_written": sum(c["written"] for c in cycles),
        "days": (last.date() - first.date()).days + 1,
        "busiest_24h": busiest,
        "within_budget": busiest <= limit,
    }
    print(
        f"{invoices:,} invoices: {data['letters_written']:,} letters in {len(cycles)} cycles over "
        f"{data['days']} day(s); the busiest 24 hours held {busiest:,} of {limit:,} requests"
    )
    write("budget_days", data)
    return data


def busiest_24h(spans: list[tuple[datetime, datetime, int]]) -> int:
    """The most requests any 24 hours can have held, counting a cycle whole if it overlaps.

    Each cycle's requests are known in total, not one by one: a window that touches any part
    of a cycle is charged all of it (an upper bound on what the vendor counted). Windows that
    start at a cycle's start or end at a cycle's end are the ones that can hold the most.
    """
    anchors = [start for start, _, _ in spans] + [end - DAY for _, end, _ in spans]
    return max(
        sum(n for start, end, n in spans if start < window + DAY and end > window)
        for window in anchors
    )


if __name__ == "__main__":
    main()
