"""How each tenant is doing: `status` for people, `health` for systemd and monitoring.

Both read only the run ledger and the outbox (never a vendor), so they answer at once and work
while the daemon runs. Dry runs (plan, report, explain) are not cycles: they are left out of
"last cycle" and of the health verdict.

``health`` exits 0 when every enabled tenant's last real cycle ended ok (or partial: a write
whose outcome is read back next cycle) and ran for the schedule's latest due slot; 1 otherwise;
2 for bad settings. ``--max-age`` replaces the schedule check by a plain age limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich import box
from rich.table import Table
from rich.text import Text

from bridge.engine.cycle_retry import next_budget_run, next_retry
from bridge.store import Store, open_store
from bridge.store.leases import Lease
from bridge.store.runs import RunRow
from bridge.surfaces import present
from bridge.vocab.settings import Settings

console = present.console()

OK_STATUSES = frozenset({"ok", "partial"})
# A cycle counts for its slot when it started at most this long before the slot (clock skew).
_EARLY = timedelta(minutes=5)
# Slots are due only after this grace: the daemon tolerates misfires within the hour too.
GRACE = timedelta(hours=1)
# How many runs back we look for the last real cycle among dry runs.
_LOOKBACK = 200
# How far back a schedule's latest slot is searched (a yearly cron still has one).
_SEARCH_LIMIT = timedelta(days=400)


# ---------------------------------------------------------------------------------------------
# The schedule


def _trigger(settings: Settings) -> Any:
    from apscheduler.triggers.cron import CronTrigger  # noqa: PLC0415

    return CronTrigger.from_crontab(settings.schedule, timezone=ZoneInfo(settings.timezone))


def next_run(settings: Settings, now: datetime) -> datetime | None:
    """When the daemon's schedule fires next after ``now``."""
    fire: datetime | None = _trigger(settings).get_next_fire_time(None, now)
    return fire


def fire_times(settings: Settings, start: datetime, end: datetime) -> Iterator[datetime]:
    """Every time the schedule fires in ``start`` .. ``end`` (end excluded), in order."""
    trigger = _trigger(settings)
    previous: datetime | None = None
    fire: datetime | None = trigger.get_next_fire_time(None, start)
    while fire is not None and fire < end:
        yield fire
        previous = fire
        fire = trigger.get_next_fire_time(previous, fire + timedelta(microseconds=1))


def last_due(settings: Settings, now: datetime, grace: timedelta = GRACE) -> datetime | None:
    """The latest slot at or before ``now - grace``: a healthy daemon has run for it."""
    limit = now - grace
    window = timedelta(hours=1)
    while window <= _SEARCH_LIMIT * 2:
        found: datetime | None = None
        for fire in fire_times(settings, limit - window, limit + timedelta(microseconds=1)):
            found = fire
        if found is not None:
            return found
        window *= 2
    return None


# ---------------------------------------------------------------------------------------------
# One tenant's state


@dataclass(frozen=True, slots=True)
class TenantState:
    """What the ledger and outbox say about one tenant."""

    tenant: str
    system: str
    country: str
    mode: str
    enabled: bool
    last: RunRow | None  # the last real (not dry-run) cycle
    last_success: RunRow | None
    last_dry_run: RunRow | None
    recent_failures: int  # failed real cycles among the last ten
    pending_reviews: int
    unresolved_writes: int
    # Writes the accountant must settle (`dunning-bridge confirm`): letters and e-mails.
    unconfirmed: int = 0
    # The daemon working the tenant right now (several daemons share a PostgreSQL database).
    lease: Lease | None = None
    # When the daemon tries a failed cycle again today (BRIDGE_RETRY_FAILED), if it does.
    next_retry: datetime | None = None
    # When the letters left for the vendor's daily budget are written, if the daemon runs again.
    next_budget_run: datetime | None = None


def tenant_state(
    store: Store,
    settings: Settings,
    name: str,
    leases: Mapping[str, Lease] | None = None,
    now: datetime | None = None,
) -> TenantState:
    """Read one tenant's state from the store (``leases``: the live ones, by tenant)."""
    t = settings.tenants[name]
    runs = store.runs(name, limit=_LOOKBACK)
    retry = next_retry(settings, runs) if t.enabled else None
    if retry is not None and retry < (now or datetime.now(UTC)) - GRACE:
        retry = None  # long gone: no daemon ran it
    budget_run = (
        next_budget_run(settings, runs, store.budget_frees_at(name, now or datetime.now(UTC)))
        if t.enabled and retry is None
        else None
    )
    real = [r for r in runs if not r.dry_run]
    return TenantState(
        tenant=name,
        system=t.system,
        country=t.country,
        mode=t.mode.value,
        enabled=t.enabled,
        last=real[0] if real else None,
        last_success=next((r for r in real if r.status in OK_STATUSES), None),
        last_dry_run=next((r for r in runs if r.dry_run), None),
        recent_failures=sum(1 for r in real[:10] if r.status not in OK_STATUSES),
        pending_reviews=len(store.pending(name)),
        unresolved_writes=len(store.unresolved(name)),
        unconfirmed=len(store.unconfirmed(name)) + len(store.unconfirmed_mail(name)),
        lease=(leases or {}).get(name),
        next_retry=retry,
        next_budget_run=budget_run,
    )


def live_leases(store: Store) -> dict[str, Lease]:
    """The leases not yet expired, by tenant (an expired one is a crashed daemon's)."""
    now = store.clock()
    return {lease.tenant: lease for lease in store.leases() if lease.expires_at > now}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def state_dict(s: TenantState, next_fire: datetime | None, schedule: str) -> dict[str, Any]:
    """JSON for one tenant (the older keys of `status --json` are kept)."""
    last = s.last
    summary = last.summary if last else {}
    return {
        "tenant": s.tenant,
        "system": s.system,
        "country": s.country,
        "mode": s.mode,
        "enabled": s.enabled,
        "last_run": _iso(last.started_at) if last else None,
        "last_finished": _iso(last.finished_at) if last else None,
        "last_status": last.status if last else None,
        "last_error": last.error if last else None,
        "last_decisions": summary.get("decisions"),
        "last_written": summary.get("written"),
        "last_requests": summary.get("requests"),
        # Steps of the last cycle waiting for a reference rate (health fails while any do).
        "rate_waits": summary.get("rate_waits") or 0,
        "rate_wait": summary.get("rate_wait"),
        # Letters of the last cycle left for the next days: the vendor's daily budget was spent.
        "budget_waits": summary.get("budget_waits") or 0,
        "last_success": _iso(s.last_success.started_at) if s.last_success else None,
        "last_dry_run": _iso(s.last_dry_run.started_at) if s.last_dry_run else None,
        "recent_failures": s.recent_failures,
        "pending_reviews": s.pending_reviews,
        "unresolved_writes": s.unresolved_writes,
        "unconfirmed": s.unconfirmed,
        "worked_by": s.lease.holder if s.lease else None,
        "lease_expires": _iso(s.lease.expires_at) if s.lease else None,
        "next_run": _iso(next_fire) if s.enabled else None,
        "next_retry": _iso(s.next_retry),
        "next_budget_run": _iso(s.next_budget_run),
        "schedule": schedule,
    }


# ---------------------------------------------------------------------------------------------
# status


_STYLE = {"ok": "green", "partial": "yellow", "error": "bold red", "running": "cyan"}


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = int((now - moment).total_seconds())
    if seconds < 0:
        return moment.strftime("%Y-%m-%d %H:%M")
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M") if moment else "-"


def _last_cycle_words(last: RunRow, row: dict[str, Any], zone: ZoneInfo) -> str:
    """'last cycle 24 Dec 07:00, 22 letters written' (decisions counted when none was)."""
    local = last.started_at.astimezone(zone)
    when = f"{local.day} {local:%b %H:%M}"
    written = row["last_written"] or 0
    if written:
        what = f"{written} letter{'' if written == 1 else 's'} written"
    elif row["last_decisions"]:
        what = f"{row['last_decisions']} step(s) decided, no letter written"
    else:
        what = "nothing to write"
    return f"last cycle {when}, {what}"


def status_table(
    rows: list[dict[str, Any]], states: list[TenantState], settings: Settings
) -> Table:
    """The per-tenant summary as a rich table."""
    zone = ZoneInfo(settings.timezone)
    now = datetime.now(UTC)
    table = Table(title="dunning-bridge status", box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("Tenant", "System", "Last cycle", "Result", "Next run", "Pending", "Errors"):
        table.add_column(name, no_wrap=name != "Errors")
    for row, s in zip(rows, states, strict=True):
        status = row["last_status"] or "never run"
        if s.lease is not None:
            status = "running"
        result = Text(status, style=_STYLE.get(status, "dim"))
        if s.lease is not None:
            result.append(f" by {s.lease.holder}")
        if s.last is not None and s.lease is None:
            result.append(f" — {_last_cycle_words(s.last, row, zone)}")
        errors = Text()
        if row["last_error"]:
            errors.append(row["last_error"], style="red")
        elif s.recent_failures:
            errors.append(f"{s.recent_failures} of the last 10 failed", style="yellow")
        if s.unconfirmed:
            errors.append(
                f" {s.unconfirmed} could not confirm (see `pending`, settle with `confirm`)",
                style="yellow",
            )
        if s.unresolved_writes > s.unconfirmed:
            errors.append(
                f" {s.unresolved_writes - s.unconfirmed} write(s) to read back", style="yellow"
            )
        if row["rate_waits"]:
            errors.append(f" {row['rate_waits']} step(s) wait for a reference rate", style="yellow")
        if row["budget_waits"]:
            errors.append(
                f" {row['budget_waits']} letter(s) wait for the daily budget", style="yellow"
            )
        upcoming = Text(
            _local(datetime.fromisoformat(row["next_run"]) if row["next_run"] else None, zone)
        )
        if s.next_retry is not None:
            upcoming = Text(f"retry {_local(s.next_retry, zone)}", style="yellow")
        elif s.next_budget_run is not None:
            upcoming = Text(f"more {_local(s.next_budget_run, zone)}", style="yellow")
        table.add_row(
            f"{s.tenant}{'' if s.enabled else ' (off)'}",
            f"{s.system} {s.country} {s.mode}",
            _ago(s.last.started_at if s.last else None, now),
            result,
            upcoming,
            str(s.pending_reviews),
            errors,
        )
    table.caption = (
        f"schedule {settings.schedule} ({settings.timezone}); database {settings.database}"
    )
    table.caption_justify = "left"
    return table


def status_command(settings: Settings, *, as_json: bool) -> int:
    """Per tenant: last cycle, its result, next run, pending reviews, errors."""
    now = datetime.now(UTC)
    upcoming = next_run(settings, now)
    store = open_store(settings.database)
    try:
        live = live_leases(store)
        states = [tenant_state(store, settings, name, live) for name in sorted(settings.tenants)]
    finally:
        store.close()
    rows = [state_dict(s, upcoming, settings.schedule) for s in states]
    warnings = law_warning_lines(settings, now.date())
    for row in rows:
        row["law_warnings"] = warnings.get(row["country"].upper(), [])
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        from bridge.vocab.settings import no_tenants_message  # noqa: PLC0415

        console.print(no_tenants_message()[0].upper() + no_tenants_message()[1:] + ".")
        return 0
    console.print(status_table(rows, states, settings))
    for country, lines in sorted(warnings.items()):
        for line in lines:
            console.print(Text(f"law {country}: {line}", style="yellow"))
    for row in rows:
        if row["rate_wait"]:
            console.print(Text(f"{row['tenant']}: {row['rate_wait']}", style="yellow"))
    return 0


def law_warning_lines(settings: Settings, today: date) -> dict[str, list[str]]:
    """The law tables' warnings per country the enabled tenants use (docs/law.md)."""
    from bridge.engine.lawwatch import warnings_by_country  # noqa: PLC0415

    return {
        country: [w.message for w in found]
        for country, found in warnings_by_country(settings, today).items()
    }


# ---------------------------------------------------------------------------------------------
# health


@dataclass(frozen=True, slots=True)
class Verdict:
    """One tenant's health: ok or not, and why in one line."""

    tenant: str
    healthy: bool
    reason: str


def verdict(
    s: TenantState, settings: Settings, now: datetime, max_age: timedelta | None = None
) -> Verdict:
    """Judge one tenant by its last real cycle: its status and whether it is recent enough."""
    last = s.last
    if last is None:
        return Verdict(s.tenant, False, "no cycle has run yet")
    if last.status == "running" and last.finished_at is None:
        # A cycle in progress, or one that crashed without finishing: judge by age below.
        pass
    elif last.status not in OK_STATUSES:
        return Verdict(s.tenant, False, f"last cycle {last.status}: {last.error or 'no detail'}")
    waits = last.summary.get("rate_waits") or 0
    if waits:
        return Verdict(
            s.tenant,
            False,
            f"{waits} step(s) wait for a reference rate: {last.summary.get('rate_wait') or ''}",
        )
    age = now - last.started_at
    if max_age is not None:
        if age > max_age:
            return Verdict(s.tenant, False, f"last cycle {_ago(last.started_at, now)}")
    else:
        due = last_due(settings, now)
        if due is not None and last.started_at < due - _EARLY:
            return Verdict(
                s.tenant,
                False,
                f"no cycle for the slot of {due.isoformat()} (last {_ago(last.started_at, now)})",
            )
    if last.status == "running":
        return Verdict(s.tenant, True, f"cycle running since {_ago(last.started_at, now)}")
    return Verdict(s.tenant, True, f"last cycle {last.status} {_ago(last.started_at, now)}")


def health_command(
    settings: Settings,
    *,
    max_age: timedelta | None = None,
    now: datetime | None = None,
    as_json: bool = False,
) -> int:
    """Exit 0 when every enabled tenant is healthy, 1 when any is not."""
    moment = now or datetime.now(UTC)
    names = [n for n, t in sorted(settings.tenants.items()) if t.enabled]
    store = open_store(settings.database)
    try:
        verdicts = [
            verdict(tenant_state(store, settings, n), settings, moment, max_age) for n in names
        ]
    finally:
        store.close()
    healthy = all(v.healthy for v in verdicts)
    if as_json:
        print(
            json.dumps(
                {
                    "healthy": healthy,
                    "checked_at": moment.isoformat(),
                    "tenants": [
                        {"tenant": v.tenant, "healthy": v.healthy, "reason": v.reason}
                        for v in verdicts
                    ],
                },
                indent=2,
            )
        )
    else:
        for v in verdicts:
            print(f"{'OK  ' if v.healthy else 'FAIL'} {v.tenant}: {v.reason}")
        if not verdicts:
            print("OK   no enabled tenants")
    return 0 if healthy else 1
