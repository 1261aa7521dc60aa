"""The Store's tenants: cursors, feed snapshots, the request budget, leases, the company bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bridge.store import feeds, leases, tenants
from bridge.store.facade.base import StoreBase
from bridge.store.leases import Lease
from bridge.store.tenants import TenantRow
from bridge.vocab.connector import FeedSnapshot


class Tenants(StoreBase):
    """Per-tenant bookkeeping (bridge/store/tenants.py, feeds.py, leases.py)."""

    # cursors

    def cursor(self, tenant: str, name: str) -> str | None:
        """Return an incremental-sync cursor, None when never set."""
        with self._read() as conn:
            return tenants.cursor(conn, tenant, name)

    def set_cursor(self, tenant: str, name: str, value: str) -> None:
        """Set an incremental-sync cursor."""
        with self._write() as conn:
            tenants.set_cursor(conn, tenant, name, value, datetime.now(UTC))

    # feed snapshots: a connector's last full read of a tenant's lists (bridge/store/feeds.py)

    def feed_snapshot(self, tenant: str, name: str) -> FeedSnapshot | None:
        """Return the tenant's feed snapshot ``name``; None when none is kept."""
        with self._read() as conn:
            return feeds.load(conn, tenant, name)

    def save_feed_snapshot(self, tenant: str, name: str, snapshot: FeedSnapshot) -> None:
        """Keep the tenant's feed snapshot ``name``."""
        with self._write() as conn:
            feeds.save(conn, tenant, name, snapshot)

    # requests against a vendor's daily budget (bridge/infra/budget.py)

    def log_requests(self, tenant: str, requests: int, *, at: datetime) -> None:
        """Record the requests one cycle of the tenant sent."""
        with self._write() as conn:
            tenants.log_requests(conn, tenant, requests, at)

    def requests_since(self, tenant: str, since: datetime) -> int:
        """The requests the tenant's cycles sent from ``since`` on."""
        with self._read() as conn:
            return tenants.requests_since(conn, tenant, since)

    def budget_frees_at(self, tenant: str, now: datetime) -> datetime | None:
        """When the oldest request still inside the last 24 hours leaves them; None if none."""
        with self._read() as conn:
            oldest = tenants.oldest_request_since(conn, tenant, now - timedelta(hours=24))
        return oldest + timedelta(hours=24) if oldest is not None else None

    # leases (several daemons on one database)

    def acquire_lease(self, tenant: str, holder: str, *, ttl: timedelta) -> Lease | None:
        """Take the tenant's lease for ``ttl``; None when another holder's lease still runs."""
        now = self.clock()
        with self._write() as conn:
            return leases.acquire(conn, tenant, holder, now=now, ttl=ttl)

    def renew_lease(self, tenant: str, holder: str, *, ttl: timedelta) -> bool:
        """Extend a held lease by ``ttl`` from now; False when the holder lost it."""
        now = self.clock()
        with self._write() as conn:
            return leases.renew(conn, tenant, holder, now=now, ttl=ttl)

    def release_lease(self, tenant: str, holder: str) -> bool:
        """Give a tenant back; False when the holder no longer had it."""
        with self._write() as conn:
            return leases.release(conn, tenant, holder)

    def leases(self) -> list[Lease]:
        """Return every lease row by tenant (expired ones too, until taken or released)."""
        with self._read() as conn:
            return leases.listing(conn)

    # tenants

    def touch_tenant(self, tenant: str, system: str, country: str, *, at: datetime) -> None:
        """Record that a cycle ran for the tenant."""
        with self._write() as conn:
            tenants.touch(conn, tenant, system, country, at)

    def tenants(self) -> list[TenantRow]:
        """Return every tenant seen, by name."""
        with self._read() as conn:
            return tenants.all_tenants(conn)

    def company_key(self, tenant: str) -> str | None:
        """Return the accounting company recorded for the tenant, None when none is."""
        with self._read() as conn:
            return tenants.company_key(conn, tenant)

    def bind_company(self, tenant: str, key: str, *, at: datetime) -> str | None:
        """Record the tenant's company; return the old name when this name is a renamed tenant."""
        with self._write() as conn:
            return tenants.bind_company(conn, tenant, key, at)

    def rename_tenant(self, old: str, new: str, *, at: datetime) -> dict[str, int]:
        """Move every row of tenant ``old`` to ``new`` in one transaction (rows per table)."""
        with self._write() as conn:
            counts = tenants.rename(conn, old, new, at)
        self._known.pop(old, None)
        self._known.pop(new, None)
        return counts
