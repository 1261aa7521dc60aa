"""The bridge's durable state in SQLite: runs, cursors, the letter outbox, disputes, audit log."""

from __future__ import annotations

from bridge.store.audit import AuditRow
from bridge.store.outbox import OutboxLetter
from bridge.store.runs import RunRow
from bridge.store.store import Store, open_store
from bridge.store.tenants import TenantRow

__all__ = ["AuditRow", "OutboxLetter", "RunRow", "Store", "TenantRow", "open_store"]
