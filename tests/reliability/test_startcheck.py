"""Issue 18, finding 12: policy files and schedules are checked at start, every problem named.

A bad policy file crashed every cycle with a traceback (only its first problem, the file named
only for a syntax error); a schedule that cannot fire (``0 0 31 2 *``) was accepted and the
daemon never ran.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.store import open_store
from bridge.surfaces.daemon import run_daemon
from bridge.surfaces.doctor import checks
from bridge.surfaces.startcheck import policy_problems, schedule_problem, startup_problems
from bridge.vocab import registry
from bridge.vocab.errors import ConfigError
from bridge.vocab.settings import Settings, TenantSettings, load_settings

TODAY = date(2026, 3, 16)
BAD_POLICY = """
minimum_outstanding = "fifty"
day_count = "actual/999"
combine_invoice = true
[credit_hold]
enabled = "yes"
"""


def _policy(tmp_path: Path, text: str = BAD_POLICY) -> Path:
    path = tmp_path / "kontor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_of_a_policy_file_is_named_with_file_and_key(tmp_path: Path) -> None:
    path = _policy(tmp_path)
    problems = policy_problems(path, "DK")
    assert len(problems) == 4, problems
    assert all(p.startswith(f"{path}: policy ") for p in problems)
    for key in ("minimum_outstanding", "day_count", "combine_invoice", "credit_hold"):
        assert any(key in p for p in problems), (key, problems)


def test_a_good_policy_file_has_no_problems(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "policy.toml"
    assert policy_problems(example, "DK") == []
    syntax = _policy(tmp_path, "steps = [")
    [problem] = policy_problems(syntax, "DK")
    assert problem.startswith(f"{syntax}: not valid TOML")


@pytest.mark.parametrize("expression", ["0 0 31 2 *", "0 0 30 2 *", "0 7 31 4,6,9,11 *"])
def test_a_schedule_that_never_fires_is_refused_at_load(expression: str) -> None:
    assert "never fires" in (schedule_problem("schedule", expression) or "")
    with pytest.raises(ValidationError, match="never fires"):
        Settings(schedule=expression)
    with pytest.raises(ValidationError, match="never fires"):
        Settings(law_update_schedule=expression, law_data=Path("/tmp/law"))


@pytest.mark.parametrize("expression", ["61 7 * * *", "0 7 * * funday", "0 7 * *"])
def test_a_schedule_apscheduler_cannot_read_is_refused_at_load(
    expression: str, tmp_path: Path
) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(f"BRIDGE_SCHEDULE={expression}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="schedule"):
        load_settings(env)


def test_ordinary_schedules_load() -> None:
    for expression in ("0 7 * * mon-fri", "0 0 29 2 *", "30 6 1 * *"):
        assert Settings(schedule=expression).schedule == expression


def test_the_daemon_refuses_to_start_on_a_bad_policy(tmp_path: Path) -> None:
    settings = Settings(
        database=tmp_path / "db.sqlite3",
        tenants={"kontor": TenantSettings(system="economic", policy_file=_policy(tmp_path))},
    )
    assert len(startup_problems(settings)) == 4
    assert run_daemon(settings) == 2  # at once: no scheduler, no cycle
    assert not (tmp_path / "db.sqlite3").exists()


def test_doctor_names_every_problem(tmp_path: Path) -> None:
    settings = Settings(
        database=tmp_path / "db.sqlite3",
        tenants={"kontor": TenantSettings(system="economic", policy_file=_policy(tmp_path))},
    )
    failed = [c for c in checks(settings, TODAY) if c.subject == "tenant kontor" and not c.ok]
    assert len(failed) == 4


def test_a_cycle_on_a_bad_policy_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    descriptor = registry.connector("economic")
    tenant = TenantSettings(
        system="economic",
        policy_file=_policy(tmp_path),
        sandbox_state=tmp_path / "sandbox.json",
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = run_tenant(
            store, "t", tenant, CycleOptions(today=TODAY, now=datetime.combine(TODAY, time(7), UTC))
        )
    assert outcome.status == "error"
    assert outcome.error is not None
    assert outcome.error.startswith("ConfigError: ")
    assert str(tenant.policy_file) in outcome.error
    assert descriptor.key == "economic"
