"""One presentation for people: amounts in the tenant's locale, actions as words, no keys.

The demo company is Danish (e-conomic, DK law): a bookkeeper reading any command's output sees
amounts the way Danish accounts write them (``6.250,00 kr.``, ``2.460,00 €``), the ladder's
steps by their Danish names (``rykker``, ``inkassovarsel``), customer names beside numbers and
no internal identifier she cannot use. ``--json`` keeps the machine names and plain amounts.
"""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from bridge.surfaces.present import Voice, money
from bridge.vocab.domain import ActionKind

runner = CliRunner()
TODAY = "2026-12-24"
NBSP = "\u00a0"

# Every step kind's internal name: none may reach a person's screen.
KIND_NAMES = [k.value for k in ActionKind]
# An amount the way Danish accounts write it: thousands with '.', decimals with ',', then the
# currency's sign (kr. for kroner, € for euro).
DANISH_AMOUNT = re.compile(r"-?\d{1,3}(?:\.\d{3})*,\d{2}" + NBSP + r"(?:kr\.|€)")
# Amounts in any other form: a currency code before or after a number, or English decimals.
FOREIGN_AMOUNTS = (
    re.compile(r"\b(?:DKK|EUR|NOK|SEK)\s?-?\d"),
    re.compile(r"\d\s?(?:DKK|EUR|NOK|SEK)\b"),
    re.compile(r"\d,\d{3}\.\d{2}\b"),
    # English decimals that are no percentage (rates stay "10.00 %" in the prose).
    re.compile(r"(?<![\d.,])\d+\.\d{2}(?![\d%]| ?%)"),
)


# --- the one money function -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("da_DK", "DKK", f"1.111,55{NBSP}kr."),
        ("da_DK", "EUR", f"2.460,00{NBSP}€"),
        ("nb_NO", "NOK", f"1{NBSP}111,55{NBSP}kr"),
        ("sv_SE", "SEK", f"1{NBSP}111,55{NBSP}kr"),
        ("fi_FI", "EUR", f"1{NBSP}111,55{NBSP}€"),
        # English names the currency by its code: the reader may be in any of four countries.
        ("en_GB", "DKK", f"DKK{NBSP}1,111.55"),
    ],
)
def test_money_is_written_as_the_locale_writes_it(
    locale: str, currency: str, expected: str
) -> None:
    value = Decimal("1111.55") if expected.startswith(("1", "DKK")) else Decimal("2460.00")
    assert money(value, currency, locale) == expected


def test_money_at_zero_and_one_ore_either_side() -> None:
    assert money(Decimal("0.00"), "DKK", "da_DK") == f"0,00{NBSP}kr."
    assert money(Decimal("0.01"), "DKK", "da_DK") == f"0,01{NBSP}kr."
    assert money(Decimal("-0.01"), "DKK", "da_DK") == f"-0,01{NBSP}kr."
    assert money(Decimal("999.99"), "DKK", "da_DK") == f"999,99{NBSP}kr."
    assert money(Decimal("1000.00"), "DKK", "da_DK") == f"1.000,00{NBSP}kr."


def test_the_letters_use_the_same_money_function() -> None:
    from bridge.engine.letter_templates import environment  # noqa: PLC0415

    for lang, locale in (("da", "da_DK"), ("en", "en_GB"), ("fi", "fi_FI")):
        shown = environment(lang).filters["money"](Decimal("6250.00"), "DKK")
        assert shown == money(Decimal("6250.00"), "DKK", locale)
    assert environment("da").filters["money"](Decimal("6250.00"), "DKK") == f"6.250,00{NBSP}kr."


def test_prose_from_the_engine_is_put_in_the_tenants_locale() -> None:
    voice = Voice(lang="da", country="DK")
    text = "Fee DKK 100.00: 1st reminder. Interest EUR 1,234.56 at 10.00 % (NOK 7.5 stays)."
    assert voice.prose(text) == (
        f"Fee 100,00{NBSP}kr.: 1st reminder. Interest 1.234,56{NBSP}€ at 10.00 % (NOK 7.5 stays)."
    )


# --- actions as words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "country", "kind", "word"),
    [
        ("da", "DK", ActionKind.REMINDER, "rykker"),
        ("da", "DK", ActionKind.COLLECTION_WARNING, "inkassovarsel"),
        ("da", "DK", ActionKind.HANDOVER, "overdragelse"),
        ("da", "DK", ActionKind.INTEREST_INVOICE, "rentenota"),
        ("nb", "NO", ActionKind.REMINDER, "purring"),
        ("sv", "SE", ActionKind.COLLECTION_WARNING, "inkassokrav"),
        ("fi", "FI", ActionKind.REMINDER, "maksumuistutus"),
        ("en", "DK", ActionKind.COLLECTION_WARNING, "debt collection warning"),
        ("en", "DK", ActionKind.PRE_DUE_NOTICE, "notice before the due date"),
    ],
)
def test_action_words_come_from_the_letters(
    lang: str, country: str, kind: ActionKind, word: str
) -> None:
    assert Voice(lang=lang, country=country).action(kind) == word


def test_a_language_without_letters_reads_english() -> None:
    assert Voice(lang="de", country="DK").action(ActionKind.CREDIT_HOLD) == "credit hold"
    assert Voice(lang="de", country="DK").locale == "en_GB"


# --- the demo as a bookkeeper reads it ---------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def wide_output() -> None:
    """Lines as long as they are (a narrow test terminal would cut names and amounts)."""
    import importlib  # noqa: PLC0415

    for name in ("commands", "review", "explain", "status", "customers", "holds", "promises"):
        importlib.import_module(f"bridge.surfaces.{name}").console.width = 1000
    importlib.import_module("bridge.surfaces.demo").console.width = 1000


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("present") / "demo"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", TODAY])
    assert result.exit_code == 0, result.output
    return state


@pytest.fixture(scope="module")
def first_demo_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    state = tmp_path_factory.mktemp("present-first") / "demo"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", TODAY])
    assert result.exit_code == 0, result.output
    return result.output


def _human(demo_dir: Path) -> dict[str, str]:
    demo = ["--demo", str(demo_dir)]
    commands = {
        "plan": ["plan", *demo, "--today", TODAY],
        "pending": ["pending", *demo],
        "status": ["status", *demo],
        "customers": ["customers", *demo, "--today", TODAY],
        "history": ["history", *demo],
        "explain": ["explain", "1009", *demo, "--today", TODAY],
        "explain-eur": ["explain", "1014", *demo, "--today", TODAY],
        "tasks": ["tasks", "list", *demo, "--all"],
        "promises": ["promise", "--list", *demo],
        "holds": ["hold", "--list", *demo],
        "disputes": ["dispute", "--list", *demo],
    }
    out: dict[str, str] = {}
    for name, args in commands.items():
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (name, result.output)
        out[name] = result.output
    return out


@pytest.fixture(scope="module")
def human(demo_dir: Path) -> dict[str, str]:
    return _human(demo_dir)


def _foreign_amounts(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        if "%" in line and "reference" in line and "Interest" not in line:
            pass
        for pattern in FOREIGN_AMOUNTS:
            found += [f"{m.group(0)!r} in {line.strip()[:120]!r}" for m in pattern.finditer(line)]
    return found


def test_every_amount_in_the_demo_is_in_the_one_format(
    human: dict[str, str], first_demo_output: str
) -> None:
    outputs = {**human, "demo": first_demo_output}
    for name, text in outputs.items():
        assert _foreign_amounts(text) == [], name
    # And the amounts are there: the plan's charges and the explained claim.
    assert f"100,00{NBSP}kr." in first_demo_output
    assert f"10.000,00{NBSP}kr." in human["explain"]
    assert f"2.460,00{NBSP}€" in human["explain-eur"]
    assert DANISH_AMOUNT.search(human["pending"])
    assert DANISH_AMOUNT.search(first_demo_output)


def test_no_internal_name_reaches_a_person(human: dict[str, str], first_demo_output: str) -> None:
    outputs = {**human, "demo": first_demo_output}
    for name, text in outputs.items():
        for kind in KIND_NAMES:
            if kind == "reminder" or kind == "task":
                continue  # plain English words as well as identifiers
            assert re.search(rf"\b{kind}\b", text) is None, (name, kind)
        assert re.search(r"\bdl-[0-9a-f]{6}", text) is None, name
    assert "rykker" in first_demo_output
    assert "3 inkassovarsel" in first_demo_output
    assert "2 rykker" in human["pending"]


def test_the_reconciled_letters_are_summed_up(first_demo_output: str) -> None:
    assert "reconciled" not in first_demo_output
    assert re.search(r"\b16 letters booked since the last cycle\b", first_demo_output)


def test_verbose_lists_each_reconciled_letter(tmp_path: Path) -> None:
    state = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--state", str(state), "--today", TODAY, "-v"])
    assert result.exit_code == 0, result.output
    assert "16 letters booked since the last cycle" in result.output
    booked = [line for line in result.output.splitlines() if line.startswith("  - booked")]
    assert len(booked) == 16


def test_customer_names_stand_beside_numbers(human: dict[str, str], first_demo_output: str) -> None:
    assert "Nordlys Advokater A/S" in human["pending"]
    assert "Nordlys Advokater A/S" in human["history"]
    assert "Nordlys Advokater A/S" in human["explain"]
    assert "Nordlys" in first_demo_output


def test_status_says_what_happened_in_words(human: dict[str, str]) -> None:
    text = human["status"]
    assert "dec.," not in text
    assert re.search(r"ok — last cycle \d{1,2} \w{3} \d{2}:\d{2}, 22 letters written", text), text


# --- JSON for every listing, the same facts as the table ---------------------------------------


def _json(args: list[str]) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_listing_speaks_json(demo_dir: Path, tmp_path: Path) -> None:
    demo = ["--demo", str(demo_dir)]
    plan = _json(["plan", *demo, "--today", TODAY])
    assert isinstance(plan, dict)
    pending = _json(["pending", *demo])
    assert isinstance(pending, list)
    assert len(pending) == 16
    assert {p["action"] for p in pending} >= {"reminder", "collection_warning"}
    assert all(p["customer_name"] for p in pending)
    history = _json(["history", *demo])
    assert isinstance(history, list)
    assert history
    customers = _json(["customers", *demo, "--today", TODAY])
    assert isinstance(customers, dict)
    assert customers["demo"]
    status = _json(["status", *demo])
    assert isinstance(status, list)
    assert status[0]["last_written"] == 22
    tasks = _json(["tasks", "list", *demo, "--all"])
    assert isinstance(tasks, list)
    for listing in (["promise", "--list"], ["hold", "--list"], ["dispute", "--list"]):
        assert isinstance(_json([*listing, *demo]), list)
    report = _json(["report", *demo, "--today", TODAY])
    assert isinstance(report, dict)
    rates = _json(["law", "rates", "list", "DK"])
    assert isinstance(rates, list | dict)


def test_pending_json_has_the_facts_of_the_table(demo_dir: Path, human: dict[str, str]) -> None:
    pending = _json(["pending", "--demo", str(demo_dir)])
    assert isinstance(pending, list)
    for p in pending:
        assert p["customer_name"] in human["pending"]
        assert p["document"] in human["pending"]


# --- not found is an error ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "9999"],
        ["history", "--invoice", "9999"],
        ["hold", "9999", "-t", "demo"],
        ["dispute", "9999", "-t", "demo"],
        ["promise", "9999", "-t", "demo", "--amount", "10", "--by", "2027-01-31"],
        ["approve", "demo", "dl-nosuchkey"],
        ["tasks", "done", "demo", "nosuchkey"],
        ["letter", "9999"],
        ["plan", "--tenant", "nosuch"],
        ["customers", "--tenant", "nosuch"],
    ],
)
def test_what_is_not_found_exits_non_zero(demo_dir: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--demo", str(demo_dir)])
    assert result.exit_code != 0, result.output


# --- the report in the tenant's language, with its tables as CSV -------------------------------


def test_report_is_in_danish_with_csv_tables(demo_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    folder = tmp_path / "csv"
    result = runner.invoke(
        app,
        [
            "report",
            "--demo",
            str(demo_dir),
            "--today",
            TODAY,
            "--html",
            str(page),
            "--csv",
            str(folder),
        ],
    )
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert '<html lang="da">' in html
    assert "Rykkerrapport" in html
    assert "Tilgodehavender efter alder" in html
    assert "<h3>Receivables by age</h3>" not in html
    assert "rykker" in html
    names = sorted(p.name for p in folder.iterdir())
    assert "demo-actions.csv" in names
    with (folder / "demo-actions.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:6] == [
        "date",
        "invoice",
        "invoice_number",
        "customer",
        "customer_name",
        "action",
    ]
    assert all(re.fullmatch(r"-?\d+\.\d{2}", r[rows[0].index("fee")]) for r in rows[1:])


def test_csv_cells_cannot_run_as_formulas() -> None:
    from bridge.surfaces.report.csvexport import cell  # noqa: PLC0415

    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell("+45 12") == "'+45 12"
    assert cell("-x") == "'-x"
    assert cell("@SUM") == "'@SUM"
    assert cell("\tx") == "'\tx"
    assert cell("Nordlys") == "Nordlys"
    # Amounts are numbers a spreadsheet must read as numbers, negative ones too.
    assert cell(Decimal("-12.50")) == "-12.50"
    assert cell(Decimal("0.00")) == "0.00"
