"""The accountant's report in numbers: computed from a dry-run snapshot and the store.

Pure functions of :class:`TenantInputs` (no I/O, no clock), so every rule is testable at its
boundaries. The sections:

- receivables by age bucket: open invoices by days past due on ``today``;
- the pipeline: open invoices by the last dunning step they reached (drafts awaiting review
  included and counted as such), plus the overdue ones with no step yet and the ones held back
  on purpose (disputed, paused...);
- recovery: after each issued step, how many invoices were paid in full before the next step,
  how much money came in and how many days it took;
- upcoming actions: the forecast of the next days (bridge/surfaces/report/forecast.py);
- repeatedly late customers: two or more invoices paid late or overdue now;
- every action in the period with its amounts and legal basis.

Receivables, pipeline and late customers describe ``today``; recovery and actions cover the
steps dated in the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from bridge.store.outbox import OutboxLetter
from bridge.surfaces.report.money import HOME_CURRENCY, LOCALE, Amounts
from bridge.vocab.domain import ZERO, ActionKind, Decision, Invoice, Payment, Snapshot

# Classes with a field named ``date`` shadow the type in their own body; annotate with this.
_Date = date

# (key, label, first day past due, last day past due); None = open-ended.
BUCKETS: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("not_due", "Not due", None, 0),
    ("1-15", "1-15 days", 1, 15),
    ("16-30", "16-30 days", 16, 30),
    ("31-60", "31-60 days", 31, 60),
    ("61-90", "61-90 days", 61, 90),
    ("90+", "Over 90 days", 91, None),
)
# The steps that chase money; interest invoices come after payment, credit holds are proposals.
CHASING = frozenset(
    {
        ActionKind.PRE_DUE_NOTICE,
        ActionKind.REMINDER,
        ActionKind.COLLECTION_WARNING,
        ActionKind.HANDOVER,
    }
)
ACTION_WORDS = {
    ActionKind.PRE_DUE_NOTICE: "pre-due notice",
    ActionKind.REMINDER: "reminder",
    ActionKind.COLLECTION_WARNING: "collection warning",
    ActionKind.HANDOVER: "hand-over to collection",
    ActionKind.INTEREST_INVOICE: "interest invoice",
    ActionKind.CREDIT_HOLD: "credit hold",
    ActionKind.TASK: "task",
}
REPEATEDLY_LATE = 2  # late invoices that make a customer "repeatedly late"
ON_HOLD = "on_hold"
NO_STEP = "no_step"
LIVE_STATES = frozenset({"intended", "pending", "issued"})
AWAITING_STATES = frozenset({"intended", "pending"})


def bucket_of(days_past_due: int) -> str:
    """The age bucket of an invoice ``days_past_due`` days after its due date (<= 0: not due)."""
    for key, _label, low, high in BUCKETS:
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return key
    raise AssertionError(days_past_due)  # the buckets cover every integer


def stage_label(action: ActionKind, step: int) -> str:
    """'Step 2: reminder'; the pre-due notice has no number."""
    if action is ActionKind.PRE_DUE_NOTICE:
        return "Pre-due notice"
    return f"Step {step}: {ACTION_WORDS[action]}"


def stage_key(action: ActionKind, step: int) -> str:
    """A stable key for a (step, action) pair: 'reminder-2'."""
    return f"{action.value}-{step}"


@dataclass(frozen=True, slots=True)
class Period:
    """The dates whose actions the report lists, both included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Step:
    """One dunning step on one invoice: ours (from the outbox) or the vendor's own."""

    invoice_id: str
    invoice_number: str
    customer_id: str
    action: ActionKind
    step: int
    date: date
    state: str  # intended | pending | issued | rejected (ours), issued (vendor's)
    currency: str
    fee: Decimal = ZERO
    interest: Decimal = ZERO
    compensation: Decimal = ZERO
    outstanding: Decimal | None = None  # at the time of the step, when known
    deadline: _Date | None = None
    legal_basis: tuple[str, ...] = ()
    document: str | None = None
    source: str = "bridge"

    @property
    def charges(self) -> Decimal:
        """Fee, interest and compensation of this step."""
        return self.fee + self.interest + self.compensation


@dataclass(frozen=True, slots=True)
class TenantInputs:
    """Everything one tenant's report is computed from."""

    tenant: str
    system: str
    country: str
    company: str
    today: date
    period: Period
    snapshot: Snapshot
    letters: Sequence[OutboxLetter]
    blocked: Sequence[tuple[str, str]] = ()
    upcoming: Sequence[Decision] = ()
    forecast_days: int = 14
    error: str | None = None
    # What the accountant must know before booking anything: drafts withdrawn or not to book
    # (bridge/engine/withdraw.py), and tasks waiting in the bridge, one sentence each.
    attention: Sequence[str] = ()


# ---------------------------------------------------------------------------------------------
# Section rows


@dataclass
class Bucket:
    """Open invoices of one age."""

    key: str
    label: str
    invoices: int = 0
    amounts: Amounts = field(default_factory=Amounts)


@dataclass
class Stage:
    """Open invoices whose last step is this one."""

    key: str
    label: str
    action: str | None
    step: int | None
    invoices: int = 0
    amounts: Amounts = field(default_factory=Amounts)
    awaiting_review: int = 0  # of which the step is a draft the accountant has not booked


@dataclass
class Recovery:
    """What happened after one step: paid in full before the next step, money in, days."""

    key: str
    label: str
    action: str
    step: int
    reached: int = 0
    paid: int = 0
    partly_paid: int = 0
    recovered: Amounts = field(default_factory=Amounts)
    charged: Amounts = field(default_factory=Amounts)
    days: list[int] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        """Percent of the invoices reaching this step that were paid in full after it."""
        if not self.reached:
            return None
        return (Decimal(100) * self.paid / self.reached).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def median_days(self) -> Decimal | None:
        """Median days from the step to the payment, of the invoices paid with a known date."""
        return Decimal(str(median(self.days))) if self.days else None


@dataclass
class RecoverySummary:
    """Did chasing pay off: dunned invoices, how many paid, money in, charges raised."""

    dunned: int = 0
    paid: int = 0
    still_open: int = 0
    handed_over: int = 0
    paid_after_first_step: int = 0
    recovered: Amounts = field(default_factory=Amounts)
    charged: Amounts = field(default_factory=Amounts)


@dataclass
class LateCustomer:
    """A customer with two or more invoices paid late or overdue now."""

    customer: str
    name: str
    late_invoices: int
    paid_late: int
    overdue_now: int
    dunned: int
    highest_step: str | None
    average_days_late: Decimal
    max_days_late: int
    overdue: Amounts


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One action (taken in the period, or forecast) with its amounts and legal basis."""

    date: date
    invoice: str
    invoice_number: str
    customer: str
    customer_name: str
    action: str
    step: int
    label: str
    state: str
    currency: str
    fee: Decimal
    interest: Decimal
    compensation: Decimal
    outstanding: Decimal | None
    deadline: _Date | None
    legal_basis: tuple[str, ...]
    document: str | None
    source: str


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


# ---------------------------------------------------------------------------------------------
# Building


def steps_of(inputs: TenantInputs) -> list[Step]:
    """Our written steps (cancelled letters were never sent) and the vendor's own reminders."""
    out: list[Step] = []
    for row in inputs.letters:
        if row.state == "cancelled":
            continue
        for d in row.letter.decisions:
            out.append(
                Step(
                    invoice_id=d.invoice_id,
                    invoice_number=d.invoice_number,
                    customer_id=d.customer_id,
                    action=d.action,
                    step=d.step,
                    date=d.date,
                    state=row.state,
                    currency=d.currency,
                    fee=d.fee,
                    interest=d.interest_amount,
                    compensation=d.compensation,
                    outstanding=d.outstanding,
                    deadline=d.deadline,
                    legal_basis=d.legal_basis,
                    document=row.document,
                )
            )
    invoices = _all_invoices(inputs.snapshot)
    seen = {(s.invoice_id, s.action, s.step, s.date) for s in out}
    for record in inputs.snapshot.steps:
        invoice = invoices.get(record.invoice_id)
        if (record.invoice_id, record.action, record.step, record.date) in seen:
            continue
        out.append(
            Step(
                invoice_id=record.invoice_id,
                invoice_number=invoice.number if invoice else record.invoice_id,
                customer_id=invoice.customer_id if invoice else "",
                action=record.action,
                step=record.step,
                date=record.date,
                state=record.status.value,
                currency=invoice.currency if invoice else HOME_CURRENCY.get(inputs.country, ""),
                fee=record.fee,
                interest=record.interest,
                compensation=record.compensation,
                deadline=record.deadline,
                document=record.document,
                source=record.source,
            )
        )
    out.sort(key=lambda s: (s.date, s.step, s.invoice_number))
    return out


def _all_invoices(snapshot: Snapshot) -> dict[str, Invoice]:
    return {i.id: i for i in (*snapshot.settled, *snapshot.invoices)}


def receivables(invoices: Iterable[Invoice], today: date) -> list[Bucket]:
    """Open invoices by age bucket (every bucket listed, empty ones too)."""
    buckets = {key: Bucket(key, label) for key, label, _lo, _hi in BUCKETS}
    for invoice in invoices:
        if invoice.outstanding <= ZERO:
            continue
        bucket = buckets[bucket_of((today - invoice.due_date).days)]
        bucket.invoices += 1
        bucket.amounts.add(invoice.currency, invoice.outstanding)
    return list(buckets.values())


def pipeline(
    invoices: Iterable[Invoice], steps: Iterable[Step], blocked: Iterable[str], today: date
) -> list[Stage]:
    """Open invoices by the last live step they reached; overdue with none; held back."""
    last: dict[str, Step] = {}
    for s in steps:
        if s.action in CHASING and s.state in LIVE_STATES:
            current = last.get(s.invoice_id)
            if current is None or (s.date, s.step) >= (current.date, current.step):
                last[s.invoice_id] = s
    held = set(blocked)
    stages: dict[str, Stage] = {}
    order: dict[str, tuple[int, int]] = {}
    for invoice in invoices:
        if invoice.outstanding <= ZERO:
            continue
        reached = last.get(invoice.id)
        if invoice.id in held:
            key, stage = ON_HOLD, Stage(ON_HOLD, "Held back (disputed, paused...)", None, None)
            rank = (3, 0)
        elif reached is not None:
            key = stage_key(reached.action, reached.step)
            stage = Stage(
                key, stage_label(reached.action, reached.step), reached.action.value, reached.step
            )
            rank = (0, 0) if reached.action is ActionKind.PRE_DUE_NOTICE else (2, reached.step)
        elif invoice.due_date < today:
            key, stage, rank = NO_STEP, Stage(NO_STEP, "Overdue, no step yet", None, None), (1, 0)
        else:
            continue
        row = stages.setdefault(key, stage)
        order[key] = rank
        row.invoices += 1
        row.amounts.add(invoice.currency, invoice.outstanding)
        if reached is not None and invoice.id not in held and reached.state in AWAITING_STATES:
            row.awaiting_review += 1
    return [stages[k] for k in sorted(stages, key=lambda k: order[k])]


def _closed_on(invoice: Invoice | None, payments: Sequence[Payment]) -> date | None:
    """When an invoice that is no longer open was settled, where known."""
    if invoice is not None and invoice.paid_date is not None:
        return invoice.paid_date
    return max((p.date for p in payments), default=None)


def _after(
    s: Step,
    following: date | None,
    payments: Sequence[Payment],
    is_open: bool,
    closed: date | None,
) -> tuple[Decimal, bool]:
    """Money in after step ``s`` (until the next step), and whether the invoice was settled."""
    money = sum(
        (
            p.amount
            for p in payments
            if p.date > s.date and (following is None or p.date <= following)
        ),
        ZERO,
    )
    if is_open:
        return money, False
    if closed is None:
        # Settled with no payment on record: credit the last step with what was outstanding.
        if following is None and money == ZERO and s.outstanding is not None:
            money = s.outstanding
        return money, following is None
    return money, closed > s.date and (following is None or closed <= following)


def recovery(
    snapshot: Snapshot, steps: Iterable[Step], period: Period
) -> tuple[list[Recovery], RecoverySummary]:
    """After each issued step dated in the period: paid in full before the next step? How fast?

    A payment counts for the last issued step dated before it (a payment on the day of a step
    was on its way already). An invoice no longer open with no payment on record (paid on time
    after a pre-due notice, or credited) counts as settled after its last step, days unknown.
    """
    open_ids = {i.id: i for i in snapshot.invoices if i.outstanding > ZERO}
    settled = {i.id: i for i in snapshot.settled}
    payments: dict[str, list[Payment]] = defaultdict(list)
    for p in snapshot.payments:
        payments[p.invoice_id].append(p)
    issued: dict[str, list[Step]] = defaultdict(list)
    for s in steps:
        if s.action in CHASING and s.state == "issued":
            issued[s.invoice_id].append(s)
    rows: dict[str, Recovery] = {}
    summary = RecoverySummary()
    for invoice_id, chain in issued.items():
        chain.sort(key=lambda s: (s.date, s.step))
        in_period = [s for s in chain if s.date in period]
        if not in_period:
            continue
        summary.dunned += 1
        is_open = invoice_id in open_ids
        closed = None if is_open else _closed_on(settled.get(invoice_id), payments[invoice_id])
        if is_open:
            summary.still_open += 1
        else:
            summary.paid += 1
        if any(s.action is ActionKind.HANDOVER for s in chain):
            summary.handed_over += 1
        for index, s in enumerate(chain):
            if s.date not in period:
                continue
            following = chain[index + 1].date if index + 1 < len(chain) else None
            row = rows.setdefault(
                stage_key(s.action, s.step),
                Recovery(
                    stage_key(s.action, s.step),
                    stage_label(s.action, s.step),
                    s.action.value,
                    s.step,
                ),
            )
            row.reached += 1
            row.charged.add(s.currency, s.charges)
            summary.charged.add(s.currency, s.charges)
            money, paid_here = _after(s, following, payments[invoice_id], is_open, closed)
            if money > ZERO:
                row.recovered.add(s.currency, money)
                summary.recovered.add(s.currency, money)
            if paid_here:
                row.paid += 1
                if closed is not None:
                    row.days.append((closed - s.date).days)
                if index == 0:
                    summary.paid_after_first_step += 1
            elif money > ZERO:
                row.partly_paid += 1
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.action != ActionKind.PRE_DUE_NOTICE.value, r.step, r.action),
    )
    return ordered, summary


def late_customers(
    snapshot: Snapshot, steps: Iterable[Step], today: date, names: Mapping[str, str]
) -> list[LateCustomer]:
    """Customers with at least two invoices paid after the due date or overdue today."""
    late: dict[str, list[int]] = defaultdict(list)
    paid_late: dict[str, int] = defaultdict(int)
    overdue_now: dict[str, int] = defaultdict(int)
    overdue: dict[str, Amounts] = defaultdict(Amounts)
    for invoice in snapshot.settled:
        if invoice.paid_date is not None and invoice.paid_date > invoice.due_date:
            late[invoice.customer_id].append((invoice.paid_date - invoice.due_date).days)
            paid_late[invoice.customer_id] += 1
    for invoice in snapshot.invoices:
        if invoice.outstanding > ZERO and invoice.due_date < today:
            late[invoice.customer_id].append((today - invoice.due_date).days)
            overdue_now[invoice.customer_id] += 1
            overdue[invoice.customer_id].add(invoice.currency, invoice.outstanding)
    dunned: dict[str, set[str]] = defaultdict(set)
    highest: dict[str, Step] = {}
    for s in steps:
        if s.action in CHASING and s.state in LIVE_STATES and s.customer_id:
            dunned[s.customer_id].add(s.invoice_id)
            top = highest.get(s.customer_id)
            if top is None or s.step > top.step:
                highest[s.customer_id] = s
    out = []
    for customer, days in late.items():
        if len(days) < REPEATEDLY_LATE:
            continue
        top = highest.get(customer)
        out.append(
            LateCustomer(
                customer=customer,
                name=names.get(customer, customer),
                late_invoices=len(days),
                paid_late=paid_late[customer],
                overdue_now=overdue_now[customer],
                dunned=len(dunned[customer]),
                highest_step=stage_label(top.action, top.step) if top else None,
                average_days_late=(Decimal(sum(days)) / len(days)).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                ),
                max_days_late=max(days),
                overdue=overdue[customer],
            )
        )
    out.sort(key=lambda c: (-c.late_invoices, -c.max_days_late, c.name))
    return out


def action_row(s: Step, names: Mapping[str, str]) -> ActionRow:
    """One step as a row of the action list."""
    return ActionRow(
        date=s.date,
        invoice=s.invoice_id,
        invoice_number=s.invoice_number,
        customer=s.customer_id,
        customer_name=names.get(s.customer_id, s.customer_id),
        action=s.action.value,
        step=s.step,
        label=stage_label(s.action, s.step) if s.action in CHASING else ACTION_WORDS[s.action],
        state=s.state,
        currency=s.currency,
        fee=s.fee,
        interest=s.interest,
        compensation=s.compensation,
        outstanding=s.outstanding,
        deadline=s.deadline,
        legal_basis=s.legal_basis,
        document=s.document,
        source=s.source,
    )


def forecast_row(d: Decision, names: Mapping[str, str]) -> ActionRow:
    """A forecast decision as a row."""
    step = Step(
        invoice_id=d.invoice_id,
        invoice_number=d.invoice_number,
        customer_id=d.customer_id,
        action=d.action,
        step=d.step,
        date=d.date,
        state="forecast",
        currency=d.currency,
        fee=d.fee,
        interest=d.interest_amount,
        compensation=d.compensation,
        outstanding=d.outstanding,
        deadline=d.deadline,
        legal_basis=d.legal_basis,
    )
    return action_row(step, names)


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


# ---------------------------------------------------------------------------------------------
# JSON


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _row_json(r: ActionRow) -> dict[str, Any]:
    return {
        "date": r.date.isoformat(),
        "invoice": r.invoice,
        "invoice_number": r.invoice_number,
        "customer": r.customer,
        "customer_name": r.customer_name,
        "action": r.action,
        "step": r.step,
        "label": r.label,
        "state": r.state,
        "currency": r.currency,
        "fee": _amount(r.fee),
        "interest": _amount(r.interest),
        "compensation": _amount(r.compensation),
        "outstanding": _amount(r.outstanding),
        "deadline": _day(r.deadline),
        "legal_basis": list(r.legal_basis),
        "document": r.document,
        "source": r.source,
    }


def tenant_json(t: TenantReport) -> dict[str, Any]:
    """One tenant's report as JSON-ready data (amounts as strings, per currency)."""
    s = t.summary
    return {
        "tenant": t.tenant,
        "system": t.system,
        "country": t.country,
        "company": t.company,
        "currency": t.currency,
        "locale": t.locale,
        "today": t.today.isoformat(),
        "error": t.error,
        "open_invoices": t.open_invoices,
        "open": t.open_amounts.json(),
        "overdue": t.overdue_amounts.json(),
        "awaiting_review": t.awaiting_review,
        "receivables": [
            {"bucket": b.key, "label": b.label, "invoices": b.invoices, "amount": b.amounts.json()}
            for b in t.receivables
        ],
        "pipeline": [
            {
                "stage": st.key,
                "label": st.label,
                "action": st.action,
                "step": st.step,
                "invoices": st.invoices,
                "amount": st.amounts.json(),
                "awaiting_review": st.awaiting_review,
            }
            for st in t.pipeline
        ],
        "recovery": {
            "steps": [
                {
                    "stage": r.key,
                    "label": r.label,
                    "action": r.action,
                    "step": r.step,
                    "reached": r.reached,
                    "paid": r.paid,
                    "partly_paid": r.partly_paid,
                    "rate_percent": None if r.rate is None else f"{r.rate:.1f}",
                    "recovered": r.recovered.json(),
                    "charged": r.charged.json(),
                    "median_days": None if r.median_days is None else f"{r.median_days:.1f}",
                    "days": list(r.days),
                }
                for r in t.recovery
            ],
            "summary": {
                "dunned": s.dunned,
                "paid": s.paid,
                "still_open": s.still_open,
                "handed_over": s.handed_over,
                "paid_after_first_step": s.paid_after_first_step,
                "recovered": s.recovered.json(),
                "charged": s.charged.json(),
            },
        },
        "upcoming": {"days": t.forecast_days, "actions": [_row_json(r) for r in t.upcoming]},
        "late_customers": [
            {
                "customer": c.customer,
                "name": c.name,
                "late_invoices": c.late_invoices,
                "paid_late": c.paid_late,
                "overdue_now": c.overdue_now,
                "dunned": c.dunned,
                "highest_step": c.highest_step,
                "average_days_late": f"{c.average_days_late:.1f}",
                "max_days_late": c.max_days_late,
                "overdue": c.overdue.json(),
            }
            for c in t.late_customers
        ],
        "actions": [_row_json(r) for r in t.actions],
        "attention": list(t.attention),
    }


def report_json(report: Report) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    return {
        "generated_at": report.generated_at.isoformat(),
        "today": report.today.isoformat(),
        "period": {"from": report.period.start.isoformat(), "to": report.period.end.isoformat()},
        "tenants": [tenant_json(t) for t in report.tenants],
    }
