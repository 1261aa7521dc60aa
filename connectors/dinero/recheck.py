"""The safety re-check before a Dinero write: what ``changesSince`` lists since the fetch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from bridge.vocab.domain import ZERO, Invoice
from bridge.vocab.errors import NotFound
from connectors.dinero import mapping
from connectors.dinero.feed import CLOCK_SKEW, OPEN_STATUSES, PAID_STATUSES
from connectors.dinero.state import DineroState


class Recheck(DineroState):
    """Session.recheck for Dinero (batched: bridge/engine/recheck.py)."""

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Say why a letter should not go, from what Dinero lists as changed since the fetch.

        One ``GET /v1/{org}/invoices?changesSince=...`` (usually one page) covers a batch of
        letters: registering a payment writes to the invoice (it takes the invoice's
        Timestamp) and moves its ``UpdatedAt`` and, once paid, its ``Status``. Only an invoice
        listed there has its payments read again; one not listed is as the fetch saw it. Each
        call reads what changed since the previous one (less the clock skew).
        """
        result: dict[str, str | None] = {}
        self._read_changes()
        for invoice_id in invoice_ids:
            if invoice_id in self._settled:
                result[invoice_id] = None  # already paid: an interest note is about that
                continue
            before = self._open.get(invoice_id)
            if before is not None and self._changes_since is not None:
                item = self._changes.get(invoice_id)
                if item is None:
                    result[invoice_id] = None  # not changed since the fetch
                    self._covered.add(invoice_id)
                    continue
                if str(item.get("Status") or "") in PAID_STATUSES:
                    result[invoice_id] = "paid"
                    continue
            result[invoice_id] = self._payments_change(invoice_id, before)
        return result

    def _read_changes(self) -> None:
        """Add the invoices changed since the last look (the fetch, at first) to ``_changes``."""
        if self._changes_since is None:
            return
        now = datetime.now(UTC)
        for item in self.client.invoices(
            (*OPEN_STATUSES, *PAID_STATUSES), changes_since=self._changes_since - CLOCK_SKEW
        ):
            if isinstance(item, Mapping) and item.get("Guid"):
                self._changes[str(item["Guid"])] = item
        self._changes_since = now

    def _payments_change(self, invoice_id: str, before: Invoice | None) -> str | None:
        """Re-read one invoice's payments: why a letter about it should not go now."""
        try:
            paid = self.client.payments(invoice_id)
        except NotFound:
            return "not found in Dinero"
        now = max(ZERO, mapping.remaining(paid))
        if now <= ZERO:
            return "paid"
        if before is not None and now < before.outstanding:
            return f"payment arrived (remainder {before.outstanding} -> {now})"
        return None
