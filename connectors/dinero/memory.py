"""The per-invoice reads a Dinero fetch remembers for the next cycle.

Dinero's invoice list has no remaining amount and no reminders, so each open invoice costs a
payments read and each overdue one a reminders read. The daemon runs for days: the reads are
kept per tenant, keyed by the list's ``UpdatedAt`` and ``Status``, and the next fetch reads
again only the invoices whose stamp moved (connectors/dinero/fetch.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bridge.infra.process_memory import PerTenant
from bridge.vocab.connector import TenantContext


@dataclass(frozen=True, slots=True)
class Read:
    """An open invoice's per-item reads, and the list's change stamp they were read at."""

    stamp: tuple[str, str]  # (UpdatedAt, Status) from the invoice list
    paid: Any  # the /payments answer
    reminders: tuple[Any, ...] | None  # None: not read (the invoice was not overdue)
    # When the reads were made: they are made again after ``full_sweep_days`` whatever the
    # stamp says (a draft made or deleted in Dinero's screens moves no stamp in the sandbox).
    read_at: datetime


# Per tenant (and per transport object for a sandbox, so two emulated companies that share a
# tenant name never share reads): the daemon runs for days, and the list's UpdatedAt tells
# which invoices changed (a payment or a booked reminder changes the invoice).
READS: PerTenant[dict[str, Read]] = PerTenant(dict)


def forget_reads() -> None:
    """Drop every remembered per-invoice read; the next fetch reads each invoice again."""
    READS.forget()


def reads_of(ctx: TenantContext) -> dict[str, Read]:
    return READS.of(ctx)


def stamp(item: Any) -> tuple[str, str]:
    """What tells an invoice changed: its UpdatedAt and its status (due date passing)."""
    if not isinstance(item, Mapping):
        return ("", "")
    return (str(item.get("UpdatedAt") or ""), str(item.get("Status") or ""))
