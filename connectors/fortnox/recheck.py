"""The safety re-check before a Fortnox write: what ``lastmodified`` lists since the fetch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bridge.vocab.domain import Invoice
from bridge.vocab.errors import MalformedResponse, NotFound
from connectors.fortnox import mapping
from connectors.fortnox.feed import CLOCK_SKEW
from connectors.fortnox.state import FortnoxState

# A re-check may reuse the last look at lastmodified this young if nothing was written since.
RECHECK_REUSE = timedelta(seconds=5)


class Recheck(FortnoxState):
    """Session.recheck for Fortnox (batched: bridge/engine/recheck.py)."""

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Say why a letter should not go, from what Fortnox lists as changed since the fetch.

        One ``GET /3/invoices?lastmodified=...`` (usually one page) covers every invoice of a
        batch: a payment, a credit, a hand-over to Fortnox Finans all change an invoice and so
        its ``lastmodified`` (Fortnox's parameters guide). An invoice not listed is as the
        fetch saw it. Each call reads what changed since the previous one (less the clock
        skew), and remembers it for the rest of the cycle's batches.
        """
        result: dict[str, str | None] = {}
        self._read_changes()
        for invoice_id in invoice_ids:
            if invoice_id in self._settled:
                result[invoice_id] = None  # already paid: an interest invoice is about that
                continue
            before = self._open.get(invoice_id)
            if before is None:
                result[invoice_id] = self._recheck_unknown(invoice_id)
                continue
            now = self._changes.get(invoice_id, (before, None))
            result[invoice_id] = _change(before, now)
        return result

    def _read_changes(self) -> None:
        """Add the invoices changed since the last look (the fetch, at first) to ``_changes``."""
        if self._changes_since is None:
            return
        now = self._now()
        if (
            self._looked_at is not None
            and not self._wrote_since_look
            and now - self._looked_at < RECHECK_REUSE
        ):
            # Nothing was written since the last look, a moment ago: the batches of letters
            # the cycle decides but does not write (waiting, refused) share that answer, so a
            # write still follows a look taken after the fetch and at most RECHECK_REUSE old.
            return
        self._looked_at, self._wrote_since_look = now, False
        for item in self.client.invoices(modified_since=self._changes_since - CLOCK_SKEW):
            try:
                mapped = mapping.invoice(item)
            except MalformedResponse:
                continue
            self._changes[mapped.id] = (mapped, mapping.not_dunnable(item))
        self._changes_since = now

    def _recheck_unknown(self, invoice_id: str) -> str | None:
        """An invoice the fetch did not see: read it on its own."""
        if not invoice_id.isdigit():
            return "not found in Fortnox"
        try:
            raw = self.client.invoice(invoice_id)
        except NotFound:
            return "not found in Fortnox"
        try:
            now = mapping.invoice(raw)
        except MalformedResponse as exc:
            return f"unreadable in Fortnox: {exc}"
        return _change(now, (now, mapping.not_dunnable(raw)))


def _change(before: Invoice, now: tuple[Invoice, str | None] | None) -> str | None:
    """Say why a letter about ``before`` should not go, given the invoice as it is ``now``."""
    if now is None:
        return "paid or cancelled"
    invoice, left_alone = now
    if left_alone is not None:
        return left_alone
    if invoice.outstanding <= 0:
        return "paid"
    if invoice.outstanding < before.outstanding:
        return f"payment arrived (balance {before.outstanding} -> {invoice.outstanding})"
    return None
