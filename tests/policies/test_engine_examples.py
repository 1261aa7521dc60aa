"""decide() and blocked() at their edges: interest invoices waiting for a rate, a partial call.

Denmark's shipped rate table ends on 2026-12-31 (law.md § 1.4 lists rates through 2026 H2), so
interest through a payment made in January 2027 needs a rate nobody has published yet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bridge.vocab.domain import Payment, Snapshot
from policies.engine import RateWait, blocked, decide
from policies.law import for_country
from tests.policies.factories import customer, invoice, policy, snapshot

D = Decimal
DUE = date(2026, 12, 1)
PAID = date(2027, 1, 11)  # 41 days late, the last 11 of them without a reference rate


def _paid_late() -> Snapshot:
    settled = [
        invoice("1001", due=DUE, amount="100000.00", outstanding="0.00", paid_date=PAID),
        invoice(
            "1002",
            due=DUE,
            amount="100000.00",
            outstanding="0.00",
            paid_date=PAID,
            customer_id="C2",
        ),
    ]
    return snapshot(
        [],
        settled=settled,
        customers=[customer("C1"), customer("C2")],
        payments=[Payment("1001", PAID, D("100000.00")), Payment("1002", PAID, D("100000.00"))],
    )


def test_every_interest_invoice_without_a_rate_is_described_as_a_wait() -> None:
    waits: list[RateWait] = []
    decisions = decide(PAID, _paid_late(), (), for_country("DK"), policy(), waits=waits)
    assert decisions == []
    # One wait per invoice, the second not lost behind the first.
    assert [(w.invoice_id, w.customer_id, w.country, w.day) for w in waits] == [
        ("1001", "C1", "DK", date(2027, 1, 1)),
        ("1002", "C2", "DK", date(2027, 1, 1)),
    ]
    assert all("law rates set DK --from 2027-01-01" in w.reason for w in waits)
    assert not any(w.placeholder for w in waits)


def test_without_a_waits_list_the_waiting_invoices_are_left_out_quietly() -> None:
    assert decide(PAID, _paid_late(), (), for_country("DK"), policy()) == []


def test_blocked_given_the_law_without_a_policy_answers_as_without_both() -> None:
    # Promises and minimums need the policy too; the law alone adds nothing, and breaks nothing.
    snap = snapshot([invoice("1001", due=DUE)])
    today = date(2027, 1, 11)
    assert blocked(snap, today, (), for_country("DK")) == blocked(snap, today) == []
