"""Whole cycles (bridge.engine.cycle.run_tenant) on the Fortnox sandbox under Swedish law, exactly
once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.store import Store, open_store
from bridge.vocab.domain import ActionKind, CustomerKind, Mode
from bridge.vocab.faults import Fault
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from connectors.fortnox import CONNECTOR
from connectors.fortnox.sandbox.server import FortnoxSandbox
from tests.connectors.fortnox.conftest import TODAY

pytestmark = pytest.mark.usefixtures("fortnox_registered")


class Crash(BaseException):
    """Stands for the process dying: no handler in the cycle catches it."""


def _tenant(tmp_path: Path, mode: Mode = Mode.REVIEW) -> TenantSettings:
    return TenantSettings(
        system="fortnox",
        country="SE",
        mode=mode,
        sandbox_state=tmp_path / "sandbox.json",
        options={"company_name": "Nordkontor AB", "reminder_fee_agreed": "all"},
    )


def _run(store: Store, tenant: TenantSettings, day: date = TODAY, **kw: object) -> TenantOutcome:
    moment = datetime.combine(day, time(7), tzinfo=UTC)
    return run_tenant(store, "t", tenant, CycleOptions(today=day, now=moment, **kw))  # type: ignore[arg-type]


def _sandbox(tenant: TenantSettings, day: date = TODAY) -> FortnoxSandbox:
    assert tenant.sandbox_state is not None
    return FortnoxSandbox.load_or_demo(tenant.sandbox_state, day)


def test_a_second_cycle_writes_nothing_new(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path)
    with open_store(tmp_path / "db.sqlite3") as store:
        first = _run(store, tenant)
        assert first.status == "ok", first.error
        assert first.written
        second = _run(store, tenant)
        assert second.status == "ok", second.error
        assert second.written == []
        keys = {row.letter.key for row in store.letters("t")}
    documents = _sandbox(tenant).documents_by_key()
    assert set(documents) == keys
    assert set(documents.values()) == {1}
    _swedish_law_reaches_the_drafts(first, tenant)


def _swedish_law_reaches_the_drafts(outcome: TenantOutcome, tenant: TenantSettings) -> None:
    assert outcome.snapshot is not None
    customers = outcome.snapshot.customers
    by_invoice = {d.invoice_id: d for d in outcome.plan}
    # A business pays the SEK 450 förseningsersättning, which replaces the fees.
    business = by_invoice["29"]
    assert customers[business.customer_id].kind is CustomerKind.BUSINESS
    assert business.compensation == Decimal("450.00")
    # A consumer who agreed to it pays at most the SEK 60 påminnelseavgift, never compensation.
    consumer = by_invoice["8"]
    assert customers[consumer.customer_id].kind is CustomerKind.CONSUMER
    assert consumer.compensation == Decimal("0.00")
    assert consumer.fee <= Decimal("60.00")
    # Paid 58 days late: an interest invoice, written as INTRESTINVOICE.
    assert by_invoice["14"].action is ActionKind.INTEREST_INVOICE
    sandbox = _sandbox(tenant)
    written = {inv["ExternalInvoiceReference2"]: inv["InvoiceType"] for inv in sandbox.unbooked()}
    assert written["faktura 14"] == "INTRESTINVOICE"
    # Left alone: Fortnox Finans, the inactive customer.
    assert "18" not in by_invoice
    assert "24" not in by_invoice


def test_a_crash_between_write_and_record_never_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = _tenant(tmp_path)
    real_done = Store.done
    calls = {"n": 0}

    def done_then_die(self: Store, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # two letters recorded, the third written but never recorded
            raise Crash
        real_done(self, *args, **kwargs)  # type: ignore[arg-type]

    with open_store(tmp_path / "db.sqlite3") as store:
        monkeypatch.setattr(Store, "done", done_then_die)
        with pytest.raises(Crash):
            _run(store, tenant)
        monkeypatch.setattr(Store, "done", real_done)
    assert len(_sandbox(tenant).documents_by_key()) == 3

    with open_store(tmp_path / "db.sqlite3") as store:  # the restarted process
        assert len(store.unresolved("t")) == 1
        again = _run(store, tenant)
        assert again.status == "ok", again.error
        assert store.unresolved("t") == []
        keys = {row.letter.key for row in store.letters("t")}
        documents = _sandbox(tenant).documents_by_key()
        assert set(documents) == keys
        assert set(documents.values()) == {1}, "a letter was written twice"
        assert _run(store, tenant).written == []


def test_a_timeout_after_fortnox_acted_is_read_back_not_repeated(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path)
    assert tenant.sandbox_state is not None
    sandbox = FortnoxSandbox.demo(TODAY)
    sandbox.inject(Fault("timeout_after_commit", method="POST", times=50))
    with open_store(tmp_path / "db.sqlite3") as store:
        broken = _run(
            store,
            tenant,
            transport=sandbox.transport(),
            secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        )
        assert broken.status == "partial"
        sandbox.save(tenant.sandbox_state)
        assert len(store.unresolved("t")) == 1
        later = _run(store, tenant)
        assert later.status == "ok", later.error
        assert store.unresolved("t") == []
        live = {r.letter.key for r in store.letters("t") if r.state != "cancelled"}
    documents = _sandbox(tenant).documents_by_key()
    assert set(documents) == live
    assert set(documents.values()) == {1}


def test_booked_drafts_are_reconciled_and_the_ladder_moves_on(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path)
    with open_store(tmp_path / "db.sqlite3") as store:
        first = _run(store, tenant)
        sandbox = _sandbox(tenant)
        booked = sandbox.accept_drafts()
        assert tenant.sandbox_state is not None
        sandbox.save(tenant.sandbox_state)
        later = _run(store, tenant, TODAY + timedelta(days=1))
        assert later.status == "ok", later.error
        assert len(later.reconciled) == booked == len(first.written)
        # Our booked fee invoices are part of the claim, never dunned themselves.
        assert later.snapshot is not None
        ours = {r.document for _, r in first.written}
        assert not ours & {i.id for i in later.snapshot.invoices}


def test_autonomous_mode_books_sends_and_hands_over(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, Mode.AUTONOMOUS)
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = _run(store, tenant, TODAY + timedelta(days=60))
    assert outcome.status == "ok", outcome.error
    statuses = {r.status.value for _, r in outcome.written}
    assert "issued" in statuses
    assert _sandbox(tenant).unbooked() == [] or all(
        "Förslag" in inv["Comments"] for inv in _sandbox(tenant).unbooked()
    )
