"""Feed snapshots in the store: kept per tenant and name, amounts back as the same Decimal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bridge.store import open_store
from bridge.vocab.connector import FeedSnapshot
from bridge.vocab.errors import ConfigError
from bridge.vocab.feeds import add_written, full_sweep_due

NOW = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)


def _snapshot(**body: object) -> FeedSnapshot:
    return FeedSnapshot(version=1, swept_at=NOW, watermark=NOW, body=dict(body))


def test_a_snapshot_comes_back_as_kept_with_decimals_as_decimals() -> None:
    with open_store(":memory:") as store:
        assert store.feed_snapshot("t", "x") is None
        kept = _snapshot(credit={"c1": Decimal("125.50"), "c2": Decimal("0.00")}, text="1.5")
        store.save_feed_snapshot("t", "x", kept)
        back = store.feed_snapshot("t", "x")
        assert back == kept
        assert back is not None
        assert isinstance(back.body["credit"]["c1"], Decimal)
        assert back.body["text"] == "1.5"  # a string stays a string
        assert store.feed_snapshot("other", "x") is None
        store.save_feed_snapshot("t", "x", _snapshot(credit={}))
        assert store.feed_snapshot("t", "x") == _snapshot(credit={})


def test_a_renamed_tenant_reads_its_company_whole_again() -> None:
    with open_store(":memory:") as store:
        store.touch_tenant("old", "dinero", "DK", at=NOW)
        store.save_feed_snapshot("old", "x", _snapshot())
        store.rename_tenant("old", "new", at=NOW)
        assert store.feed_snapshot("old", "x") is None
        assert store.feed_snapshot("new", "x") is None


@pytest.mark.parametrize(
    ("age_days", "due"),
    [(6, False), (7, False), (8, True)],  # full_sweep_days = 7: min-1, min, min+1
)
def test_a_full_sweep_is_due_once_the_last_is_older_than_the_setting(
    age_days: int, due: bool
) -> None:
    kept = FeedSnapshot(1, NOW - timedelta(days=age_days), NOW, {})
    options = {"full_sweep_days": "7"}
    assert full_sweep_due(kept, version=1, now=NOW, options=options) is due


def test_no_snapshot_another_version_or_incremental_off_is_a_full_sweep() -> None:
    kept = FeedSnapshot(1, NOW, NOW, {})
    assert full_sweep_due(None, version=1, now=NOW, options={})
    assert full_sweep_due(kept, version=2, now=NOW, options={})
    assert full_sweep_due(kept, version=1, now=NOW, options={"incremental": "off"})
    assert not full_sweep_due(kept, version=1, now=NOW, options={})


@pytest.mark.parametrize("bad", ["0", "-1", "seven"])
def test_a_bad_full_sweep_days_is_a_clear_error(bad: str) -> None:
    kept = FeedSnapshot(1, NOW, NOW, {})
    with pytest.raises(ConfigError, match="full_sweep_days"):
        full_sweep_due(kept, version=1, now=NOW, options={"full_sweep_days": bad})


class _Feeds:
    """A FeedKeeper in a dict."""

    def __init__(self) -> None:
        self.kept: dict[str, FeedSnapshot] = {}

    def load(self, name: str) -> FeedSnapshot | None:
        return self.kept.get(name)

    def save(self, name: str, snapshot: FeedSnapshot) -> None:
        self.kept[name] = snapshot


def test_written_documents_join_the_kept_ones_and_the_watermark_goes_back_to_the_first_write() -> (
    None
):
    feeds = _Feeds()
    swept = NOW - timedelta(days=3)
    feeds.save("r", FeedSnapshot(1, swept, NOW, {"ours": {"k1": "draft"}}))
    first_write = NOW - timedelta(minutes=1)
    add_written(feeds, "r", version=1, field="ours", written={"k2": "draft"}, since=first_write)
    assert feeds.kept["r"] == FeedSnapshot(
        1, swept, first_write, {"ours": {"k1": "draft", "k2": "draft"}}
    )
    # A write after the watermark leaves it where it is: the feed lists the change from there.
    later = NOW + timedelta(minutes=1)
    add_written(feeds, "r", version=1, field="ours", written={"k3": "kept"}, since=later)
    assert feeds.kept["r"].watermark == first_write
    assert feeds.kept["r"].swept_at == swept


def test_written_documents_start_a_new_snapshot_over_none_or_another_version() -> None:
    feeds = _Feeds()
    add_written(feeds, "r", version=2, field="ours", written={"k": "draft"}, since=NOW)
    assert feeds.kept["r"] == FeedSnapshot(2, NOW, NOW, {"ours": {"k": "draft"}})
    feeds.save("r", FeedSnapshot(1, NOW - timedelta(days=1), NOW, {"ours": {"old": "draft"}}))
    add_written(feeds, "r", version=2, field="ours", written={"k": "draft"}, since=NOW)
    assert feeds.kept["r"] == FeedSnapshot(2, NOW, NOW, {"ours": {"k": "draft"}})
