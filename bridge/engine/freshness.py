"""The stale-data guard: no fee-bearing step on payments the bookkeeping has not caught up with.

A customer who paid last week looks unpaid until the bank statement is imported and matched. If
the newest payment the system shows is older than the tenant's threshold (option
``stale_payments_days``), the bookkeeping is probably behind: fee-, interest- and
compensation-bearing steps wait, friendly steps without charges still go, and the run says why.
Where a connector knows when payments were last imported (``Snapshot.payments_as_of``) that date
is used; otherwise the newest payment date stands in for it.
"""

from __future__ import annotations

from datetime import date, timedelta

from bridge.vocab.domain import ZERO, Decision, Snapshot

OPTION = "stale_payments_days"


def payments_as_of(snapshot: Snapshot) -> date | None:
    """When the system's payments were last brought up to date, as far as it shows."""
    shown = getattr(snapshot, "payments_as_of", None)
    if isinstance(shown, date):
        return shown
    return max((p.date for p in snapshot.payments), default=None)


def charges(decision: Decision) -> bool:
    """Tell whether a decision asks the customer for more than the claim itself."""
    return any(
        (amount or ZERO) > ZERO
        for amount in (decision.fee, decision.interest_amount, decision.compensation)
    )


def guard(
    plan: list[Decision], snapshot: Snapshot, today: date, threshold_days: int | None
) -> tuple[list[Decision], str | None]:
    """Drop charge-bearing decisions when the payments are stale; return the plan and why."""
    if threshold_days is None or not any(charges(d) for d in plan):
        return plan, None
    as_of = payments_as_of(snapshot)
    if as_of is not None and today - as_of <= timedelta(days=threshold_days):
        return plan, None
    held = [d for d in plan if charges(d)]
    seen = f"the newest payment is from {as_of}" if as_of else "no payment is recorded at all"
    why = (
        f"payments look stale ({seen}; threshold {threshold_days} days): "
        f"{len(held)} step(s) with fees, interest or compensation wait until they are imported"
    )
    return [d for d in plan if not charges(d)], why
