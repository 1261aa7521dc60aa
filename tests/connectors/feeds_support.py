"""What the change-feed tests of Dinero and Fortnox share: the vendor's clock, a session
keeping its feed snapshots in a store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bridge.engine.feed_keeper import StoreFeeds
from bridge.store import Store
from bridge.vocab.connector import ConnectorDescriptor, Session, TenantContext


class VendorClock:
    """The vendor's clock (its change stamps): the company was last changed ``ago`` (a day);
    a test moves it on (``at``) before the changes it makes."""

    def __init__(self, ago: timedelta = timedelta(days=1)) -> None:
        self.at = datetime.now(UTC) - ago

    def __call__(self) -> datetime:
        return self.at


def open_with_feeds(
    descriptor: ConnectorDescriptor, base: TenantContext, store: Store | None, tenant: str
) -> Session:
    """Open a session whose feed snapshots live in ``store`` (none kept without one)."""
    if store is not None:
        base = replace(base, feeds=StoreFeeds(store, tenant))
    return descriptor.open(base)
