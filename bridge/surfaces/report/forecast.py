"""The actions of the coming days: the policy replayed forward over the schedule's days.

Assumptions, stated in the report: nothing is paid in the meantime, drafts waiting for review
are booked, and every forecast step is booked the day it is proposed (as `simulate` does). The
policy is the same pure ``decide()`` the cycle runs, so the forecast is what the daemon will
propose if nothing changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date

from bridge.vocab.domain import Decision, Snapshot, StepRecord, StepStatus, issued_step
from policies.engine import decide
from policies.ladder import TenantPolicy
from policies.law import LawPack, RateUnavailable


def _booked(record: StepRecord) -> StepRecord:
    """A draft still waiting for review, as if the accountant booked it."""
    if record.status is StepStatus.PENDING:
        return dataclasses.replace(record, status=StepStatus.ISSUED)
    return record


def forecast(
    snapshot: Snapshot,
    history: Sequence[StepRecord],
    law: LawPack,
    policy: TenantPolicy,
    days: Iterable[date],
) -> list[Decision]:
    """Every decision the policy would take on ``days`` (in order) if nothing else changed."""
    records = [_booked(r) for r in history]
    out: list[Decision] = []
    for day in days:
        try:
            decisions = decide(day, snapshot, records, law, policy)
        except RateUnavailable:
            break  # the law pack has no reference rate that far ahead yet: stop the forecast
        for decision in decisions:
            out.append(decision)
            records.append(issued_step(decision))
    return out
