"""A vendor's daily request budget (bridge/infra/budget.py): e-conomic's fair use is 50,000 calls
per
24 hours per agreement (e-conomic's fair-use policy); the cycle stops writing before it and
says how many letters wait, the most overdue written first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bench.companies import TODAY, company, descriptor, tenant
from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.infra import retry
from bridge.infra.budget import Budget, daily_limit
from bridge.store import Store, open_store
from bridge.vocab.connector import RateLimit
from bridge.vocab.secrets import StaticSecrets


def test_economic_declares_50000_calls_a_day_and_fortnox_no_daily_budget() -> None:
    assert daily_limit(descriptor("economic").rate_limits) == 50_000
    assert daily_limit(descriptor("fortnox").rate_limits) is None
    assert daily_limit([RateLimit(100, 60.0)]) is None
    assert daily_limit([RateLimit(1_000, 172_800.0)]) == 500  # two days' worth, per day


@pytest.mark.parametrize(("sent", "fits"), [(796, True), (797, True), (798, False)])
def test_a_letter_fits_while_three_requests_remain_of_the_spendable_80_percent(
    sent: int, fits: bool
) -> None:
    budget = Budget(limit=1_000, used_before=0)  # 800 spendable, 3 per letter
    assert budget.spendable == 800
    assert budget.fits(sent) is fits


def test_what_the_last_24_hours_used_is_not_spendable() -> None:
    assert Budget(limit=1_000, used_before=100).spendable == 700
    assert Budget(limit=1_000, used_before=900).spendable == 0


def _cycle(store: Store, sandbox: object, at: datetime) -> TenantOutcome:
    return run_tenant(
        store,
        "big",
        tenant("economic"),
        CycleOptions(
            today=at.date(),
            now=at,
            transport=sandbox.transport(),  # type: ignore[attr-defined]
            secrets=StaticSecrets("big", descriptor("economic").sandbox_secrets),
        ),
    )


def _oldest_due(outcome: TenantOutcome, key: str) -> date:
    assert outcome.snapshot is not None
    dues = {i.id: i.due_date for i in (*outcome.snapshot.invoices, *outcome.snapshot.settled)}
    letter = next(x for x in outcome.letters if x.key == key)
    return min(dues[d.invoice_id] for d in letter.decisions)


def test_letters_past_the_budget_wait_for_the_next_day_most_overdue_first() -> None:
    retry.set_waits(False)
    day = TODAY["economic"]
    sandbox = company("economic", 120)
    at = datetime.combine(day, time(7), tzinfo=UTC)
    with open_store(":memory:") as store:
        # Earlier cycles (and the reads of this one) leave room for a few letters only.
        store.log_requests("big", 40_000 - 60, at=at - timedelta(hours=23))
        first = _cycle(store, sandbox, at)
        assert first.error is None
        waiting = first.budget_waits
        assert 0 < len(first.written) < len(first.letters)
        assert waiting == len(first.letters) - len(first.written) - len(
            [k for k, _ in first.skipped if k != "budget"]
        )
        reasons = dict(first.skipped)
        assert reasons["budget"].startswith(f"{waiting} letter(s) wait for the daily budget")
        assert first.summary()["budget_waits"] == waiting
        written = {letter.key for letter, _ in first.written}
        latest_written = max(_oldest_due(first, k) for k in written)
        left = [x.key for x in first.letters if x.key not in written and x.key not in reasons]
        assert all(_oldest_due(first, k) >= latest_written for k in left)
        assert store.requests_since("big", at - timedelta(hours=1)) == first.requests

        # A day later the earlier use is out of the window: the rest is written.
        second = _cycle(store, sandbox, at + timedelta(hours=25))
        assert second.error is None
        assert second.budget_waits == 0
        assert {x.key for x, _ in second.written} >= set(left)


class _SlowClock:
    """time.monotonic for the cycle module: each reading 10 minutes after the one before."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 600.0
        return self.now


def test_a_cycles_requests_count_from_its_end_as_the_vendors_rolling_window_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # e-conomic counts calls in the 24 hours before each call: a request sent at 07:10 still
    # counts at 07:05 the next day. A cycle's requests are booked at its end, never its start.
    retry.set_waits(False)
    day = TODAY["economic"]
    sandbox = company("economic", 40)
    at = datetime.combine(day, time(7), tzinfo=UTC)
    monkeypatch.setattr("bridge.engine.cycle.time", _SlowClock())
    with open_store(":memory:") as store:
        first = _cycle(store, sandbox, at)
        assert first.error is None
        assert first.requests > 0
        ended = at + timedelta(minutes=10)  # two readings of the slow clock: start and end
        assert store.requests_since("big", ended) == first.requests
        assert store.requests_since("big", ended + timedelta(seconds=1)) == 0
        # When the first cycle's requests leave the vendor's window.
        assert store.budget_frees_at("big", at + timedelta(hours=24)) == ended + timedelta(hours=24)
        assert store.budget_frees_at("big", ended + timedelta(hours=24, seconds=1)) is None


def test_the_next_days_cycle_before_the_window_frees_spends_nothing_more() -> None:
    retry.set_waits(False)
    day = TODAY["economic"]
    sandbox = company("economic", 120)
    at = datetime.combine(day, time(7), tzinfo=UTC)
    with open_store(":memory:") as store:
        # 40,000 requests ended at 07:40 yesterday: at 07:00 today they still count.
        store.log_requests("big", 40_000, at=at - timedelta(hours=23, minutes=20))
        outcome = _cycle(store, sandbox, at)
        assert outcome.error is None
        assert outcome.written == []
        assert outcome.budget_waits == len(outcome.letters) > 0
        assert store.budget_frees_at("big", at) == at + timedelta(minutes=40)
