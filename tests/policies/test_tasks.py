"""Task steps: a rung of the ladder for the creditor's own people (call, tell the salesperson)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, StepStatus
from policies.engine import decide, letters, why_not
from policies.ladder import PolicyError, TenantPolicy
from policies.law import for_country
from tests.policies.factories import DK, invoice, policy, record, replay, run, snapshot

D = Decimal
DUE = date(2026, 1, 19)  # a Monday
R, W, H, T = (
    ActionKind.REMINDER,
    ActionKind.COLLECTION_WARNING,
    ActionKind.HANDOVER,
    ActionKind.TASK,
)

# The webshop's routine with a call after a week: reminder, call, firm reminder, warning, agency.
LADDER: dict[str, Any] = {
    "steps": [
        {"action": "reminder", "days": 3, "tone": "friendly"},
        {"action": "task", "task": "call", "days": 4},
        {"action": "reminder", "days": 6, "fee": 100, "interest": True},
        {"action": "collection_warning", "days": 10, "fee": 100, "interest": True},
        {"action": "handover", "days": 11},
    ]
}


def test_a_task_is_a_rung_with_no_amounts_and_no_deadline() -> None:
    decisions, _ = replay(
        DUE, DUE + timedelta(days=60), lambda _d: snapshot([invoice()]), policy(LADDER)
    )
    assert [(d.action, d.step, d.date) for d in decisions] == [
        (R, 1, date(2026, 1, 22)),  # deadline Mon 2026-02-02 (moved off a Sunday)
        # The call asks nothing of the customer: it need not wait for the reminder's deadline.
        (T, 2, date(2026, 1, 26)),
        # The next letter does: the day after step 1's deadline, not 6 days after the task.
        (R, 3, date(2026, 2, 3)),
        (W, 4, date(2026, 2, 14)),  # the day after step 3's deadline 2026-02-13
        (H, 5, date(2026, 2, 25)),  # the day after the warning's deadline 2026-02-24
    ]
    task = decisions[1]
    assert (task.fee, task.interest, task.compensation, task.deadline) == (D(0), None, D(0), None)
    assert (task.task, task.assignee) == ("call", "tasks")
    assert "task: call the customer" in task.explanation
    assert "Ring til kunden" in task.explanation
    assert task.legal_basis == (DK.citations.task,)
    # Interest is not lost: the reminder after the task charges it from the first interest day.
    firm = decisions[2]
    assert firm.interest is not None
    assert firm.interest.start == date(2026, 1, 20)


def test_a_task_is_one_per_customer_with_every_invoice_due_for_it() -> None:
    snap = snapshot([invoice("1001"), invoice("1002"), invoice("2001", customer_id="C2")])
    history = [record(i, R, 1, date(2026, 1, 22)) for i in ("1001", "1002", "2001")]
    today = date(2026, 1, 26)
    decided = run(today, snap, history, policy(LADDER))
    grouped = letters(decided)
    assert [(g.customer_id, g.action, len(g.decisions)) for g in grouped] == [
        ("C1", T, 2),
        ("C2", T, 1),
    ]


def test_tell_the_salesperson_goes_to_the_salesperson_by_default() -> None:
    ladder = policy(
        {
            "steps": [
                {"action": "reminder", "days": 3},
                {"action": "task", "task": "tell_salesperson", "days": 7},
                {"action": "collection_warning", "days": 3, "fee": 100},
                {"action": "handover", "days": 11},
            ]
        }
    )
    step = ladder.steps[1]
    assert (step.task, step.assignee, step.name) == (
        "tell_salesperson",
        "salesperson",
        "Giv sælgeren besked",
    )
    history = [record("1001", R, 1, date(2026, 1, 22))]
    (decision,) = run(date(2026, 1, 29), snapshot([invoice()]), history, ladder)
    assert (decision.action, decision.assignee) == (T, "salesperson")
    assert "for the account's salesperson" in decision.explanation


def test_the_day_before_a_task_is_due_nothing_happens() -> None:
    history = [record("1001", R, 1, date(2026, 1, 22))]
    assert run(date(2026, 1, 25), snapshot([invoice()]), history, policy(LADDER)) == []
    (note,) = why_not(
        date(2026, 1, 25), snapshot([invoice()]), history, DK, policy(LADDER), invoice_id="1001"
    )
    assert "Step 2 is due from 2026-01-26" in note


def test_after_deadline_after_a_task_waits_for_the_last_letters_deadline() -> None:
    # Norway: the inkassovarsel needs the purring's 14-day deadline missed, even with a call
    # in between.
    ladder = TenantPolicy.from_mapping(
        {
            "steps": [
                {"action": "reminder", "days": 14, "fee": 38, "deadline_days": 14},
                {"action": "task", "task": "call", "days": 2},
                {
                    "action": "collection_warning",
                    "days": 1,
                    "fee": 38,
                    "deadline_days": 14,
                    "after_deadline": True,
                },
                {"action": "handover", "days": 15},
            ]
        },
        "NO",
    )
    law = for_country("NO")
    snap = snapshot([invoice(currency="NOK")])
    deadline = date(2026, 2, 16)
    history = [
        record("1001", R, 1, date(2026, 2, 2), fee="38", deadline=deadline),
        record("1001", T, 2, date(2026, 2, 4)),
    ]
    assert decide(deadline, snap, history, law, ladder) == []
    (warning,) = decide(deadline + timedelta(days=1), snap, history, law, ladder)
    assert (warning.action, warning.step) == (W, 3)
    assert "after step 1's deadline 2026-02-16" in warning.explanation


def test_a_rejected_task_still_moves_the_ladder_on() -> None:
    history = [
        record("1001", R, 1, date(2026, 1, 22)),
        record("1001", T, 2, date(2026, 1, 26), status=StepStatus.REJECTED),
    ]
    (decision,) = run(date(2026, 2, 1), snapshot([invoice()]), history, policy(LADDER))
    assert (decision.action, decision.step) == (R, 3)


def test_a_task_does_not_count_as_a_letter_for_the_fee_spacing() -> None:
    # Reminder fees need 10 days between letters (renteloven § 9 b); a task in between is no letter.
    ladder = policy(
        {
            "steps": [
                {"action": "reminder", "days": 3, "fee": 100},
                {"action": "task", "days": 5},
                {"action": "reminder", "days": 5, "fee": 100},
            ]
        }
    )
    history = [
        record("1001", R, 1, date(2026, 1, 22), fee="100"),
        record("1001", T, 2, date(2026, 1, 27)),
    ]
    (second,) = run(date(2026, 2, 1), snapshot([invoice()]), history, ladder)
    assert second.fee == D(100)  # ten days after the first fee letter, not five after the task


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"action": "task", "days": 3, "fee": 100}, r"steps\[0\]\.fee: a task charges nothing"),
        ({"action": "task", "days": 3, "interest": True}, r"interest: a task charges nothing"),
        (
            {"action": "task", "days": 3, "deadline_days": 5},
            r"deadline_days: a task sets no payment deadline",
        ),
        ({"action": "task", "days": 3, "task": " "}, r"steps\[0\]\.task: must be a non-empty"),
        ({"action": "task", "days": 3, "to": "bob"}, r"steps\[0\]\.to: must be one of"),
        (
            {"action": "reminder", "days": 3, "task": "call"},
            r"steps\[0\]\.task: only a step with action = 'task'",
        ),
        (
            {"action": "reminder", "days": 3, "to": "tasks"},
            r"steps\[0\]\.to: only a step with action = 'task'",
        ),
    ],
)
def test_task_steps_are_checked(step: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        policy({"steps": [step]})


def test_task_names_and_recipients() -> None:
    ladder = policy(
        {
            "steps": [
                {"action": "task", "days": 1, "task": "Send a sample pack", "to": "a@shop.dk"},
                {"action": "task", "days": 1, "task": "call", "to": "salesperson"},
            ]
        }
    )
    first, second = ladder.steps
    assert (first.name, first.task, first.assignee) == (
        "Send a sample pack",
        "Send a sample pack",
        "a@shop.dk",
    )
    assert (second.name, second.assignee) == ("Ring til kunden", "salesperson")
    swedish = TenantPolicy.from_mapping({"steps": [{"action": "task", "days": 1}]}, "SE")
    assert swedish.steps[0].name == "Ring kunden"


def test_the_credit_hold_default_trigger_ignores_tasks() -> None:
    ladder = policy(
        {
            "credit_hold": True,
            "steps": [
                {"action": "reminder", "days": 3},
                {"action": "task", "days": 3},
            ],
        }
    )
    assert ladder.credit_hold.trigger(ladder.steps) == 1
