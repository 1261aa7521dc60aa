"""Request count and wall time of a Fortnox cycle over 10,000 overdue invoices, at the real limit.

Not a test: prints numbers (and writes bench/results/fortnox_cycle.json). Builds a sandbox
company with INVOICES overdue invoices over CUSTOMERS customers (a tenth partly paid, one in
twenty already reminded from Fortnox, plus invoices paid late), makes the sandbox enforce
Fortnox's limit (25 requests per 5 s, a sliding window, 429 above it), and runs full review-mode
cycles (bridge.engine.cycle.run_tenant: fetch, decide, recheck and write every letter) through the
connector's own pacing. Reported next to each: the floor the limit implies, requests / 5 per
second, and how many 429s the sandbox answered (the pacing should leave none).

By default time is virtual: a limiter's sleep advances a clock shared with the sandbox instead
of blocking, and the clock also runs with real time, so "wall time" is what the run takes with
real sleeps (CPU included) without waiting for it. ``--real`` sleeps for real (use a smaller
company: 10,000 invoices take close to an hour).

    .venv/bin/python bench/fortnox_cycle.py [INVOICES] [CUSTOMERS] [--real]
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write
from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.infra import retry
from bridge.infra.logs import configure
from bridge.infra.ratelimit import RateLimitedTransport, SlidingWindowLimiter
from bridge.store import open_store
from bridge.vocab import registry
from bridge.vocab.connector import ConnectorDescriptor
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from connectors.fortnox import CONNECTOR
from connectors.fortnox.client import RATE_LIMITS, VENDOR_LIMIT
from connectors.fortnox.sandbox.server import FortnoxSandbox

TODAY = date(2026, 3, 16)
FLOOR_RATE = VENDOR_LIMIT.requests / VENDOR_LIMIT.seconds  # 5 requests per second


class Clock:
    """Real time plus every sleep taken: virtual sleeps cost nothing but count in full."""

    def __init__(self, *, real: bool) -> None:
        self.real = real
        self.started = time.monotonic()
        self.slept = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return time.monotonic() - self.started + (0.0 if self.real else self.slept)

    def sleep(self, seconds: float) -> None:
        if self.real:
            time.sleep(seconds)
            return
        with self._lock:
            self.slept += seconds

    def moment(self) -> datetime:
        return datetime(2026, 3, 16, 6, tzinfo=UTC) + timedelta(seconds=self.monotonic())


def company(invoices: int, customers: int, clock: Clock) -> FortnoxSandbox:
    """A Swedish company with ``invoices`` overdue invoices (and some paid late)."""
    sandbox = FortnoxSandbox(TODAY, rate_limit=(25, 5.0), clock=clock.moment)
    numbers = [
        sandbox.add_customer(
            f"Kund {n} AB" if n % 2 else f"Kund {n}",
            kind="COMPANY" if n % 2 else "PRIVATE",
            email=f"kund{n}@example.se",
            organisation_number=f"5566{n:06d}" if n % 2 else "",
        )
        for n in range(customers)
    ]
    for n in range(invoices):
        overdue_by = 3 + (n * 97) % 150
        due = TODAY - timedelta(days=overdue_by)
        number = sandbox.add_invoice(
            numbers[n % customers],
            Decimal(500 + (n * 37) % 20_000),
            issued=due - timedelta(days=30),
            due=due,
        )
        if n % 10 == 3:
            sandbox.pay(number, Decimal("100.00"), due + timedelta(days=2))
        if n % 20 == 7 and overdue_by > 20:
            sandbox.remind(number, due + timedelta(days=14))
    for n in range(invoices // 20):  # paid late: interest invoices
        due = TODAY - timedelta(days=90)
        number = sandbox.add_invoice(
            numbers[n % customers], Decimal(8_000), issued=due - timedelta(days=30), due=due
        )
        sandbox.pay(number, Decimal(8_000), TODAY - timedelta(days=10))
    return sandbox


def kinds(requests: list[tuple[str, str]]) -> Counter[str]:
    """Requests by what they were for."""
    counted: Counter[str] = Counter()
    for method, path in requests:
        if path.startswith("/oauth"):
            counted["token"] += 1
        elif method == "POST":
            counted["write (POST /3/invoices)"] += 1
        elif path.startswith("/3/invoices?") and "customernumber=" in path:
            counted["recheck (list per customer)"] += 1
        elif "?" in path:
            counted["list pages"] += 1
        elif path.startswith("/3/invoices/"):
            counted["full invoice reads"] += 1
        elif path.startswith("/3/customers/"):
            counted["full customer reads"] += 1
        else:
            counted[path] += 1
    return counted


def cycle(
    sandbox: FortnoxSandbox,
    transport: RateLimitedTransport,
    clock: Clock,
    folder: Path,
    day: date,
) -> tuple[TenantOutcome, dict[str, object]]:
    tenant = TenantSettings(
        system="fortnox", country="SE", mode=Mode.REVIEW, options={"reminder_fee_agreed": "all"}
    )
    sandbox.requests.clear()
    throttled = sandbox.throttled
    sandbox.today = day
    start = clock.monotonic()
    with open_store(folder / "state.sqlite3") as store:
        outcome = run_tenant(
            store,
            "bench",
            tenant,
            CycleOptions(
                today=day,
                now=datetime.combine(day, clock_time(7), tzinfo=UTC),
                transport=transport,
                secrets=StaticSecrets("bench", CONNECTOR.sandbox_secrets),
            ),
        )
    wall = clock.monotonic() - start
    requests = len(sandbox.requests)
    floor = requests / FLOOR_RATE
    numbers: dict[str, object] = {
        "status": outcome.status,
        "requests": requests,
        "by_kind": dict(kinds(sandbox.requests)),
        "letters_written": len(outcome.written),
        "wall_s": round(wall, 1),
        "floor_s": round(floor, 1),
        "wall_over_floor": round(wall / floor, 3) if floor else None,
        "429s": sandbox.throttled - throttled,
    }
    return outcome, numbers


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    real = "--real" in sys.argv
    invoices = int(args[0]) if args else 10_000
    customers = int(args[1]) if len(args) > 1 else 2_500
    configure("console", quiet=True)
    retry.set_waits(True)
    real_connector = registry.connector

    def connector(system: str) -> ConnectorDescriptor:
        return CONNECTOR if system == "fortnox" else real_connector(system)

    registry.connector = connector  # the installed metadata may predate this connector
    clock = Clock(real=real)
    built = time.perf_counter()
    sandbox = company(invoices, customers, clock)
    print(
        f"{invoices} overdue invoices, {customers} customers, built in "
        f"{time.perf_counter() - built:.1f} s; time is {'real' if real else 'virtual'}"
    )
    limiter = SlidingWindowLimiter(RATE_LIMITS, clock=clock.monotonic, sleep=clock.sleep)
    transport = RateLimitedTransport(sandbox.transport(), limiter)
    results: dict[str, object] = {
        "invoices": invoices,
        "customers": customers,
        "clock": "real" if real else "virtual",
        "limit": f"{VENDOR_LIMIT.requests} per {VENDOR_LIMIT.seconds:g} s",
        "pacing": f"{RATE_LIMITS[0].requests} per {RATE_LIMITS[0].seconds:g} s",
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cpu = time.process_time()
        _, cold = cycle(sandbox, transport, clock, folder, TODAY)
        results["cold_cycle"] = cold
        results["cold_cpu_s"] = round(time.process_time() - cpu, 1)
        sandbox.accept_drafts()  # the accountant books every draft
        cpu = time.process_time()
        _, warm = cycle(sandbox, transport, clock, folder, TODAY + timedelta(days=1))
        results["next_day_cycle"] = warm
        results["next_day_cpu_s"] = round(time.process_time() - cpu, 1)
    write("fortnox_cycle", results)


if __name__ == "__main__":
    main()
