"""Same-day retries of a failed cycle (``BRIDGE_RETRY_FAILED``), read from the run ledger.

A cycle that fails for a tenant (the vendor is down, a timeout) used to wait for the next
scheduled day. Now the daemon tries that tenant again after each delay of the setting
(default ``15m,1h,3h``): the first retry 15 minutes after the failed cycle started, the second
an hour after the first retry started, and so on; only the failed tenants, and only on the
same day (in ``timezone``) and before the next scheduled cycle, which takes over from there.

Letters a cycle left waiting for the vendor's daily request budget (bridge/infra/budget.py)
are written the same way: the tenant is run again a minute after the oldest request still in
the vendor's 24-hour window leaves it, unless the scheduled cycle comes first.

When the next retry is due is worked out from the run ledger alone (the tenant's newest real
runs), so ``status`` shows it from another process and a daemon restarted after a failure
still retries. A failed authentication and a configuration error are not retried: a revoked
token or a bad option does not mend itself (``dunning-bridge cycle -t NAME`` runs the tenant
at once when fixed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bridge.store.runs import RunRow
    from bridge.vocab.settings import Settings

from bridge.vocab.schedules import parse_delays

DEFAULT_RETRY_FAILED = "15m,1h,3h"
# After the vendor's window frees, a little more, so the clocks of vendor and daemon may differ.
BUDGET_MARGIN = timedelta(minutes=1)
# Failures that do not pass by themselves: a refused login, a configuration problem.
_NOT_RETRIED = ("authentication failed", "ConfigError:")


def _is_retried(run: RunRow) -> bool:
    return run.status == "error" and not (run.error or "").startswith(_NOT_RETRIED)


def next_retry(settings: Settings, runs: Sequence[RunRow]) -> datetime | None:
    """When the tenant's failed cycle is tried again, or None (not failed, or no retry left).

    ``runs`` are the tenant's newest runs, newest first (as ``Store.runs`` returns them).
    """
    real = [r for r in runs if not r.dry_run]
    if not real or real[0].finished_at is None or not _is_retried(real[0]):
        return None
    delays = parse_delays(settings.retry_failed)
    zone = ZoneInfo(settings.timezone)
    newest = real[0]
    day = newest.started_at.astimezone(zone).date()
    failures = 0
    for run in real:
        if run.status != "error" or run.started_at.astimezone(zone).date() != day:
            break
        failures += 1
    if failures > len(delays):
        return None
    due = newest.started_at + delays[failures - 1]
    if due.astimezone(zone).date() != day:
        return None  # tomorrow belongs to the schedule
    if _scheduled_before(settings, newest.started_at, due):
        return None  # the scheduled cycle comes first and runs every tenant
    return due


def next_budget_run(
    settings: Settings, runs: Sequence[RunRow], frees_at: datetime | None
) -> datetime | None:
    """When the letters the vendor's daily budget left waiting are written, or None.

    ``frees_at`` is when the oldest request still inside the vendor's 24-hour window leaves
    it (``Store.budget_frees_at``): a minute after that the tenant is run again, unless the
    next scheduled cycle comes first (it writes them, or waits in turn and asks again).
    """
    real = [r for r in runs if not r.dry_run]
    if not real or frees_at is None or real[0].status == "error":
        return None
    newest = real[0]
    if not newest.summary.get("budget_waits"):
        return None
    due = max(frees_at, newest.started_at) + BUDGET_MARGIN
    if _scheduled_before(settings, newest.started_at, due):
        return None
    return due


def _scheduled_before(settings: Settings, after: datetime, due: datetime) -> bool:
    """Tell whether the schedule fires after ``after`` and no later than ``due``."""
    from apscheduler.triggers.cron import CronTrigger  # noqa: PLC0415

    trigger = CronTrigger.from_crontab(settings.schedule, timezone=ZoneInfo(settings.timezone))
    upcoming: datetime | None = trigger.get_next_fire_time(None, after)
    if upcoming is not None and upcoming <= after:
        upcoming = trigger.get_next_fire_time(upcoming, upcoming + timedelta(seconds=1))
    return upcoming is not None and due >= upcoming
