"""A tenant is its accounting company: a rename in the env file keeps its history (issue 18, 4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.infra import retry
from bridge.store import Store, open_store
from bridge.store.tenants import DROPPED_TABLES, KEPT_TABLES, MOVED_TABLES
from bridge.vocab import registry
from bridge.vocab.domain import Mode
from bridge.vocab.errors import StoreError
from bridge.vocab.settings import TenantSettings

TODAY = date(2026, 3, 16)
AT = datetime.combine(TODAY, time(7), tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "state.db") as s:
        yield s


def _tenant(tmp_path: Path) -> TenantSettings:
    descriptor = registry.connector("economic")
    return TenantSettings(
        system="economic",
        country=descriptor.country,
        mode=Mode.REVIEW,
        sandbox_state=tmp_path / "sandbox.json",
    )


def _run(store: Store, name: str, tenant: TenantSettings) -> TenantOutcome:
    return run_tenant(store, name, tenant, CycleOptions(today=TODAY, now=AT))


def _documents(tenant: TenantSettings) -> dict[str, int]:
    assert tenant.sandbox_state is not None
    sandbox = registry.connector("economic").sandbox(tenant.sandbox_state, TODAY)
    return dict(sandbox.documents_by_key())  # type: ignore[attr-defined]


def test_every_table_naming_a_tenant_is_moved_or_kept(store: Store) -> None:
    with store._read() as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        with_tenant = {
            t
            for t in tables
            if any(c[1] == "tenant" for c in conn.execute(f"PRAGMA table_info({t})"))
        }
    assert with_tenant == set(MOVED_TABLES) | set(KEPT_TABLES) | set(DROPPED_TABLES)


def test_a_renamed_tenant_is_refused_with_the_command_to_move_its_history(
    tmp_path: Path, store: Store
) -> None:
    tenant = _tenant(tmp_path)
    first = _run(store, "acme", tenant)
    assert first.status == "ok", first.error
    written = _documents(tenant)
    assert written
    assert store.letters("acme")

    renamed = _run(store, "acme-dk", tenant)

    assert renamed.status == "error"
    assert "'acme'" in (renamed.error or "")
    assert "dunning-bridge tenants rename acme acme-dk" in (renamed.error or "")
    assert store.letters("acme-dk") == []
    assert _documents(tenant) == written  # no first reminders written afresh


def test_tenants_rename_moves_the_history_and_the_next_cycle_continues(
    tmp_path: Path, store: Store
) -> None:
    tenant = _tenant(tmp_path)
    assert _run(store, "acme", tenant).status == "ok"
    keys = {row.letter.key for row in store.letters("acme")}
    written = _documents(tenant)
    assert _run(store, "acme-dk", tenant).status == "error"

    counts = store.rename_tenant("acme", "acme-dk", at=AT)

    assert counts["letters"] == len(keys)
    assert store.letters("acme") == []
    moved = store.letters("acme-dk")
    assert {row.letter.key for row in moved} == keys  # keys embedded in documents stay
    assert all(row.letter.tenant == "acme-dk" for row in moved)
    assert store.company_key("acme-dk") is not None
    assert [t.tenant for t in store.tenants()] == ["acme-dk"]
    assert any(e.event == "tenant.renamed" for e in store.audit_log("acme"))

    again = _run(store, "acme-dk", tenant)

    assert again.status == "ok", again.error
    assert {row.letter.key for row in store.letters("acme-dk")} == keys
    assert _documents(tenant) == written  # nothing dunned twice


def test_renaming_onto_a_tenant_with_history_is_refused(tmp_path: Path, store: Store) -> None:
    assert _run(store, "acme", _tenant(tmp_path / "a")).status == "ok"
    assert _run(store, "globex", _tenant(tmp_path / "b")).status == "ok"
    before = {row.letter.key for row in store.letters("globex")}

    with pytest.raises(StoreError, match="'globex' already has a history"):
        store.rename_tenant("acme", "globex", at=AT)

    assert store.letters("acme")
    assert {row.letter.key for row in store.letters("globex")} == before


def test_renaming_an_unknown_tenant_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="knows no tenant 'ghost'"):
        store.rename_tenant("ghost", "acme", at=AT)
