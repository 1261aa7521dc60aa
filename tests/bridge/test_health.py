"""`health`: exit 0 only when every enabled tenant's last real cycle succeeded on schedule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bridge.store import open_store
from bridge.surfaces.cli import app
from bridge.surfaces.status import health_command, last_due
from bridge.vocab.settings import Settings, TenantSettings

# Monday 2026-03-16, 09:00 UTC = 10:00 in Copenhagen; the schedule runs 07:00 local, mon-fri.
NOW = datetime(2026, 3, 16, 9, tzinfo=UTC)
SLOT = datetime(2026, 3, 16, 6, tzinfo=UTC)  # today's 07:00 in Copenhagen
FRIDAY = datetime(2026, 3, 13, 6, tzinfo=UTC)
runner = CliRunner()


def _settings(tmp_path: Path, *, enabled: bool = True) -> Settings:
    return Settings(
        database=tmp_path / "state.sqlite3",
        schedule="0 7 * * mon-fri",
        timezone="Europe/Copenhagen",
        tenants={
            "a": TenantSettings(system="economic"),
            "off": TenantSettings(system="economic", enabled=enabled),
        },
    )


def _run(
    settings: Settings,
    tenant: str,
    at: datetime,
    status: str = "ok",
    *,
    dry_run: bool = False,
    finish: bool = True,
) -> None:
    store = open_store(settings.database)
    try:
        run = store.start_run(tenant, dry_run=dry_run, started_at=at)
        if finish:
            error = None if status in {"ok", "partial"} else "Transient: the vendor failed"
            store.finish_run(run, status=status, finished_at=at, summary={}, error=error)
    finally:
        store.close()


def _health(
    settings: Settings, capsys: pytest.CaptureFixture[str], max_age: timedelta | None = None
) -> tuple[int, dict[str, Any]]:
    code = health_command(settings, now=NOW, as_json=True, max_age=max_age)
    return code, json.loads(capsys.readouterr().out)


def test_latest_due_slot_respects_the_grace_and_weekends(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert last_due(settings, NOW) == SLOT
    # Within the hour after the slot the daemon may still be running it: Friday's slot counts.
    assert last_due(settings, SLOT + timedelta(minutes=59)) == FRIDAY
    assert last_due(settings, SLOT + timedelta(hours=1)) == SLOT
    sunday = datetime(2026, 3, 15, 12, tzinfo=UTC)
    assert last_due(settings, sunday) == FRIDAY


def test_healthy_when_the_slot_ran_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = _settings(tmp_path, enabled=False)
    _run(settings, "a", SLOT + timedelta(seconds=3))
    code, data = _health(settings, capsys)
    assert code == 0
    assert data["healthy"] is True
    assert [t["tenant"] for t in data["tenants"]] == ["a"]  # disabled tenants are not judged


def test_never_run_failed_or_missed_slot_is_unhealthy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path, enabled=False)
    code, data = _health(settings, capsys)
    assert code == 1
    assert data["tenants"][0]["reason"] == "no cycle has run yet"

    _run(settings, "a", FRIDAY)  # Friday ran, Monday's slot did not
    code, data = _health(settings, capsys)
    assert code == 1
    assert "no cycle for the slot of 2026-03-16T07:00:00+01:00" in data["tenants"][0]["reason"]

    _run(settings, "a", SLOT, "error")
    code, data = _health(settings, capsys)
    assert code == 1
    assert data["tenants"][0]["reason"].startswith("last cycle error: Transient")


def test_a_slot_counts_for_a_run_started_a_little_early(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path, enabled=False)
    _run(settings, "a", SLOT - timedelta(minutes=5))
    assert _health(settings, capsys)[0] == 0
    _run(settings, "a", SLOT - timedelta(minutes=6))  # newer id, but started too early
    assert _health(settings, capsys)[0] == 1


def test_partial_is_healthy_and_dry_runs_are_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path, enabled=False)
    _run(settings, "a", SLOT, "partial")
    _run(settings, "a", SLOT + timedelta(minutes=30), "error", dry_run=True)
    code, data = _health(settings, capsys)
    assert code == 0
    assert data["tenants"][0]["reason"].startswith("last cycle partial")


def test_max_age_replaces_the_schedule_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path, enabled=False)
    _run(settings, "a", NOW - timedelta(hours=26))
    assert _health(settings, capsys, max_age=timedelta(hours=26))[0] == 0
    assert _health(settings, capsys, max_age=timedelta(hours=25, minutes=59))[0] == 1


def test_a_cycle_still_running_is_judged_by_its_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path, enabled=False)
    _run(settings, "a", SLOT, finish=False)
    code, data = _health(settings, capsys)
    assert code == 0
    assert data["tenants"][0]["reason"].startswith("cycle running since")


def test_one_unhealthy_tenant_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(tmp_path)
    _run(settings, "a", SLOT)
    code, data = _health(settings, capsys)
    assert code == 1
    assert {t["tenant"]: t["healthy"] for t in data["tenants"]} == {"a": True, "off": False}


def test_health_command_line(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={tmp_path}/s.sqlite3\nBRIDGE_TENANTS__SHOP__SYSTEM=economic\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["health", "--env-file", str(env)])
    assert result.exit_code == 1
    assert "FAIL shop: no cycle has run yet" in result.output
    bad = runner.invoke(app, ["health", "--env-file", str(tmp_path / "missing.env")])
    assert bad.exit_code == 2
