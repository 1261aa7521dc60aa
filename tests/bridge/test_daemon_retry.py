"""A failed cycle is retried the same day, for the failed tenants only (BRIDGE_RETRY_FAILED).

Nothing waits: the scheduler is built but not started, and its jobs are called by hand at the
moment a test clock says.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from bridge.engine.cycle_retry import next_budget_run, next_retry, parse_delays
from bridge.store import open_store
from bridge.store.runs import RunRow
from bridge.surfaces.daemon import build_scheduler
from bridge.surfaces.status import state_dict, status_table, tenant_state
from bridge.vocab.errors import ConfigError
from bridge.vocab.settings import Settings, TenantSettings, load_settings

# Monday 16 March 2026, 07:00 in Copenhagen (06:00 UTC): the scheduled cycle.
MONDAY_7 = datetime(2026, 3, 16, 6, tzinfo=UTC)


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database": tmp_path / "state.sqlite3",
        "schedule": "0 7 * * mon-fri",
        "timezone": "Europe/Copenhagen",
        "tenants": {
            "down": TenantSettings(system="economic"),  # no secrets: its cycle fails
            "demo": TenantSettings(system="economic", sandbox_state=tmp_path / "sandbox.json"),
        },
    }
    return Settings(**(values | extra))


def _run(n: int, at: datetime, status: str = "error", error: str = "VendorDown: 503") -> RunRow:
    return RunRow(n, "t", False, at, at + timedelta(seconds=30), status, {}, error)


def test_the_delays_are_read_and_checked() -> None:
    assert parse_delays("15m,1h,3h") == (
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=3),
    )
    assert parse_delays("off") == ()
    assert parse_delays("") == ()
    assert parse_delays(" 90s , 2h") == (timedelta(seconds=90), timedelta(hours=2))
    with pytest.raises(ValueError, match="'15 minutes' not understood"):
        parse_delays("15 minutes")


def test_a_bad_retry_setting_stops_the_load(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text("BRIDGE_RETRY_FAILED=15min,soon\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"BRIDGE_RETRY_FAILED: retry delay .soon. not understood"
    ):
        load_settings(env)


def test_next_retry_backs_off_the_same_day_then_leaves_it_to_the_schedule(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    first = _run(1, MONDAY_7)
    assert next_retry(settings, [first]) == MONDAY_7 + timedelta(minutes=15)
    second = _run(2, MONDAY_7 + timedelta(minutes=15))
    assert next_retry(settings, [second, first]) == MONDAY_7 + timedelta(minutes=75)
    third = _run(3, MONDAY_7 + timedelta(minutes=75))
    assert next_retry(settings, [third, second, first]) == MONDAY_7 + timedelta(minutes=255)
    fourth = _run(4, MONDAY_7 + timedelta(minutes=255))
    assert next_retry(settings, [fourth, third, second, first]) is None  # none left today
    # A success ends it; a dry run is no cycle; an earlier day's failures do not count.
    assert next_retry(settings, [_run(5, MONDAY_7, "ok", "")]) is None
    dry = RunRow(6, "t", True, MONDAY_7, MONDAY_7, "ok", {}, None)
    assert next_retry(settings, [dry, first]) == MONDAY_7 + timedelta(minutes=15)
    yesterday = [_run(n, MONDAY_7 - timedelta(days=1)) for n in range(3)]
    assert next_retry(settings, [first, *yesterday]) == MONDAY_7 + timedelta(minutes=15)
    # A refused login is not retried: a revoked token does not come back by itself.
    refused = _run(7, MONDAY_7, error="authentication failed, tenant stopped: 401")
    assert next_retry(settings, [refused]) is None
    # Not past midnight, and never after the next scheduled cycle.
    late = _run(8, datetime(2026, 3, 16, 22, 50, tzinfo=UTC))  # 23:50 in Copenhagen
    assert next_retry(settings, [late]) is None
    hourly = _settings(tmp_path, schedule="0 * * * *")
    assert next_retry(hourly, [first]) == MONDAY_7 + timedelta(minutes=15)
    assert next_retry(hourly, [second, first]) is None  # 08:15 comes after the 08:00 cycle
    assert next_retry(_settings(tmp_path, retry_failed="off"), [first]) is None


def _call(job: Any) -> Any:
    return job.func(*job.args, **job.kwargs)


def test_a_failed_cycle_is_retried_for_the_failed_tenant_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    clock = [MONDAY_7]
    with open_store(settings.database) as store:
        scheduler = build_scheduler(settings, store, threading.Event(), clock=lambda: clock[0])
        assert scheduler.get_job("retry:down") is None
        outcomes = {o.tenant: o.status for o in _call(scheduler.get_job("cycle"))}
        assert outcomes == {"demo": "ok", "down": "error"}
        assert scheduler.get_job("retry:demo") is None
        retry = scheduler.get_job("retry:down")
        assert retry is not None
        assert retry.trigger.run_date == MONDAY_7 + timedelta(minutes=15)

        # status, from the ledger alone, says when.
        state = tenant_state(store, settings, "down", now=MONDAY_7)
        row = state_dict(state, None, settings.schedule)
        assert row["next_retry"] == (MONDAY_7 + timedelta(minutes=15)).isoformat()
        demo = tenant_state(store, settings, "demo", now=MONDAY_7)
        assert state_dict(demo, None, "")["next_retry"] is None
        console = Console(width=160, record=True, color_system=None)
        console.print(status_table([row], [state], settings))
        assert "retry Mon 2026-03-16 07:15" in console.export_text()

        clock[0] = MONDAY_7 + timedelta(minutes=15)
        assert [o.tenant for o in _call(retry)] == ["down"]  # demo is not run again
        assert len(store.runs("demo")) == 1
        *_, again = [job for job in scheduler.get_jobs() if job.id == "retry:down"]
        assert again.trigger.run_date == MONDAY_7 + timedelta(minutes=75)


def test_a_restarted_daemon_still_retries_and_a_late_retry_runs_at_once(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with open_store(settings.database) as store:
        run = store.start_run("down", dry_run=False, started_at=MONDAY_7)
        store.finish_run(run, status="error", finished_at=MONDAY_7, summary={}, error="503")
        late = MONDAY_7 + timedelta(minutes=40)
        scheduler = build_scheduler(settings, store, threading.Event(), clock=lambda: late)
        job = scheduler.get_job("retry:down")
        assert job is not None
        assert job.trigger.run_date == late


def test_a_retry_never_runs_beside_the_same_tenant(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with open_store(settings.database) as store:
        scheduler = build_scheduler(settings, store, threading.Event(), clock=lambda: MONDAY_7)
        cycle = scheduler.get_job("cycle")
        working = cycle.args[4]
        working.claim(["down"])  # the scheduled cycle is still working it
        assert [o.tenant for o in _call(cycle)] == ["demo"]


def _waiting(n: int, at: datetime, letters: int = 120) -> RunRow:
    return RunRow(
        n, "t", False, at, at + timedelta(minutes=40), "ok", {"budget_waits": letters}, None
    )


def test_letters_waiting_for_the_budget_are_written_when_the_window_frees(tmp_path: Path) -> None:
    # Monday's 07:00 cycle spent the day's budget by 07:40 and left letters waiting; they are
    # written when Monday's requests leave e-conomic's 24-hour window, not a day later.
    settings = _settings(tmp_path)
    frees = MONDAY_7 + timedelta(hours=24, minutes=40)  # Tuesday 07:40
    monday = _waiting(1, MONDAY_7)
    # Tuesday's scheduled 07:00 cycle comes first: the schedule runs the tenant then.
    assert next_budget_run(settings, [monday], frees) is None
    tuesday = _waiting(2, MONDAY_7 + timedelta(days=1))
    assert next_budget_run(settings, [tuesday, monday], frees) == frees + timedelta(minutes=1)
    # Nothing waits, the window never filled, a dry run is no cycle.
    assert next_budget_run(settings, [_run(3, MONDAY_7, "ok", "")], frees) is None
    assert next_budget_run(settings, [tuesday], None) is None
    dry = RunRow(4, "t", True, MONDAY_7, MONDAY_7, "ok", {"budget_waits": 3}, None)
    assert next_budget_run(settings, [dry], frees) is None


def test_the_daemon_schedules_the_letters_the_budget_left_and_status_says_when(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    tuesday_7 = MONDAY_7 + timedelta(days=1)
    with open_store(settings.database) as store:
        run = store.start_run("demo", dry_run=False, started_at=tuesday_7)
        store.finish_run(
            run, status="ok", finished_at=tuesday_7, summary={"budget_waits": 12}, error=None
        )
        store.log_requests("demo", 40_000, at=MONDAY_7 + timedelta(minutes=40))
        store.log_requests("demo", 330, at=tuesday_7 + timedelta(minutes=1))
        scheduler = build_scheduler(settings, store, threading.Event(), clock=lambda: tuesday_7)
        job = scheduler.get_job("retry:demo")
        assert job is not None
        assert job.trigger.run_date == tuesday_7 + timedelta(minutes=41)
        state = tenant_state(store, settings, "demo", now=tuesday_7)
        row = state_dict(state, None, settings.schedule)
        assert row["next_budget_run"] == (tuesday_7 + timedelta(minutes=41)).isoformat()
        console = Console(width=400, record=True, color_system=None)
        console.print(status_table([row], [state], settings))
        shown = console.export_text()
        assert "12 letter(s) wait for the daily budget" in shown
        assert "more Tue 2026-03-17 07:41" in shown
