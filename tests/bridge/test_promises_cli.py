"""`dunning-bridge promise`: record a promise or a plan, list and withdraw it; bad input exits 2."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from bridge.surfaces.promises import PromiseInputError, instalments
from bridge.vocab.domain import Instalment

D = Decimal
runner = CliRunner()
TODAY = "2026-03-16"


def test_amounts_pair_with_dates_in_order_and_are_sorted_by_date() -> None:
    parts = instalments(["300", "200.50"], [date(2026, 5, 1), date(2026, 4, 1)])
    assert parts == (
        Instalment(date(2026, 4, 1), D("200.50")),
        Instalment(date(2026, 5, 1), D(300)),
    )


@pytest.mark.parametrize(
    ("amounts", "dates", "message"),
    [
        ([], [], "one --by DATE for each --amount"),
        (["100"], [], "one --by DATE for each --amount"),
        (["abc"], [date(2026, 4, 1)], "not an amount"),
        (["0"], [date(2026, 4, 1)], "must be positive"),
        (["-5"], [date(2026, 4, 1)], "must be positive"),
        (["1.005"], [date(2026, 4, 1)], "at most 2 decimals"),
        (["NaN"], [date(2026, 4, 1)], "must be positive"),
    ],
)
def test_bad_instalments_are_refused(amounts: list[str], dates: list[date], message: str) -> None:
    with pytest.raises(PromiseInputError, match=message):
        instalments(amounts, dates)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("demo") / "d"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", TODAY])
    assert result.exit_code == 0, result.output
    return state


def _run(demo: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["promise", *args, "--demo", str(demo), "--today", TODAY])
    return result.exit_code, result.stdout + result.stderr


def test_record_list_and_withdraw(demo_dir: Path) -> None:
    code, out = _run(demo_dir, "1021", "--amount", "500", "--by", "2026-03-20", "--json")
    assert code == 0, out
    single = json.loads(out)
    assert single["instalments"] == [{"due": "2026-03-20", "amount": "500.00"}]
    assert single["currency"] == "DKK"  # the tenant's country's currency
    code, out = _run(
        demo_dir,
        "--customer", "3",
        "--amount", "1000", "--by", "2026-04-01",
        "--amount", "1000", "--by", "2026-05-01",
        "--currency", "eur",
        "--note", "agreed by phone",
    )  # fmt: skip
    assert code == 0, out
    assert "payment plan #" in out
    code, out = _run(demo_dir, "--list", "--json")
    rows = json.loads(out)
    assert [(r["invoice"], r["customer"], r["currency"]) for r in rows][-2:] == [
        ("1021", None, "DKK"),
        (None, "3", "EUR"),
    ]
    last = rows[-1]["id"]
    code, out = _run(demo_dir, "--end", last)
    assert code == 0, out
    assert f"promise #{last} withdrawn from {TODAY}" in out
    code, out = _run(demo_dir, "--end", last)
    assert code == 2
    assert "no open promise" in out
    code, out = _run(demo_dir, "--list", "--json")
    assert json.loads(out)[-1]["note"] == "agreed by phone"
    code, out = _run(demo_dir, "--list")
    assert (code, "Promises" in out) == (0, True)


@pytest.mark.parametrize(
    "args",
    [
        ["1021", "--customer", "3", "--amount", "1", "--by", "2026-04-01"],
        ["--amount", "1", "--by", "2026-04-01"],
        ["1021", "--amount", "1"],
        ["1021", "--amount", "1", "--by", "2026-03-01"],
        ["1021", "--amount", "1", "--by", "2026-04-01", "--tenant", "nobody"],
    ],
)
def test_bad_command_lines_exit_2(demo_dir: Path, args: list[str]) -> None:
    code, out = _run(demo_dir, *args)
    assert code == 2, out
    assert "error:" in out
