"""The report's numbers: age buckets, pipeline, recovery, late customers, actions, at boundaries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.surfaces.report.ageing import BUCKETS, bucket_of
from bridge.surfaces.report.command import period_of
from bridge.surfaces.report.data import Report, tenant_report
from bridge.surfaces.report.facts import report_json
from bridge.surfaces.report.money import Amounts, format_amounts
from bridge.surfaces.report.steps import Period
from bridge.vocab.domain import ActionKind, StepRecord, StepStatus
from bridge.vocab.errors import ConfigError
from tests.bridge.report_fixtures import (
    AT,
    PERIOD,
    TODAY,
    decision,
    inputs,
    invoice,
    letter,
    pay,
    snapshot,
)

D = timedelta(days=1)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-30, "not_due"),
        (0, "not_due"),
        (1, "1-15"),
        (15, "1-15"),
        (16, "16-30"),
        (30, "16-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (5000, "90+"),
    ],
)
def test_age_bucket_boundaries(days: int, bucket: str) -> None:
    assert bucket_of(days) == bucket


def test_receivables_keep_currencies_apart_and_list_every_bucket() -> None:
    snap = snapshot(
        [
            invoice("1", TODAY, "100.00"),  # due today: not yet overdue
            invoice("2", TODAY - D, "200.00"),
            invoice("3", TODAY - 15 * D, "50.00", currency="EUR"),
            invoice("4", TODAY - 91 * D, "10.00"),
            invoice("5", TODAY - 40 * D, "0.00"),  # paid: not a receivable
        ]
    )
    report = tenant_report(inputs(snap))
    by = {b.key: b for b in report.receivables}
    assert [b.key for b in report.receivables] == [key for key, *_ in BUCKETS]
    assert by["not_due"].invoices == 1
    assert by["1-15"].invoices == 2
    assert by["1-15"].amounts == Amounts({"DKK": Decimal("200.00"), "EUR": Decimal("50.00")})
    assert by["31-60"].invoices == 0
    assert by["90+"].amounts.json() == {"DKK": "10.00"}
    assert report.open_invoices == 4
    assert report.overdue_amounts.json() == {"DKK": "210.00", "EUR": "50.00"}


def test_pipeline_counts_the_last_live_step_and_drafts_awaiting_review() -> None:
    a = invoice("A", TODAY - 30 * D, "1000.00")
    b = invoice("B", TODAY - 20 * D, "500.00")
    c = invoice("C", TODAY - 5 * D, "300.00")  # overdue, nothing sent
    d = invoice("D", TODAY - 50 * D, "700.00")  # disputed
    e = invoice("E", TODAY + 3 * D, "90.00")  # not due, nothing sent: not in the pipeline
    f = invoice("F", TODAY - 10 * D, "80.00")  # only a rejected and a cancelled letter
    letters = [
        letter("issued", decision(a, TODAY - 20 * D, 1)),
        letter("pending", decision(a, TODAY - 5 * D, 2)),
        letter("issued", decision(b, TODAY - 10 * D, 1)),
        letter("rejected", decision(f, TODAY - 3 * D, 1)),
        letter("cancelled", decision(f, TODAY - 2 * D, 1)),
        letter("issued", decision(d, TODAY - 30 * D, 1)),
    ]
    report = tenant_report(
        inputs(snapshot([a, b, c, d, e, f]), letters, blocked=[("D", "disputed")])
    )
    stages = {s.key: s for s in report.pipeline}
    assert [s.key for s in report.pipeline] == ["no_step", "reminder-1", "reminder-2", "on_hold"]
    assert stages["no_step"].invoices == 2  # C and F
    assert stages["reminder-1"].invoices == 1
    assert stages["reminder-1"].awaiting_review == 0
    assert stages["reminder-2"].awaiting_review == 1
    assert stages["reminder-2"].amounts.json() == {"DKK": "1000.00"}
    assert stages["on_hold"].invoices == 1
    assert report.awaiting_review == 1


def test_recovery_credits_a_payment_to_the_last_step_sent_before_it() -> None:
    s1, s2 = TODAY - 40 * D, TODAY - 30 * D
    paid_between = invoice("P", TODAY - 50 * D, "0.00", amount="1000.00", paid=s2)
    same_day = invoice("S", TODAY - 50 * D, "0.00", amount="400.00", paid=s1)
    still_open = invoice("O", TODAY - 50 * D, "600.00", amount="800.00")
    snap = snapshot(
        [still_open],
        settled=[paid_between, same_day],
        payments=[
            pay("P", s2, "1000.00"),  # on the day of step 2: counts for step 1
            pay("S", s1, "400.00"),  # on the day of step 1: before it, so not recovered by it
            pay("O", s1 + D, "200.00"),  # partly paid after step 1
        ],
    )
    letters = [
        letter("issued", decision(paid_between, s1, 1)),
        letter("issued", decision(paid_between, s2, 2)),
        letter("issued", decision(same_day, s1, 1)),
        letter("issued", decision(still_open, s1, 1)),
    ]
    report = tenant_report(inputs(snap, letters))
    rows = {r.key: r for r in report.recovery}
    first = rows["reminder-1"]
    assert first.reached == 3
    assert first.paid == 1
    assert first.partly_paid == 1
    assert first.days == [10]
    assert first.recovered.json() == {"DKK": "1200.00"}
    assert first.rate == Decimal("33.3")
    assert rows["reminder-2"].paid == 0
    summary = report.summary
    assert (summary.dunned, summary.paid, summary.still_open) == (3, 2, 1)
    assert summary.paid_after_first_step == 1


def test_recovery_counts_only_issued_steps_dated_in_the_period() -> None:
    inv = invoice("X", TODAY - 90 * D, "0.00", amount="100.00", paid=TODAY - 5 * D)
    snap = snapshot(settled=[inv], payments=[pay("X", TODAY - 5 * D, "100.00")])
    before = PERIOD.start - D
    letters = [
        letter("issued", decision(inv, before, 1)),
        letter("pending", decision(inv, TODAY - 6 * D, 2)),  # a draft never reached the debtor
    ]
    report = tenant_report(inputs(snap, letters))
    assert report.recovery == []
    assert report.summary.dunned == 0
    on_start = [letter("issued", decision(inv, PERIOD.start, 1))]
    (row,) = tenant_report(inputs(snap, on_start)).recovery
    assert (row.reached, row.paid) == (1, 1)


def test_an_invoice_gone_without_a_payment_on_record_counts_as_settled_after_its_last_step() -> (
    None
):
    gone = invoice("G", TODAY + 2 * D, "0.00", amount="250.00")
    notice = decision(gone, TODAY - 3 * D, 0, ActionKind.PRE_DUE_NOTICE)
    report = tenant_report(inputs(snapshot(), [letter("issued", notice)]))
    (row,) = report.recovery
    assert row.label == "Pre-due notice"
    assert (row.paid, row.days) == (1, [])
    assert row.recovered.json() == {"DKK": "250.00"}


def test_repeatedly_late_means_two_or_more_late_invoices() -> None:
    late_once = invoice("L1", TODAY - 40 * D, "0.00", cust="ONCE", amount="10.00", paid=TODAY)
    on_time = invoice(
        "T1", TODAY - 40 * D, "0.00", cust="ONCE", amount="10.00", paid=TODAY - 41 * D
    )
    paid_late = invoice(
        "L2", TODAY - 60 * D, "0.00", cust="TWICE", amount="10.00", paid=TODAY - 30 * D
    )
    overdue = invoice("L3", TODAY - 10 * D, "99.00", cust="TWICE")
    snap = snapshot([overdue], settled=[late_once, on_time, paid_late])
    letters = [letter("issued", decision(overdue, TODAY - 2 * D, 1))]
    (row,) = tenant_report(inputs(snap, letters)).late_customers
    assert row.customer == "TWICE"
    assert (row.late_invoices, row.paid_late, row.overdue_now, row.dunned) == (2, 1, 1, 1)
    assert row.average_days_late == Decimal("20.0")
    assert row.max_days_late == 30
    assert row.highest_step == "Step 1: reminder"
    assert row.overdue.json() == {"DKK": "99.00"}


def test_actions_cover_the_period_inclusive_with_amounts_and_legal_basis() -> None:
    inv = invoice("A", TODAY - 60 * D, "1000.00")
    basis = ("renteloven § 9 b (rykkergebyr)",)
    letters = [
        letter("issued", decision(inv, PERIOD.start - D, 1)),
        letter("issued", decision(inv, PERIOD.start, 2, fee="100.00", basis=basis)),
        letter("pending", decision(inv, PERIOD.end, 3, ActionKind.COLLECTION_WARNING)),
        letter("cancelled", decision(inv, PERIOD.end, 4, ActionKind.HANDOVER)),
    ]
    vendor = StepRecord(
        invoice_id="A", action=ActionKind.REMINDER, step=1, date=TODAY - 3 * D, source="economic"
    )
    report = tenant_report(inputs(snapshot([inv], steps=[vendor]), letters))
    assert [(a.date, a.step, a.state, a.source) for a in report.actions] == [
        (PERIOD.start, 2, "issued", "bridge"),
        (TODAY - 3 * D, 1, "issued", "economic"),
        (PERIOD.end, 3, "pending", "bridge"),
    ]
    assert report.actions[0].fee == Decimal("100.00")
    assert report.actions[0].legal_basis == basis


def test_json_writes_amounts_as_strings_per_currency() -> None:
    inv = invoice("A", TODAY - 20 * D, "1234.50", currency="EUR")
    report = Report(
        generated_at=AT,
        today=TODAY,
        period=PERIOD,
        tenants=[
            tenant_report(inputs(snapshot([inv]), [letter("issued", decision(inv, TODAY, 1))]))
        ],
    )
    data = report_json(report)
    tenant = data["tenants"][0]
    assert data["period"] == {"from": "2026-01-01", "to": "2026-03-16"}
    assert tenant["open"] == {"EUR": "1234.50"}
    assert tenant["receivables"][2]["amount"] == {"EUR": "1234.50"}
    assert tenant["actions"][0]["outstanding"] == "1234.50"
    assert tenant["currency"] == "DKK"


def test_money_is_formatted_for_the_locale_home_currency_first() -> None:
    amounts = Amounts({"EUR": Decimal("7.25"), "DKK": Decimal("1234.5")})
    assert format_amounts(amounts, "da_DK", "DKK") == "1.234,50\xa0kr. + 7,25\xa0€"
    assert format_amounts(Amounts(), "sv_SE", "SEK") == "0,00\xa0kr"


def test_period_defaults_to_ninety_days_and_refuses_a_reversed_one() -> None:
    assert period_of(TODAY, None, None) == Period(TODAY - 90 * D, TODAY)
    assert period_of(TODAY, date(2026, 1, 1), None) == Period(date(2026, 1, 1), TODAY)
    assert period_of(TODAY, TODAY, TODAY) == Period(TODAY, TODAY)
    with pytest.raises(ConfigError):
        period_of(TODAY, TODAY, TODAY - D)


def test_pending_status_record_is_not_a_recovery_step() -> None:
    inv = invoice("V", TODAY - 30 * D, "0.00", amount="10.00", paid=TODAY - D)
    vendor = StepRecord(
        invoice_id="V",
        action=ActionKind.REMINDER,
        step=1,
        date=TODAY - 5 * D,
        status=StepStatus.ISSUED,
        source="economic",
    )
    snap = snapshot(settled=[inv], payments=[pay("V", TODAY - D, "10.00")], steps=[vendor])
    (row,) = tenant_report(inputs(snap)).recovery
    assert (row.paid, row.days) == (1, [4])


def test_forecast_days_follow_the_schedule() -> None:
    from bridge.surfaces.report.gather import schedule_days  # noqa: PLC0415
    from bridge.vocab.settings import Settings  # noqa: PLC0415

    settings = Settings(schedule="0 7 * * mon-fri", timezone="Europe/Copenhagen")
    days = schedule_days(settings, TODAY, 14)  # Monday 16 March
    assert days[0] == TODAY
    assert days[-1] == TODAY + 11 * D  # Friday 27 March; the 14th day is a Sunday
    assert len(days) == 10
    assert all(d.weekday() < 5 for d in days)


def test_forecast_books_waiting_drafts_and_each_step_it_proposes() -> None:
    from bridge.surfaces.report.forecast import forecast  # noqa: PLC0415
    from policies.ladder import TenantPolicy  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415

    inv = invoice("A", TODAY - 25 * D, "5000.00")
    snap = snapshot([inv])
    waiting = StepRecord(
        invoice_id="A",
        action=ActionKind.REMINDER,
        step=1,
        date=TODAY - 12 * D,
        status=StepStatus.PENDING,
    )
    days = [TODAY + n * D for n in range(30)]
    law, policy = for_country("DK"), TenantPolicy.default("DK")
    planned = forecast(snap, [waiting], law, policy, days)
    steps = [(d.step, d.action) for d in planned]
    assert steps
    assert steps[0] == (2, ActionKind.REMINDER)
    assert len(steps) == len(set(steps))  # each step once: a proposal counts as booked
    assert [d.date for d in planned] == sorted(d.date for d in planned)
    from policies.engine import decide  # noqa: PLC0415

    assert decide(TODAY, snap, [waiting], law, policy) == []  # today it waits for review
