"""Reading back what the bridge wrote to e-conomic: draft invoices and the invoices booked.

Every draft carries the letter's key in ``references.other``: ``find`` looks a letter up by it
(after a crash or a timeout), ``reconcile`` tells which drafts are still waiting, which were
booked and which deleted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bridge.vocab.connector import Pending
from bridge.vocab.domain import StepStatus, WriteResult
from connectors.economic import mapping
from connectors.economic.state import EconomicState


class Readback(EconomicState):
    """Session.find and Session.reconcile for e-conomic."""

    def find(self, letter_key: str) -> WriteResult | None:
        """Find the draft, or the booked invoice, that carries ``letter_key``."""
        for obj in self.client.drafts(reference=letter_key):
            if mapping.reference(obj) == letter_key:
                number = mapping.draft_number(obj)
                return WriteResult(letter_key, str(number), StepStatus.PENDING, f"draft {number}")
        return self._booked(letter_key)

    def _booked(self, letter_key: str) -> WriteResult | None:
        for obj in self.client.booked_invoices(reference=letter_key):
            if mapping.reference(obj) == letter_key:
                number = mapping.invoice_number(obj)
                return WriteResult(
                    letter_key, str(number), StepStatus.ISSUED, f"booked as invoice {number}"
                )
        return None

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Still a draft -> pending; booked with our key -> issued; gone -> rejected."""
        if not pending:
            return
        drafts = self._each(
            self.client.drafts(), lambda o: (mapping.draft_number(o), mapping.reference(o)), "draft"
        )
        by_key = {key: number for number, key in drafts if key}
        unlabelled = {number for number, key in drafts if not key}
        for item in pending:
            draft = by_key.get(item.letter_key)
            if draft is None and item.document.isdigit() and int(item.document) in unlabelled:
                # A draft the accountant kept but whose reference was cleared is still ours.
                draft = int(item.document)
            if draft is not None:
                yield item.result(StepStatus.PENDING, f"draft {draft}", str(draft))
                continue
            booked = self._booked(item.letter_key)
            yield booked or item.result(
                StepStatus.REJECTED, f"draft {item.document} was deleted without being booked"
            )
