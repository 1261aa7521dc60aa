"""The action list: every step taken in the period, and the forecast ones, as rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bridge.surfaces.report.steps import CHASING, Step, decision_step, stage_label
from bridge.vocab.domain import ACTION_WORDS, Decision

# Classes with a field named ``date`` shadow the type in their own body; annotate with this.
_Date = date


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
    return action_row(decision_step(d, "forecast"), names)
