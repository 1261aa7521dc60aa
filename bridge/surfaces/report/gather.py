"""Collect what the report is computed from: a dry-run snapshot per tenant and the store.

The dry run is the same cycle `plan` runs (nothing is written back). It asks the connector to
read not-yet-due invoices a year ahead (the ``pre_due_days`` option, unless the tenant sets
its own), so the "not due" bucket holds every open invoice; that changes no decision, because
the policy alone decides when a pre-due notice is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.store import Store
from bridge.store.review import OPEN, WITHDRAWN
from bridge.surfaces.progress import Advance
from bridge.surfaces.report.data import Report, tenant_report
from bridge.surfaces.report.forecast import forecast
from bridge.surfaces.report.steps import Period, TenantInputs
from bridge.surfaces.status import fire_times
from bridge.vocab.domain import Snapshot
from bridge.vocab.settings import Settings, TenantSettings

READ_AHEAD_OPTION = "pre_due_days"
READ_AHEAD_DAYS = 366
FORECAST_DAYS = 14


def _read_ahead(tenant: TenantSettings) -> TenantSettings:
    options = {READ_AHEAD_OPTION: str(READ_AHEAD_DAYS), **tenant.options}
    return tenant.model_copy(update={"options": options})


def schedule_days(settings: Settings, today: date, days: int) -> list[date]:
    """The dates in ``today`` .. ``today + days - 1`` on which the schedule runs a cycle."""
    zone = ZoneInfo(settings.timezone)
    start = datetime.combine(today, datetime.min.time(), tzinfo=zone)
    end = start + timedelta(days=days)
    return sorted({fire.astimezone(zone).date() for fire in fire_times(settings, start, end)})


def tenant_inputs(
    settings: Settings,
    store: Store,
    name: str,
    *,
    today: date,
    period: Period,
    now: datetime,
    forecast_days: int = FORECAST_DAYS,
) -> TenantInputs:
    """One tenant's dry run, its outbox and its forecast."""
    from policies.ladder import load_policy  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415

    tenant = settings.tenants[name]
    outcome = run_tenant(
        store, name, _read_ahead(tenant), CycleOptions(today=today, now=now, dry_run=True)
    )
    snapshot = outcome.snapshot or Snapshot(tenant=name, fetched_at=now, customers={}, invoices=())
    upcoming = []
    if outcome.snapshot is not None:
        history = [*store.history(name), *snapshot.steps]
        upcoming = forecast(
            snapshot,
            history,
            for_country(tenant.country),
            load_policy(tenant.policy_file, tenant.country),
            schedule_days(settings, today, forecast_days),
        )
    return TenantInputs(
        tenant=name,
        system=tenant.system,
        country=tenant.country,
        company=tenant.options.get("company_name", name),
        today=today,
        period=period,
        snapshot=snapshot,
        letters=store.letters(name),
        blocked=outcome.blocked,
        upcoming=upcoming,
        forecast_days=forecast_days,
        error=outcome.error,
        attention=attention(store, name, outcome, period),
    )


def attention(store: Store, name: str, outcome: TenantOutcome, period: Period) -> list[str]:
    """What the accountant must know before booking: drafts not to book, drafts withdrawn in
    the period (and those the next cycle will withdraw), writes the bridge could not confirm,
    and tasks waiting in the bridge."""
    lines = [f"Next cycle: {w.sentence()}" for w in outcome.withdrawn]
    for u in store.unconfirmed(name):
        what = f"{u.letter.action.value} {u.letter.step} to customer {u.letter.customer_id}"
        lines.append(
            f"Could not confirm letter {u.letter.key} ({what}, invoices "
            f"{', '.join(d.invoice_id for d in u.letter.decisions)}): {u.detail} Once you know: "
            f"`dunning-bridge confirm {name} {u.letter.key} --sent | --rejected | --not-sent`"
        )
    lines.extend(
        f"Could not confirm the e-mail {m.key} to {m.recipient} (Message-ID {m.message_id}); "
        f"once you know: `dunning-bridge confirm {name} {m.key} --sent | --not-sent`"
        for m in store.unconfirmed_mail(name)
    )
    for w in store.withdrawals(name):
        if w.state in OPEN:
            lines.append(f"DO NOT BOOK letter {w.letter_key[:12]}: {w.reason} ({w.detail})")
        elif w.updated_at.date() in period:
            done = "withdrawn" if w.state == WITHDRAWN else "booked before it could be withdrawn"
            lines.append(
                f"Letter {w.letter_key[:12]} {done} on {w.updated_at.date().isoformat()}: "
                f"{w.reason}"
            )
    lines.extend(
        f"Task waiting since {t.created_at.date().isoformat()} ({t.letter_key[:12]}): "
        f"{t.subject}; mark it done with `dunning-bridge tasks done {name} "
        f"{t.letter_key[:12]}`"
        for t in store.tasks(name)
    )
    return lines


def gather(
    settings: Settings,
    store: Store,
    names: Sequence[str],
    today: date,
    period: Period,
    *,
    now: datetime,
    advance: Advance | None = None,
) -> Report:
    """The report over ``names``; ``advance(tenant)`` is told as each tenant is done."""
    parts = []
    for name in names:
        parts.append(
            tenant_report(tenant_inputs(settings, store, name, today=today, period=period, now=now))
        )
        if advance is not None:
            advance(name)
    return Report(generated_at=now, today=today, period=period, tenants=parts)
