"""Receivables by age: open invoices by how many days past due they are on ``today``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bridge.surfaces.report.money import Amounts
from bridge.vocab.domain import ZERO, Invoice

# (key, label, first day past due, last day past due); None = open-ended.
BUCKETS: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("not_due", "Not due", None, 0),
    ("1-15", "1-15 days", 1, 15),
    ("16-30", "16-30 days", 16, 30),
    ("31-60", "31-60 days", 31, 60),
    ("61-90", "61-90 days", 61, 90),
    ("90+", "Over 90 days", 91, None),
)


def bucket_of(days_past_due: int) -> str:
    """The age bucket of an invoice ``days_past_due`` days after its due date (<= 0: not due)."""
    for key, _label, low, high in BUCKETS:
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return key
    raise AssertionError(days_past_due)  # the buckets cover every integer


@dataclass
class Bucket:
    """Open invoices of one age."""

    key: str
    label: str
    invoices: int = 0
    amounts: Amounts = field(default_factory=Amounts)


def receivables(invoices: Iterable[Invoice], today: date) -> list[Bucket]:
    """Open invoices by age bucket (every bucket listed, empty ones too)."""
    buckets = {key: Bucket(key, label) for key, label, _lo, _hi in BUCKETS}
    for invoice in invoices:
        if invoice.outstanding <= ZERO:
            continue
        bucket = buckets[bucket_of((today - invoice.due_date).days)]
        bucket.invoices += 1
        bucket.amounts.add(invoice.currency, invoice.outstanding)
    return list(buckets.values())
