"""The store's holds and promises (migration 003): set, renew, lift, record, withdraw, audit."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bridge.store import Store, open_store
from bridge.store import db as store_db
from bridge.vocab.domain import Hold, Instalment, Promise
from bridge.vocab.errors import StoreError

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
D = Decimal


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    yield s
    s.close()


def test_migration_003_runs_after_the_others_in_order(tmp_path: Path) -> None:
    names = [m.name for m in store_db.migrations()]
    assert names.index("003_holds_and_promises.sql") == 2
    assert [m.version for m in store_db.migrations()] == list(range(1, len(names) + 1))
    path = tmp_path / "state.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"holds", "promises", "promise_instalments"} <= tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(names)
    conn.close()


def test_a_database_at_version_two_is_brought_to_three(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = store_db.connect(path)
    for step in store_db.migrations()[:2]:
        for statement in store_db.statements(step.sql):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    assert store_db.migrate(conn) >= 3
    conn.close()
    with open_store(path) as again:
        assert again.holds("acme") == []


def test_hold_from_today_until_a_date_then_changed_then_lifted(store: Store) -> None:
    hold = store.set_hold("acme", "7", today=TODAY, until=date(2026, 3, 31), reason="query", at=AT)
    assert hold == Hold("7", TODAY, date(2026, 3, 31), "query")
    later = date(2026, 3, 10)
    store.set_hold("acme", "7", today=later, until=date(2026, 4, 15), reason="still", at=AT)
    assert store.holds("acme") == [Hold("7", TODAY, date(2026, 4, 15), "still")]
    assert store.lift_hold("acme", "7", today=date(2026, 3, 12), at=AT)
    assert not store.lift_hold("acme", "7", today=date(2026, 3, 12), at=AT)
    (lifted,) = store.holds("acme")
    assert lifted.lifted == date(2026, 3, 12)
    assert not lifted.covers(date(2026, 3, 12))
    assert store.holds("beta") == []
    events = [r.event for r in store.audit_log("acme")]
    assert events == ["hold.lifted", "hold.set", "hold.set"]


def test_a_hold_past_its_end_is_renewed_from_today(store: Store) -> None:
    store.set_hold("acme", "7", today=TODAY, until=TODAY, reason="", at=AT)
    renewed = store.set_hold("acme", "7", today=date(2026, 4, 1), until=None, reason="again", at=AT)
    assert renewed.start == date(2026, 4, 1)
    assert store.holds("acme") == [Hold("7", date(2026, 4, 1), None, "again")]


def test_after_a_lift_a_new_hold_is_a_new_row(store: Store) -> None:
    store.set_hold("acme", "7", today=TODAY, until=None, reason="a", at=AT)
    store.lift_hold("acme", "7", today=date(2026, 3, 5), at=AT)
    store.set_hold("acme", "7", today=date(2026, 3, 20), until=None, reason="b", at=AT)
    assert [(h.start, h.lifted, h.reason) for h in store.holds("acme")] == [
        (TODAY, date(2026, 3, 5), "a"),
        (date(2026, 3, 20), None, "b"),
    ]


def test_a_hold_cannot_end_before_today(store: Store) -> None:
    with pytest.raises(StoreError, match="before today"):
        store.set_hold("acme", "7", today=TODAY, until=date(2026, 3, 1), reason="", at=AT)


def test_promises_and_plans_round_trip_and_are_withdrawn(store: Store) -> None:
    single = store.add_promise(
        "acme",
        customer_id=None,
        invoice_id="7",
        made_on=TODAY,
        currency="DKK",
        instalments=[Instalment(date(2026, 3, 20), D("500.00"))],
        at=AT,
    )
    plan = store.add_promise(
        "acme",
        customer_id="C1",
        invoice_id=None,
        made_on=TODAY,
        currency="DKK",
        instalments=[
            Instalment(date(2026, 5, 1), D("300.00")),
            Instalment(date(2026, 4, 1), D("300.50")),
        ],
        note="phoned",
        at=AT,
    )
    assert (single.id, plan.id) == ("1", "2")
    assert [i.due for i in plan.instalments] == [date(2026, 4, 1), date(2026, 5, 1)]
    assert store.promises("acme") == [single, plan]
    assert store.promises("acme")[1].instalments[0].amount == D("300.50")
    assert store.end_promise("acme", "2", today=date(2026, 4, 2), at=AT)
    assert not store.end_promise("acme", "2", today=date(2026, 4, 2), at=AT)
    assert not store.end_promise("beta", "1", today=date(2026, 4, 2), at=AT)
    assert store.promises("acme")[1].ended == date(2026, 4, 2)
    assert store.promises("beta") == []
    events = [r.event for r in store.audit_log("acme")]
    assert events == ["promise.ended", "promise.recorded", "promise.recorded"]


@pytest.mark.parametrize(
    ("customer", "invoice", "parts", "message"),
    [
        (None, None, [Instalment(TODAY, D(1))], "name one"),
        ("C1", None, [], "at least one instalment"),
        ("C1", None, [Instalment(TODAY, D(0))], "must be positive"),
        ("C1", None, [Instalment(date(2026, 3, 1), D(1))], "cannot be before today"),
    ],
)
def test_a_promise_must_make_sense(
    store: Store,
    customer: str | None,
    invoice: str | None,
    parts: list[Instalment],
    message: str,
) -> None:
    with pytest.raises(StoreError, match=message):
        store.add_promise(
            "acme",
            customer_id=customer,
            invoice_id=invoice,
            made_on=TODAY,
            currency="DKK",
            instalments=parts,
            at=AT,
        )
    assert store.promises("acme") == []


def test_a_promise_id_must_be_a_number(store: Store) -> None:
    with pytest.raises(StoreError, match="not a number"):
        store.end_promise("acme", "x", today=TODAY, at=AT)


def test_promise_due_on_the_day_it_is_made_is_allowed(store: Store) -> None:
    made = store.add_promise(
        "acme",
        customer_id="C1",
        invoice_id=None,
        made_on=TODAY,
        currency="EUR",
        instalments=[Instalment(TODAY, D("1.00"))],
        at=AT,
    )
    assert made == Promise("1", "C1", None, TODAY, "EUR", (Instalment(TODAY, D("1.00")),))
