"""Dinero's change feed: the open invoices and the contacts, kept between cycles.

A full sweep reads both lists whole and keeps them as the tenant's feed snapshot (LISTS);
afterwards ``changesSince`` lists what changed since the watermark, and that replaces the kept
items. The statuses and the clock skew here are shared by every read of the feed (the fetch,
the credit notes, the re-check, the read-back).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from bridge.vocab.connector import TenantContext
from bridge.vocab.feeds import full_sweep_due, keep
from connectors.dinero import mapping
from connectors.dinero.client import DineroClient

# Our clock and Dinero's may disagree a little: every feed is read from a little before its
# watermark.
CLOCK_SKEW = timedelta(minutes=10)
OPEN_STATUSES = ("Overdue", "Booked")
PAID_STATUSES = ("Paid", "OverPaid")

# The feed snapshot of the open invoices and the contacts, as the lists give them:
# {"open": {"<invoice guid>": list item}, "contacts": {"<contact guid>": list item}}.
LISTS = "dinero.lists"
LISTS_VERSION = 1


def read_lists(
    ctx: TenantContext, client: DineroClient, today: date, now: datetime
) -> tuple[list[Any], list[Any]] | None:
    """The open invoices and the contacts from the feed snapshot (LISTS); None: read whole.

    A full sweep (no snapshot, another version, older than ``full_sweep_days``,
    ``incremental=off``) reads both lists and keeps them. Otherwise what Dinero lists as
    changed since the watermark (less the clock skew) replaces the kept items:
    ``changesSince`` returns what was "created, deleted or updated" (the spec), and a
    payment or a booked reminder updates the invoice. An invoice that falls due changes
    nothing, so an open invoice's Status is worked out here as Dinero's list does:
    Overdue once its PaymentDate has passed, else Booked (the sandbox's rule; assumed, see
    docs/connectors/dinero.md).
    """
    feeds = ctx.feeds
    if feeds is None:
        return None
    kept = feeds.load(LISTS)
    whole = full_sweep_due(kept, version=LISTS_VERSION, now=now, options=ctx.options)
    if whole or kept is None:
        open_ = _by_guid(client.invoices(OPEN_STATUSES), "Guid")
        contacts = _by_guid(client.contacts(), "ContactGuid")
        swept_at = now
    else:
        open_ = dict(kept.body.get("open", {}))
        contacts = dict(kept.body.get("contacts", {}))
        since = kept.watermark - CLOCK_SKEW
        for guid, item in _by_guid(
            client.invoices((*OPEN_STATUSES, *PAID_STATUSES), changes_since=since),
            "Guid",
        ).items():
            open_.pop(guid, None)
            if mapping.invoice_status(item) in OPEN_STATUSES and not item.get("DeletedAt"):
                open_[guid] = item
        for guid, item in _by_guid(client.contacts(changes_since=since), "ContactGuid").items():
            contacts.pop(guid, None)
            if not item.get("DeletedAt"):
                contacts[guid] = item
        swept_at = kept.swept_at
    body = {"open": open_, "contacts": contacts}
    keep(feeds, LISTS, LISTS_VERSION, body, swept_at=swept_at, now=now)
    day = today.isoformat()
    items = [
        {**item, "Status": "Overdue" if str(item.get("PaymentDate") or "") < day else "Booked"}
        if item.get("Status") in OPEN_STATUSES and isinstance(item.get("PaymentDate"), str)
        else item
        for item in open_.values()
    ]
    return items, list(contacts.values())


def _by_guid(items: Iterable[Any], key: str) -> dict[str, Any]:
    """List items by their guid; an item without one is kept for the mapping to report."""
    out: dict[str, Any] = {}
    for n, item in enumerate(items):
        guid = item.get(key) if isinstance(item, Mapping) else None
        out[str(guid) if guid else f"?{n}"] = item
    return out
