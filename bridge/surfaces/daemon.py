"""The daemon: APScheduler 3.x runs a cycle for every tenant on the configured cron schedule.

The job store is in memory and rebuilt from the settings at every start; the run ledger in our
own database is the source of truth. SIGTERM/SIGINT stop the scheduler after the running cycle.

On a SQLite file, one daemon per database: the store's exclusive lock is held for the process
lifetime. On PostgreSQL several daemons share the database (and a shared hold keeps manual
cycles out while any runs); each has a holder id and leases a tenant before working it, so a
tenant is worked by one daemon at a time. A daemon that finds a tenant leased by another comes
back to it after the others: when the other finished it this round it is left alone, and when
the other died (its lease ran out) it is taken over; the outbox's read-back at the start of
that cycle settles whatever the dead daemon left half-written.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from types import FrameType
from zoneinfo import ZoneInfo

import structlog
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.engine.cycle_retry import next_budget_run, next_retry
from bridge.engine.lawwatch import countries_in_use
from bridge.infra import interrupt, metrics
from bridge.store import Store, open_store
from bridge.surfaces.startcheck import global_problems, tenant_problems
from bridge.vocab import registry
from bridge.vocab.errors import BridgeError, StoreError, StoreLocked
from bridge.vocab.settings import Settings

log = structlog.get_logger("bridge.surfaces.daemon")

# How long a lease lasts unless renewed: how soon a dead daemon's tenants are taken over. The
# holder renews at a third of it, so a renewal may fail twice before the lease runs out.
LEASE_TTL = timedelta(minutes=5)
# A run started this long before its fire time still belongs to it (APScheduler's grace).
MISFIRE_GRACE = timedelta(hours=1)


@cache
def default_holder() -> str:
    """This process's lease holder id: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Leasing:
    """How run_all shares tenants with other daemons on the same (PostgreSQL) database."""

    holder: str = field(default_factory=default_holder)
    ttl: timedelta = LEASE_TTL
    # How often tenants leased by another daemon are looked at again.
    poll_seconds: float = 5.0

    @property
    def renew_every(self) -> float:
        """Seconds between renewals."""
        return self.ttl.total_seconds() / 3


class _TenantStop(threading.Event):
    """One tenant's stop signal: set when its lease is lost, or when the daemon stops."""

    def __init__(self, parent: threading.Event | None) -> None:
        super().__init__()
        self._parent = parent

    def is_set(self) -> bool:
        return super().is_set() or (self._parent is not None and self._parent.is_set())


class _Renewer:
    """Renews the leases of the tenants being worked until stopped (a background thread)."""

    def __init__(self, store: Store, leasing: Leasing) -> None:
        self._store = store
        self._leasing = leasing
        self._held: dict[str, _TenantStop] = {}
        self._guard = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-renewer", daemon=True)

    def __enter__(self) -> _Renewer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()

    def hold(self, tenant: str, stop: _TenantStop) -> None:
        with self._guard:
            self._held[tenant] = stop

    def drop(self, tenant: str) -> None:
        with self._guard:
            self._held.pop(tenant, None)

    def _run(self) -> None:
        while not self._done.wait(self._leasing.renew_every):
            with self._guard:
                held = list(self._held.items())
            for tenant, stop in held:
                try:
                    kept = self._store.renew_lease(
                        tenant, self._leasing.holder, ttl=self._leasing.ttl
                    )
                except StoreError as exc:  # the next renewal may succeed before it runs out
                    log.warning("lease.renew_failed", tenant=tenant, error=str(exc))
                    continue
                if not kept:
                    # Another daemon took the tenant over: finish the letter in hand and stop.
                    log.error("lease.lost", tenant=tenant, holder=self._leasing.holder)
                    stop.set()
                    self.drop(tenant)


def round_start(settings: Settings, moment: datetime) -> datetime:
    """When this round began: the schedule's last fire time within the misfire grace, else now.

    A tenant whose run started since then was worked this round (by this daemon or another).
    """
    trigger = CronTrigger.from_crontab(settings.schedule, timezone=ZoneInfo(settings.timezone))
    latest: datetime | None = None
    fire = trigger.get_next_fire_time(None, moment - MISFIRE_GRACE)
    while fire is not None and fire <= moment:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest.astimezone(UTC) if latest is not None else moment


def _worked_since(store: Store, name: str, since: datetime) -> bool:
    """Tell whether the tenant's newest run started this round and finished."""
    newest = store.runs(name, limit=1)
    return bool(newest) and newest[0].finished_at is not None and newest[0].started_at >= since


def run_all(
    settings: Settings,
    store: Store,
    now: datetime | None = None,
    stop: threading.Event | None = None,
    *,
    leasing: Leasing | None = None,
    only: Sequence[str] | None = None,
    since: datetime | None = None,
) -> list[TenantOutcome]:
    """Run one cycle for every enabled tenant; one tenant's failure never stops the others.

    When ``stop`` is set, tenants not yet started are left for the next cycle and running ones
    finish the letter they are writing. On a database several daemons share (PostgreSQL) each
    tenant is leased first (``leasing``, by default this process's holder id), see the module
    docstring. ``only`` limits the cycle to those tenants (a retry); ``since`` is when the
    round began for the leasing (a tenant another daemon ran since then is left alone).
    """
    # The stop event also cuts short every vendor request and wait (bridge/infra/interrupt.py): a
    # vendor that trickles its answer cannot hold a stopping daemon.
    with interrupt.stop_on(stop):
        return _run_all(settings, store, now, stop, leasing=leasing, only=only, since=since)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Working:
    """The tenants a daemon is working now: a retry never runs beside the same tenant.

    ``clock`` is the daemon's "now" for its jobs (a test's fixed moment).
    """

    def __init__(self, clock: Callable[[], datetime] = _utc_now) -> None:
        self.clock = clock
        self._names: set[str] = set()
        self._guard = threading.Lock()

    def claim(self, names: Iterable[str]) -> list[str]:
        with self._guard:
            free = [n for n in names if n not in self._names]
            self._names.update(free)
            return free

    def release(self, names: Iterable[str]) -> None:
        with self._guard:
            self._names.difference_update(names)


def _run_all(
    settings: Settings,
    store: Store,
    now: datetime | None,
    stop: threading.Event | None,
    *,
    leasing: Leasing | None,
    only: Sequence[str] | None = None,
    since: datetime | None = None,
) -> list[TenantOutcome]:
    moment = now or datetime.now(UTC)
    today = moment.astimezone(ZoneInfo(settings.timezone)).date()
    opts = CycleOptions(today=today, now=moment, stop=stop)
    names = [n for n, t in sorted(settings.tenants.items()) if t.enabled]
    wanted = [n for n in names if only is None or n in only]
    outcomes = _run_tenants(settings, store, opts, wanted, leasing=leasing, since=since)
    if settings.metrics_textfile is not None:
        try:
            metrics.write_textfile(
                settings.metrics_textfile,
                metrics.registry_with(store, names, countries_in_use(settings)),
            )
        except OSError as exc:  # monitoring must never stop dunning
            log.warning(
                "metrics.textfile_failed", path=str(settings.metrics_textfile), error=str(exc)
            )
    return outcomes


def _run_tenants(
    settings: Settings,
    store: Store,
    opts: CycleOptions,
    names: Sequence[str],
    *,
    leasing: Leasing | None,
    since: datetime | None,
) -> list[TenantOutcome]:
    ordered = longest_first(settings, store, names)
    if store.shared:
        outcomes = _run_leased(settings, store, opts, ordered, leasing or Leasing(), since=since)
    else:

        def one(name: str) -> TenantOutcome | None:
            if opts.stopping:
                return None
            return run_tenant(store, name, settings.tenants[name], opts)

        # Tenants run in parallel (each is paced by its own vendor limit); the store serialises.
        with ThreadPoolExecutor(max_workers=settings.max_parallel_tenants) as pool:
            outcomes = [o for o in pool.map(one, ordered) if o is not None]
    outcomes.sort(key=lambda o: o.tenant)
    for o in outcomes:
        log.info("cycle.done", tenant=o.tenant, **o.summary())
    return outcomes


NEW_TENANT_REQUESTS = 1_000  # a tenant's first cycle, for the order below only


def longest_first(settings: Settings, store: Store, names: Sequence[str]) -> list[str]:
    """Order tenants by the vendor time their cycle is expected to take, longest first.

    With more tenants than threads, the round lasts at least as long as the last tenant to
    start plus its own cycle: starting the slow ones first (a large Dinero ledger at 100
    requests a minute) keeps the round near the slowest tenant's floor. The estimate is the
    least time the last cycle's requests take under the connector's limits; a tenant never run
    counts as ``NEW_TENANT_REQUESTS``, so on a first round the strictest vendors go first.
    """

    def expected(name: str) -> float:
        tenant = settings.tenants[name]
        try:
            limits = registry.connector(tenant.system).rate_limits
        except BridgeError:
            return 0.0  # the cycle will say what is wrong with it, quickly
        last = next((r for r in store.runs(name, limit=5) if not r.dry_run), None)
        requests = (last.summary.get("requests") if last else None) or NEW_TENANT_REQUESTS
        # Each full window of a sliding-window limit is time the cycle must wait.
        return max(
            ((math.ceil(int(requests) / lim.requests) - 1) * lim.seconds for lim in limits),
            default=0.0,
        )

    return sorted(names, key=lambda name: -expected(name))


_ELSEWHERE = "elsewhere"  # leased by another daemon: look again later


def _run_leased(
    settings: Settings,
    store: Store,
    opts: CycleOptions,
    names: Iterable[str],
    leasing: Leasing,
    *,
    since: datetime | None = None,
) -> list[TenantOutcome]:
    """Work every tenant no other daemon works, then wait for (or take over) the rest."""
    since = since or round_start(settings, opts.now)
    bound = log.bind(holder=leasing.holder)

    def one(renewer: _Renewer) -> Callable[[str], TenantOutcome | str | None]:
        def work(name: str) -> TenantOutcome | str | None:
            if opts.stopping:
                return None
            lease = store.acquire_lease(name, leasing.holder, ttl=leasing.ttl)
            if lease is None:
                return _ELSEWHERE
            tenant_stop = _TenantStop(opts.stop)
            renewer.hold(name, tenant_stop)
            try:
                if _worked_since(store, name, since):
                    return None  # another daemon did it this round, before we got here
                bound.info("lease.acquired", tenant=name, expires=lease.expires_at.isoformat())
                return run_tenant(
                    store, name, settings.tenants[name], replace(opts, stop=tenant_stop)
                )
            finally:
                renewer.drop(name)
                try:
                    store.release_lease(name, leasing.holder)
                except StoreError as exc:  # it runs out by itself
                    bound.warning("lease.release_failed", tenant=name, error=str(exc))

        return work

    outcomes: list[TenantOutcome] = []
    todo = list(names)
    with (
        _Renewer(store, leasing) as renewer,
        ThreadPoolExecutor(max_workers=settings.max_parallel_tenants) as pool,
    ):
        work = one(renewer)
        while todo:
            results = list(zip(todo, pool.map(work, todo), strict=True))
            outcomes.extend(r for _, r in results if isinstance(r, TenantOutcome))
            todo = [name for name, r in results if r == _ELSEWHERE]
            if todo:
                bound.info("lease.waiting", tenants=todo)
                waiter = opts.stop or threading.Event()
                if waiter.wait(leasing.poll_seconds):
                    break  # stopping: the others are left for the next round
    return outcomes


def build_scheduler(
    settings: Settings,
    store: Store,
    stopping: threading.Event,
    *,
    now: bool = False,
    clock: Callable[[], datetime] = _utc_now,
) -> BlockingScheduler:
    """The daemon's scheduler with its jobs, not started.

    ``cycle`` runs every tenant on ``schedule``; ``now`` adds one run at once; ``law-update``
    reads the official reference rates on ``law_update_schedule`` when that is set.
    """
    zone = ZoneInfo(settings.timezone)
    scheduler = BlockingScheduler(timezone=zone)
    working = Working(clock)
    scheduler.add_job(
        scheduled_cycle,
        CronTrigger.from_crontab(settings.schedule, timezone=zone),
        args=(settings, store, stopping, scheduler, working),
        id="cycle",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,  # a daemon restarted within the hour still runs the cycle
    )
    if now:
        scheduler.add_job(
            scheduled_cycle, args=(settings, store, stopping, scheduler, working), id="now"
        )
    else:
        # A daemon restarted after a failed cycle still retries it (the ledger says when).
        schedule_retries(
            settings, store, scheduler, stopping, working, names=sorted(settings.tenants)
        )
    if settings.law_update_schedule is not None:
        scheduler.add_job(
            update_law_rates,
            CronTrigger.from_crontab(settings.law_update_schedule, timezone=zone),
            args=(settings,),
            id="law-update",
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )
    return scheduler


def scheduled_cycle(
    settings: Settings,
    store: Store,
    stopping: threading.Event,
    scheduler: BaseScheduler,
    working: Working,
    *,
    only: Sequence[str] | None = None,
    since: datetime | None = None,
) -> list[TenantOutcome]:
    """A cycle of the daemon (scheduled, ``--now`` or a retry); then the failed ones' retries.

    A tenant the daemon is already working (a late retry meeting the scheduled cycle) is left
    to the cycle working it.
    """
    wanted = [n for n, t in sorted(settings.tenants.items()) if t.enabled]
    if only is not None:
        wanted = [n for n in wanted if n in only]
    claimed = working.claim(wanted)
    for name in sorted(set(wanted) - set(claimed)):
        log.info("cycle.already_running", tenant=name)
    if not claimed:
        return []
    try:
        outcomes = run_all(settings, store, working.clock(), stopping, only=claimed, since=since)
    finally:
        working.release(claimed)
    if not stopping.is_set():
        again = [o.tenant for o in outcomes if o.status == "error" or o.budget_waits]
        schedule_retries(settings, store, scheduler, stopping, working, names=again)
    return outcomes


def schedule_retries(
    settings: Settings,
    store: Store,
    scheduler: BaseScheduler,
    stopping: threading.Event,
    working: Working,
    *,
    names: Iterable[str],
) -> dict[str, datetime]:
    """Add a retry job (``retry:<tenant>``) for each tenant whose failed cycle is retried, or
    whose letters wait for the vendor's daily budget to free.

    When is read from the ledger (bridge/engine/cycle_retry.py); a retry already late runs at once.
    Returns the tenants retried and when.
    """
    moment = working.clock()
    planned: dict[str, datetime] = {}
    for name in names:
        tenant = settings.tenants.get(name)
        if tenant is None or not tenant.enabled:
            continue
        runs = store.runs(name, limit=50)
        due = next_retry(settings, runs) or next_budget_run(
            settings, runs, store.budget_frees_at(name, moment)
        )
        if due is None:
            continue
        scheduler.add_job(
            scheduled_cycle,
            DateTrigger(run_date=max(due, moment)),
            args=(settings, store, stopping, scheduler, working),
            kwargs={"only": [name], "since": due},
            id=f"retry:{name}",
            replace_existing=True,
            misfire_grace_time=3600,
        )
        planned[name] = due
        log.info("cycle.retry_scheduled", tenant=name, at=due.isoformat())
    return planned


def update_law_rates(settings: Settings, today: date | None = None) -> None:
    """The scheduled ``law rates update`` for the enabled tenants' countries; never raises.

    A failure (a publisher down, a refused value) is logged and left for the next run or the
    operator; the cycles go on with the rows in force.
    """
    if settings.law_data is None:
        return
    countries = sorted({t.country for t in settings.tenants.values() if t.enabled})
    day = today or datetime.now(ZoneInfo(settings.timezone)).date()
    try:
        from bridge.surfaces.lawupdate import run_law_update  # noqa: PLC0415

        outcomes = run_law_update(settings.law_data, countries, today=day)
    except Exception as exc:  # the update must never stop the daemon or its cycles
        log.error("law.update_failed", error=f"{type(exc).__name__}: {exc}")
        return
    log.info(
        "law.update_done",
        countries=countries,
        written=sum(o.written for o in outcomes),
        problems=sum(o.problem for o in outcomes),
    )


def run_daemon(settings: Settings, *, now: bool = False) -> int:
    """Run until told to stop; return the process exit code.

    ``now`` runs a cycle at once, then on the schedule.
    """
    runnable = settings_to_run(settings)
    if runnable is None:
        return 2
    settings = runnable
    stopping = threading.Event()
    store = open_store(settings.database)
    server: metrics.MetricsServer | None = None
    try:
        # Shared: on PostgreSQL other daemons may hold it too (they lease tenants); a file
        # database is always held alone.
        with store.exclusive("daemon", shared=True):
            if settings.metrics_port is not None:
                server = metrics.serve(
                    settings.metrics_port,
                    metrics.registry_with(
                        store, sorted(settings.tenants), countries_in_use(settings)
                    ),
                )
            scheduler = build_scheduler(settings, store, stopping, now=now)

            def stop(signum: int, _frame: FrameType | None) -> None:
                log.info("daemon.stopping", signal=signal.Signals(signum).name)
                stopping.set()  # a running cycle finishes its current write, then returns
                scheduler.shutdown(wait=True)

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            log.info(
                "daemon.started",
                schedule=settings.schedule,
                law_update_schedule=settings.law_update_schedule,
                retry_failed=settings.retry_failed or "off",
                tenants=sorted(settings.tenants),
                database=store.backend,
                holder=default_holder() if store.shared else None,
            )
            scheduler.start()
            log.info("daemon.stopped")
    except StoreLocked as exc:
        log.error("daemon.locked", error=str(exc))
        return 2
    except OSError as exc:  # the metrics port is taken or not ours to bind
        log.error("daemon.metrics_unavailable", port=settings.metrics_port, error=str(exc))
        return 2
    finally:
        if server is not None:
            server.stop()
        store.close()
    return 0


def settings_to_run(settings: Settings) -> Settings | None:
    """The settings the daemon runs on, or None when it must not start; problems logged.

    Said now, each with its file and key, rather than in every cycle. A problem of the
    daemon's own (its schedules) stops it; a tenant's (its policy file) turns that tenant off
    and the others run, unless no tenant is left to run.
    """
    problems = global_problems(settings)
    per_tenant = tenant_problems(settings)
    enabled = {n for n, t in settings.tenants.items() if t.enabled}
    if problems or (per_tenant and enabled <= set(per_tenant)):
        problems += [f"tenant {n}: {p}" for n, found in per_tenant.items() for p in found]
        for problem in problems:
            log.error("daemon.config_invalid", problem=problem)
        return None
    return skip_tenants(settings, per_tenant)


def skip_tenants(settings: Settings, problems: dict[str, list[str]]) -> Settings:
    """The settings with the tenants that have problems turned off, each problem logged."""
    if not problems:
        return settings
    for name, found in sorted(problems.items()):
        for problem in found:
            log.error("daemon.tenant_skipped", tenant=name, problem=problem)
    tenants = {
        name: t.model_copy(update={"enabled": False}) if name in problems else t
        for name, t in settings.tenants.items()
    }
    return settings.model_copy(update={"tenants": tenants})
