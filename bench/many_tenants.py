"""Benchmark 5: many tenants in one daemon, each paced by its own vendor limit.

Not a test: prints numbers and writes bench/results/many_tenants.json. TENANTS sandbox tenants
(the four systems in turn) of INVOICES open invoices each (bench/companies.py) get one cycle
through bridge.surfaces.daemon.run_all, with at most PARALLEL tenants at once
(settings.max_parallel_tenants). Each tenant's requests pass through its own limiter holding
the connector's own pacing (the limits it keeps against the real vendor), so tenants wait on
their own limits only.

Time is scaled: the limiters' clock runs SCALE times faster than the wall clock, so a cycle
that needs an hour at Dinero's 100 requests per minute passes in 3 minutes at the default 20.
Reported next to the total wall time: the slowest single tenant's floor (its requests at its
limit, scaled) and the sum of all floors divided by PARALLEL (what bounded concurrency allows
at best), and the CPU time, which the GIL serialises.

    .venv/bin/python bench/many_tenants.py [TENANTS] [INVOICES] [--parallel N] [--scale K]
    .venv/bin/python bench/many_tenants.py --full     # 200 x 2,000, 64 at once, time x2
"""

from __future__ import annotations

import collections
import dataclasses
import math
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.common import write
from bench.companies import SYSTEMS, TODAY, company, descriptor, tenant
from bridge.infra import retry
from bridge.infra.logs import configure
from bridge.infra.ratelimit import RateLimitedTransport, SlidingWindowLimiter
from bridge.store import open_store
from bridge.surfaces import daemon
from bridge.surfaces.daemon import run_all
from bridge.vocab import registry
from bridge.vocab.connector import ConnectorDescriptor, RateLimit
from bridge.vocab.settings import Settings

DEFAULT = (24, 500)
WALL_TARGET = 1.05  # the round's wall time over the slowest tenant's floor
CPU_TARGET = 0.1  # a cycle's CPU over that floor at the vendors' real limits
CYCLE = "run_tenant"  # the daemon's name for one tenant's cycle, measured per tenant
FULL = (200, 2_000)


class ScaledClock:
    """Vendor time running ``scale`` times faster than the wall clock."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.started = time.monotonic()

    def monotonic(self) -> float:
        return (time.monotonic() - self.started) * self.scale

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds / self.scale)


class EmulatorClock(httpx.BaseTransport):
    """Counts the CPU the in-process vendor emulator spends answering (not the daemon's own)."""

    # Per thread, so counting takes no lock that 64 tenants' threads would queue on.
    by_thread: ClassVar[dict[int, float]] = collections.defaultdict(float)

    @classmethod
    def seconds(cls) -> float:
        return sum(cls.by_thread.values())

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.thread_time()
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        finally:
            EmulatorClock.by_thread[threading.get_ident()] += time.thread_time() - started


class PacedSandbox:
    """A prebuilt in-memory sandbox behind the tenant's own limiter; saving is not needed."""

    def __init__(self, inner: Any, limiter: SlidingWindowLimiter) -> None:
        self.inner = inner
        self.limiter = limiter
        self.sent = 0

    def transport(self) -> httpx.BaseTransport:
        return RateLimitedTransport(EmulatorClock(self.inner.transport()), self.limiter)

    def save(self, path: Path) -> None:
        """Keep the state in memory: a benchmark does not need it on disk."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class CycleClock:
    """The daemon's own CPU in each tenant's cycle: its thread's CPU less the emulator's."""

    def __init__(self) -> None:
        self.by_tenant: dict[str, float] = {}

    def wrap(self, run_tenant: Callable[..., Any]) -> Callable[..., Any]:
        def measured(store: Any, name: str, *args: Any, **kwargs: Any) -> Any:
            thread = threading.get_ident()
            cpu, emulated = time.thread_time(), EmulatorClock.by_thread[thread]
            try:
                return run_tenant(store, name, *args, **kwargs)
            finally:
                spent = time.thread_time() - cpu
                self.by_tenant[name] = spent - (EmulatorClock.by_thread[thread] - emulated)

        return measured


def pacing(system: str) -> tuple[RateLimit, ...]:
    """The limits the connector paces itself by against the real vendor."""
    limits: tuple[RateLimit, ...] = import_module(f"connectors.{system}.client").RATE_LIMITS
    return limits


def floor_s(requests: int, limits: Sequence[RateLimit]) -> float:
    """The least vendor time ``requests`` take under sliding-window ``limits``."""
    return max(
        (max(0, math.ceil(requests / lim.requests) - 1) * lim.seconds for lim in limits),
        default=0.0,
    )


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Build the tenants, run one daemon round, print and save the numbers."""
    args = sys.argv[1:] if argv is None else argv
    opts = {a: args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--parallel", "--scale")}
    # Positional numbers only: an option's value ("--scale 5") is not a size.
    values = {i + 1 for i, a in enumerate(args) if a in opts}
    numbers = [a for i, a in enumerate(args) if a.isdigit() and i not in values]
    full = "--full" in args
    tenants, invoices = FULL if full else DEFAULT
    if numbers:
        tenants = int(numbers[0])
        invoices = int(numbers[1]) if len(numbers) > 1 else invoices
    # The full size runs as a real installation would (64 tenants at once) with vendor time
    # only 2x faster: at 20x one process's CPU, not the vendors' limits, would set the pace.
    parallel = int(opts.get("--parallel", "64" if full else "32"))
    scale = float(opts.get("--scale", "2" if full else "20"))
    configure("console", quiet=True)
    retry.set_waits(False)

    clock = ScaledClock(scale)
    # The vendors' wall clock: a day behind while the companies are seeded, so what they hold
    # was last changed before the round (as for a daemon that runs every morning), then true.
    # Seeded at the true time, every invoice would sit in the change feeds' clock-skew window
    # and each re-check before a write would read it again.
    behind = [timedelta(days=1)]

    def vendor_now() -> datetime:
        return datetime.now(UTC) - behind[0]

    built = time.perf_counter()
    paced: dict[str, PacedSandbox] = {}
    systems: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tenant_settings = {}
        for n in range(tenants):
            system = SYSTEMS[n % len(SYSTEMS)]
            name = f"t{n:03d}-{system}"
            state = folder / f"{name}.json"
            state.touch()  # the factory is handed the path; the sandbox lives in memory
            limiter = SlidingWindowLimiter(pacing(system), clock=clock.monotonic, sleep=clock.sleep)
            seeded = company(system, invoices, clock=vendor_now)
            paced[str(state)] = PacedSandbox(seeded, limiter)
            systems[name] = system
            tenant_settings[name] = tenant(system, sandbox_state=state)
        behind[0] = timedelta(0)
        built_s = time.perf_counter() - built
        print(f"{tenants} tenants x {invoices} invoices built in {built_s:.1f} s")

        real_connector = registry.connector

        def factory(path: Path | None, _today: Any) -> Any:
            return paced[str(path)]

        def connector(system: str) -> ConnectorDescriptor:
            if system in SYSTEMS:
                return dataclasses.replace(descriptor(system), sandbox=factory)
            return real_connector(system)

        registry.connector = connector
        cycles = CycleClock()
        real_run_tenant = getattr(daemon, CYCLE)
        setattr(daemon, CYCLE, cycles.wrap(real_run_tenant))
        settings = Settings(
            database=folder / "state.sqlite3",
            max_parallel_tenants=parallel,
            tenants=tenant_settings,
            timezone="UTC",
        )
        started_cpu, started = time.process_time(), time.perf_counter()
        with open_store(settings.database) as store:
            outcomes = run_all(
                settings, store, now=datetime.combine(TODAY["economic"], datetime.min.time(), UTC)
            )
        wall = time.perf_counter() - started
        cpu = time.process_time() - started_cpu
        registry.connector = real_connector
        setattr(daemon, CYCLE, real_run_tenant)

    floors = {o.tenant: floor_s(o.requests, pacing(systems[o.tenant])) / scale for o in outcomes}
    slowest = max(floors, key=lambda k: floors[k])
    by_system: dict[str, dict[str, float]] = {}
    for o in outcomes:
        row = by_system.setdefault(systems[o.tenant], {"tenants": 0, "requests": 0})
        row["tenants"] += 1
        row["requests"] += o.requests
    # A partial cycle has no error of its own: its reasons are among what it skipped.
    failed = {
        o.tenant: o.error or f"{o.status}: " + "; ".join(sorted({r for _, r in o.skipped})[:3])
        for o in outcomes
        if o.status != "ok"
    }
    daemon_cpu = cpu - EmulatorClock.seconds()
    # The targets (issue 21): the round within 1.05x of the slowest tenant's floor, and the
    # daemon's CPU at most a tenth of that floor at the vendors' real limits (unscaled).
    real_floor = floors[slowest] * scale
    ratio = wall / floors[slowest] if floors[slowest] else None
    dearest = max(cycles.by_tenant, key=lambda k: cycles.by_tenant[k])
    cycle_cpu = cycles.by_tenant[dearest]
    data: dict[str, object] = {
        "tenants": tenants,
        "invoices_per_tenant": invoices,
        "max_parallel_tenants": parallel,
        "time_scale": scale,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        # What the daemon itself would spend against the real vendors: the rest is the
        # in-process emulators answering (the GIL serialises both).
        "emulator_cpu_s": round(EmulatorClock.seconds(), 1),
        "daemon_cpu_s": round(daemon_cpu, 1),
        "slowest_tenant": slowest,
        "slowest_floor_s": round(floors[slowest], 1),
        "slowest_floor_real_s": round(real_floor, 1),
        "floors_sum_over_parallel_s": round(sum(floors.values()) / parallel, 1),
        "wall_over_slowest_floor": round(ratio, 3) if ratio is not None else None,
        # A cycle is one tenant's (bridge/engine/cycle.py); the round is all of them.
        "dearest_cycle": dearest,
        "dearest_cycle_cpu_s": round(cycle_cpu, 2),
        "mean_cycle_cpu_s": round(sum(cycles.by_tenant.values()) / len(cycles.by_tenant), 2),
        "cycle_cpu_over_real_floor": round(cycle_cpu / real_floor, 4) if real_floor else None,
        "round_cpu_over_real_floor": round(daemon_cpu / real_floor, 3) if real_floor else None,
        "within_targets": ratio is not None
        and ratio <= WALL_TARGET
        and cycle_cpu <= CPU_TARGET * real_floor
        and not failed,
        "letters_written": sum(len(o.written) for o in outcomes),
        "requests": sum(o.requests for o in outcomes),
        "by_system": by_system,
        "not_ok": failed,
        "note": f"vendor time runs {scale:g}x faster than the wall clock; floors are scaled",
    }
    write("many_tenants", data)
    return data


if __name__ == "__main__":
    main()
