"""The outbox: a decision is claimed once, letters move only along allowed transitions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.store import Store, open_store
from bridge.vocab.connector import Pending
from bridge.vocab.domain import (
    ActionKind,
    Decision,
    InterestCharge,
    Letter,
    StepStatus,
    WriteResult,
)
from bridge.vocab.errors import StoreError

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = date(2026, 3, 2)


def decision(
    invoice: str,
    *,
    step: int = 1,
    action: ActionKind = ActionKind.REMINDER,
    day: date = DAY,
    tenant: str = "acme",
    fee: str = "100.00",
    interest: InterestCharge | None = None,
    deadline: date | None = None,
) -> Decision:
    return Decision(
        tenant=tenant,
        invoice_id=invoice,
        invoice_number=f"N{invoice}",
        customer_id="C1",
        date=day,
        action=action,
        step=step,
        currency="DKK",
        outstanding=Decimal("1000.00"),
        fee=Decimal(fee),
        interest=interest,
        deadline=deadline,
    )


def letter(*decisions: Decision) -> Letter:
    first = decisions[0]
    return Letter(
        tenant=first.tenant,
        customer_id=first.customer_id,
        action=first.action,
        step=first.step,
        date=first.date,
        currency="DKK",
        decisions=decisions,
    )


def result(item: Letter, status: StepStatus = StepStatus.PENDING, doc: str = "D1") -> WriteResult:
    return WriteResult(letter_key=item.key, document=doc, status=status)


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    yield s
    s.close()


def events(store: Store) -> list[str]:
    return [row.event for row in reversed(store.audit_log("acme"))]


def test_intend_done_settle_round_trip(store: Store) -> None:
    item = letter(decision("1"), decision("2"))
    assert store.intend(item, "Kære kunde", at=AT)

    [open_] = store.unresolved("acme")
    assert (open_.letter, open_.text, open_.state, open_.document) == (
        item,
        "Kære kunde",
        "intended",
        None,
    )
    assert [s.status for s in store.history("acme")] == [StepStatus.PENDING] * 2

    store.done(item.key, result(item), at=AT + timedelta(seconds=5))
    assert store.unresolved("acme") == []
    assert store.pending("acme") == [Pending(letter_key=item.key, document="D1", written_on=DAY)]

    store.settle(item.key, StepStatus.ISSUED, at=AT + timedelta(days=1), document="INV-7")
    assert store.pending("acme") == []
    stored = store.letter(item.key)
    assert stored is not None
    assert (stored.state, stored.document) == ("issued", "INV-7")
    assert stored.created_at == AT
    assert stored.updated_at == AT + timedelta(days=1)
    assert [(s.invoice_id, s.status, s.document) for s in store.history("acme")] == [
        ("1", StepStatus.ISSUED, "INV-7"),
        ("2", StepStatus.ISSUED, "INV-7"),
    ]


def test_done_can_issue_directly(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "", at=AT)
    store.done(item.key, result(item, StepStatus.ISSUED, "R-1"), at=AT)
    assert [s.status for s in store.history("acme")] == [StepStatus.ISSUED]
    assert store.pending("acme") == []


def test_intend_is_a_retry_while_intended_and_refused_after(store: Store) -> None:
    item = letter(decision("1"))
    assert store.intend(item, "first", at=AT)
    assert store.intend(item, "second", at=AT)
    [only] = store.letters("acme")
    assert only.text == "first"
    assert events(store) == ["letter.intended"]

    store.done(item.key, result(item), at=AT)
    assert not store.intend(item, "third", at=AT)
    assert len(store.letters()) == 1


def test_a_decision_already_claimed_refuses_the_whole_letter(store: Store) -> None:
    first = letter(decision("1"))
    store.intend(first, "", at=AT)
    store.done(first.key, result(first, StepStatus.ISSUED), at=AT)
    before = store.audit_log()

    combined = letter(decision("1"), decision("2"))
    assert not store.intend(combined, "", at=AT)
    assert store.letter(combined.key) is None
    assert store.audit_log() == before
    # Nothing of the refused letter was claimed: its other decision is still free.
    assert store.intend(letter(decision("2")), "", at=AT)


def test_an_intended_decision_blocks_another_letter(store: Store) -> None:
    store.intend(letter(decision("1")), "", at=AT)
    assert not store.intend(letter(decision("1"), decision("2")), "", at=AT)


def test_rejected_and_cancelled_letters_do_not_block(store: Store) -> None:
    rejected = letter(decision("1"))
    store.intend(rejected, "", at=AT)
    store.done(rejected.key, result(rejected), at=AT)
    store.settle(rejected.key, StepStatus.REJECTED, at=AT)

    cancelled = letter(decision("2"))
    store.intend(cancelled, "", at=AT)
    store.cancel(cancelled.key, "paid meanwhile", at=AT)
    # A cancelled letter was never written, so it leaves no step behind.
    assert [s.invoice_id for s in store.history("acme")] == ["1"]

    later = AT + timedelta(days=7)
    assert store.intend(rejected, "again", at=later)
    assert store.intend(cancelled, "again", at=later)
    again = store.letter(rejected.key)
    assert again is not None
    assert (again.state, again.text) == ("intended", "again")
    assert [s.status for s in store.history("acme", "1")] == [
        StepStatus.REJECTED,
        StepStatus.PENDING,
    ]
    assert {r.state for r in store.letters("acme")} == {"intended", "rejected", "cancelled"}


def test_next_step_may_follow_a_rejected_one(store: Store) -> None:
    first = letter(decision("1", step=1))
    store.intend(first, "", at=AT)
    store.done(first.key, result(first), at=AT)
    store.settle(first.key, StepStatus.REJECTED, at=AT)
    assert store.intend(letter(decision("1", step=2)), "", at=AT)


def test_invalid_transitions_raise_and_leave_no_trace(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "", at=AT)
    with pytest.raises(StoreError, match="only a pending letter"):
        store.settle(item.key, StepStatus.ISSUED, at=AT)
    with pytest.raises(StoreError, match="cannot end rejected"):
        store.done(item.key, result(item, StepStatus.REJECTED), at=AT)
    with pytest.raises(StoreError, match="recorded against"):
        store.done("dl-other", result(item), at=AT)
    with pytest.raises(StoreError, match="no letter"):
        store.cancel("dl-unknown", "x", at=AT)

    store.done(item.key, result(item), at=AT)
    with pytest.raises(StoreError, match="from pending to cancelled"):
        store.cancel(item.key, "too late", at=AT)
    with pytest.raises(StoreError, match="from pending to pending"):
        store.done(item.key, result(item, doc="D2"), at=AT)

    store.settle(item.key, StepStatus.ISSUED, at=AT)
    before = store.audit_log()
    with pytest.raises(StoreError, match="issued"):
        store.settle(item.key, StepStatus.REJECTED, at=AT)
    assert store.audit_log() == before
    stored = store.letter(item.key)
    assert stored is not None
    assert stored.state == "issued"


def test_repeats_are_harmless(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "", at=AT)
    store.done(item.key, result(item), at=AT)
    store.done(item.key, result(item), at=AT)
    store.settle(item.key, StepStatus.PENDING, at=AT)
    store.settle(item.key, StepStatus.REJECTED, at=AT)
    store.settle(item.key, StepStatus.REJECTED, at=AT)
    assert events(store) == ["letter.intended", "letter.pending", "letter.rejected"]

    other = letter(decision("2"))
    store.intend(other, "", at=AT)
    store.cancel(other.key, "paid", at=AT)
    store.cancel(other.key, "paid", at=AT)
    assert events(store)[-1:] == ["letter.cancelled"]
    assert len(events(store)) == 5


def test_settle_records_a_new_document_number(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "", at=AT)
    store.done(item.key, result(item, doc="draft-3"), at=AT)
    store.settle(item.key, StepStatus.ISSUED, at=AT, document="invoice-90")
    store.settle(item.key, StepStatus.ISSUED, at=AT, document="invoice-91")
    stored = store.letter(item.key)
    assert stored is not None
    assert stored.document == "invoice-91"
    assert events(store)[-1] == "letter.document"


def test_every_transition_writes_one_audit_row(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "", at=AT)
    store.done(item.key, result(item, doc="D9"), at=AT + timedelta(minutes=1))
    store.settle(item.key, StepStatus.ISSUED, at=AT + timedelta(days=2))
    rows = list(reversed(store.audit_log("acme")))
    assert [(r.event, r.at) for r in rows] == [
        ("letter.intended", AT),
        ("letter.pending", AT + timedelta(minutes=1)),
        ("letter.issued", AT + timedelta(days=2)),
    ]
    assert rows[0].data["letter_key"] == item.key
    assert rows[0].data["decisions"] == [d.key for d in item.decisions]
    assert rows[0].data["total"] == "100.00"
    assert rows[2].data == {
        "letter_key": item.key,
        "from": "pending",
        "document": "D9",
        "detail": None,
    }


def test_crash_between_intend_and_done_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    item = letter(decision("1"))
    first = open_store(path)
    assert first.intend(item, "text", at=AT)
    first.close()  # the process dies before the vendor's answer is recorded

    second = open_store(path)
    try:
        [open_] = second.unresolved("acme")
        assert open_.letter == item
        assert [s.status for s in second.history("acme")] == [StepStatus.PENDING]
        assert not second.intend(letter(decision("1"), decision("2")), "", at=AT)
        second.done(item.key, result(item), at=AT)
        assert second.unresolved("acme") == []
    finally:
        second.close()


def test_history_is_ordered_by_date_and_carries_amounts(store: Store) -> None:
    charge = InterestCharge(
        start=date(2026, 1, 20),
        end=date(2026, 3, 9),
        amount=Decimal("12.34"),
        periods=(),
        day_count="act/365",
    )
    late = letter(
        decision(
            "1",
            step=2,
            day=date(2026, 3, 9),
            fee="100.00",
            interest=charge,
            deadline=date(2026, 3, 19),
        )
    )
    early = letter(decision("1", step=1, day=date(2026, 2, 1), fee="0.00"))
    other = letter(decision("2", day=date(2026, 2, 15)))
    for item in (late, early, other):
        assert store.intend(item, "", at=AT)

    steps = store.history("acme")
    assert [(s.invoice_id, s.step, s.date) for s in steps] == [
        ("1", 1, date(2026, 2, 1)),
        ("2", 1, date(2026, 2, 15)),
        ("1", 2, date(2026, 3, 9)),
    ]
    last = store.history("acme", "1")[-1]
    assert (last.fee, last.interest, last.interest_to, last.deadline) == (
        Decimal("100.00"),
        Decimal("12.34"),
        date(2026, 3, 9),
        date(2026, 3, 19),
    )
    assert str(last.fee) == "100.00"
    assert last.compensation == Decimal("0.00")
    assert last.source == "bridge"
    assert store.history("other-tenant") == []


def test_letters_filters_and_orders_newest_first(store: Store) -> None:
    a, b, c = letter(decision("1")), letter(decision("2")), letter(decision("3", tenant="beta"))
    for item in (a, b, c):
        store.intend(item, "", at=AT)
    store.done(b.key, result(b), at=AT)
    assert [r.letter.key for r in store.letters()] == [c.key, b.key, a.key]
    assert [r.letter.key for r in store.letters("acme")] == [b.key, a.key]
    assert [r.letter.key for r in store.letters(states={"pending"})] == [b.key]
    assert [r.letter.key for r in store.letters(limit=1)] == [c.key]
    assert store.letters(states=()) == []
    with pytest.raises(StoreError, match="unknown letter states"):
        store.letters(states={"sent"})


def test_malformed_letters_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="no decisions"):
        store.intend(Letter("acme", "C1", ActionKind.REMINDER, 1, DAY, "DKK", ()), "", at=AT)
    with pytest.raises(StoreError, match="same decision twice"):
        store.intend(letter(decision("1"), decision("1")), "", at=AT)
    with pytest.raises(StoreError, match="has decisions of"):
        store.intend(letter(decision("1"), decision("2", tenant="beta")), "", at=AT)
    assert store.letters() == []


# Each operation: claim a subset of four decisions, then leave the letter in one end state.
operations = st.lists(
    st.tuples(
        st.sets(st.sampled_from("abcd"), min_size=1),
        st.sampled_from(["intended", "pending", "issued", "rejected", "cancelled"]),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(operations)
def test_no_decision_is_ever_live_in_two_letters(ops: list[tuple[set[str], str]]) -> None:
    store = open_store(":memory:")
    try:
        live: dict[str, str] = {}  # model: decision -> end state of the letter holding it
        for invoices, end in ops:
            item = letter(*(decision(i) for i in sorted(invoices)))
            same_letter_intended = all(live.get(i) == "intended" for i in invoices) and (
                (row := store.letter(item.key)) is not None and row.state == "intended"
            )
            expected = same_letter_intended or not any(i in live for i in invoices)
            assert store.intend(item, "", at=AT) is expected
            if not expected or same_letter_intended:
                continue
            if end in {"pending", "issued", "rejected"}:
                store.done(item.key, result(item, StepStatus.PENDING), at=AT)
            if end in {"issued", "rejected"}:
                store.settle(item.key, StepStatus(end), at=AT)
            if end == "cancelled":
                store.cancel(item.key, "paid", at=AT)
            if end in {"intended", "pending", "issued"}:
                live.update(dict.fromkeys(invoices, end))
        blocking = [s for s in store.history("acme") if s.status is not StepStatus.REJECTED]
        assert sorted(s.invoice_id for s in blocking) == sorted(live)
    finally:
        store.close()


def test_cancel_on_an_issued_letter_is_refused_not_ignored(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "", at=AT)
    store.done(item.key, result(item, StepStatus.ISSUED, "INV-1"), at=AT)
    before = store.audit_log()
    with pytest.raises(StoreError, match="from issued to cancelled"):
        store.cancel(item.key, "paid meanwhile", at=AT)
    stored = store.letter(item.key)
    assert stored is not None
    assert (stored.state, stored.document) == ("issued", "INV-1")
    assert [s.status for s in store.history("acme")] == [StepStatus.ISSUED]
    assert store.audit_log() == before


def test_a_refusal_counts_only_for_the_same_day_and_text(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "text", at=AT)
    store.cancel(item.key, "rejected by the vendor: no such customer", at=AT)
    assert store.refused(item, "text") == "rejected by the vendor: no such customer"
    assert store.refused(item, "other text") is None
    tomorrow = letter(decision("1", day=DAY + timedelta(days=1)))
    assert tomorrow.key == item.key  # the same letter, a day later
    assert store.refused(tomorrow, "text") is None  # retried: the accountant may have fixed it


def test_a_cancellation_for_another_reason_is_no_refusal(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "text", at=AT)
    store.cancel(item.key, "paid meanwhile", at=AT)
    assert store.refused(item, "text") is None
    assert store.refused(letter(decision("2")), "text") is None  # never intended
