"""The audit log: one append-only row per state change, with secrets masked before storage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bridge.store.codec import dumps, instant_text, loads, parse_instant
from bridge.store.db import Connection
from bridge.vocab.redact import redact_mapping


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit entry as stored."""

    id: int
    tenant: str
    event: str
    at: datetime
    data: dict[str, Any]


def write(conn: Connection, tenant: str, event: str, at: datetime, data: Mapping[str, Any]) -> None:
    """Append one entry; keys named like a secret (token, secret, password ...) are masked."""
    conn.execute(
        "INSERT INTO audit_log (tenant, event, logged_at, data) VALUES (?, ?, ?, ?)",
        (tenant, event, instant_text(at), dumps(redact_mapping(data))),
    )


def read(conn: Connection, tenant: str | None, limit: int) -> list[AuditRow]:
    """Return the newest ``limit`` entries, newest first, of one tenant or all."""
    sql = "SELECT id, tenant, event, logged_at, data FROM audit_log"
    params: tuple[Any, ...] = ()
    if tenant is not None:
        sql += " WHERE tenant = ?"
        params = (tenant,)
    sql += " ORDER BY id DESC LIMIT ?"
    rows = conn.execute(sql, (*params, limit)).fetchall()
    return [
        AuditRow(id=r[0], tenant=r[1], event=r[2], at=parse_instant(r[3]), data=loads(r[4]))
        for r in rows
    ]
