"""Taking a waiting Dinero proposal back: its reminder drafts deleted, a note marked."""

from __future__ import annotations

from typing import Any

from bridge.vocab.connector import Pending
from bridge.vocab.domain import StepStatus, WriteResult
from connectors.dinero import mapping, writer
from connectors.dinero.readback import NOTE_PREFIX, Readback, readback_result


class Withdraw(Readback):
    """bridge.vocab.connector.Withdrawer for Dinero."""

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Delete the letter's reminder drafts; a proposal note is marked "do not act".

        ``DELETE .../reminders/{id}`` removes an unbooked reminder ("If unbooked this will just
        remove the draft"; a booked one would be offset, so booked ones are never touched).
        Dinero's API has no delete of a contact note: a second note says not to act on it.
        """
        if item.document.startswith(NOTE_PREFIX):
            return self._withdraw_note(item, reason)
        state = self._reconcile_reminders(item)
        if state.status is not StepStatus.PENDING:
            return state
        drafts: list[tuple[str, Any]] = []
        booked: list[str] = []
        for part in item.document.split(","):
            guid, _, ident = part.partition("/")
            for raw in self._reminders_or_none(guid):
                if str(raw.get("Id")) == ident and not mapping.is_deleted(raw):
                    if mapping.is_draft(raw):
                        drafts.append((guid, raw))
                    else:
                        booked.append(part)
        if booked:
            return item.result(
                StepStatus.PENDING,
                f"reminder {', '.join(booked)} is booked already: the rest is left for you",
            )
        for guid, raw in drafts:
            self.client.delete_reminder(
                guid, mapping.reminder_id(raw), mapping.timestamp(raw, "reminder")
            )
        return item.result(StepStatus.REJECTED, f"reminder draft(s) {item.document} deleted")

    def _withdraw_note(self, item: Pending, reason: str) -> WriteResult:
        contact, _, note = item.document[len(NOTE_PREFIX) :].partition("/")
        notes = [n for n in self._notes_or_none(contact) if not n.get("DeletedAt")]
        if note not in {mapping.note_id(n) for n in notes}:
            return item.result(StepStatus.REJECTED, f"note {item.document} was already deleted")
        marker = writer.withdrawal_marker(item.letter_key)
        marked = next((n for n in notes if marker in str(n.get("Text") or "")), None)
        if marked is None:
            marked = self.client.add_note(
                contact, writer.withdrawal_note(note, reason, item.letter_key)
            )
        return item.result(
            StepStatus.REJECTED,
            f"note {note} stays (Dinero deletes no note by API); note {mapping.note_id(marked)} "
            "says not to act on it",
        )

    def _reconcile_reminders(self, item: Pending) -> WriteResult:
        """The letter's drafts as Dinero has them now (read live: a withdrawal acts on it)."""
        reads: dict[str, list[Any]] = {}
        states = [self._reminder_state(part, reads) for part in item.document.split(",")]
        return readback_result(item, states)
