"""StepHistory: the questions the rules ask of what already happened, answered exactly.

Each test pins an answer the engine relies on and that `make mutation` showed no test reading
directly: which step the ladder has reached, how many of a kind, up to when interest was
charged, what was charged, and which records went out as one letter (a fee is per letter).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bridge.vocab.domain import ActionKind, StepStatus
from policies.history import Charged, StepHistory
from tests.policies.factories import invoice, record, snapshot

D = Decimal
REMINDER = ActionKind.REMINDER
DAY = date(2026, 2, 2)


def history(*records: object, invoices: tuple[object, ...] = ()) -> StepHistory:
    snap = snapshot(invoices or [invoice("1001", customer_id="C1")])  # type: ignore[arg-type]
    return StepHistory.build(records, snap)  # type: ignore[arg-type]


def test_the_ladder_counts_taken_steps_and_written_tasks_not_waiting_letters() -> None:
    steps = history(
        record("1001", REMINDER, 1, date(2026, 1, 20)),
        record("1001", REMINDER, 2, DAY, status=StepStatus.PENDING),
        # An interest invoice is no ladder step, however late and whatever its number.
        record("1001", ActionKind.INTEREST_INVOICE, 9, DAY),
    )
    last = steps.last_ladder_step("1001")
    assert last is not None
    assert (last.action, last.step) == (REMINDER, 1)
    with_task = history(
        record("1001", REMINDER, 1, date(2026, 1, 20)),
        record("1001", ActionKind.TASK, 3, DAY, status=StepStatus.PENDING),
    )
    task = with_task.last_ladder_step("1001")
    assert task is not None
    assert (task.action, task.step) == (ActionKind.TASK, 3)


def test_count_counts_each_record_once() -> None:
    steps = history(
        record("1001", ActionKind.INTEREST_INVOICE, 1, date(2026, 1, 20)),
        record("1001", ActionKind.INTEREST_INVOICE, 2, DAY),
        record("1001", ActionKind.INTEREST_INVOICE, 3, DAY, status=StepStatus.REJECTED),
    )
    assert steps.count("1001", ActionKind.INTEREST_INVOICE, (StepStatus.ISSUED,)) == 2


def test_interest_through_skips_steps_not_issued_and_reads_a_vendors_undated_interest() -> None:
    steps = history(
        record("1001", REMINDER, 1, date(2026, 1, 10), status=StepStatus.PENDING),
        record("1001", REMINDER, 2, date(2026, 1, 20), interest="12.00", interest_to=DAY),
    )
    assert steps.interest_through("1001") == DAY
    vendor = history(record("1001", REMINDER, 1, DAY, interest="5.00", source="dinero"))
    assert vendor.interest_through("1001") == DAY


def test_charged_sums_each_kind_of_the_issued_steps() -> None:
    steps = history(
        record("1001", REMINDER, 1, date(2026, 1, 20), fee="100", interest="12.50"),
        record("1001", REMINDER, 2, DAY, fee="100", interest="7.25", compensation="310"),
        record("1001", REMINDER, 3, DAY, status=StepStatus.PENDING, fee="100"),
    )
    assert steps.charged("1001") == Charged(D("200"), D("19.75"), D("310"))
    assert steps.charged("1002") == Charged(D(0), D(0), D(0))


def _fee_dates(records: list[object], invoices: list[object]) -> dict[str, list[date]]:
    steps = history(*records, invoices=tuple(invoices))
    return {i.id: steps.fee_dates(i.id) for i in invoices}  # type: ignore[attr-defined]


def test_a_fee_counts_for_every_claim_of_the_same_customers_letter() -> None:
    invoices = [invoice("1001", customer_id="C1"), invoice("1002", customer_id="C1")]
    records = [record("1001", REMINDER, 1, DAY, fee="100"), record("1002", REMINDER, 1, DAY)]
    assert _fee_dates(records, invoices) == {"1001": [DAY], "1002": [DAY]}  # type: ignore[arg-type]


def test_another_customers_letter_the_same_day_carries_no_fee_for_this_claim() -> None:
    invoices = [invoice("1001", customer_id="C1"), invoice("1002", customer_id="C2")]
    records = [record("1001", REMINDER, 1, DAY, fee="100"), record("1002", REMINDER, 1, DAY)]
    assert _fee_dates(records, invoices) == {"1001": [DAY], "1002": []}  # type: ignore[arg-type]


def test_a_letter_at_another_step_the_same_day_is_another_letter() -> None:
    invoices = [invoice("1001", customer_id="C1"), invoice("1002", customer_id="C1")]
    records = [record("1001", REMINDER, 2, DAY, fee="100"), record("1002", REMINDER, 1, DAY)]
    assert _fee_dates(records, invoices) == {"1001": [DAY], "1002": []}  # type: ignore[arg-type]


def test_claims_of_unknown_customers_are_never_one_letter() -> None:
    # Neither invoice is in the snapshot, so their customers are unknown: each is its own.
    records = [record("2001", REMINDER, 1, DAY, fee="100"), record("2002", REMINDER, 1, DAY)]
    steps = history(*records)
    assert (steps.fee_dates("2001"), steps.fee_dates("2002")) == ([DAY], [])


def test_a_claims_interest_invoices_are_counted_per_invoice_and_issued_only() -> None:
    steps = history(
        record("1001", ActionKind.INTEREST_INVOICE, 1, date(2026, 2, 20)),
        record("1001", ActionKind.INTEREST_INVOICE, 2, date(2026, 3, 20)),
        record("1001", ActionKind.INTEREST_INVOICE, 3, DAY, status=StepStatus.REJECTED),
        record("1001", REMINDER, 1, date(2026, 1, 20)),
        record("1002", ActionKind.INTEREST_INVOICE, 1, DAY),
        invoices=(invoice("1001"), invoice("1002")),
    )
    # The next interest invoice on 1001 is its third: two issued, the rejected one not counted,
    # neither the reminder nor 1002's.
    assert steps.claim("1001").interest_invoices == 2
    assert steps.claim("1001").interest_rejected
    assert steps.claim("1002").interest_invoices == 1
    assert not steps.claim("1002").interest_rejected
