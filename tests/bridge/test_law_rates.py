"""`law rates set/list`, `law show`, and what doctor, status, health and the metrics say about
the law's dated tables; the demo after the Danish table ends (law.md § 1.4 lists DK to 2026 H2).
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.engine.lawwatch import law_warnings
from bridge.infra import metrics
from bridge.store import open_store
from bridge.surfaces.cli import app
from bridge.surfaces.workspace import demo_settings

runner = CliRunner()


def _set(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["law", "rates", "set", *args, "--law-data", str(folder)])
    return result.exit_code, result.output


def test_set_writes_a_half_year_row_that_law_show_names(tmp_path: Path) -> None:
    code, out = _set(
        tmp_path, "DK", "--from", "2027-01-01", "--rate", "1.60", "--source", "nationalbanken.dk"
    )
    assert code == 0, out
    assert "2027-01-01..2027-06-30: 1.60 [A]" in out
    shown = runner.invoke(
        app, ["law", "show", "DK", "--date", "2027-01-11", "--law-data", str(tmp_path)]
    )
    assert shown.exit_code == 0, shown.output
    assert "1.60 % for 2027-01-01..2027-06-30" in shown.output
    assert f"operator file {tmp_path / 'dk.toml'}" in shown.output
    assert "9.60 %" in shown.output  # 1.60 + 8 (renteloven § 5)
    listed = runner.invoke(
        app, ["law", "rates", "list", "DK", "--json", "--law-data", str(tmp_path)]
    )
    rows = json.loads(listed.stdout)
    mine = [r for r in rows if r["from"] == "2027-01-01"]
    assert mine[0]["origin"] == str(tmp_path / "dk.toml")
    assert {r["origin"] for r in rows if r["from"] == "2026-07-01"} == {"shipped"}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["DK", "--from", "2027-01-01", "--rate", "160", "--source", "x"], "outside -5..25"),
        (["DK", "--from", "2027-01-02", "--rate", "1.6", "--source", "x"], "half-year"),
        (["DK", "--from", "2027-01-01", "--rate", "abc", "--source", "x"], "not a number"),
        (["DK", "--from", "2027-01-01", "--rate", "1.6", "--source", " "], "--source"),
        (["DK", "--from", "2027-01-01", "--rate", "1.6", "--source", "x", "--grade", "Z"], "grade"),
        (["DK", "--from", "2027-01-01", "--inkassosats", "800", "--source", "x"], "Norway only"),
        (["XX", "--from", "2027-01-01", "--rate", "1.6", "--source", "x"], "unknown country"),
        (["DK", "--from", "2027-01-01", "--source", "x"], "exactly one"),
    ],
)
def test_a_refused_row_changes_nothing(tmp_path: Path, args: list[str], says: str) -> None:
    assert _set(tmp_path, "DK", "--from", "2026-07-01", "--rate", "2.25", "--source", "nb")[0] == 0
    before = (tmp_path / "dk.toml").read_bytes()
    code, out = _set(tmp_path, *args)
    assert code == 2
    assert says in out
    assert (tmp_path / "dk.toml").read_bytes() == before


def test_a_new_row_replaces_the_operators_row_for_the_same_days(tmp_path: Path) -> None:
    _set(tmp_path, "SE", "--from", "2026-07-01", "--rate", "2.00", "--source", "first")
    _set(tmp_path, "SE", "--from", "2026-07-01", "--rate", "1.75", "--source", "riksbank.se")
    rows = tomllib.loads((tmp_path / "se.toml").read_text(encoding="utf-8"))["reference_rate"]
    assert [(r["from"], r["rate"], r["source"]) for r in rows] == [
        (date(2026, 7, 1), "1.75", "riksbank.se")
    ]


def test_norway_sats_and_compensation_rows(tmp_path: Path) -> None:
    code, out = _set(
        tmp_path, "NO", "--from", "2027-01-01", "--inkassosats", "800", "--source", "l"
    )
    assert code == 0, out
    assert "2027-01-01..: 800" in out  # the sats runs until changed
    code, out = _set(
        tmp_path, "NO", "--from", "2027-01-01", "--compensation", "440", "--source", "l"
    )
    assert code == 0, out
    assert "2027-01-01..2027-06-30: 440" in out


def test_set_without_a_folder_says_which_setting(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text("BRIDGE_DATABASE=" + str(tmp_path / "s.sqlite3") + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            *("law", "rates", "set", "DK", "--from", "2027-01-01", "--rate", "1.6"),
            *("--source", "x", "--env-file", str(env)),
        ],
    )
    assert result.exit_code == 2
    assert "BRIDGE_LAW_DATA" in result.output


@pytest.mark.parametrize(
    ("today", "days"),
    [
        (date(2026, 11, 30), None),  # 31 days left: no warning yet
        (date(2026, 12, 1), 30),  # 30 days: warned
        (date(2026, 12, 5), 26),  # the example
    ],
)
def test_the_table_end_is_warned_30_days_ahead(today: date, days: int | None) -> None:
    messages = [w.message for w in law_warnings("DK", today)]
    ends = [m for m in messages if "table ends in" in m]
    if days is None:
        assert ends == []
    else:
        assert ends == [ends[0]]
        assert f"ends in {days} days (2026-12-31)" in ends[0]
        assert "law rates set DK --from 2027-01-01" in ends[0]


def test_a_weak_or_placeholder_rate_in_use_is_warned() -> None:
    dk = [w.message for w in law_warnings("DK", date(2026, 8, 1))]
    assert any("graded C" in m for m in dk)  # law.md § 1.4: 2026 H2 from repositories only
    se = [w.message for w in law_warnings("SE", date(2026, 8, 1))]
    assert any("placeholder (grade U)" in m for m in se)
    assert not any("graded" in m for m in law_warnings("SE", date(2024, 8, 1)))  # grade A


def test_doctor_warns_without_failing(tmp_path: Path) -> None:
    state = tmp_path / "demo"
    assert (
        runner.invoke(app, ["demo", "--state", str(state), "--today", "2026-12-05"]).exit_code == 0
    )
    result = runner.invoke(app, ["doctor", "--demo", str(state), "--today", "2026-12-05"])
    assert "WARN law DK" in result.output
    assert "ends in 26 days" in result.output
    assert result.exit_code == 0, result.output


def test_the_demo_after_the_table_ends_waits_and_health_says_so(tmp_path: Path) -> None:
    state = tmp_path / "demo"
    first = runner.invoke(app, ["demo", "--state", str(state), "--today", "2027-01-11", "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    waits = data["rate_waits"]
    assert waits
    assert all("law rates set DK --from 2027-01-01" in w["reason"] for w in waits)
    assert data["written"]  # fee-only letters and everything else went on
    health = runner.invoke(app, ["health", "--demo", str(state)])
    assert health.exit_code == 1
    assert "wait" in health.output
    status = runner.invoke(app, ["status", "--demo", str(state), "--json"])
    row = json.loads(status.stdout)[0]
    assert row["rate_waits"] == len(waits)

    # The metrics say it too, per tenant and per country.
    store = open_store(demo_settings(state).database)
    try:
        text = metrics.exposition(metrics.registry_with(store, ["demo"], ["DK"]))
    finally:
        store.close()
    assert f'dunning_bridge_rate_waits{{tenant="demo"}} {float(len(waits))}' in text
    assert 'dunning_bridge_law_rate_table_days_left{country="DK"}' in text


def test_the_demo_with_an_operator_rate_charges_interest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "law"
    assert _set(folder, "DK", "--from", "2027-01-01", "--rate", "1.60", "--source", "nb")[0] == 0
    monkeypatch.setenv("BRIDGE_LAW_DATA", str(folder))
    result = runner.invoke(
        app, ["demo", "--state", str(tmp_path / "d"), "--today", "2027-01-11", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rate_waits"] == []
    assert any(d["interest"] != "0.00" for d in data["decisions"])


@pytest.mark.parametrize(
    ("system", "day"),
    [("tripletex", "2030-06-01"), ("fortnox", "2013-02-01"), ("dinero", "2035-12-31")],
)
def test_the_demo_runs_on_any_day_from_2013_to_2035(tmp_path: Path, system: str, day: str) -> None:
    # Outside the rate tables the interest steps wait (said, not a traceback); a Tripletex
    # session asked for on a later demo day still lives past that day.
    result = runner.invoke(
        app, ["demo", "--system", system, "--state", str(tmp_path / "d"), "--today", day]
    )
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    plan = runner.invoke(app, ["plan", "--demo", str(tmp_path / "d"), "--today", day, "--json"])
    assert plan.exit_code == 0, plan.output


def test_status_lists_the_law_warnings_of_the_countries_in_use(tmp_path: Path) -> None:
    from bridge.surfaces.status import law_warning_lines  # noqa: PLC0415

    settings = demo_settings(tmp_path / "demo")  # one Danish tenant
    found = law_warning_lines(settings, date(2026, 12, 5))
    assert list(found) == ["DK"]
    assert any("ends in 26 days (2026-12-31)" in line for line in found["DK"])
    assert law_warning_lines(settings, date(2026, 11, 30))["DK"] == [
        line for line in found["DK"] if "ends in" not in line
    ]
