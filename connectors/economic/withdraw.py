"""Taking a waiting e-conomic proposal back: its draft invoice deleted before it is booked."""

from __future__ import annotations

from bridge.vocab.connector import Pending
from bridge.vocab.domain import StepStatus, WriteResult
from bridge.vocab.errors import NotFound
from connectors.economic import mapping
from connectors.economic.readback import Readback


class Withdraw(Readback):
    """bridge.vocab.connector.Withdrawer for e-conomic."""

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Delete the letter's draft invoice (``DELETE /invoices/drafts/{n}``) before it is booked.

        A draft already booked is an invoice that went out: issued. One already gone: rejected.
        """
        draft = self._draft_of(item)
        if draft is not None:
            try:
                self.client.delete_draft(draft)
            except NotFound:
                pass  # gone meanwhile: booked or deleted, told below
            else:
                return item.result(StepStatus.REJECTED, f"draft {draft} deleted", str(draft))
        booked = self._booked(item.letter_key)
        return booked or item.result(
            StepStatus.REJECTED, f"draft {item.document} was already deleted"
        )

    def _draft_of(self, item: Pending) -> int | None:
        """The draft that carries the letter: by its key, else by its number (reference cleared)."""
        for obj in self.client.drafts(reference=item.letter_key):
            if mapping.reference(obj) == item.letter_key:
                return mapping.draft_number(obj)
        if not item.document.isdigit():
            return None
        try:
            obj = self.client.draft(int(item.document))
        except NotFound:
            return None
        ours = mapping.reference(obj) in (None, item.letter_key)
        return mapping.draft_number(obj) if ours else None
