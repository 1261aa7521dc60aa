"""The bridge's durable state, SQLite or PostgreSQL: runs, cursors, outbox, audit, leases."""

from __future__ import annotations

from bridge.store.audit import AuditRow
from bridge.store.leases import Lease
from bridge.store.outbox import OutboxLetter
from bridge.store.runs import RunRow
from bridge.store.store import Store, open_store
from bridge.store.tenants import TenantRow

__all__ = ["AuditRow", "Lease", "OutboxLetter", "RunRow", "Store", "TenantRow", "open_store"]
