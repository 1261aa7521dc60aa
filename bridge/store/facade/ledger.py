"""The Store's record of what the bridge did: the run ledger and the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bridge.store import audit, runs
from bridge.store.audit import AuditRow
from bridge.store.facade.base import StoreBase
from bridge.store.runs import RunRow


class Ledger(StoreBase):
    """Runs (bridge/store/runs.py) and the audit log (bridge/store/audit.py)."""

    # runs

    def start_run(self, tenant: str, *, dry_run: bool, started_at: datetime) -> int:
        """Record the start of a cycle run and return its id."""
        with self._write() as conn:
            return runs.start(conn, tenant, dry_run=dry_run, started_at=started_at)

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        finished_at: datetime,
        summary: Mapping[str, Any],
        error: str | None = None,
    ) -> None:
        """Record how a run ended."""
        with self._write() as conn:
            runs.finish(
                conn, run_id, status=status, finished_at=finished_at, summary=summary, error=error
            )

    def runs(self, tenant: str | None = None, limit: int = 20) -> list[RunRow]:
        """Return recent runs, newest first."""
        with self._read() as conn:
            return runs.recent(conn, tenant, limit)

    # audit

    def audit(self, tenant: str, event: str, *, at: datetime, **data: Any) -> None:
        """Append an audit entry; values under secret-looking names are masked."""
        with self._write() as conn:
            audit.write(conn, tenant, event, at, data)

    def audit_log(self, tenant: str | None = None, limit: int = 100) -> list[AuditRow]:
        """Return audit entries, newest first."""
        with self._read() as conn:
            return audit.read(conn, tenant, limit)
