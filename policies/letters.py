"""Group decisions into the documents written back: one letter per customer, action, step, day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from bridge.vocab.domain import ActionKind, Decision, Letter

# The order actions appear in within one invoice, following the life of a claim.
ACTION_ORDER: Final[dict[ActionKind, int]] = {
    ActionKind.PRE_DUE_NOTICE: 0,
    ActionKind.REMINDER: 1,
    ActionKind.COLLECTION_WARNING: 2,
    ActionKind.HANDOVER: 3,
    ActionKind.INTEREST_INVOICE: 4,
    ActionKind.CREDIT_HOLD: 5,
    ActionKind.TASK: 6,
}


def decision_order(decision: Decision) -> tuple[str, str, int, int]:
    """Sort decisions by customer, invoice, then the action's place in a claim's life."""
    return (
        decision.customer_id,
        decision.invoice_id,
        ACTION_ORDER[decision.action],
        decision.step,
    )


def letters(decisions: Iterable[Decision]) -> list[Letter]:
    """Collect decisions that share a ``letter`` id into Letters, in decision order."""
    groups: dict[str, list[Decision]] = {}
    for decision in sorted(decisions, key=decision_order):
        groups.setdefault(decision.letter or decision.key, []).append(decision)
    return [_letter(key, members) for key, members in groups.items()]


def _letter(key: str, members: Sequence[Decision]) -> Letter:
    """Build one Letter; its decisions agree on customer, action, step, day and currency."""
    first = members[0]
    return Letter(
        tenant=first.tenant,
        customer_id=first.customer_id,
        action=first.action,
        step=first.step,
        date=first.date,
        currency=first.currency,
        decisions=tuple(members),
        key=key if key.startswith("dl-") else "",
    )
