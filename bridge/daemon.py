"""The daemon: APScheduler 3.x runs a cycle for every tenant on the configured cron schedule.

The job store is in memory and rebuilt from the settings at every start; the run ledger in our
own database is the source of truth. One daemon per database: the store's exclusive lock is
held for the process lifetime. SIGTERM/SIGINT stop the scheduler after the running cycle.
"""

from __future__ import annotations

import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from types import FrameType
from zoneinfo import ZoneInfo

import structlog
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from bridge import metrics
from bridge.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.errors import StoreLocked
from bridge.settings import Settings
from bridge.store import Store, open_store

log = structlog.get_logger("bridge.daemon")


def run_all(
    settings: Settings,
    store: Store,
    now: datetime | None = None,
    stop: threading.Event | None = None,
) -> list[TenantOutcome]:
    """Run one cycle for every enabled tenant; one tenant's failure never stops the others.

    When ``stop`` is set, tenants not yet started are left for the next cycle and running ones
    finish the letter they are writing.
    """
    moment = now or datetime.now(UTC)
    today = moment.astimezone(ZoneInfo(settings.timezone)).date()
    opts = CycleOptions(today=today, now=moment, stop=stop)
    names = [n for n, t in sorted(settings.tenants.items()) if t.enabled]

    def one(name: str) -> TenantOutcome | None:
        if opts.stopping:
            return None
        return run_tenant(store, name, settings.tenants[name], opts)

    # Tenants run in parallel (each is paced by its own vendor limit); the store serialises.
    with ThreadPoolExecutor(max_workers=settings.max_parallel_tenants) as pool:
        outcomes = [o for o in pool.map(one, names) if o is not None]
    for o in outcomes:
        log.info("cycle.done", tenant=o.tenant, **o.summary())
    if settings.metrics_textfile is not None:
        try:
            metrics.write_textfile(settings.metrics_textfile, metrics.registry_with(store, names))
        except OSError as exc:  # monitoring must never stop dunning
            log.warning(
                "metrics.textfile_failed", path=str(settings.metrics_textfile), error=str(exc)
            )
    return outcomes


def run_daemon(settings: Settings, *, now: bool = False) -> int:
    """Run until told to stop; return the process exit code.

    ``now`` runs a cycle at once, then on the schedule.
    """
    stopping = threading.Event()
    store = open_store(settings.database)
    server: metrics.MetricsServer | None = None
    try:
        with store.exclusive("daemon"):
            if settings.metrics_port is not None:
                server = metrics.serve(
                    settings.metrics_port, metrics.registry_with(store, sorted(settings.tenants))
                )
            scheduler = BlockingScheduler(timezone=ZoneInfo(settings.timezone))
            scheduler.add_job(
                run_all,
                CronTrigger.from_crontab(settings.schedule, timezone=ZoneInfo(settings.timezone)),
                args=(settings, store, None, stopping),
                id="cycle",
                replace_existing=True,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=3600,  # a daemon restarted within the hour still runs the cycle
            )
            if now:
                scheduler.add_job(run_all, args=(settings, store, None, stopping), id="now")

            def stop(signum: int, _frame: FrameType | None) -> None:
                log.info("daemon.stopping", signal=signal.Signals(signum).name)
                stopping.set()  # a running cycle finishes its current write, then returns
                scheduler.shutdown(wait=True)

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            log.info("daemon.started", schedule=settings.schedule, tenants=sorted(settings.tenants))
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
