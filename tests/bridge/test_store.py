"""The state store: schema migrations, the exclusive lock, runs, cursors, disputes, audit.

Tests taking the ``store`` or ``target`` fixture run on both backends: SQLite and a real
PostgreSQL server (tests/pg.py; skipped with the reason where it cannot run). The PostgreSQL
migrations, leases and daemons are in test_pg_*.py.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bridge.store import Store, open_store
from bridge.store import db as store_db
from bridge.store.lock import lock_path
from bridge.store.pg import PgError
from bridge.vocab.domain import Dispute
from bridge.vocab.errors import StoreError, StoreLocked
from tests.pg import pg_server, pg_url  # noqa: F401  (fixtures)

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TABLES = {"tenants", "runs", "cursors", "letters", "decisions", "disputes", "audit_log", "leases"}
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh database lives: a SQLite file, or a PostgreSQL schema of this test."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "state.db")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store: SQLite in memory, or PostgreSQL."""
    where = request.getfixturevalue("pg_url") if request.param == "postgresql" else ":memory:"
    s = open_store(where)
    yield s
    s.close()


def refused(store: Store, sql: str, match: str) -> None:
    """Run raw SQL that the database itself must refuse (not the store's code)."""
    conn = store._conn
    assert conn is not None
    if store.backend == "sqlite":
        with pytest.raises(sqlite3.IntegrityError, match=match):
            conn.execute(sql)
    else:
        with pytest.raises(PgError, match=match):
            conn.execute(sql)


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_migrates_an_empty_file_and_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "var" / "lib" / "state.db"
    open_store(path).close()
    conn = raw(path)
    try:
        latest = store_db.migrations()[-1].version
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
        assert names >= TABLES
        strict = {r[1] for r in conn.execute("PRAGMA table_list") if r[5]}
        assert strict >= TABLES
    finally:
        conn.close()
    assert path.stat().st_mode & 0o077 == 0


def test_migrations_are_numbered_without_gaps() -> None:
    found = store_db.migrations()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    assert found[0].name == "001_initial.sql"


def test_reopening_keeps_data_and_version(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = open_store(path)
    first.set_cursor("acme", "invoices", "2026-03-01T00:00:00+00:00")
    first.close()
    for _ in range(2):
        again = open_store(path)
        assert again.cursor("acme", "invoices") == "2026-03-01T00:00:00+00:00"
        again.close()
    conn = raw(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store_db.migrations())
    finally:
        conn.close()


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    open_store(path).close()
    conn = raw(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="schema version 999, newer than this program"):
        open_store(path)


def test_a_failing_migration_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.db"
    open_store(path).close()
    good = store_db.migrations()
    broken = store_db.Migration(
        len(good) + 1, "002_broken.sql", "CREATE TABLE extra (x TEXT) STRICT;\nSELECT nope;\n"
    )
    monkeypatch.setattr(store_db, "migrations", lambda: (*good, broken))
    with pytest.raises(StoreError, match=r"002_broken\.sql failed: no such column: nope"):
        open_store(path)
    conn = raw(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(good)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
        assert "extra" not in tables
    finally:
        conn.close()


def test_a_step_applied_meanwhile_by_another_process_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.db"
    open_store(path).close()
    real = store_db.schema_version
    reads: list[int] = []

    def stale_first(conn: sqlite3.Connection) -> int:
        # The first read happens before the write lock, as if another process then migrated.
        reads.append(0)
        return 0 if len(reads) == 1 else real(conn)

    monkeypatch.setattr(store_db, "schema_version", stale_first)
    conn = store_db.connect(path)
    try:
        steps = len(store_db.migrations())
        assert store_db.migrate(conn) == steps
        assert len(reads) == 1 + steps  # one stale read, then one under the lock per step
    finally:
        conn.close()


def test_statements_split_triggers_and_keep_comments() -> None:
    sql = (
        "-- a table\nCREATE TABLE a (x TEXT);\n"
        "CREATE TRIGGER t BEFORE DELETE ON a\nBEGIN\n    SELECT RAISE(ABORT, 'no');\nEND;\n"
        "-- the end\n"
    )
    parts = list(store_db.statements(sql))
    assert [p.split()[0:2] for p in parts] == [["--", "a"], ["CREATE", "TRIGGER"], ["--", "the"]]


def test_tables_are_strict_and_foreign_keys_enforced(store: Store) -> None:
    if store.backend == "sqlite":
        conn = store._conn
        assert conn is not None
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    refused(
        store,
        "INSERT INTO runs (tenant, dry_run, started_at, status) VALUES ('t', 'no', 'x', 'y')",
        "cannot store TEXT value in INTEGER column|invalid input syntax for type bigint",
    )
    refused(
        store,
        "INSERT INTO decisions (letter_id, position, tenant, decision_key, invoice_id,"
        " action, step, decision_date, currency, fee, interest, compensation)"
        " VALUES (42, 0, 't', 'k', 'i', 'reminder', 1, '2026-01-01', 'DKK', '0', '0', '0')",
        "FOREIGN KEY|foreign key constraint",
    )


HOLD_LOCK = """
import sys
from bridge.store import open_store
store = open_store(sys.argv[1])
with store.exclusive("other-daemon"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_exclusive_lock_held_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = open_store(path)
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "held"
            with (
                pytest.raises(StoreLocked, match=r"held by other-daemon \(pid \d+\) since 20"),
                store.exclusive("me"),
            ):
                pytest.fail("the lock was granted twice")
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=10)
    # The kernel released the lock with its holder; it is free again and names the new owner.
    with store.exclusive("me"):
        assert '"owner": "me"' in lock_path(path).read_text()
    assert lock_path(path).read_text() == ""
    store.close()


def test_exclusive_is_a_no_op_in_memory() -> None:
    with open_store(":memory:") as store, store.exclusive("a"), store.exclusive("b"):
        pass


def test_runs_are_listed_newest_first(store: Store) -> None:
    first = store.start_run("acme", dry_run=False, started_at=AT)
    second = store.start_run("beta", dry_run=True, started_at=AT + timedelta(hours=1))
    store.finish_run(
        first,
        status="ok",
        finished_at=AT + timedelta(minutes=2),
        summary={"written": 3, "charged": Decimal("100.00")},
    )
    rows = store.runs()
    assert [r.id for r in rows] == [second, first]
    done = store.runs("acme")[0]
    assert (done.status, done.dry_run, done.summary, done.error) == (
        "ok",
        False,
        {"written": 3, "charged": "100.00"},
        None,
    )
    assert done.started_at == AT
    assert done.finished_at == AT + timedelta(minutes=2)
    running = store.runs("beta")[0]
    assert (running.status, running.dry_run, running.finished_at) == ("running", True, None)
    assert len(store.runs(limit=1)) == 1


def test_finishing_a_run_twice_or_an_unknown_run_fails(store: Store) -> None:
    run = store.start_run("acme", dry_run=False, started_at=AT)
    store.finish_run(run, status="error", finished_at=AT, summary={}, error="boom")
    assert store.runs()[0].error == "boom"
    with pytest.raises(StoreError, match="already finished"):
        store.finish_run(run, status="ok", finished_at=AT, summary={})
    with pytest.raises(StoreError, match="no run 999"):
        store.finish_run(999, status="ok", finished_at=AT, summary={})


def test_cursors(store: Store) -> None:
    assert store.cursor("acme", "invoices") is None
    store.set_cursor("acme", "invoices", "a")
    store.set_cursor("acme", "invoices", "b")
    store.set_cursor("beta", "invoices", "c")
    assert store.cursor("acme", "invoices") == "b"
    assert store.cursor("beta", "invoices") == "c"
    assert [r.event for r in store.audit_log("acme")] == ["cursor.set", "cursor.set"]


def test_disputes_open_and_end(store: Store) -> None:
    store.set_dispute("acme", "7", start=date(2026, 2, 1), end=None, note="wrong qty", at=AT)
    store.set_dispute("acme", "3", start=date(2026, 2, 5), end=None, note="", at=AT)
    assert store.disputes("acme") == [
        Dispute("3", date(2026, 2, 5), None),
        Dispute("7", date(2026, 2, 1), None),
    ]
    store.set_dispute(
        "acme", "7", start=date(2026, 2, 1), end=date(2026, 2, 20), note="settled", at=AT
    )
    assert store.disputes("acme")[1] == Dispute("7", date(2026, 2, 1), date(2026, 2, 20))
    assert store.disputes("beta") == []
    with pytest.raises(StoreError, match="before it starts"):
        store.set_dispute("acme", "7", start=date(2026, 3, 1), end=date(2026, 2, 1), note="", at=AT)
    audit = store.audit_log("acme")
    assert [r.event for r in audit] == ["dispute.set"] * 3
    assert audit[0].data == {
        "invoice": "7",
        "start": "2026-02-01",
        "end": "2026-02-20",
        "note": "settled",
    }


def test_touch_tenant_audits_first_sighting_and_changes_only(store: Store) -> None:
    store.touch_tenant("acme", "economic", "DK", at=AT)
    store.touch_tenant("acme", "economic", "DK", at=AT + timedelta(days=1))
    store.touch_tenant("acme", "dinero", "DK", at=AT + timedelta(days=2))
    [row] = store.tenants()
    assert (row.tenant, row.system, row.first_seen, row.last_seen) == (
        "acme",
        "dinero",
        AT,
        AT + timedelta(days=2),
    )
    assert [r.event for r in reversed(store.audit_log("acme"))] == [
        "tenant.added",
        "tenant.changed",
    ]


def test_audit_masks_secret_looking_keys(store: Store) -> None:
    store.audit(
        "acme",
        "secrets.rotated",
        at=AT,
        token="abc123secretvalue",
        client_secret="s3cr3t-s3cr3t",
        nested={"refresh_token": "r-0000000000", "letter_key": "dl-1"},
        note="ok",
    )
    [row] = store.audit_log()
    assert row.data == {
        "token": "***",
        "client_secret": "***",
        "nested": {"refresh_token": "***", "letter_key": "dl-1"},
        "note": "ok",
    }
    conn = store._conn
    assert conn is not None
    if isinstance(conn, sqlite3.Connection):
        dump = "\n".join(conn.iterdump())
    else:
        dump = "\n".join(r[0] for r in conn.execute("SELECT data FROM audit_log").fetchall())
    for secret in ("abc123secretvalue", "s3cr3t-s3cr3t", "r-0000000000"):
        assert secret not in dump


def test_audit_log_is_append_only_and_newest_first(store: Store) -> None:
    for n in range(3):
        store.audit("acme" if n < 2 else "beta", f"e{n}", at=AT + timedelta(seconds=n), n=n)
    assert [r.event for r in store.audit_log()] == ["e2", "e1", "e0"]
    assert [r.event for r in store.audit_log("acme", limit=1)] == ["e1"]
    refused(store, "UPDATE audit_log SET event = 'x'", "append-only")
    refused(store, "DELETE FROM audit_log", "append-only")
    assert len(store.audit_log()) == 3


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.start_run("acme", dry_run=False, started_at=datetime(2026, 3, 2))
    assert store.runs() == []


def test_closed_store_refuses_work(target: str) -> None:
    store = open_store(target)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.runs()
    with pytest.raises(StoreError, match="closed"):
        store.set_cursor("acme", "x", "y")


def test_calls_from_many_threads_are_serialised(target: str) -> None:
    store = open_store(target)
    ids: list[int] = []

    def work(tenant: str) -> None:
        for _ in range(20):
            run = store.start_run(tenant, dry_run=False, started_at=AT)
            store.set_cursor(tenant, "invoices", str(run))
            store.finish_run(run, status="ok", finished_at=AT, summary={})
            ids.append(run)

    threads = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ids) == list(range(1, 81))
    assert {r.status for r in store.runs(limit=100)} == {"ok"}
    store.close()


@pytest.mark.parametrize(
    "content", [b"\x00\x01garbage" * 300, b"SQLite format 3\x00" + b"\xff" * 2000]
)
def test_a_corrupt_database_is_a_clear_error_and_is_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=r"cannot use state database .*state\.sqlite3"):
        open_store(path)
    assert path.read_bytes() == content  # nothing overwritten: the operator may still rescue it
