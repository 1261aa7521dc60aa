"""A tenant's feed snapshots in the store, as a connector session sees them (FeedKeeper)."""

from __future__ import annotations

from bridge.store import Store
from bridge.vocab.connector import FeedSnapshot


class StoreFeeds:
    """bridge.vocab.connector.FeedKeeper over the store, for one tenant."""

    def __init__(self, store: Store, tenant: str) -> None:
        self._store = store
        self._tenant = tenant

    def load(self, name: str) -> FeedSnapshot | None:
        """The snapshot kept under ``name``, None when there is none."""
        return self._store.feed_snapshot(self._tenant, name)

    def save(self, name: str, snapshot: FeedSnapshot) -> None:
        """Keep ``snapshot`` under ``name``."""
        self._store.save_feed_snapshot(self._tenant, name, snapshot)
