"""Taking a waiting Fortnox proposal back: its unbooked invoice cancelled."""

from __future__ import annotations

from typing import Any

from bridge.vocab.connector import Pending
from bridge.vocab.domain import StepStatus, WriteResult
from bridge.vocab.errors import NotFound, RejectedRequest
from connectors.fortnox import mapping
from connectors.fortnox.readback import Readback, result_of


class Withdraw(Readback):
    """bridge.vocab.connector.Withdrawer for Fortnox."""

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Cancel the letter's unbooked invoice (``PUT /3/invoices/{n}/cancel``).

        Fortnox's API deletes no invoice: an unbooked one is cancelled, which is also how its UI
        throws a draft away. A booked one went out (issued); one cancelled already: rejected.
        """
        if item.document.startswith("finans:"):
            return WriteResult(item.letter_key, item.document, StepStatus.ISSUED)
        raw = self._ours(item)
        if raw is None:
            return item.result(StepStatus.REJECTED, f"unbooked invoice {item.document} is gone")
        state = result_of(item.letter_key, raw)
        if state.status is not StepStatus.PENDING:
            return state
        number = mapping.document_number(raw)
        try:
            self.client.cancel(number)
        except RejectedRequest:
            # Booked or cancelled meanwhile: read it again and say which.
            again = self._ours(item)
            if again is None or result_of(item.letter_key, again).status is StepStatus.PENDING:
                raise
            return result_of(item.letter_key, again)
        return item.result(StepStatus.REJECTED, f"unbooked invoice {number} cancelled", number)

    def _ours(self, item: Pending) -> Any:
        """The invoice we wrote for the letter: by its number if it still carries our key."""
        if item.document.isdigit():
            try:
                raw = self.client.invoice(item.document)
            except NotFound:
                raw = None
            if raw is not None and mapping.reference(raw) == item.letter_key:
                return raw
        for listed in self.client.invoices(reference=item.letter_key):
            if mapping.reference(listed) == item.letter_key:
                return listed
        return None
