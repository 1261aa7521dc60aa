"""The next step never comes before the deadline the previous letter gave (docs/policy.md).

A letter that says "betal senest 10. februar" is followed by nothing before 11 February: not a
reminder, not a § 10 warning with a new fee, not a hand-over. Tested through decide(), at the
boundary (the deadline day: no step; the day after: the step), also when the deadline was
moved to the next banking day, and for each country's default ladder against law.md § 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind, Decision, StepRecord
from policies.engine import decide, why_not
from policies.ladder import TenantPolicy
from tests.policies import nordic
from tests.policies.factories import DK, as_record, invoice, policy, record, snapshot

D = Decimal
R, W, H, T = (
    ActionKind.REMINDER,
    ActionKind.COLLECTION_WARNING,
    ActionKind.HANDOVER,
    ActionKind.TASK,
)
DUE = date(2026, 1, 19)  # a Monday


def _on(day: date, history: Sequence[StepRecord]) -> list[Decision]:
    return decide(day, snapshot([invoice()]), history, DK, policy())


def test_the_warning_waits_for_reminder_2s_deadline_not_just_its_days() -> None:
    # Reminder 2 of 29 January says "betal senest 10. februar" (a 12-day deadline). The warning
    # is 10 days later by the ladder, 8 February: that would come while the deadline runs.
    history = [
        record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2)),
        record("1001", R, 2, date(2026, 1, 29), fee="100", deadline=date(2026, 2, 10)),
    ]
    for day in (date(2026, 2, 8), date(2026, 2, 9), date(2026, 2, 10)):
        assert _on(day, history) == [], day
    (warning,) = _on(date(2026, 2, 11), history)
    assert (warning.action, warning.step, warning.fee) == (W, 3, D(100))
    assert (
        "Step 3 is due from 2026-02-11 (10 days after step 2 on 2026-01-29, and after its "
        "deadline 2026-02-10)." in warning.explanation
    )


def test_a_deadline_moved_to_the_next_banking_day_moves_the_next_step_too() -> None:
    # Step 1 on Thursday 22 January: 10 days is Sunday 1 February, so the letter asks for
    # payment by Monday 2 February. Step 2 (10 days) would fall on the Sunday before it.
    (first,) = _on(date(2026, 1, 22), [])
    assert first.deadline == date(2026, 2, 2)
    history = [as_record(first)]
    assert _on(date(2026, 2, 1), history) == []
    assert _on(date(2026, 2, 2), history) == []  # the deadline day itself
    (second,) = _on(date(2026, 2, 3), history)
    assert (second.action, second.step) == (R, 2)
    assert "and after its deadline 2026-02-02" in second.explanation


def test_the_hand_over_waits_for_the_warnings_moved_deadline() -> None:
    # The warning of Wednesday 11 February: 10 days is Saturday 21st, moved to Monday 23rd.
    history = [
        record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2)),
        record("1001", R, 2, date(2026, 2, 1), fee="100", deadline=date(2026, 2, 11)),
        record("1001", W, 3, date(2026, 2, 11), fee="100", deadline=date(2026, 2, 23)),
    ]
    assert _on(date(2026, 2, 22), history) == []  # the ladder's 11 days
    assert _on(date(2026, 2, 23), history) == []  # the deadline day
    (handover,) = _on(date(2026, 2, 24), history)
    assert handover.action == H


def test_why_not_names_the_deadline_the_step_waits_for() -> None:
    history = [
        record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2)),
        record("1001", R, 2, date(2026, 1, 29), fee="100", deadline=date(2026, 2, 10)),
    ]
    (note,) = why_not(
        date(2026, 2, 8), snapshot([invoice()]), history, DK, policy(), invoice_id="1001"
    )
    assert note == (
        "Step 3 is due from 2026-02-11 (10 days after step 2 on 2026-01-29, and after its "
        "deadline 2026-02-10)."
    )


_CALL_LADDER = {
    "steps": [
        {"action": "reminder", "days": 3},
        {"action": "task", "task": "call", "days": 2},
        {"action": "reminder", "days": 1, "fee": 100},
    ]
}


def test_a_task_does_not_wait_but_the_letter_after_it_does() -> None:
    ladder = policy(_CALL_LADDER)
    snap = snapshot([invoice()])
    history = [record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2))]
    # The call goes to the creditor's own people: two days after the reminder is fine.
    (call,) = decide(date(2026, 1, 24), snap, history, DK, ladder)
    assert (call.action, call.step, call.deadline) == (T, 2, None)
    history.append(as_record(call))
    # The reminder after it waits for the first reminder's deadline (the task set none).
    assert decide(date(2026, 2, 2), snap, history, DK, ladder) == []
    (firm,) = decide(date(2026, 2, 3), snap, history, DK, ladder)
    assert (firm.action, firm.step) == (R, 3)
    assert "after step 1's deadline 2026-02-02" in firm.explanation


def test_after_deadline_on_a_task_makes_it_wait_too() -> None:
    steps = [dict(s) for s in _CALL_LADDER["steps"]]
    steps[1]["after_deadline"] = True
    data = {"steps": steps}
    ladder = policy(data)
    snap = snapshot([invoice()])
    history = [record("1001", R, 1, date(2026, 1, 22), deadline=date(2026, 2, 2))]
    assert decide(date(2026, 2, 2), snap, history, DK, ladder) == []
    (call,) = decide(date(2026, 2, 3), snap, history, DK, ladder)
    assert call.action == T


def test_a_letter_recorded_without_a_deadline_holds_nothing_back_beyond_its_days() -> None:
    # e.g. a reminder from the vendor's own feature that carries no deadline
    history = [record("1001", R, 1, date(2026, 1, 22))]
    (second,) = _on(date(2026, 2, 1), history)
    assert second.step == 2


def _waits_everywhere(decisions: list[Decision]) -> None:
    """Every step comes after the deadline of the letter before it (tasks set none)."""
    by_invoice: dict[str, date | None] = {}
    for decision in decisions:
        if decision.action not in (R, W, H, T):
            continue
        previous = by_invoice.get(decision.invoice_id)
        if previous is not None and decision.action != T:
            assert decision.date > previous, decision
        if decision.deadline is not None:
            by_invoice[decision.invoice_id] = decision.deadline


@pytest.mark.parametrize("kind", [CustomerKind.CONSUMER, CustomerKind.BUSINESS])
def test_the_danish_default_ladder_meets_law_md_example_5(kind: CustomerKind) -> None:
    # Example 5: due Mon 2025-03-03; fee letters at least 10 days apart (R2 >= 03-14, R3 >=
    # 03-24) and the hand-over only after the § 10 warning's deadline. The default ladder now
    # also waits for each letter's deadline, so it comes later than the fastest lawful path.
    due = date(2025, 3, 3)
    snap = snapshot(
        [invoice(due=due)],
        customers=[nordic.customer("DK", kind=kind)],
    )
    decisions, _ = nordic.replay("DK", due, due + timedelta(days=80), lambda _d: snap, policy())
    assert [(d.action, d.step, d.date, d.deadline) for d in decisions] == [
        (R, 1, date(2025, 3, 6), date(2025, 3, 17)),  # Sunday 16th -> Monday
        (R, 2, date(2025, 3, 18), date(2025, 3, 28)),
        (W, 3, date(2025, 3, 29), date(2025, 4, 8)),
        (H, 4, date(2025, 4, 9), None),
    ]
    _waits_everywhere(decisions)
    fee_days = [d.date for d in decisions if d.fee > 0]
    assert fee_days == [date(2025, 3, 18), date(2025, 3, 29)]
    assert fee_days[0] >= date(2025, 3, 14)
    assert fee_days[1] >= date(2025, 3, 24)
    assert sum(d.fee for d in decisions) <= D(300)


def test_the_norwegian_default_ladder_meets_law_md_example_12() -> None:
    # Example 12: due Mon 2026-01-12; purring >= 01-26 with a deadline >= 02-09; inkassovarsel
    # after the missed deadline, >= 02-10, deadline >= 02-24; hand-over after it.
    due = date(2026, 1, 12)
    snap = snapshot(
        [nordic.invoice("NO", due=due)],
        customers=[nordic.customer("NO", kind=CustomerKind.CONSUMER)],
    )
    ladder = nordic.policy("NO")
    decisions, _ = nordic.replay("NO", due, due + timedelta(days=80), lambda _d: snap, ladder)
    assert [(d.action, d.step, d.date, d.deadline, d.fee) for d in decisions] == [
        (R, 1, date(2026, 1, 26), date(2026, 2, 9), D(38)),
        (W, 2, date(2026, 2, 10), date(2026, 2, 24), D(38)),
        (H, 3, date(2026, 2, 25), None, D(0)),
    ]
    _waits_everywhere(decisions)


def test_the_finnish_default_ladder_meets_law_md_example_17() -> None:
    # Example 17: consumer invoice due 2025-03-03. law.md reads the first EUR 5 reminder as
    # ">= 03-17"; counted as perintälaki words it (14 full days must have passed, the due day not
    # counted; docs/law.md "Finland: how the 14 days are counted") it is 03-18, and each next
    # step waits for the previous letter's 14-day deadline.
    due = date(2025, 3, 3)
    snap = snapshot(
        [nordic.invoice("FI", due=due)],
        customers=[nordic.customer("FI", kind=CustomerKind.CONSUMER)],
    )
    ladder = nordic.policy("FI")
    decisions, _ = nordic.replay("FI", due, due + timedelta(days=80), lambda _d: snap, ladder)
    letters = [(d.action, d.step, d.date, d.deadline, d.fee) for d in decisions]
    assert letters[:2] == [
        (R, 1, date(2025, 3, 18), date(2025, 4, 1), D(5)),
        (W, 2, date(2025, 4, 2), date(2025, 4, 16), D(5)),
    ]
    assert letters[2][:3] == (H, 3, date(2025, 4, 17))
    _waits_everywhere(decisions)


def test_the_swedish_default_ladder_waits_for_each_deadline() -> None:
    due = date(2026, 1, 19)
    snap = snapshot(
        [nordic.invoice("SE", due=due)],
        customers=[nordic.customer("SE", kind=CustomerKind.CONSUMER)],
    )
    ladder: TenantPolicy = nordic.policy("SE")
    decisions, _ = nordic.replay("SE", due, due + timedelta(days=80), lambda _d: snap, ladder)
    assert [d.action for d in decisions] == [R, W, H]
    _waits_everywhere(decisions)
