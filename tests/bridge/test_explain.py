"""`explain`: timeline, each amount with its rule and table row, why nothing else; `customers`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from bridge.surfaces.explain import explanation, find_invoice
from bridge.vocab.domain import ActionKind, Hold, Instalment, Payment, Promise
from policies.engine import decide
from tests.policies.factories import DK, invoice, policy, record, snapshot

D = Decimal
runner = CliRunner()
TODAY = "2026-03-16"


def _case() -> dict[str, Any]:
    """Invoice 1001: step 1 sent, a part payment, a hold that ended, a broken promise."""
    snap = snapshot(
        [invoice("1001", outstanding="6000.00"), invoice("1002", customer_id="C2")],
        payments=[Payment("1001", date(2026, 1, 26), D("4000.00"))],
        holds=[Hold("1001", start=date(2026, 1, 23), until=date(2026, 1, 24), reason="query")],
        promises=[
            Promise(
                "1", None, "1001", date(2026, 1, 23), "DKK", (Instalment(date(2026, 1, 27), D(9)),)
            )
        ],
    )
    history = [record("1001", ActionKind.REMINDER, 1, date(2026, 1, 22), deadline=date(2026, 2, 2))]
    today = date(2026, 2, 3)  # the day after step 1's deadline: step 2 is due
    plan = decide(today, snap, history, DK, policy())
    return explanation(today, snap, history, DK, policy(), invoice=snap.invoices[0], plan=plan)


def test_each_amount_comes_with_its_rule() -> None:
    data = _case()
    (decision,) = data["decisions"]
    assert (decision["action"], decision["step"]) == ("reminder", 2)
    rules = {r["amount"]: r["rule"] for r in decision["rules"]}
    assert set(rules) >= {"fee", "interest", "compensation", "deadline", "timing"}
    assert "DKK 100.00" in rules["fee"]
    assert "Dunning resumes" not in rules["timing"]  # 9.00 was promised, 4,000 paid: kept
    assert rules["compensation"]


def test_interest_is_shown_per_period_with_its_table_row() -> None:
    (decision,) = _case()["decisions"]
    rows = decision["interest_rows"]
    assert [r["period"] for r in rows] == ["2026-01-20..2026-01-26", "2026-01-27..2026-02-03"]
    assert [r["principal"] for r in rows] == ["10000.00", "6000.00"]
    assert all("confidence" in r["reference_row"] for r in rows)
    assert all(r["surcharge"].startswith("+ 8") for r in rows)
    assert all(r["days"].endswith("/365") for r in rows)


def test_the_timeline_is_dated_and_ordered() -> None:
    timeline = _case()["timeline"]
    events = [(e["date"], e["event"]) for e in timeline]
    assert events == sorted(events, key=lambda e: e[0])
    texts = [text for _, text in events]
    assert texts[0].startswith("issued for DKK 10,000.00")
    assert "due" in texts
    assert "put on hold through 2026-01-24: query" in texts
    assert "payment or credit of DKK 4,000.00" in texts
    assert any(t.startswith("reminder step 1 issued, deadline 2026-02-02") for t in texts)
    assert any(t.startswith("promise #1 recorded") for t in texts)


def test_why_not_and_the_customer_record_are_included() -> None:
    data = _case()
    assert data["why_not"] == [
        "Step 2 is proposed today; the ladder moves one step at a time, so step 3 "
        "'Inkassovarsel' comes no earlier than 2026-02-14 (after the deadline 2026-02-13)."
    ]
    assert data["customer_record"] == "1 of 1 invoice(s) went late; 1 overdue now; 1 letter(s)."


def test_find_invoice_by_id_or_number() -> None:
    snap = snapshot([invoice("1001")])
    assert find_invoice(snap, "1001") is snap.invoices[0]
    assert find_invoice(snap, "nope") is None


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("demo") / "d"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", TODAY])
    assert result.exit_code == 0, result.output
    return state


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def test_hold_then_explain_then_lift_on_the_demo(demo_dir: Path) -> None:
    demo = ["--demo", str(demo_dir)]
    code, out = _invoke(
        "hold",
        "1047",
        "--tenant",
        "demo",
        "--until",
        "2026-04-30",
        "--reason",
        "goods back",
        "--today",
        TODAY,
        "--json",
        *demo,
    )
    assert code == 0, out
    assert json.loads(out)["until"] == "2026-04-30"
    code, out = _invoke("explain", "1047", "--today", "2026-03-17", "--json", *demo)
    assert code == 0, out
    data = json.loads(out)
    assert data["why_not"][0].startswith("Not dunned: on hold since 2026-03-16")
    assert any("goods back" in e["event"] for e in data["timeline"])
    code, out = _invoke("hold", "1047", "--tenant", "demo", "--end", "--today", TODAY, *demo)
    assert (code, "hold lifted" in out) == (0, True)
    code, _ = _invoke("hold", "1047", "--tenant", "nobody", *demo)
    assert code == 2
    code, _ = _invoke("hold", "1047", "--tenant", "demo", "--until", "2026-01-01", *demo)
    assert code == 2


def test_explain_prints_the_sections(demo_dir: Path) -> None:
    code, out = _invoke("explain", "1018", "--today", TODAY, "--demo", str(demo_dir))
    assert code == 0, out
    for heading in ("Timeline", "Why no other step today", "Customer record"):
        assert heading in out


def test_customers_command_lists_records(demo_dir: Path) -> None:
    code, out = _invoke("customers", "--today", TODAY, "--json", "--demo", str(demo_dir))
    assert code == 0, out
    rows = json.loads(out)["demo"]
    assert rows
    assert all(r["late"] <= r["invoices"] for r in rows)
    assert sum(r["letters"] for r in rows) > 0
    code, out = _invoke("customers", "--today", TODAY, "--demo", str(demo_dir))
    assert code == 0
    assert "Paid at step" in out
