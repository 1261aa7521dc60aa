"""When a connector's feed snapshot is read whole again (bridge.vocab.connector.FeedSnapshot).

Fortnox and Dinero list what changed since a moment; a session keeps its last full read and
merges those changes. What a feed cannot show (Dinero: a deleted reminder draft) is seen at
the next full read, so the age of a snapshot's last full read is bounded by the tenant option
``full_sweep_days``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bridge.vocab.connector import FeedKeeper, FeedSnapshot
from bridge.vocab.errors import ConfigError

# A snapshot read incrementally is read whole again after this many days (tenant option
# ``full_sweep_days``): what a change feed does not show (a deleted draft) is seen then.
DEFAULT_FULL_SWEEP_DAYS = 7


def full_sweep_due(
    kept: FeedSnapshot | None, *, version: int, now: datetime, options: Mapping[str, str]
) -> bool:
    """Tell whether the lists must be read whole: no snapshot, another shape, or too old."""
    if kept is None or kept.version != version:
        return True
    if options.get("incremental", "on").strip().lower() == "off":
        return True
    return now - kept.swept_at > timedelta(days=full_sweep_days(options))


def full_sweep_days(options: Mapping[str, str]) -> int:
    """The tenant option ``full_sweep_days`` (default 7; at least 1)."""
    text = options.get("full_sweep_days", "").strip()
    if not text:
        return DEFAULT_FULL_SWEEP_DAYS
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(
            f"tenant option 'full_sweep_days' must be a whole number >= 1, not {text!r}"
        )
    return int(text)


def keep(
    feeds: FeedKeeper,
    name: str,
    version: int,
    body: dict[str, Any],
    *,
    swept_at: datetime,
    now: datetime,
) -> None:
    """Keep ``body`` under ``name``: read whole at ``swept_at``, the feed read up to ``now``."""
    feeds.save(name, FeedSnapshot(version=version, swept_at=swept_at, watermark=now, body=body))


def swept_at(kept: FeedSnapshot | None, *, whole: bool, now: datetime) -> datetime:
    """When the lists were last read whole: ``now`` after a whole read (or the first), else as
    the kept snapshot says."""
    return now if whole or kept is None else kept.swept_at


def add_written(
    feeds: FeedKeeper,
    name: str,
    version: int,
    field: str,
    written: Mapping[str, Any],
    *,
    since: datetime,
) -> None:
    """Add what a session wrote to the body's ``field`` of the snapshot kept under ``name``.

    What was just written need not be read back unless the change feed lists it, so the
    watermark moves back to ``since`` (the first write) when that is earlier: whatever happened
    to a document after it was written is listed then. A snapshot of another version is
    replaced, and a new one counts as a whole read-back from the first write on.
    """
    kept = feeds.load(name)
    entries: dict[str, Any] = {}
    swept_at, watermark = since, since
    if kept is not None and kept.version == version:
        entries = {str(k): v for k, v in dict(kept.body.get(field, {})).items()}
        swept_at, watermark = kept.swept_at, min(kept.watermark, since)
    entries.update(written)
    keep(feeds, name, version, {field: entries}, swept_at=swept_at, now=watermark)
