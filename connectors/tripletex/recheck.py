"""The safety re-check before a Tripletex write: the fetched invoices read again in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from bridge.vocab.domain import Invoice
from bridge.vocab.errors import NotFound
from connectors.tripletex import mapping
from connectors.tripletex.state import TripletexState


class Recheck(TripletexState):
    """Session.recheck for Tripletex (batched: bridge/engine/recheck.py)."""

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Re-read the invoices; say why a letter about one should not go now.

        Invoices the fetch saw are re-read together, in one list call by id over their
        invoice dates; any other is read on its own.
        """
        today = self._today()
        result: dict[str, str | None] = {}
        read = self._reread([i for i in invoice_ids if i in self._open])
        for invoice_id in invoice_ids:
            if not invoice_id.isdigit():
                result[invoice_id] = "not a Tripletex invoice id"
                continue
            obj = read.get(invoice_id) if invoice_id in self._open else self._read_one(invoice_id)
            if obj is None:
                result[invoice_id] = "not found in Tripletex"
                continue
            if not mapping.is_claim(obj):
                result[invoice_id] = "credited in Tripletex"
                continue
            now = mapping.invoice(obj)
            self._learn_currency(obj)
            before = self._open.get(invoice_id)
            reminders = mapping.invoice_reminders(obj)
            result[invoice_id] = _change(before, now, today)
            known = self._reminders.get(invoice_id)
            if result[invoice_id] is None and known is not None and len(reminders) > len(known):
                result[invoice_id] = "a reminder was sent from Tripletex since the fetch"
        return result

    def _reread(self, invoice_ids: Sequence[str]) -> dict[str, Any]:
        """The fetched invoices ``invoice_ids`` as Tripletex has them now, by id (one call)."""
        known = [self._open[i] for i in invoice_ids if i.isdigit()]
        if not known:
            return {}
        first = min(i.issue_date for i in known)
        last = max(i.issue_date for i in known)
        found: dict[str, Any] = {}
        for obj in self.client.invoices(
            date_from=first, date_to=last + timedelta(days=1), ids=[int(i.id) for i in known]
        ):
            if isinstance(obj, Mapping) and obj.get("id") is not None:
                found[str(obj["id"])] = obj
        return found

    def _read_one(self, invoice_id: str) -> Any:
        try:
            return self.client.invoice(int(invoice_id))
        except NotFound:
            return None


def _change(before: Invoice | None, now: Invoice, today: date) -> str | None:
    """Say why a letter about an invoice should not go, given the invoice as it is ``now``."""
    if now.outstanding <= 0:
        return "paid"
    if before is not None and now.outstanding < before.outstanding:
        return f"payment arrived (outstanding {before.outstanding} -> {now.outstanding})"
    if now.paused_until is not None and now.paused_until >= today:
        return f"reminders postponed to {now.paused_until.isoformat()} by an invoice remark"
    return None
