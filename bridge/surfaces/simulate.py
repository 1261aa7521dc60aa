"""Replay a scenario day by day through the policy engine: the simulation contract.

``simulate`` replays ``start``..``end``, accepting every decision as issued on the day it is
proposed, and returns one event per decision. Reading and checking a scenario file
(``load_scenario``, ``ScenarioError``) is bridge/surfaces/scenario.py; its schema
(``SCENARIO_SCHEMA``, docs/scenario.schema.json) is bridge/surfaces/scenario_schema.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from babel import Locale

from bridge.surfaces.scenario import (
    Scenario,
    ScenarioError,
    parse_scenario,
)
from bridge.vocab.domain import (
    ZERO,
    Decision,
    Invoice,
    Snapshot,
    StepRecord,
    issued_step,
)
from policies.engine import RateWait, decide
from policies.law import RateUnavailable

__all__ = ["simulate"]


def simulate(
    scenario: Mapping[str, Any], progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Replay the scenario and return ``{"events": [...]}``, one event per decision.

    ``progress`` is told each day as it is done (a terminal shows a bar for long scenarios).
    """
    model = parse_scenario(scenario)
    history: list[StepRecord] = []
    events: list[dict[str, Any]] = []
    day = model.start
    while day <= model.end:
        decisions = _decide(model, day, _snapshot(model, day), history)
        for decision in decisions:
            history.append(issued_step(decision))
            events.append(_event(decision))
        if progress is not None:
            progress(day.isoformat())
        day += timedelta(days=1)
    return {"events": events}


def _decide(
    model: Scenario, day: date, snapshot: Snapshot, history: Sequence[StepRecord]
) -> list[Decision]:
    """Decide one day; a day the law pack's rate tables do not cover is named, not a traceback."""
    waits: list[RateWait] = []
    try:
        decisions = decide(day, snapshot, history, model.law, model.policy, waits=waits)
    except RateUnavailable as exc:  # raised outside a step (a promise, a forecast)
        raise _no_rate(model, day, str(exc)) from exc
    if waits:
        # A scenario states what happens each day: a step that would wait for a rate the
        # tables lack makes the answer unknowable, so say which country and day.
        raise _no_rate(model, day, waits[0].reason)
    return decisions


def _no_rate(model: Scenario, day: date, message: str) -> ScenarioError:
    """The error for a day the law pack's rate tables do not price."""
    country = model.law.country
    name = Locale("en").territories.get(country, country)
    reason = message.removeprefix(f"{country}: ")
    return ScenarioError(
        "country", f"cannot decide {day.isoformat()} under {name}'s law ({country}): {reason}"
    )


def _snapshot(model: Scenario, day: date) -> Snapshot:
    """Show the accounting system as it stands at the end of ``day``."""
    payments = tuple(p for p in model.payments if p.date <= day)
    open_: list[Invoice] = []
    settled: list[Invoice] = []
    for invoice in model.invoices:
        if invoice.issue_date > day:
            continue
        own = [p for p in payments if p.invoice_id == invoice.id]
        outstanding = invoice.amount - sum((p.amount for p in own), ZERO)
        if outstanding < ZERO:
            # Overpaid: the accounting system still lists it, with a negative remainder that is
            # the customer's unapplied credit (policies.engine.unapplied_credit).
            paid = max(p.date for p in own)
            open_.append(_with(invoice, outstanding=outstanding, paid_date=paid))
        elif outstanding == ZERO:
            paid = max(p.date for p in own)
            settled.append(_with(invoice, outstanding=outstanding, paid_date=paid))
        else:
            open_.append(_with(invoice, outstanding=outstanding, paid_date=None))
    return Snapshot(
        tenant=model.tenant,
        fetched_at=datetime.combine(day, time(12, 0), tzinfo=UTC),
        customers=model.customers,
        invoices=tuple(open_),
        payments=payments,
        disputes=model.disputes,
        settled=tuple(settled),
        holds=model.holds,
        # A promise is known from the day it was made.
        promises=tuple(p for p in model.promises if p.made_on <= day),
    )


def _with(invoice: Invoice, *, outstanding: Decimal, paid_date: date | None) -> Invoice:
    """Copy an invoice with the day's outstanding amount."""
    return Invoice(
        id=invoice.id,
        number=invoice.number,
        customer_id=invoice.customer_id,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        amount=invoice.amount,
        outstanding=outstanding,
        paused_until=invoice.paused_until,
        paid_date=paid_date,
    )


def _event(decision: Decision) -> dict[str, Any]:
    """Render a decision with exactly the keys of the contract."""
    charge = decision.interest
    return {
        "date": decision.date.isoformat(),
        "invoice": decision.invoice_id,
        "customer": decision.customer_id,
        "action": decision.action.value,
        "step": decision.step,
        "fee": _amount(decision.fee),
        "interest": _amount(decision.interest_amount),
        "interest_from": charge.start.isoformat() if charge else None,
        "interest_to": charge.end.isoformat() if charge else None,
        "interest_rate": _rate(charge.rate) if charge else None,
        "compensation": _amount(decision.compensation),
        "currency": decision.currency,
        "deadline": decision.deadline.isoformat() if decision.deadline else None,
        "legal_basis": list(decision.legal_basis),
        "explanation": decision.explanation,
    }


def _amount(value: Decimal) -> str:
    """Two decimals, as a string."""
    return f"{value:.2f}"


def _rate(value: Decimal) -> str:
    """A rate with at least two decimals (more only when the table has them)."""
    return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
