"""What every section of the report reads: one tenant's inputs, and the steps on its invoices.

A step is ours (a letter's decision in the outbox) or the vendor's own reminder, in one list
(``steps_of``); the sections tell the steps that chase money (``CHASING``) and the live ones
(written or awaiting the accountant) from the rest, and label them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bridge.store.outbox import OutboxLetter
from bridge.surfaces.report.money import HOME_CURRENCY
from bridge.vocab.domain import ACTION_WORDS, ZERO, ActionKind, Decision, Invoice, Snapshot

# Classes with a field named ``date`` shadow the type in their own body; annotate with this.
_Date = date

# The steps that chase money; interest invoices come after payment, credit holds are proposals.
CHASING = frozenset(
    {
        ActionKind.PRE_DUE_NOTICE,
        ActionKind.REMINDER,
        ActionKind.COLLECTION_WARNING,
        ActionKind.HANDOVER,
    }
)
LIVE_STATES = frozenset({"intended", "pending", "issued"})
AWAITING_STATES = frozenset({"intended", "pending"})


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


def decision_step(d: Decision, state: str, document: str | None = None) -> Step:
    """One decision as a step: a letter's (in the letter's state) or a forecast one."""
    return Step(
        invoice_id=d.invoice_id,
        invoice_number=d.invoice_number,
        customer_id=d.customer_id,
        action=d.action,
        step=d.step,
        date=d.date,
        state=state,
        currency=d.currency,
        fee=d.fee,
        interest=d.interest_amount,
        compensation=d.compensation,
        outstanding=d.outstanding,
        deadline=d.deadline,
        legal_basis=d.legal_basis,
        document=document,
    )


def steps_of(inputs: TenantInputs) -> list[Step]:
    """Our written steps (cancelled letters were never sent) and the vendor's own reminders."""
    out: list[Step] = []
    for row in inputs.letters:
        if row.state == "cancelled":
            continue
        out.extend(decision_step(d, row.state, row.document) for d in row.letter.decisions)
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
