"""Each customer's record: invoices that went late and the step at which they were paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bridge.vocab.domain import ActionKind, Decision, StepStatus
from policies.track_record import track_records
from tests.policies.factories import invoice, record, snapshot

D = Decimal
DUE = date(2026, 1, 19)
TODAY = date(2026, 4, 1)
R, W, H, P = (
    ActionKind.REMINDER,
    ActionKind.COLLECTION_WARNING,
    ActionKind.HANDOVER,
    ActionKind.PRE_DUE_NOTICE,
)


def remembered(invoice_id: str, customer_id: str = "C1", currency: str = "DKK") -> Decision:
    return Decision(
        tenant="t1",
        invoice_id=invoice_id,
        invoice_number=invoice_id,
        customer_id=customer_id,
        date=DUE,
        action=R,
        step=1,
        currency=currency,
        outstanding=D(100),
    )


def test_late_invoices_and_the_step_they_were_paid_at() -> None:
    on_time = invoice("1001", outstanding="0", paid_date=DUE)
    after_two = invoice("1002", outstanding="0", paid_date=date(2026, 2, 5))
    still_open = invoice("1003")
    not_due = invoice("1004", due=date(2026, 5, 1))
    snap = snapshot([still_open, not_due], settled=[on_time, after_two])
    history = [
        record("1002", R, 1, date(2026, 1, 22)),
        record("1002", R, 2, date(2026, 2, 1), fee="100", interest="12.50"),
        record("1002", W, 3, date(2026, 2, 11), status=StepStatus.PENDING),
        record("1003", R, 1, date(2026, 1, 22)),
        record("1003", R, 2, date(2026, 2, 1), status=StepStatus.REJECTED, fee="100"),
    ]
    (mine,) = track_records(TODAY, snap, history)
    assert mine.customer_id == "C1"
    assert [i.invoice_id for i in mine.invoices] == ["1001", "1002", "1003", "1004"]
    assert mine.late == 2  # 1002 paid late, 1003 overdue now
    assert mine.paid_at_step == {2: 1}
    assert mine.open_late == 1
    assert mine.letters == 3  # issued only
    assert mine.charged == {"DKK": D("112.50")}
    assert mine.recovered == {"DKK": D("10000.00")}
    assert mine.summary() == (
        "2 of 4 invoice(s) went late; paid: 1 after step 2; 1 overdue now; 3 letter(s); "
        "charged DKK 112.50."
    )


def test_paid_late_before_any_reminder_is_step_zero() -> None:
    late = invoice("1001", outstanding="0", paid_date=date(2026, 1, 21))
    (mine,) = track_records(TODAY, snapshot([], settled=[late]), [])
    assert mine.paid_at_step == {0: 1}
    assert "1 before any reminder" in mine.summary()
    assert mine.recovered == {}


def test_a_step_after_the_payment_does_not_count_as_the_paying_step() -> None:
    paid = invoice("1001", outstanding="0", paid_date=date(2026, 1, 30))
    history = [record("1001", R, 1, date(2026, 1, 22)), record("1001", R, 2, date(2026, 2, 1))]
    (mine,) = track_records(TODAY, snapshot([], settled=[paid]), history)
    assert mine.paid_at_step == {1: 1}


def test_invoices_only_the_store_remembers_are_closed_or_handed_over() -> None:
    history = [
        record("1005", R, 1, date(2026, 1, 22)),
        record("1005", R, 2, date(2026, 2, 1)),
        record("1006", W, 3, date(2026, 2, 11)),
        record("1006", H, 4, date(2026, 2, 24)),
        record("1007", P, 0, date(2026, 1, 16)),
        record("9999", R, 1, date(2026, 1, 22)),  # no customer known: left out
    ]
    decisions = [remembered("1005"), remembered("1006"), remembered("1007", "C2")]
    records = track_records(TODAY, snapshot([]), history, decisions)
    assert [r.customer_id for r in records] == ["C1", "C2"]
    mine, other = records
    assert [(i.invoice_id, i.fate, i.step, i.late) for i in mine.invoices] == [
        ("1005", "closed", 2, True),
        ("1006", "handed_over", 4, True),
    ]
    assert mine.paid_at_step == {2: 1}
    assert mine.handed_over == 1
    assert [(i.fate, i.late) for i in other.invoices] == [("closed", False)]
    assert other.late == 0


def test_credit_notes_are_not_invoices_of_the_record() -> None:
    snap = snapshot([invoice("1001"), invoice("CN1", amount="-10.00")])
    (mine,) = track_records(TODAY, snap, [])
    assert [i.invoice_id for i in mine.invoices] == ["1001"]
