"""Whole cycles (bridge.engine.cycle.run_tenant) on the Dinero sandbox: never twice, crash-safe."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.store import Store, open_store
from bridge.vocab.domain import ActionKind, Mode
from bridge.vocab.faults import Fault
from bridge.vocab.settings import TenantSettings
from connectors.dinero.readback import forget_hints
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import TODAY, secrets

TENANT = TenantSettings(system="dinero", country="DK", mode=Mode.REVIEW)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "state.sqlite3")


def cycle(store: Store, sandbox: DineroSandbox, day: datetime | None = None) -> TenantOutcome:
    moment = day or datetime.combine(TODAY, time(7), tzinfo=UTC)
    opts = CycleOptions(
        today=moment.date(), now=moment, transport=sandbox.transport(), secrets=secrets()
    )
    return run_tenant(store, "demo", TENANT, opts)


def test_a_second_cycle_writes_nothing_new(store: Store, sandbox: DineroSandbox) -> None:
    first = cycle(store, sandbox)
    assert first.status == "ok", first.error
    assert first.written, "the demo company has reminders due"
    drafts = len(sandbox.drafts())
    notes = sum(len(n) for n in sandbox.state.notes.values())
    assert drafts >= 5
    # Native reminders for reminders and warnings; nothing is dunned under bankruptcy.
    native = [
        sent
        for sent, _ in first.written
        if sent.action in (ActionKind.REMINDER, ActionKind.COLLECTION_WARNING)
    ]
    assert native
    blocked = {invoice for invoice, _ in first.blocked}
    assert blocked, "the bankrupt and dissolved companies' invoices are blocked"
    second = cycle(store, sandbox, datetime.combine(TODAY, time(9), tzinfo=UTC))
    assert second.status == "ok", second.error
    assert second.written == []
    assert len(sandbox.drafts()) == drafts
    assert sum(len(n) for n in sandbox.state.notes.values()) == notes
    assert all(n == 1 for n in sandbox.documents_by_key().values())


def test_booked_drafts_become_issued_steps(store: Store, sandbox: DineroSandbox) -> None:
    first = cycle(store, sandbox)
    assert sandbox.accept_drafts() > 0
    second = cycle(store, sandbox, datetime.combine(TODAY, time(9), tzinfo=UTC))
    native = [r for _, r in first.written if not r.document.startswith("note:")]
    assert len(second.reconciled) == len(native)
    later = datetime.combine(TODAY + timedelta(days=11), time(7), tzinfo=UTC)
    sandbox.today = later.date()
    third = cycle(store, sandbox, later)
    assert third.status == "ok", third.error
    assert all(n == 1 for n in sandbox.documents_by_key().values())
    assert first.written
    assert third.written


def test_a_crash_after_dinero_made_the_draft_does_not_make_a_second(
    store: Store, sandbox: DineroSandbox
) -> None:
    reminders = f"/v1/{sandbox.organization}/invoices/"
    sandbox.inject(Fault("timeout_after_commit", method="POST", path_prefix=reminders))
    first = cycle(store, sandbox)
    assert first.status == "partial"
    assert len(store.unresolved("demo")) == 1
    assert len(sandbox.drafts()) == 1  # Dinero acted; we never heard
    forget_hints()  # a new process: find() must search, not remember
    second = cycle(store, sandbox, datetime.combine(TODAY, time(9), tzinfo=UTC))
    assert second.status == "ok", second.error
    assert store.unresolved("demo") == []
    assert all(n == 1 for n in sandbox.documents_by_key().values())
    third = cycle(store, sandbox, datetime.combine(TODAY, time(11), tzinfo=UTC))
    assert third.written == []


def test_a_revoked_grant_stops_only_this_tenant(store: Store, sandbox: DineroSandbox) -> None:
    sandbox.revoke_grant()
    outcome = cycle(store, sandbox)
    assert outcome.status == "error"
    assert outcome.error is not None
    assert "dunning-bridge authorize demo" in outcome.error
    assert "sandbox-refresh-token" not in outcome.error
