"""`status`: per tenant the last real cycle, its result, the next run, reviews and errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from bridge.store import open_store
from bridge.surfaces.status import (
    fire_times,
    live_leases,
    next_run,
    state_dict,
    status_command,
    status_table,
    tenant_state,
)
from bridge.vocab.settings import Settings, TenantSettings

MONDAY_NOON = datetime(2026, 3, 16, 11, tzinfo=UTC)


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        database=tmp_path / "state.sqlite3",
        schedule="0 7 * * mon-fri",
        timezone="Europe/Copenhagen",
        tenants={
            "kontor": TenantSettings(system="economic"),
            "idle": TenantSettings(system="economic", country="SE", enabled=False),
        },
    )


def _record(settings: Settings) -> None:
    store = open_store(settings.database)
    try:
        for days, status, dry in ((3, "ok", False), (2, "error", False), (1, "ok", True)):
            at = MONDAY_NOON - timedelta(days=days)
            run = store.start_run("kontor", dry_run=dry, started_at=at)
            store.finish_run(
                run,
                status=status,
                finished_at=at + timedelta(seconds=4),
                summary={"decisions": 5, "written": 3, "requests": 40},
                error="AuthError: the vendor refused our credentials"
                if status == "error"
                else None,
            )
    finally:
        store.close()


def test_next_run_follows_the_schedule_in_its_time_zone(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    friday_evening = datetime(2026, 3, 20, 18, tzinfo=UTC)
    assert next_run(settings, friday_evening) == datetime(2026, 3, 23, 6, tzinfo=UTC)
    # Summer time starts on 29 March: 07:00 local is then 05:00 UTC.
    assert next_run(settings, datetime(2026, 3, 29, 12, tzinfo=UTC)) == datetime(
        2026, 3, 30, 5, tzinfo=UTC
    )
    week = list(fire_times(settings, MONDAY_NOON, MONDAY_NOON + timedelta(days=7)))
    assert len(week) == 5


def test_state_ignores_dry_runs_and_counts_failures(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _record(settings)
    store = open_store(settings.database)
    try:
        state = tenant_state(store, settings, "kontor")
        never = tenant_state(store, settings, "idle")
    finally:
        store.close()
    assert state.last is not None
    assert state.last.status == "error"  # the dry run a day later is not a cycle
    assert state.last_success is not None
    assert state.last_success.started_at == MONDAY_NOON - timedelta(days=3)
    assert state.last_dry_run is not None
    assert state.recent_failures == 1
    row = state_dict(state, next_run(settings, MONDAY_NOON), settings.schedule)
    assert row["last_status"] == "error"
    assert row["last_error"].startswith("AuthError")
    assert row["last_decisions"] == 5
    assert row["next_run"] == "2026-03-17T07:00:00+01:00"
    empty = state_dict(never, None, settings.schedule)
    assert (empty["last_run"], empty["last_status"], empty["next_run"]) == (None, None, None)


def test_status_json_lists_every_tenant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = _settings(tmp_path)
    _record(settings)
    assert status_command(settings, as_json=True) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["tenant"] for r in rows] == ["idle", "kontor"]
    kontor = rows[1]
    for key in ("last_run", "last_status", "last_error", "pending_reviews", "unresolved_writes"):
        assert key in kontor
    assert kontor["pending_reviews"] == 0
    assert kontor["recent_failures"] == 1
    assert rows[0]["enabled"] is False


def test_status_table_shows_result_next_run_and_errors(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _record(settings)
    store = open_store(settings.database)
    try:
        states = [tenant_state(store, settings, n) for n in sorted(settings.tenants)]
    finally:
        store.close()
    rows = [state_dict(s, next_run(settings, MONDAY_NOON), settings.schedule) for s in states]
    console = Console(width=200, record=True, color_system=None)
    console.print(status_table(rows, states, settings))
    text = console.export_text()
    assert "idle (off)" in text
    assert "never run" in text
    assert "error — last cycle 14 Mar 12:00, 3 letters written" in text
    assert "AuthError: the vendor refused our credentials" in text
    assert "Tue 2026-03-17 07:00" in text
    assert "schedule 0 7 * * mon-fri (Europe/Copenhagen)" in text


def test_status_without_tenants(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(database=tmp_path / "s.sqlite3")
    assert status_command(settings, as_json=False) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "No tenant is configured" in said
    assert "`dunning-bridge demo`" in said


def test_status_names_the_daemon_working_a_tenant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path)
    _record(settings)
    store = open_store(settings.database)
    try:
        assert store.acquire_lease("kontor", "host-a:4242", ttl=timedelta(minutes=5))
        assert store.acquire_lease("idle", "host-b:1", ttl=timedelta(seconds=1))
        live = live_leases(store)
        assert set(live) == {"kontor", "idle"}
        states = [tenant_state(store, settings, n, live) for n in sorted(settings.tenants)]
    finally:
        store.close()
    rows = [state_dict(s, next_run(settings, MONDAY_NOON), settings.schedule) for s in states]
    assert rows[1]["worked_by"] == "host-a:4242"
    assert rows[1]["lease_expires"]
    console = Console(width=160, record=True, color_system=None)
    console.print(status_table(rows, states, settings))
    assert "running by host-a:4242" in console.export_text()
    capsys.readouterr()
    assert status_command(settings, as_json=True) == 0
    listed = {r["tenant"]: r["worked_by"] for r in json.loads(capsys.readouterr().out)}
    assert listed["kontor"] == "host-a:4242"


def test_status_says_how_many_letters_wait_for_tomorrows_budget(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    store = open_store(settings.database)
    try:
        run = store.start_run("kontor", dry_run=False, started_at=MONDAY_NOON)
        store.finish_run(
            run,
            status="ok",
            finished_at=MONDAY_NOON,
            summary={"decisions": 9000, "written": 6000, "requests": 39_990, "budget_waits": 3000},
            error=None,
        )
        states = [tenant_state(store, settings, n) for n in sorted(settings.tenants)]
    finally:
        store.close()
    rows = [state_dict(s, None, settings.schedule) for s in states]
    assert rows[1]["budget_waits"] == 3000
    console = Console(width=200, record=True, color_system=None)
    console.print(status_table(rows, states, settings))
    assert "3000 letter(s) wait for the daily budget" in console.export_text()
