"""`doctor` separates the daemon's own problems from a tenant's; the daemon skips a bad tenant.

A tenant with a revoked token or a bad policy file must not keep the daemon (and the other
tenants) from starting: `doctor --start` (ExecStartPre) fails only on global problems.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from bridge.surfaces.daemon import settings_to_run
from bridge.vocab.settings import Settings, TenantSettings

runner = CliRunner()
BAD_POLICY = 'minimum_outstanding = "fifty"\n'


def _env(tmp_path: Path, database: str | None = None) -> Path:
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={database or tmp_path / 'state.sqlite3'}\n"
        "BRIDGE_TENANTS__DEMO__SYSTEM=economic\n"
        f"BRIDGE_TENANTS__DEMO__SANDBOX_STATE={tmp_path}/sandbox.json\n"
        # A contact for objections: without it the demo's warnings would wait (a tenant problem).
        "BRIDGE_TENANTS__DEMO__OPTIONS__COMPANY_EMAIL=bogholderi@kontor.example\n"
        # No credentials stored: the tenant's own problem.
        "BRIDGE_TENANTS__REVOKED__SYSTEM=economic\n",
        encoding="utf-8",
    )
    return env


def test_a_tenant_problem_fails_doctor_but_not_doctor_start(tmp_path: Path) -> None:
    env = _env(tmp_path)
    plain = runner.invoke(app, ["doctor", "--env-file", str(env), "--today", "2026-03-16"])
    assert plain.exit_code == 1
    said = " ".join(plain.output.split())
    assert "FAIL tenant revoked: missing secrets" in said
    assert "Tenant(s) with problems: revoked. The daemon runs the other tenants" in said
    start = runner.invoke(
        app, ["doctor", "--start", "--env-file", str(env), "--today", "2026-03-16"]
    )
    assert start.exit_code == 0, start.output
    listed = runner.invoke(
        app, ["doctor", "--start", "--json", "--env-file", str(env), "--today", "2026-03-16"]
    )
    rows = json.loads(listed.stdout)
    assert rows[0] == {**rows[0], "subject": "database", "scope": "global", "tenant": None}
    revoked = [r for r in rows if r["tenant"] == "revoked"]
    assert revoked
    assert all(r["scope"] == "tenant" for r in revoked)


def test_a_global_problem_fails_doctor_start(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    env = _env(tmp_path, database=str(blocker / "state.sqlite3"))
    result = runner.invoke(app, ["doctor", "--start", "--env-file", str(env)])
    assert result.exit_code == 1
    assert "FAIL database" in result.output
    assert "problem(s) of the daemon itself" in " ".join(result.output.split())


def test_the_daemon_skips_a_tenant_whose_policy_is_bad_and_runs_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text(BAD_POLICY, encoding="utf-8")
    settings = Settings(
        database=tmp_path / "db.sqlite3",
        tenants={
            "bad": TenantSettings(system="economic", policy_file=policy),
            "good": TenantSettings(system="economic"),
        },
    )
    runnable = settings_to_run(settings)
    assert runnable is not None
    assert runnable.tenants["bad"].enabled is False
    assert runnable.tenants["good"].enabled is True
    assert "daemon.tenant_skipped" in capsys.readouterr().out
    # With no tenant left to run, it does not start.
    alone = Settings(
        database=tmp_path / "db.sqlite3",
        tenants={"bad": TenantSettings(system="economic", policy_file=policy)},
    )
    assert settings_to_run(alone) is None
