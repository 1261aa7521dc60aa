"""Feed snapshots: a connector's last full read of a tenant's lists, kept between cycles.

Fortnox and Dinero list what changed since a moment (``lastmodified``, ``changesSince``); a
session that keeps its last full read here reads only those changes on the next cycle and
merges them (docs/connectors/fortnox.md, dinero.md). A row is a cache of the vendor's data:
one that is missing, of another version or unreadable costs one full read, nothing else, so
no audit row is written for it.

The body keeps the vendor's answers as they were parsed (amounts as Decimal): a Decimal is
written as ``{"$decimal": "12.50"}`` so it comes back as the same Decimal, never a float or a
string a mapping would read differently.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from bridge.store.codec import instant_text, parse_instant
from bridge.store.db import Connection
from bridge.vocab.connector import FeedSnapshot

_DECIMAL = "$decimal"


def load(conn: Connection, tenant: str, name: str) -> FeedSnapshot | None:
    """The snapshot kept for the tenant under ``name``; None when none is, or it is unreadable."""
    row = conn.execute(
        "SELECT version, swept_at, watermark, body FROM feed_snapshots "
        "WHERE tenant = ? AND name = ?",
        (tenant, name),
    ).fetchone()
    if row is None:
        return None
    version, swept_at, watermark, body = row
    try:
        decoded = json.loads(str(body), object_hook=_decode)
        if not isinstance(decoded, dict):
            return None
        return FeedSnapshot(
            version=int(version),
            swept_at=parse_instant(str(swept_at)),
            watermark=parse_instant(str(watermark)),
            body=decoded,
        )
    except ValueError:
        return None  # a damaged row is a missing one: the next cycle reads everything


def save(conn: Connection, tenant: str, name: str, snapshot: FeedSnapshot) -> None:
    """Keep ``snapshot`` for the tenant under ``name``, replacing the one before."""
    body = json.dumps(_encode(snapshot.body), separators=(",", ":"), ensure_ascii=False)
    conn.execute("DELETE FROM feed_snapshots WHERE tenant = ? AND name = ?", (tenant, name))
    conn.execute(
        "INSERT INTO feed_snapshots (tenant, name, version, swept_at, watermark, body) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            tenant,
            name,
            snapshot.version,
            instant_text(snapshot.swept_at),
            instant_text(snapshot.watermark),
            body,
        ),
    )


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {_DECIMAL: str(value)}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and _DECIMAL in obj:
        return Decimal(obj[_DECIMAL])
    return obj
