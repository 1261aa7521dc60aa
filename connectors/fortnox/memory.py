"""The full invoices and customers a Fortnox fetch remembers for the next cycle.

Fortnox's lists lack an invoice's reminders and a customer's type and activity, so each costs
a full read. The daemon runs for days: the full reads are kept per tenant, and the next fetch
reads again only what ``lastmodified`` lists as changed (connectors/fortnox/fetch.py); all are
read again after CACHE_MAX_AGE.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bridge.infra.process_memory import PerTenant
from bridge.vocab.connector import TenantContext

# Remembered full reads older than this are read again, whatever lastmodified says.
CACHE_MAX_AGE = timedelta(days=7)


@dataclass
class Memory:
    """What one tenant's earlier fetches read item by item, kept for the next cycle."""

    synced_at: datetime | None = None
    invoices: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # full invoices
    customers: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # full customers
    settled: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # full, paid late


# Per tenant; for a session on a given transport (a sandbox), per transport object too, so two
# emulated companies that share a tenant name never share what was read from them.
MEMORY: PerTenant[Memory] = PerTenant(Memory)


def forget_memory() -> None:
    """Drop what earlier fetches remembered; the next fetch of every tenant reads all."""
    MEMORY.forget()


def memory_of(ctx: TenantContext) -> Memory:
    return MEMORY.of(ctx)
