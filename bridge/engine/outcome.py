"""A tenant's cycle: the options it runs with and the outcome it reports."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bridge.engine.withdrawn import Withdrawn
from bridge.vocab.connector import (
    SecretStore,
)
from bridge.vocab.domain import (
    Decision,
    Letter,
    Snapshot,
    WriteResult,
)


@dataclass
class TenantOutcome:
    """What one cycle did for one tenant: the plan, the writes, what it skipped and why."""

    tenant: str
    system: str
    status: str = "ok"  # ok | error | skipped
    dry_run: bool = False
    plan: list[Decision] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    written: list[tuple[Letter, WriteResult]] = field(default_factory=list)
    reconciled: list[WriteResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (letter or invoice, reason)
    blocked: list[tuple[str, str]] = field(default_factory=list)  # (invoice, reason)
    pending: int = 0
    requests: int = 0
    error: str | None = None
    snapshot: Snapshot | None = None
    # Steps that need interest for a day without a usable reference rate (they wait; the rest
    # of the cycle goes on): (invoice, why, with the command that supplies the rate).
    rate_waits: list[tuple[str, str]] = field(default_factory=list)
    # Drafts taken back (or marked "do not book") because a dispute, hold, promise or payment
    # came after they were written (bridge/engine/withdraw.py); in a dry run, those that would be.
    withdrawn: list[Withdrawn] = field(default_factory=list)
    # Letters left for the next days: the vendor's daily request budget is spent
    # (bridge/infra/budget.py).
    budget_waits: int = 0

    def summary(self) -> dict[str, Any]:
        """Numbers for the run ledger and `status`."""
        return {
            "rate_waits": len(self.rate_waits),
            "rate_wait": self.rate_waits[0][1] if self.rate_waits else None,
            "status": self.status,
            "decisions": len(self.plan),
            "letters": len(self.letters),
            "written": len(self.written),
            "reconciled": len(self.reconciled),
            "withdrawn": sum(1 for w in self.withdrawn if w.state == "withdrawn"),
            "skipped": len(self.skipped),
            "pending": self.pending,
            "requests": self.requests,
            "budget_waits": self.budget_waits,
            "error": self.error,
        }


@dataclass(frozen=True)
class CycleOptions:
    """How to run: the date, dry run, and (for tests/demo) a transport or secrets override."""

    today: date
    now: datetime
    dry_run: bool = False
    secrets: SecretStore | None = None
    transport: Any = None  # httpx.BaseTransport
    # Told (tenant, stage, done, total) as the cycle goes; a terminal shows it, the daemon not.
    progress: Callable[[str, str, int, int], None] | None = None
    # Set when the daemon is told to stop: the letter being written is finished and recorded,
    # the rest waits for the next cycle, so no outcome is ever left unknown by a shutdown.
    stop: threading.Event | None = None

    @property
    def stopping(self) -> bool:
        """Tell whether a shutdown was asked for."""
        return self.stop is not None and self.stop.is_set()

    def report(self, tenant: str, stage: str, done: int, total: int) -> None:
        """Pass progress on to whoever watches, if anyone does."""
        if self.progress is not None:
            self.progress(tenant, stage, done, total)
