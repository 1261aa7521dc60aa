"""Contact notes: Dinero answers a created note with the contact's guid, not the note's id."""

from __future__ import annotations

from bridge.vocab.connector import Pending
from bridge.vocab.domain import ActionKind, Mode, StepStatus
from connectors.dinero.readback import NOTE_PREFIX
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import (
    TODAY,
    decision,
    letter,
    open_session,
    overdue_without_reminders,
)


def test_the_sandbox_answers_a_created_note_with_the_contact_guid(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    contact = next(iter(sandbox.state.contacts))
    answer = session.client.add_note(contact, "hello")
    # ContactCreatedResult: {"ContactGuid": <the contact's guid>} (spec: "The guid of the contact").
    assert answer == {"ContactGuid": contact}


def test_a_proposal_note_is_named_by_its_own_id_and_stays_pending(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, Mode.REVIEW)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    handover = letter(decision(snapshot, invoice, action=ActionKind.HANDOVER, step=4))
    result = session.apply(handover, "Sagen overdrages til inkasso.")
    contact = handover.customer_id
    [note] = sandbox.state.notes[contact]
    assert result.document == f"{NOTE_PREFIX}{contact}/{note['Id']}"
    pending = [Pending(handover.key, result.document, TODAY)]
    assert [r.status for r in open_session(sandbox).reconcile(pending)] == [StepStatus.PENDING]


def test_a_note_recorded_under_the_contact_guid_is_found_by_its_key(sandbox: DineroSandbox) -> None:
    """Documents written before the fix name the contact's guid as the note id."""
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    hold = letter(decision(snapshot, invoice, action=ActionKind.CREDIT_HOLD))
    session.apply(hold, "Kreditstop.")
    contact = hold.customer_id
    old_style = f"{NOTE_PREFIX}{contact}/{contact}"
    pending = [Pending(hold.key, old_style, TODAY)]
    assert [r.status for r in open_session(sandbox).reconcile(pending)] == [StepStatus.PENDING]
    [note] = sandbox.state.notes[contact]
    sandbox.delete_note(contact, note["Id"])
    assert [r.status for r in open_session(sandbox).reconcile(pending)] == [StepStatus.REJECTED]
