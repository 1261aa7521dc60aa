"""Turn decisions, letters and outcomes into JSON-ready dicts and rich tables.

The JSON shape of a decision is the scenario contract's event (docs/scenario.md), so `plan
--json`, `simulate --json` and `explain --json` speak one language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from rich.table import Table

from bridge.domain import ZERO, Decision, StepRecord


def amount(value: Decimal | None) -> str:
    """Format an amount as the contract wants: a string with two decimals."""
    return f"{(value or ZERO):.2f}"


def decision_dict(d: Decision) -> dict[str, Any]:
    """Return the contract's event dict for one decision (plus its key and letter)."""
    return {
        "date": d.date.isoformat(),
        "invoice": d.invoice_id,
        "invoice_number": d.invoice_number,
        "customer": d.customer_id,
        "action": d.action.value,
        "step": d.step,
        "fee": amount(d.fee),
        "interest": amount(d.interest_amount),
        "interest_from": d.interest.start.isoformat() if d.interest else None,
        "interest_to": d.interest.end.isoformat() if d.interest else None,
        "interest_rate": f"{d.interest.rate:.2f}" if d.interest else None,
        "compensation": amount(d.compensation),
        "currency": d.currency,
        "outstanding": amount(d.outstanding),
        "deadline": d.deadline.isoformat() if d.deadline else None,
        "legal_basis": list(d.legal_basis),
        "explanation": d.explanation,
        "key": d.key,
        "letter": d.letter,
    }


def step_dict(s: StepRecord) -> dict[str, Any]:
    """Return a JSON-ready dict for one recorded step."""
    return {
        "invoice": s.invoice_id,
        "action": s.action.value,
        "step": s.step,
        "date": s.date.isoformat(),
        "status": s.status.value,
        "fee": amount(s.fee),
        "interest": amount(s.interest),
        "interest_to": s.interest_to.isoformat() if s.interest_to else None,
        "compensation": amount(s.compensation),
        "deadline": s.deadline.isoformat() if s.deadline else None,
        "source": s.source,
        "document": s.document,
    }


def plan_table(decisions: Sequence[Decision], names: dict[str, str], title: str) -> Table:
    """A table of what the bridge would do and why."""
    table = Table(title=title, show_lines=False, expand=True)
    for col, justify in (
        ("Invoice", "left"),
        ("Customer", "left"),
        ("Action", "left"),
        ("Step", "right"),
        ("Outstanding", "right"),
        ("Fee", "right"),
        ("Interest", "right"),
        ("Comp.", "right"),
        ("Deadline", "left"),
        ("Legal basis", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for d in decisions:
        table.add_row(
            d.invoice_number,
            names.get(d.customer_id, d.customer_id),
            d.action.value.replace("_", " "),
            str(d.step),
            f"{d.currency} {amount(d.outstanding)}",
            amount(d.fee),
            amount(d.interest_amount),
            amount(d.compensation),
            d.deadline.isoformat() if d.deadline else "",
            "; ".join(d.legal_basis[:2]) + (" …" if len(d.legal_basis) > 2 else ""),
        )
    return table


def rows_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A plain table for history, status and similar listings."""
    table = Table(title=title, expand=False)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*[("" if v is None else str(v)) for v in row])
    return table
