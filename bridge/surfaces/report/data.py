"""The accountant's report in numbers: computed from a dry-run snapshot and the store.

Pure functions of :class:`TenantInputs` (no I/O, no clock), so every rule is testable at its
boundaries. The sections:

- receivables by age bucket: open invoices by days past due on ``today`` (ageing.py);
- the pipeline: open invoices by the last dunning step they reached (drafts awaiting review
  included and counted as such), plus the overdue ones with no step yet and the ones held back
  on purpose (disputed, paused...) (pipeline.py);
- recovery: after each issued step, how many invoices were paid in full before the next step,
  how much money came in and how many days it took (recovery.py);
- upcoming actions: the forecast of the next days (bridge/surfaces/report/forecast.py);
- repeatedly late customers: two or more invoices paid late or overdue now (late.py);
- every action in the period with its amounts and legal basis (actions.py).

Receivables, pipeline and late customers describe ``today``; recovery and actions cover the
steps dated in the period.

Each section reads the steps of steps.py; ``tenant_report`` computes them all into one
:class:`TenantReport`, and facts.py gives the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bridge.surfaces.report.actions import ActionRow, action_row, forecast_row
from bridge.surfaces.report.ageing import Bucket, receivables
from bridge.surfaces.report.late import LateCustomer, late_customers
from bridge.surfaces.report.money import HOME_CURRENCY, LOCALE, Amounts
from bridge.surfaces.report.pipeline import Stage, pipeline
from bridge.surfaces.report.recovery import Recovery, RecoverySummary, recovery
from bridge.surfaces.report.steps import AWAITING_STATES, Period, TenantInputs, steps_of
from bridge.vocab.domain import ZERO


@dataclass
class TenantReport:
    """One tenant's report."""

    tenant: str
    system: str
    country: str
    company: str
    currency: str
    locale: str
    today: date
    period: Period
    forecast_days: int
    error: str | None = None
    open_invoices: int = 0
    open_amounts: Amounts = field(default_factory=Amounts)
    overdue_amounts: Amounts = field(default_factory=Amounts)
    awaiting_review: int = 0
    receivables: list[Bucket] = field(default_factory=list)
    pipeline: list[Stage] = field(default_factory=list)
    recovery: list[Recovery] = field(default_factory=list)
    summary: RecoverySummary = field(default_factory=RecoverySummary)
    upcoming: list[ActionRow] = field(default_factory=list)
    late_customers: list[LateCustomer] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)


@dataclass
class Report:
    """The whole report: one part per tenant."""

    generated_at: datetime
    today: date
    period: Period
    tenants: list[TenantReport]


def tenant_report(inputs: TenantInputs) -> TenantReport:
    """Compute every section of one tenant's report."""
    snap = inputs.snapshot
    report = TenantReport(
        tenant=inputs.tenant,
        system=inputs.system,
        country=inputs.country,
        company=inputs.company,
        currency=HOME_CURRENCY.get(inputs.country, "EUR"),
        locale=LOCALE.get(inputs.country, "en_GB"),
        today=inputs.today,
        period=inputs.period,
        forecast_days=inputs.forecast_days,
        error=inputs.error,
    )
    names = {c.id: c.name for c in snap.customers.values()}
    steps = steps_of(inputs)
    open_invoices = [i for i in snap.invoices if i.outstanding > ZERO]
    report.open_invoices = len(open_invoices)
    for invoice in open_invoices:
        report.open_amounts.add(invoice.currency, invoice.outstanding)
        if invoice.due_date < inputs.today:
            report.overdue_amounts.add(invoice.currency, invoice.outstanding)
    report.awaiting_review = sum(1 for r in inputs.letters if r.state in AWAITING_STATES)
    report.receivables = receivables(open_invoices, inputs.today)
    report.pipeline = pipeline(
        open_invoices, steps, (inv for inv, _why in inputs.blocked), inputs.today
    )
    report.recovery, report.summary = recovery(snap, steps, inputs.period)
    report.upcoming = [forecast_row(d, names) for d in inputs.upcoming]
    report.late_customers = late_customers(snap, steps, inputs.today, names)
    report.actions = [action_row(s, names) for s in steps if s.date in inputs.period]
    report.attention = list(inputs.attention)
    return report
