"""The safety re-check before an e-conomic write: the unpaid remainders read again, 200 a call."""

from __future__ import annotations

from collections.abc import Sequence

from bridge.vocab.domain import Invoice
from bridge.vocab.errors import NotFound
from connectors.economic import mapping
from connectors.economic.state import EconomicState


class Recheck(EconomicState):
    """Session.recheck for e-conomic (batched: bridge/engine/recheck.py)."""

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Re-read the invoices, 200 to a request; say why a letter should not go.

        One ``/invoices/unpaid?filter=bookedInvoiceNumber$in:[...]`` per 200 invoices (the
        cycle asks for a batch of letters at once): an invoice missing from the answer has no
        remainder left, one with a smaller remainder was paid in part.
        """
        result: dict[str, str | None] = {}
        wanted: dict[str, Invoice] = {}
        for invoice_id in invoice_ids:
            if invoice_id in self._settled:
                result[invoice_id] = None  # already paid: an interest note is about that
                continue
            known = self._open.get(invoice_id) or self._read_invoice(invoice_id)
            if known is None:
                result[invoice_id] = "not found in e-conomic"
                continue
            wanted[known.id] = known
        numbers = [int(i) for i in wanted if i.isdigit()]
        current = (
            {
                i.id: i
                for i in self._each(
                    self.client.unpaid_numbered(numbers), mapping.invoice, "invoice"
                )
            }
            if numbers
            else {}
        )
        for before in wanted.values():
            result[before.id] = _change(before, current.get(before.id))
        return result

    def _read_invoice(self, invoice_id: str) -> Invoice | None:
        if not invoice_id.isdigit():
            return None
        try:
            return mapping.invoice(self.client.booked_invoice(int(invoice_id)))
        except NotFound:
            return None


def _change(before: Invoice, now: Invoice | None) -> str | None:
    """Say why a letter about ``before`` should not go, given the invoice as it is ``now``."""
    if now is None or now.outstanding <= 0:
        return "paid"
    if now.outstanding < before.outstanding:
        return f"payment arrived (remainder {before.outstanding} -> {now.outstanding})"
    return None
