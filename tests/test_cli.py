"""The command line end to end on the demo: demo twice, plan, explain, history, status, secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app

runner = CliRunner()
TODAY = "2026-03-16"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo for the module: every test on it reads, or writes what is already written."""
    state = tmp_path_factory.mktemp("cli") / "demo"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", TODAY])
    assert result.exit_code == 0, result.output
    return state


def test_demo_plans_writes_and_second_run_writes_nothing(demo_dir: Path) -> None:
    again = runner.invoke(app, ["demo", "--state", str(demo_dir), "--today", TODAY, "--json"])
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert data["written"] == []
    assert data["pending"] > 0


def test_first_demo_shows_fees_interest_compensation(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["demo", "--state", str(tmp_path / "d"), "--today", TODAY, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    decisions = data["decisions"]
    assert decisions
    assert data["written"]
    assert any(d["fee"] != "0.00" for d in decisions)
    assert any(d["interest"] != "0.00" for d in decisions)
    assert any(d["compensation"] == "310.00" for d in decisions)
    assert all(d["legal_basis"] for d in decisions if d["fee"] != "0.00")
    assert any(d["deadline"] for d in decisions)
    assert data["requests"] > 0


def test_plan_json_on_the_demo_writes_nothing(demo_dir: Path) -> None:
    result = runner.invoke(app, ["plan", "--demo", str(demo_dir), "--today", TODAY, "--json"])
    assert result.exit_code == 0, result.output
    tenant = json.loads(result.stdout)["tenants"][0]
    assert tenant["dry_run"] is True
    assert tenant["written"] == []


def test_history_status_and_explain(demo_dir: Path) -> None:
    history = runner.invoke(app, ["history", "--demo", str(demo_dir), "--json"])
    assert history.exit_code == 0, history.output
    steps = json.loads(history.stdout)
    assert steps
    assert all(s["status"] in {"pending", "issued"} for s in steps)

    status = runner.invoke(app, ["status", "--demo", str(demo_dir), "--json"])
    assert status.exit_code == 0, status.output
    (row,) = json.loads(status.stdout)
    assert row["last_status"] == "ok"
    assert row["pending_reviews"] > 0

    invoice = steps[0]["invoice"]
    explained = runner.invoke(
        app, ["explain", invoice, "--demo", str(demo_dir), "--today", TODAY, "--json"]
    )
    assert explained.exit_code == 0, explained.output
    assert json.loads(explained.stdout)["history"]

    missing = runner.invoke(app, ["explain", "no-such", "--demo", str(demo_dir), "--today", TODAY])
    assert missing.exit_code == 2


def test_secrets_set_and_check(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={tmp_path}/s.sqlite3\nBRIDGE_TENANTS__KONTOR__SYSTEM=economic\n",
        encoding="utf-8",
    )
    check = runner.invoke(app, ["secrets", "check", "--env-file", str(env), "--json"])
    assert check.exit_code == 1
    assert json.loads(check.stdout) == {
        "kontor": {"app_secret_token": False, "agreement_grant_token": False}
    }
    for name in ("app_secret_token", "agreement_grant_token"):
        done = runner.invoke(
            app,
            ["secrets", "set", "kontor", name, "--stdin", "--env-file", str(env)],
            input="very-secret-value\n",
        )
        assert done.exit_code == 0, done.output
        assert "very-secret-value" not in done.output
    check = runner.invoke(app, ["secrets", "check", "--env-file", str(env)])
    assert check.exit_code == 0
    assert "very-secret-value" not in check.output
    wrong = runner.invoke(
        app,
        ["secrets", "set", "kontor", "password", "--stdin", "--env-file", str(env)],
        input="x\n",
    )
    assert wrong.exit_code == 2


def test_bad_env_file_exits_2_with_message(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(
        "BRIDGE_TENANTS__X__SYSTEM=economic\nBRIDGE_TENANTS__X__COUNTRY=ZZ\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["status", "--env-file", str(env)])
    assert result.exit_code == 2
    assert "unknown country 'ZZ'" in result.output


def test_unknown_system_is_refused_when_the_settings_load(tmp_path: Path) -> None:
    """Not only by `doctor`: every command says it before doing anything."""
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={tmp_path}/s.sqlite3\nBRIDGE_TENANTS__X__SYSTEM=visma-erp\n",
        encoding="utf-8",
    )
    for command in ("cycle", "status", "doctor", "plan"):
        result = runner.invoke(app, [command, "--env-file", str(env), "--json"])
        assert result.exit_code == 2, command
        assert (
            f"{env}: BRIDGE_TENANTS__X__SYSTEM: unknown accounting system 'visma-erp'"
            in result.output
        )


def test_doctor_on_the_demo(demo_dir: Path) -> None:
    result = runner.invoke(app, ["doctor", "--demo", str(demo_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert all(c["ok"] for c in json.loads(result.stdout))


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    for command in (
        "demo",
        "run",
        "cycle",
        "plan",
        "explain",
        "history",
        "status",
        "simulate",
        "secrets",
        "doctor",
    ):
        assert command in result.output


def test_authorize_explains_when_no_consent_is_needed(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={tmp_path}/db.sqlite3\n"
        "BRIDGE_TENANTS__KONTOR__SYSTEM=economic\n"
        "BRIDGE_TENANTS__HAVE__SYSTEM=dinero\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["authorize", "kontor", "--env-file", str(env)])
    assert result.exit_code == 2
    assert "secrets set kontor" in result.output
    bad = runner.invoke(app, ["authorize", "have", "--option", "nonsense", "--env-file", str(env)])
    assert bad.exit_code == 2
    assert "KEY=VALUE" in bad.output


def test_pending_lists_the_review_queue(demo_dir: Path) -> None:
    result = runner.invoke(app, ["pending", "--demo", str(demo_dir), "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert items
    assert all(i["key"].startswith("dl-") for i in items)
    # e-conomic holds real drafts: approval happens by booking them there.
    refused = runner.invoke(app, ["approve", "demo", items[0]["key"], "--demo", str(demo_dir)])
    assert refused.exit_code == 2
    assert "booking the draft" in refused.output


@pytest.mark.parametrize(
    ("scenario", "warning"),
    [("dk_b2b", "inkassoloven § 10"), ("no_b2b", "INKASSOVARSEL"), ("fi_b2b", "MAKSUKEHOTUS")],
)
def test_simulate_writes_the_series_of_letters_and_the_case_file(
    tmp_path: Path, scenario: str, warning: str
) -> None:
    path = Path(__file__).parent / "scenarios" / f"{scenario}.json"
    result = runner.invoke(app, ["simulate", str(path), "--letters", str(tmp_path)])
    assert result.exit_code == 0, result.output
    warnings = sorted(tmp_path.glob("*_collection_warning-*.txt"))
    assert warnings
    assert warning in warnings[0].read_text(encoding="utf-8")
    cases = list((tmp_path / "handovers").glob("case-*/case.json"))
    assert cases
    debtor = json.loads(cases[0].read_text(encoding="utf-8"))["debtor"]
    assert debtor["org_number"]


@pytest.mark.parametrize(
    "args",
    [
        ["plan"],
        ["explain", "1001"],
        ["report", "--html", "report.html"],
        ["history", "--invoice", "1001"],
        ["customers"],
        ["pending"],
    ],
)
def test_no_configuration_is_explained_not_an_empty_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("bridge.vocab.settings.DEFAULT_ENV_FILE", tmp_path / "none.env")
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "no tenant is configured: no env file was found" in said
    assert "`dunning-bridge demo`" in said
    assert "--demo .demo" in said
    assert not (tmp_path / "report.html").exists()


def test_an_env_file_without_tenants_is_named(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(f"BRIDGE_DATABASE={tmp_path}/s.sqlite3\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", "--env-file", str(env)])
    assert result.exit_code == 2
    assert f"{env} names no tenant" in " ".join(result.output.split())


def test_version_option() -> None:
    from bridge import __version__  # noqa: PLC0415

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"dunning-bridge {__version__}"


def test_help_shows_no_type_placeholders() -> None:
    for args in (["--help"], ["plan", "--help"], ["promise", "--help"], ["letter", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        for placeholder in ("<bool>", "<str>", "<int>", "<path>"):
            assert placeholder not in result.output, (args, placeholder)
    plan = runner.invoke(app, ["plan", "--help"]).output
    assert "YYYY-MM-DD" in plan
    assert "TENANT" in plan


def test_customers_sort_numbers_as_numbers(demo_dir: Path) -> None:
    result = runner.invoke(app, ["customers", "--demo", str(demo_dir), "--today", TODAY, "--json"])
    assert result.exit_code == 0, result.output
    ids = [row["customer"] for row in json.loads(result.stdout)["demo"]]
    assert len(ids) > 10
    assert ids == sorted(ids, key=int)
    text = runner.invoke(app, ["customers", "--demo", str(demo_dir), "--today", TODAY]).output
    assert text.index("│ 2 ") < text.index("│ 10 ")


def test_history_of_an_unknown_invoice_fails(demo_dir: Path) -> None:
    result = runner.invoke(app, ["history", "--demo", str(demo_dir), "--invoice", "9999"])
    assert result.exit_code == 1
    assert "no such invoice 9999" in result.output


def test_plan_names_the_invoices_not_dunned_on_purpose_unwrapped(demo_dir: Path) -> None:
    result = runner.invoke(app, ["plan", "--demo", str(demo_dir), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "Not dunned on purpose (3 invoice(s)):" in result.output
    assert "- 1008: customer is barred from dunning" in result.output
    # Piped output is not wrapped at a fixed width: each reason is on one line.
    assert (
        "- 1030: outstanding 18,75\xa0kr. is below the minimum worth chasing, 50,00\xa0kr.\n"
        in (result.output)
    )


def test_invoices_not_dunned_for_one_reason_share_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bridge.surfaces.commands import print_blocked  # noqa: PLC0415

    print_blocked([(str(n), "customer is barred from dunning") for n in range(13, 0, -1)])
    out = capsys.readouterr().out
    assert "Not dunned on purpose (13 invoice(s)):" in out
    # The reason once, its first ten invoices in number order, then how many more.
    assert "- 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 3 more: customer is barred from dunning\n" in out
    assert out.count("customer is barred") == 1


def test_different_reasons_are_named_up_to_ten(capsys: pytest.CaptureFixture[str]) -> None:
    from bridge.surfaces.commands import print_blocked  # noqa: PLC0415

    print_blocked([(str(n), f"outstanding {n},00 is below the minimum") for n in range(1, 14)])
    out = capsys.readouterr().out
    assert "Not dunned on purpose (13 invoice(s)):" in out
    assert "- 2: outstanding 2,00 is below" in out
    assert "- 10: outstanding 10,00 is below" in out
    assert "- 11:" not in out
    assert "- and 3 more; `dunning-bridge explain INVOICE` tells why." in out
