"""What became of one letter the bridge set out to withdraw (bridge/engine/withdraw.py).

Its own module so the cycle's outcome can name it while withdraw opens sessions through the
cycle's parts: the record sits below both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFERRED = "deferred"  # the command could not reach the system: the next cycle does it
UNKNOWN = "intended"  # asked, no answer: read back by the next cycle


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """What became of one letter the bridge set out to withdraw."""

    tenant: str
    letter_key: str
    action: str
    step: int
    invoices: tuple[str, ...]
    document: str
    reason: str
    # withdrawn | marked (stays pending: do not book) | booked (too late: it was sent) |
    # intended (no answer yet) | deferred (left to the next cycle) | would withdraw (dry run)
    state: str
    detail: str = ""

    def sentence(self, step: str | None = None) -> str:
        """One line for the terminal, the report and the e-mail (``step``: the step in words)."""
        what = f"{step or f'{self.action} {self.step}'} for invoice {', '.join(self.invoices)}"
        where = f" (document {self.document})" if self.document else ""
        done = {
            "withdrawn": "withdrawn",
            "marked": "DO NOT BOOK: could not be withdrawn",
            "booked": "was booked before it could be withdrawn: it went out; consider a credit",
            UNKNOWN: "being withdrawn; read back next cycle",
            DEFERRED: "to be withdrawn by the next cycle",
            "would withdraw": "would be withdrawn",
        }.get(self.state, self.state)
        tail = f" [{self.detail}]" if self.detail else ""
        return f"{what}{where}: {done}, because {self.reason}{tail}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "tenant": self.tenant,
            "letter": self.letter_key,
            "action": self.action,
            "step": self.step,
            "invoices": list(self.invoices),
            "document": self.document,
            "reason": self.reason,
            "state": self.state,
            "detail": self.detail,
        }
