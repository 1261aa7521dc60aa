"""Reading back what the bridge wrote to Fortnox: our unbooked, booked or cancelled invoices.

``find`` looks a letter up by the key in ExternalInvoiceReference1; ``reconcile`` tells which
were booked, sent or cancelled, keeping our invoices as last seen in the tenant's feed
snapshot (READBACK) so the next read-back reads only what ``lastmodified`` lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any

from bridge.vocab.connector import Pending
from bridge.vocab.domain import StepStatus, WriteResult
from bridge.vocab.feeds import add_written, full_sweep_due, keep
from connectors.fortnox import mapping
from connectors.fortnox.feed import CLOCK_SKEW, midnight
from connectors.fortnox.state import FortnoxState

# The feed snapshot of our pending invoices as last seen: {"ours": {letter key: invoice}}.
READBACK = "fortnox.readback"
READBACK_VERSION = 1

# The document of a booked letter that waits to be printed and posted by the company.
PRINT_PREFIX = "print:"


class Readback(FortnoxState):
    """Session.find and Session.reconcile for Fortnox."""

    def find(self, letter_key: str) -> WriteResult | None:
        """Find the invoice that carries ``letter_key`` in ExternalInvoiceReference1."""
        for item in self.client.invoices(reference=letter_key):
            if mapping.reference(item) == letter_key:
                return result_of(letter_key, item)
        return None

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Unbooked -> pending; booked with our key -> issued; deleted or cancelled -> rejected."""
        if not pending:
            return
        ours = self._kept_drafts({entry.letter_key for entry in pending})
        if ours is None:
            # Two walks instead of one search per letter: the drafts still waiting, and every
            # invoice changed since the oldest pending letter was written (booking or
            # cancelling a draft changes it). A search by key is left for what neither shows.
            ours = {}
            for item in self.client.invoices(filter_="unbooked"):
                key = mapping.reference(item)
                if key:
                    ours[key] = item
        wanted = {entry.letter_key for entry in pending} - set(ours)
        if wanted:
            oldest = min(entry.written_on for entry in pending) - timedelta(days=1)
            for item in self.client.invoices(modified_since=midnight(oldest)):
                key = mapping.reference(item)
                if key in wanted:
                    ours[key] = item
        self._keep_drafts(ours, {entry.letter_key for entry in pending})
        for entry in pending:
            item = ours.get(entry.letter_key)
            if item is not None and entry.document.startswith(PRINT_PREFIX):
                yield _print_result(entry, item)
                continue
            if item is not None:
                yield result_of(entry.letter_key, item)
                continue
            if entry.document.startswith("finans:"):
                yield WriteResult(entry.letter_key, entry.document, StepStatus.ISSUED)
                continue
            found = self.find(entry.letter_key)
            yield found or entry.result(
                StepStatus.REJECTED,
                f"unbooked invoice {entry.document} was deleted without being booked",
            )

    def _kept_drafts(self, keys: set[str]) -> dict[str, Any] | None:
        """Our invoices as last seen (READBACK), updated by what changed since; None: walk.

        Booking, cancelling or sending a draft modifies it, so ``lastmodified`` lists it; the
        others are as the last reconcile (or the write) saw them. The kept invoices are read
        whole again (the walks) after ``full_sweep_days``.
        """
        feeds = self.ctx.feeds
        kept = feeds.load(READBACK) if feeds is not None else None
        now = self._now()
        if not self.incremental or full_sweep_due(
            kept, version=READBACK_VERSION, now=now, options=self.ctx.options
        ):
            return None
        assert kept is not None  # full_sweep_due says so
        ours = {str(k): v for k, v in dict(kept.body.get("ours", {})).items() if k in keys}
        for item in self.client.invoices(modified_since=kept.watermark - CLOCK_SKEW):
            key = mapping.reference(item)
            if key in keys:
                ours[key] = item
        self._readback_at = (kept.swept_at, now)
        return ours

    def _keep_drafts(self, ours: Mapping[str, Any], keys: set[str]) -> None:
        """Keep our pending invoices as seen now, for the next reconcile."""
        feeds = self.ctx.feeds
        if feeds is None:
            return
        swept_at, now = self._readback_at or (self._now(), self._now())
        body = {"ours": {k: v for k, v in ours.items() if k in keys}}
        keep(feeds, READBACK, READBACK_VERSION, body, swept_at=swept_at, now=now)

    def _keep_written(self) -> None:
        """Add the invoices this session wrote to READBACK: a new draft is not read back."""
        feeds = self.ctx.feeds
        if feeds is None or not self._written:
            return
        since = self._written_since or self._now()
        add_written(feeds, READBACK, READBACK_VERSION, "ours", self._written, since=since)
        self._written = {}


def result_of(letter_key: str, item: Any) -> WriteResult:
    number = mapping.document_number(item)
    if mapping.not_dunnable(item) == "cancelled":
        return WriteResult(letter_key, number, StepStatus.REJECTED, f"invoice {number} cancelled")
    if mapping.not_dunnable(item) == "not booked":
        return WriteResult(letter_key, number, StepStatus.PENDING, f"unbooked invoice {number}")
    return WriteResult(letter_key, number, StepStatus.ISSUED, f"booked as invoice {number}")


def _print_result(entry: Pending, item: Any) -> WriteResult:
    """A booked letter waiting to be printed: issued once Fortnox shows it sent."""
    result = result_of(entry.letter_key, item)
    if result.status is not StepStatus.ISSUED:
        return result
    number = mapping.document_number(item)
    if mapping.sent(item):
        return entry.result(StepStatus.ISSUED, f"invoice {number} printed and sent", number)
    return entry.result(StepStatus.PENDING, f"invoice {number} not yet printed")
