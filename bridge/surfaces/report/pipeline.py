"""The pipeline: open invoices by the last dunning step they reached.

Drafts awaiting the accountant's review count at their step and are counted as such; overdue
invoices with no step yet and invoices held back on purpose (disputed, paused...) have rows
of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bridge.surfaces.report.money import Amounts
from bridge.surfaces.report.steps import (
    AWAITING_STATES,
    CHASING,
    LIVE_STATES,
    Step,
    stage_key,
    stage_label,
)
from bridge.vocab.domain import ZERO, ActionKind, Invoice

ON_HOLD = "on_hold"
NO_STEP = "no_step"


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
