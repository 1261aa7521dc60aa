"""Handing claims to Fortnox Finans, Fortnox's own collection service (autonomous mode, SEK)."""

from __future__ import annotations

from bridge.vocab.domain import Letter, StepStatus, WriteResult
from connectors.fortnox import mapping, writer
from connectors.fortnox.state import FortnoxState

SEK = "SEK"


class Finans(FortnoxState):
    """bridge.vocab.connector.CollectionService for Fortnox."""

    def takes_handover(self, letter: Letter) -> bool:
        """Fortnox Finans takes SEK invoices only, and only claims on which the bridge charged
        no fee (see :func:`finans_refusal`); others go to the agency as a case file."""
        return letter.currency == SEK and finans_refusal(letter) is None

    def _hand_over(self, letter: Letter) -> WriteResult:
        """Hand the letter's invoices to Fortnox Finans (autonomous mode, SEK only)."""
        raw = self._raw_customers.get(letter.customer_id)
        method = writer.finans_send_method(mapping.delivery(raw) if raw else "PRINT")
        done: list[str] = []
        for decision in letter.decisions:
            self.client.hand_to_finans(
                decision.invoice_id, send_method=method, service=self.finans_service
            )
            done.append(decision.invoice_number)
        numbers = ", ".join(done)
        return WriteResult(
            letter.key,
            f"finans:{numbers}",
            StepStatus.ISSUED,
            f"handed to Fortnox Finans ({self.finans_service}, {method}): invoice {numbers}",
        )


# The claim items that are the creditor's charges for dunning (policies/claim.py ItemKind).
_COST_ITEMS = frozenset({"fee", "compensation"})


def finans_refusal(letter: Letter) -> str | None:
    """Say why a claim must not go to Fortnox Finans; None when it may.

    Finans's services start their own reminder chain on the invoice it takes, with Finans's own
    reminder fee and, later, its own collection fee (inkassoavgift). A claim on which the
    bridge already charged a fee or a compensation (paid or not: a second reminder or
    collection fee for the same claim is what the debtor must not pay twice) stays with the
    agency's case file, where the fees charged so far are stated and not charged again. A claim
    whose charges are unknown (no claim on the decision) is handed over.
    """
    for decision in letter.decisions:
        claim = decision.claim
        if claim is None:
            continue
        if any(item.kind in _COST_ITEMS and item.charged > 0 for item in claim.items):
            return (
                f"not handed to Fortnox Finans: invoice {decision.invoice_number} already "
                "carries fees the bridge charged, and Finans would add its own reminder and "
                "collection fees on top; hand it to the agency with the case file"
            )
    return None
