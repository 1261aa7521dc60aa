"""A payment registered between the fetch and a write cancels that write, under each
connector's batched re-check (bridge/engine/recheck.py): e-conomic ``$in`` lists, Tripletex id
lists,
Fortnox ``lastmodified`` and Dinero ``changesSince`` since the fetch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bench.companies import TODAY, company, descriptor, tenant
from bridge.engine import cycle
from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.engine.recheck import BatchRecheck
from bridge.infra import retry
from bridge.store import open_store
from bridge.vocab.domain import Letter, Snapshot
from bridge.vocab.secrets import StaticSecrets

INVOICES = 120  # 30 customers: enough letters for more than one letter per batch


def _pay(system: str, sandbox: Any, invoice_id: str, amount: Decimal) -> None:
    day = TODAY[system]
    if system == "economic":
        sandbox.pay(int(invoice_id), amount, day)
    elif system == "tripletex":
        sandbox.pay(int(invoice_id), amount)
    else:
        sandbox.pay(invoice_id, amount, day)


@pytest.mark.parametrize("system", ["economic", "dinero", "fortnox", "tripletex"])
def test_a_payment_between_fetch_and_write_cancels_the_write(
    system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    retry.set_waits(False)
    # The vendor's clock runs with ours (the change feeds compare the two), an hour behind
    # while the company is seeded, so what was seeded is older than the fetch.
    offset = {"value": timedelta(hours=-1)}
    sandbox = company(system, INVOICES, clock=lambda: datetime.now(UTC) + offset["value"])
    offset["value"] = timedelta(0)
    paid: dict[str, str] = {}  # invoice -> how it was paid
    read: Callable[..., Snapshot] = cycle._read

    def read_then_pay(*args: Any) -> Snapshot:
        snapshot = read(*args)
        overdue = [i for i in snapshot.invoices if i.due_date < TODAY[system]]
        # Every third overdue invoice in full, every seventh in part, after the fetch.
        for n, invoice in enumerate(overdue):
            if n % 3 == 0:
                _pay(system, sandbox, invoice.id, invoice.outstanding)
                paid[invoice.id] = "full"
            elif n % 7 == 1:
                _pay(system, sandbox, invoice.id, Decimal("1.00"))
                paid[invoice.id] = "part"
        return snapshot

    monkeypatch.setattr(cycle, "_read", read_then_pay)
    day = TODAY[system]
    with open_store(":memory:") as store:
        outcome = run_tenant(
            store,
            f"t-{system}",
            tenant(system),
            CycleOptions(
                today=day,
                now=datetime.combine(day, time(7), tzinfo=UTC),
                transport=sandbox.transport(),
                secrets=StaticSecrets(f"t-{system}", descriptor(system).sandbox_secrets),
            ),
        )
    assert outcome.error is None
    touched = [x for x in outcome.letters if any(d.invoice_id in paid for d in x.decisions)]
    clean = [x for x in outcome.letters if x not in touched]
    assert len(touched) >= 5
    assert clean
    written = {letter.key for letter, _ in outcome.written}
    reasons = dict(outcome.skipped)
    for letter in touched:
        assert letter.key not in written
        assert "changed since the fetch" in reasons[letter.key]
        for d in letter.decisions:
            if paid.get(d.invoice_id) == "full":
                assert f"{d.invoice_id}: paid" in reasons[letter.key]
            elif paid.get(d.invoice_id) == "part":
                assert f"{d.invoice_id}: payment arrived" in reasons[letter.key]
    # Nothing was written for a cancelled letter; the others were (or waited for their own
    # reasons, never for a payment they did not get).
    documents = sandbox.documents_by_key()
    assert not any(letter.key in documents for letter in touched)
    assert not any("changed since the fetch" in reasons.get(letter.key, "") for letter in clean)


class _Session:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def recheck(self, invoice_ids: list[str]) -> dict[str, str | None]:
        self.calls.append(list(invoice_ids))
        return {i: ("paid" if i == "x7" else None) for i in invoice_ids}


def _letters(n: int) -> list[Letter]:
    from bridge.vocab.domain import ActionKind, Decision  # noqa: PLC0415

    day = TODAY["economic"]
    out = []
    for k in range(n):
        decision = Decision(
            tenant="t",
            invoice_id=f"x{k}",
            invoice_number=str(k),
            customer_id=f"c{k}",
            date=day,
            action=ActionKind.REMINDER,
            step=1,
            currency="DKK",
            outstanding=Decimal("100.00"),
            fee=Decimal("0.00"),
            interest=None,
            compensation=Decimal("0.00"),
            deadline=day,
        )
        out.append(Letter("t", f"c{k}", ActionKind.REMINDER, 1, day, "DKK", (decision,)))
    return out


@pytest.mark.parametrize(("letters", "reads"), [(9, 1), (10, 1), (11, 2)])
def test_one_re_read_per_batch_of_letters(letters: int, reads: int) -> None:
    session = _Session()
    batch = BatchRecheck(session, _letters(letters), batch=10)  # type: ignore[arg-type]
    found = [batch.changed(k) for k in range(letters)]
    assert batch.reads == reads == len(session.calls)
    assert found[7] == {"x7": "paid"}
    assert all(not f for k, f in enumerate(found) if k != 7)


def test_an_old_answer_is_read_again() -> None:
    session = _Session()
    now = {"t": 0.0}
    batch = BatchRecheck(session, _letters(5), batch=10, max_age=30.0, clock=lambda: now["t"])  # type: ignore[arg-type]
    batch.changed(0)
    now["t"] = 30.0
    batch.changed(1)  # exactly as old as allowed: still good
    assert len(session.calls) == 1
    now["t"] = 30.5
    batch.changed(2)
    assert session.calls[1] == ["x2", "x3", "x4"]  # the rest of the batch, afresh


@pytest.mark.parametrize("system", ["dinero", "fortnox"])
def test_after_an_incremental_fetch_a_payment_still_cancels_the_write(
    system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fetch merges the change feed into the kept lists (feed snapshots); what it cannot
    rule out, a payment registered after it, the re-check before the write still sees."""
    from bridge.engine.feed_keeper import StoreFeeds  # noqa: PLC0415
    from bridge.vocab.connector import TenantContext  # noqa: PLC0415

    retry.set_waits(False)
    offset = {"value": timedelta(hours=-1)}
    sandbox = company(system, INVOICES, clock=lambda: datetime.now(UTC) + offset["value"])
    offset["value"] = timedelta(0)
    name, settings, day = f"t-{system}", tenant(system), TODAY[system]
    secrets = StaticSecrets(name, descriptor(system).sandbox_secrets)
    transport = sandbox.transport()
    paid: dict[str, str] = {}
    read: Callable[..., Snapshot] = cycle._read

    def read_then_pay(*args: Any) -> Snapshot:
        snapshot = read(*args)
        overdue = [i for i in snapshot.invoices if i.due_date < day]
        for n, invoice in enumerate(overdue):
            if n % 3 == 0:
                _pay(system, sandbox, invoice.id, invoice.outstanding)
                paid[invoice.id] = "full"
        return snapshot

    with open_store(":memory:") as store:
        # An earlier fetch kept the lists: the cycle's fetch reads only what changed since.
        earlier = descriptor(system).open(
            TenantContext(
                tenant=name,
                country=settings.country,
                mode=settings.mode,
                secrets=secrets,
                transport=transport,
                options=dict(settings.options),
                feeds=StoreFeeds(store, name),
            )
        )
        earlier.fetch(day, None)
        earlier.close()
        monkeypatch.setattr(cycle, "_read", read_then_pay)
        sandbox.requests.clear()
        outcome = run_tenant(
            store,
            name,
            settings,
            CycleOptions(
                today=day,
                now=datetime.combine(day, time(7), tzinfo=UTC),
                transport=transport,
                secrets=secrets,
            ),
        )
    walks = [
        p
        for m, p in sandbox.requests
        if m == "GET"
        and ("filter=unpaid" in p or "statusFilter=Overdue,Booked&" in p)
        and "lastmodified" not in p
        and "changesSince" not in p
    ]
    assert walks == []  # the fetch was incremental
    assert outcome.error is None
    touched = [x for x in outcome.letters if any(d.invoice_id in paid for d in x.decisions)]
    assert len(touched) >= 5
    written = {letter.key for letter, _ in outcome.written}
    reasons = dict(outcome.skipped)
    for letter in touched:
        assert letter.key not in written
        assert "changed since the fetch" in reasons[letter.key]
    documents = sandbox.documents_by_key()
    assert not any(letter.key in documents for letter in touched)
