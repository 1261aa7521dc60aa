"""The run ledger: one row per cycle of one tenant, with its outcome in numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bridge.store import audit
from bridge.store.codec import dumps, instant_text, loads, parse_instant
from bridge.store.db import Connection
from bridge.vocab.errors import StoreError
from bridge.vocab.redact import redact_mapping, redact_text

RUNNING = "running"


@dataclass(frozen=True, slots=True)
class RunRow:
    """One cycle run as stored; ``finished_at`` is None while it runs (or if it crashed)."""

    id: int
    tenant: str
    dry_run: bool
    started_at: datetime
    finished_at: datetime | None
    status: str
    summary: dict[str, Any]
    error: str | None


def start(conn: Connection, tenant: str, *, dry_run: bool, started_at: datetime) -> int:
    """Record that a run began and return its id."""
    [(new_id,)] = conn.execute(
        "INSERT INTO runs (tenant, dry_run, started_at, status) VALUES (?, ?, ?, ?) RETURNING id",
        (tenant, int(dry_run), instant_text(started_at), RUNNING),
    ).fetchall()
    run_id = int(new_id)
    audit.write(conn, tenant, "run.started", started_at, {"run": run_id, "dry_run": dry_run})
    return run_id


def finish(
    conn: Connection,
    run_id: int,
    *,
    status: str,
    finished_at: datetime,
    summary: Mapping[str, Any],
    error: str | None,
) -> None:
    """Record how a running run ended."""
    row = conn.execute("SELECT tenant, status FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        raise StoreError(f"no run {run_id}")
    tenant, current = row
    if current != RUNNING:
        raise StoreError(f"run {run_id} already finished with status {current!r}")
    # Errors and summaries are meant to be secret-free already; mask again so none is stored.
    safe_error = redact_text(error) if error is not None else None
    conn.execute(
        "UPDATE runs SET status = ?, finished_at = ?, summary = ?, error = ? WHERE id = ?",
        (status, instant_text(finished_at), dumps(redact_mapping(summary)), safe_error, run_id),
    )
    audit.write(
        conn,
        tenant,
        "run.finished",
        finished_at,
        {"run": run_id, "status": status, "error": safe_error},
    )


def recent(conn: Connection, tenant: str | None, limit: int) -> list[RunRow]:
    """Return the newest ``limit`` runs, newest first, of one tenant or all."""
    sql = "SELECT id, tenant, dry_run, started_at, finished_at, status, summary, error FROM runs"
    params: tuple[Any, ...] = ()
    if tenant is not None:
        sql += " WHERE tenant = ?"
        params = (tenant,)
    sql += " ORDER BY id DESC LIMIT ?"
    return [
        RunRow(
            id=r[0],
            tenant=r[1],
            dry_run=bool(r[2]),
            started_at=parse_instant(r[3]),
            finished_at=parse_instant(r[4]) if r[4] is not None else None,
            status=r[5],
            summary=loads(r[6]),
            error=r[7],
        )
        for r in conn.execute(sql, (*params, limit)).fetchall()
    ]
