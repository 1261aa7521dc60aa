"""A vendor's daily request budget, planned per tenant across cycles.

Some vendors count requests per day rather than per second: e-conomic's fair use is 50,000
calls per 24 hours per agreement, above which it may restrict the agreement without warning
(docs/connectors/economic.md). A connector declares such a budget as a rate limit over 24 hours
or more. The store keeps the requests each cycle sent (``request_log``); before each letter the
cycle asks whether the next one still fits in what the last 24 hours left, less a reserve for
the next cycles' reads and the company's other integrations. Letters that do not fit wait for
the next day's budget, the most overdue written first (bridge/engine/cycle.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bridge.vocab.connector import RateLimit

DAY = timedelta(hours=24)
# The share of a daily budget a cycle never spends on letters: the next cycles' reads and the
# company's other integrations share the same agreement.
RESERVE = 0.2
# What one more letter may cost at most: its write, a read the write needs, its share of the
# batched re-check (bridge/engine/recheck.py).
PER_LETTER = 3


def daily_limit(limits: Sequence[RateLimit]) -> int | None:
    """The requests per 24 hours a connector's declared limits allow; None without a budget."""
    found = [
        int(limit.requests * DAY.total_seconds() / limit.seconds)
        for limit in limits
        if limit.seconds >= DAY.total_seconds()
    ]
    return min(found) if found else None


@dataclass(frozen=True, slots=True)
class Budget:
    """What a tenant may still send today: the daily limit less what the last 24 h used."""

    limit: int
    used_before: int  # by the tenant's cycles in the 24 hours before this one

    @property
    def spendable(self) -> int:
        """What this cycle may send, in all."""
        return max(0, int(self.limit * (1 - RESERVE)) - self.used_before)

    def fits(self, sent: int, letters: int = 1) -> bool:
        """Tell whether ``letters`` more letters fit after ``sent`` requests of this cycle."""
        return sent + letters * PER_LETTER <= self.spendable

    def wait_sentence(self, waiting: int, at: datetime) -> str:
        """Say how many letters wait, and why."""
        return (
            f"{waiting} letter(s) wait for the daily budget: the vendor allows {self.limit:,} "
            f"requests per 24 h; {self.used_before:,} were used before this cycle "
            f"(from {(at - DAY):%Y-%m-%d %H:%M}), {RESERVE:.0%} is kept for the next reads"
        )
