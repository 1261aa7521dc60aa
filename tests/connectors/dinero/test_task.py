"""A task letter (call the customer, tell the salesperson) written into Dinero.

Dinero names no salesperson, so when the bridge has no e-mail route for a task the session
writes it as a proposal note on the contact, like a credit hold: pending for the accountant,
with our text, never a reminder, never booked, never mailed to the debtor.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bridge.vocab.connector import Pending
from bridge.vocab.domain import ZERO, ActionKind, Letter, Mode, StepStatus
from connectors.dinero import writer
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import (
    TODAY,
    decision,
    letter,
    open_session,
    overdue_without_reminders,
)

TEXT = "Ring til kunden om faktura 2041 og aftal en betalingsdato."


def _task(sandbox: DineroSandbox, mode: Mode) -> tuple[Letter, str]:
    session = open_session(sandbox, mode)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    one = replace(
        decision(snapshot, invoice, action=ActionKind.TASK, step=2),
        task="call",
        assignee="salesperson",
    )
    return letter(one), invoice


@pytest.mark.parametrize("mode", [Mode.REVIEW, Mode.AUTONOMOUS])
def test_a_task_is_a_pending_note_and_never_reaches_the_debtor(
    sandbox: DineroSandbox, mode: Mode
) -> None:
    task, invoice = _task(sandbox, mode)
    assert len(task.decisions) == 1
    assert task.total == ZERO
    assert task.decisions[0].fee == task.decisions[0].compensation == Decimal("0.00")
    session = open_session(sandbox, mode)
    session.fetch(TODAY, None)
    reminders_before = len(sandbox.state.reminders.get(invoice, []))
    sandbox.requests.clear()

    result = session.apply(task, TEXT)

    assert result.status is StepStatus.PENDING
    assert result.document.startswith("note:")
    [note] = sandbox.state.notes[task.customer_id]
    assert note["Text"].startswith("Dunning bridge proposes to hand your own people a task")
    assert TEXT in note["Text"]
    assert "nothing is sent to the customer" in note["Text"]
    assert "Charges" not in note["Text"]
    assert "Delete this note once the task is done." in note["Text"]
    assert "reject" not in note["Text"]
    assert note["Text"].endswith(f"Ref. {task.key}")
    # Only the note was written: no reminder, no booking, no mail-out, no pre-reminder.
    writes = [(m, p) for m, p in sandbox.requests if m != "GET"]
    assert writes == [("POST", f"/v1/{sandbox.organization}/contacts/{task.customer_id}/notes")]
    assert len(sandbox.state.reminders.get(invoice, [])) == reminders_before
    assert not sandbox.state.mailouts.get(invoice)
    assert not sandbox.drafts()


def test_the_task_note_is_found_again_by_its_key(sandbox: DineroSandbox) -> None:
    task, _ = _task(sandbox, Mode.AUTONOMOUS)
    session = open_session(sandbox, Mode.AUTONOMOUS)
    session.fetch(TODAY, None)
    result = session.apply(task, TEXT)
    # A read-back after a time-out or a restart finds the note, so no second one is written.
    found = open_session(sandbox).find(task.key)
    assert found is not None
    assert (found.status, found.document) == (StepStatus.PENDING, result.document)
    pending = [Pending(task.key, result.document, TODAY)]
    assert [r.status for r in session.reconcile(pending)] == [StepStatus.PENDING]


def test_the_task_note_names_no_amounts(sandbox: DineroSandbox) -> None:
    task, _ = _task(sandbox, Mode.REVIEW)
    text = writer.proposal_note(task, TEXT)
    first = text.splitlines()[0]
    assert first.startswith("Dunning bridge proposes to hand your own people a task")
    assert task.decisions[0].invoice_number in first
    assert "DKK" not in text
