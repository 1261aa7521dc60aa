"""The review loop closes: drafts a dispute, hold, promise or payment makes wrong are withdrawn.

Each connector against its own sandbox, the accountant booking nothing: a dispute recorded
after the drafts were written takes the debtor's draft out of the system (or marks it "do not
book"), the store says withdrawn, and booking every draft afterwards sends nothing about the
disputed invoice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.engine.withdraw import grounds
from bridge.infra import retry
from bridge.store import Store, open_store
from bridge.store.outbox import OutboxLetter
from bridge.vocab import registry
from bridge.vocab.connector import Sandbox
from bridge.vocab.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    Dispute,
    Hold,
    Invoice,
    Letter,
    Snapshot,
)
from bridge.vocab.errors import RejectedRequest
from bridge.vocab.settings import TenantSettings
from connectors.dinero import mapping as dinero_mapping

DAY = date(2026, 3, 16)
SYSTEMS = ["economic", "dinero", "fortnox", "tripletex"]
DEBTOR_BOUND = (ActionKind.REMINDER, ActionKind.COLLECTION_WARNING)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _tenant(tmp_path: Path, system: str) -> TenantSettings:
    descriptor = registry.connector(system)
    return TenantSettings(
        system=system,
        country=descriptor.country,
        sandbox_state=tmp_path / "sandbox.json",
        options={"handover_folder": str(tmp_path / "cases")},
    )


def _run(store: Store, tenant: TenantSettings, day: date) -> TenantOutcome:
    moment = datetime.combine(day, time(7), tzinfo=UTC)
    outcome = run_tenant(store, "t", tenant, CycleOptions(today=day, now=moment))
    assert outcome.status == "ok", outcome.error
    return outcome


def _sandbox(tenant: TenantSettings, day: date) -> Sandbox:
    assert tenant.sandbox_state is not None
    return registry.connector(tenant.system).sandbox(tenant.sandbox_state, day)


def bookable(system: str, sandbox: Any) -> dict[str, str]:
    """Our letter keys on drafts the accountant could still book, with the draft's id."""
    if system == "economic":
        return {
            str((d.get("references") or {}).get("other")): str(d["draftInvoiceNumber"])
            for d in sandbox.state()["drafts"]
        }
    if system == "fortnox":
        return {
            str(i["ExternalInvoiceReference1"]): str(i["DocumentNumber"])
            for i in sandbox._state["invoices"].values()
            if not i["Booked"] and not i["Cancelled"] and i.get("ExternalInvoiceReference1")
        }
    if system == "dinero":
        return {
            str(dinero_mapping.reminder_key(r)): f"{guid}/{r['Id']}" for guid, r in sandbox.drafts()
        }
    return {str(o["reference"]): str(o["id"]) for o in sandbox.our_orders() if not o["isClosed"]}


def _debtor_letter(store: Store) -> OutboxLetter:
    rows = [r for r in store.letters("t", states={"pending"}) if r.letter.action in DEBTOR_BOUND]
    assert rows, "the first cycle wrote no reminder draft"
    return rows[0]


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_dispute_after_the_draft_withdraws_it_and_nothing_about_it_is_ever_booked(
    tmp_path: Path, system: str
) -> None:
    tenant = _tenant(tmp_path, system)
    with open_store(tmp_path / "db.sqlite3") as store:
        _run(store, tenant, DAY)
        row = _debtor_letter(store)
        key, invoice = row.letter.key, row.letter.decisions[0].invoice_id
        assert key in bookable(system, _sandbox(tenant, DAY))
        # The accountant books nothing; the customer disputes the invoice.
        store.set_dispute("t", invoice, start=DAY, end=None, note="wrong goods", at=_at(DAY))

        later = _run(store, tenant, DAY + timedelta(days=1))

        [withdrawn] = [w for w in later.withdrawn if w.letter_key == key]
        assert withdrawn.state == "withdrawn", withdrawn
        assert "disputed since" in withdrawn.reason
        recorded = store.letter(key)
        assert recorded is not None
        assert recorded.state == "cancelled"
        assert recorded.detail.startswith("withdrawn by the bridge: invoice ")
        asked = store.withdrawal(key)
        assert asked is not None
        assert asked.state == "withdrawn"
        # Never sent: no step in the history, so no fee and no ladder step counts.
        assert [s for s in store.history("t", invoice) if s.document == recorded.document] == []
        sandbox = _sandbox(tenant, DAY + timedelta(days=1))
        assert key not in bookable(system, sandbox)
        # The accountant now books everything: nothing about the disputed invoice goes out.
        sandbox.accept_drafts()
        assert tenant.sandbox_state is not None
        sandbox.save(tenant.sandbox_state)
        again = _run(store, tenant, DAY + timedelta(days=2))
        assert all(invoice not in _invoices(lt) for lt, _ in again.written)
        assert all(
            invoice not in _invoices(r.letter) for r in store.letters("t", states={"issued"})
        )


def _invoices(letter: Letter) -> set[str]:
    return {d.invoice_id for d in letter.decisions}


def _at(day: date) -> datetime:
    return datetime.combine(day, time(6), tzinfo=UTC)


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_crash_after_the_system_withdrew_is_read_back_by_the_key(
    tmp_path: Path, system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Crash(BaseException):
        pass

    tenant = _tenant(tmp_path, system)
    with open_store(tmp_path / "db.sqlite3") as store:
        _run(store, tenant, DAY)
        row = _debtor_letter(store)
        store.set_dispute(
            "t", row.letter.decisions[0].invoice_id, start=DAY, end=None, note="", at=_at(DAY)
        )

        def crash(self: Store, result: object, **kwargs: object) -> str:
            raise Crash

        monkeypatch.setattr(Store, "withdrawal_done", crash)
        with pytest.raises(Crash):
            run_tenant(store, "t", tenant, CycleOptions(today=DAY, now=_at(DAY)))
        monkeypatch.undo()
        # The system acted, the store was not told: the intent is there, the letter pending.
        asked = store.withdrawal(row.letter.key)
        assert asked is not None
        assert asked.state == "intended"
        assert row.letter.key not in bookable(system, _sandbox(tenant, DAY))

        _run(store, tenant, DAY)

        recorded = store.letter(row.letter.key)
        assert recorded is not None
        assert recorded.state == "cancelled"
        assert recorded.detail.startswith("withdrawn by the bridge")
        done = store.withdrawal(row.letter.key)
        assert done is not None
        assert done.state == "withdrawn"


def test_a_draft_the_system_will_not_remove_stays_pending_marked_do_not_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bridge.engine import proposals  # noqa: PLC0415
    from connectors.economic.client import EconomicClient  # noqa: PLC0415

    tenant = _tenant(tmp_path, "economic")
    with open_store(tmp_path / "db.sqlite3") as store:
        _run(store, tenant, DAY)
        row = _debtor_letter(store)
        store.set_hold(
            "t", row.letter.decisions[0].invoice_id, today=DAY, until=None, reason="", at=_at(DAY)
        )

        def refuse(self: EconomicClient, number: int) -> None:
            raise RejectedRequest("draft is locked", status=400)

        monkeypatch.setattr(EconomicClient, "delete_draft", refuse)
        later = _run(store, tenant, DAY)
        [marked] = [w for w in later.withdrawn if w.letter_key == row.letter.key]
        assert marked.state == "marked"
        assert "DO NOT BOOK" in marked.sentence()
        recorded = store.letter(row.letter.key)
        assert recorded is not None
        assert recorded.state == "pending"
        [shown] = [p for p in proposals.pending(store, "t") if p.key == row.letter.key]
        assert "on hold since" in shown.do_not_book
        assert "draft is locked" in shown.do_not_book
        # Booked anyway: the store learns it went out, and says so.
        monkeypatch.undo()
        _sandbox(tenant, DAY).accept_drafts()
        sandbox = _sandbox(tenant, DAY)
        sandbox.accept_drafts()
        assert tenant.sandbox_state is not None
        sandbox.save(tenant.sandbox_state)
        _run(store, tenant, DAY + timedelta(days=1))
        booked = store.letter(row.letter.key)
        assert booked is not None
        assert booked.state == "issued"
        done = store.withdrawal(row.letter.key)
        assert done is not None
        assert done.state == "booked"


# -- grounds: what makes a pending letter wrong to book ------------------------------------------


def _snapshot(outstanding: str = "1000.00", **marks: Any) -> Snapshot:
    customer = Customer("c1", "Kunde ApS", CustomerKind.BUSINESS)
    invoice = Invoice(
        "i1",
        "1001",
        "c1",
        DAY - timedelta(days=40),
        DAY - timedelta(days=20),
        "DKK",
        Decimal("1000.00"),
        Decimal(outstanding),
    )
    return Snapshot(
        tenant="t",
        fetched_at=_at(DAY),
        customers={"c1": customer},
        invoices=(invoice,) if Decimal(outstanding) > 0 else (),
        **marks,
    )


def _letter(action: ActionKind = ActionKind.REMINDER) -> Letter:
    decision = Decision(
        tenant="t",
        invoice_id="i1",
        invoice_number="1001",
        customer_id="c1",
        date=DAY - timedelta(days=3),
        action=action,
        step=2,
        currency="DKK",
        outstanding=Decimal("1000.00"),
        fee=Decimal("100.00"),
    )
    return Letter("t", "c1", action, 2, decision.date, "DKK", (decision,))


def test_grounds_name_the_dispute_the_hold_and_the_payment() -> None:
    assert grounds(_letter(), _snapshot(), DAY) is None
    disputed = _snapshot(disputes=(Dispute("i1", DAY),))
    assert grounds(_letter(), disputed, DAY) == "invoice 1001 is disputed since 2026-03-16"
    ended = _snapshot(disputes=(Dispute("i1", DAY - timedelta(days=9), DAY - timedelta(days=1)),))
    assert grounds(_letter(), ended, DAY) is None
    held = _snapshot(holds=(Hold("i1", DAY, DAY + timedelta(days=9), "goods returned"),))
    assert grounds(_letter(), held, DAY) == (
        "invoice 1001 is on hold since 2026-03-16 until 2026-03-25: goods returned"
    )
    part = grounds(_letter(), _snapshot("400.00"), DAY)
    assert part is not None
    assert part.startswith("a payment came in on invoice 1001")
    assert grounds(_letter(), _snapshot("0"), DAY) == (
        "invoice 1001 is paid (no longer open in the accounting system)"
    )
    # An interest invoice is about a paid invoice: a payment is no reason, a dispute is.
    interest = _letter(ActionKind.INTEREST_INVOICE)
    assert grounds(interest, _snapshot("0"), DAY) is None
    assert grounds(interest, disputed, DAY) is not None
    # A task for the creditor's people is never withdrawn.
    assert grounds(_letter(ActionKind.TASK), disputed, DAY) is None


def test_grounds_name_a_kept_promise() -> None:
    from bridge.vocab.domain import Instalment, Promise  # noqa: PLC0415
    from policies.ladder import load_policy  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415

    promise = Promise(
        "7", None, "i1", DAY, "DKK", (Instalment(DAY + timedelta(days=10), Decimal("1000")),)
    )
    snapshot = _snapshot(promises=(promise,))
    law, policy = for_country("DK"), load_policy(None, "DK")
    assert grounds(_letter(), snapshot, DAY) is None  # without the law the promise is not judged
    assert grounds(_letter(), snapshot, DAY, law=law, policy=policy) == (
        "invoice 1001: promise to pay #7 is being kept"
    )
