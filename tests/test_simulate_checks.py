"""Malformed scenarios get a clear error naming the field, never a traceback."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bridge.surfaces.cli import app
from bridge.surfaces.scenario import ScenarioError, load_scenario
from bridge.surfaces.simulate import simulate

runner = CliRunner()


def _scenario(**extra: Any) -> dict[str, Any]:
    return {
        "country": "DK",
        "start": "2026-01-01",
        "end": "2026-03-31",
        "customers": [{"id": "C1", "type": "business"}],
        "invoices": [
            {
                "id": "1001",
                "customer": "C1",
                "issue_date": "2026-01-05",
                "due_date": "2026-01-19",
                "amount": "10000.00",
            },
            {
                "id": "1002",
                "customer": "C1",
                "issue_date": "2026-02-01",
                "due_date": "2026-02-15",
                "amount": "400.00",
            },
        ],
        **extra,
    }


def _refused(data: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        simulate(data)
    return info.value


def test_deeply_nested_json_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text('{"country": "DK", "policy": {"x": ' + deep + "}}", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.field == str(path)
    assert str(info.value) == (
        f"{path}: nested more than 50 levels deep (a scenario needs at most 6)"
    )


def test_deeply_nested_json_file_is_refused_by_the_command(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(path), "--json"])
    assert result.exit_code == 2
    assert "nested more than 50 levels deep" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, RecursionError)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    path = tmp_path / "strings.json"
    data = _scenario()
    data["customers"][0]["name"] = "[[[[" * 100 + '\\" {{{{' * 100
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_scenario(path)["customers"][0]["name"].startswith("[[[[")


def test_deeply_nested_mapping_is_refused_by_simulate() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    error = _refused(_scenario(policy={"x": deep}))
    assert error.field == "policy"
    assert str(error) == "policy: nested more than 50 levels deep (a scenario needs at most 6)"


@pytest.mark.parametrize(
    ("where", "patch", "field", "message"),
    [
        (
            "invoices",
            {"currency": "XYZ"},
            "invoices[1].currency",
            'invoices[1].currency: "XYZ" is not an ISO 4217 currency code',
        ),
        (
            "promises",
            {"currency": "QQQ"},
            "promises[0].currency",
            'promises[0].currency: "QQQ" is not an ISO 4217 currency code',
        ),
    ],
)
def test_unknown_currency_is_refused(
    where: str, patch: dict[str, Any], field: str, message: str
) -> None:
    data = _scenario(
        promises=[
            {
                "customer": "C1",
                "made_on": "2026-02-01",
                "instalments": [{"due": "2026-02-20", "amount": "100.00"}],
            }
        ]
    )
    data[where][-1].update(patch)
    error = _refused(data)
    assert error.field == field
    assert str(error) == message


def test_known_currencies_are_accepted() -> None:
    data = _scenario()
    data["invoices"][0]["currency"] = "EUR"
    data["invoices"][1]["currency"] = "NOK"
    assert simulate(data)["events"]


def test_payment_before_its_invoice_date_is_refused() -> None:
    error = _refused(
        _scenario(
            payments=[
                {"invoice": "1001", "date": "2026-01-20", "amount": "100.00"},
                {"invoice": "1002", "date": "2026-01-15", "amount": "400.00"},
            ]
        )
    )
    assert error.field == "payments[1].date"
    assert str(error) == (
        "payments[1].date: 2026-01-15 is before the invoice date 2026-02-01 (invoice 1002)"
    )


def test_payment_on_the_invoice_date_is_accepted() -> None:
    data = _scenario(payments=[{"invoice": "1002", "date": "2026-02-01", "amount": "400.00"}])
    assert simulate(data)["events"]


def test_payment_far_above_the_invoice_amount_is_refused() -> None:
    error = _refused(
        _scenario(
            payments=[
                {"invoice": "1001", "date": "2026-01-20", "amount": "10000.00"},
                {"invoice": "1001", "date": "2026-01-25", "amount": "10000.01"},
            ]
        )
    )
    assert error.field == "payments[1].amount"
    assert str(error) == (
        "payments[1].amount: 10000.01 brings the payments on invoice 1001 to 20000.01, more "
        "than its amount 10000.00 plus the largest overpayment accepted (10000.00: the amount "
        "again or 1000.00, whichever is more)"
    )


def test_small_invoice_overpaid_by_up_to_1000_is_accepted() -> None:
    # 400.00 paid twice over and a fee on top: 1,000 of overpayment is always accepted.
    data = _scenario(payments=[{"invoice": "1002", "date": "2026-02-10", "amount": "1400.00"}])
    assert simulate(data)["events"] is not None
    data["payments"][0]["amount"] = "1400.01"
    error = _refused(data)
    assert error.field == "payments[0].amount"
    assert "plus the largest overpayment accepted (1000.00" in str(error)


def test_invoice_paid_twice_is_accepted() -> None:
    data = _scenario(
        payments=[
            {"invoice": "1001", "date": "2026-01-20", "amount": "10000.00"},
            {"invoice": "1001", "date": "2026-01-25", "amount": "10000.00"},
        ]
    )
    assert simulate(data)["events"] is not None


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("12.505"), "invoices[0].amount: at most two decimals, not 12.505"),
        (
            "12.505",
            'invoices[0].amount: "12.505" is not an amount such as "100.00" '
            "(not negative, at most two decimals)",
        ),
        (Decimal("-5"), "invoices[0].amount: -5 is negative: amounts are never negative"),
        (Decimal("0.00"), "invoices[0].amount: must be a positive amount, not 0.00"),
        ("0.00", 'invoices[0].amount: must be a positive amount, not "0.00"'),
        (12.5, 'invoices[0].amount: write amounts as strings, e.g. "100.00", not 12.5'),
        (
            True,
            'invoices[0].amount: true is not an amount such as "100.00" '
            "(not negative, at most two decimals)",
        ),
    ],
)
def test_amount_errors_show_the_value_as_written(amount: Any, message: str) -> None:
    data = _scenario()
    data["invoices"][0]["amount"] = amount
    error = _refused(data)
    assert str(error) == message


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("customers", 0, "type"),
            Decimal("1.5"),
            'customers[0].type: 1.5 is not one of "business", "consumer"',
        ),
        (("payments", 0, "amount"), Decimal("-1.50"), "-1.50 is negative"),
        (("invoices", 0, "id"), Decimal("1.5"), "1.5 is not an id"),
        (("payments", 0, "date"), Decimal("20260101"), "20260101 is not a date written"),
        (("invoices", 1, "id"), 1001, 'duplicate invoice id "1001"'),
        (("payments", 0, "invoice"), 9999, 'unknown invoice "9999"'),
        (("invoices", 0, "customer"), "C9", 'unknown customer "C9"'),
        (("start",), "2026-02-30", 'not a valid date: "2026-02-30"'),
        (("tenant",), Decimal("7"), "tenant: 7 is not of type 'string'"),
    ],
)
def test_schema_errors_never_show_a_python_repr(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    data = _scenario(payments=[{"invoice": "1001", "date": "2026-01-20", "amount": "1.00"}])
    data["invoices"][0]["id"] = 1001
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    error = _refused(data)
    assert message in str(error)
    assert "Decimal(" not in str(error)


def test_a_missing_reference_rate_is_a_clear_error() -> None:
    data = _scenario()
    data.update(country="NO", start="2016-01-01", end="2016-03-31")
    for invoice in data["invoices"]:
        invoice.update(issue_date="2016-01-05", due_date="2016-01-19")
    error = _refused(data)
    assert error.field == "country"
    assert str(error) == (
        "country: cannot decide 2016-02-02 under Norway's law (NO): no Norges Bank policy rate "
        "for 2016-01-20 (the table covers 2019-07-01..2026-12-31); add it: "
        "`dunning-bridge law rates update NO`, or `dunning-bridge law rates set NO "
        "--from 2016-01-01 --rate R --source TEXT`"
    )


@pytest.mark.parametrize("country", ["DK", "NO", "SE", "FI"])
def test_simulate_never_fails_with_a_traceback_for_any_year(country: str) -> None:
    for year in range(2013, 2036):
        data = {
            "country": country,
            "start": f"{year}-01-01",
            "end": f"{year}-03-31",
            "customers": [{"id": "B", "type": "business"}, {"id": "K", "type": "consumer"}],
            "invoices": [
                {
                    "id": kind,
                    "customer": kind,
                    "issue_date": f"{year}-01-05",
                    "due_date": f"{year}-01-19",
                    "amount": "1000.00",
                }
                for kind in ("B", "K")
            ],
        }
        failure: ScenarioError | None = None
        try:
            simulate(data)
        except ScenarioError as exc:
            failure = exc
        if failure is not None:
            assert failure.field == "country"
            assert f"({country})" in str(failure)
            assert str(year) in str(failure)


def test_the_command_reports_a_missing_rate_without_a_traceback(tmp_path: Path) -> None:
    data = _scenario()
    data.update(start="2035-01-01", end="2035-03-31")
    for invoice in data["invoices"]:
        invoice.update(issue_date="2035-01-05", due_date="2035-01-19")
    path = tmp_path / "late.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for args in (
        ["simulate", str(path), "--json"],
        ["letter", "all", "--scenario", str(path), "--out", str(tmp_path / "letters")],
    ):
        result = runner.invoke(app, args)
        if result.exit_code == 0:  # the rate table reaches 2035
            continue
        assert result.exit_code == 2, result.output
        assert "error: country: cannot decide 2035-" in result.output
        assert "Denmark's law (DK)" in result.output
        assert "Traceback" not in result.output


def test_the_command_prints_values_that_look_like_markup_as_they_are(tmp_path: Path) -> None:
    data = _scenario()
    data["invoices"][0]["customer"] = "[/b]"
    path = tmp_path / "markup.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for args in (["simulate", str(path)], ["letter", "all", "--scenario", str(path), "--out", "x"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert 'error: invoices[0].customer: unknown customer "[/b]"' in result.output


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (
            {"steps": [{"action": "reminder", "days": 1, "fee": Decimal("1.234")}]},
            "policy.steps[0].fee: at most two decimals, not 1.234",
        ),
        (
            {"steps": [{"action": "reminder", "days": Decimal("1.5"), "fee": "1"}]},
            "policy.steps[0].days: must be a whole number, not 1.5",
        ),
        (
            {"day_count": "daily"},
            'policy.day_count: must be one of actual/365, 30/360, not "daily"',
        ),
        (
            {"combine_invoices": Decimal("1")},
            "policy.combine_invoices: must be true or false, not 1",
        ),
        (
            {"minimum_outstanding": {"DKK": Decimal("-1")}},
            "policy.minimum_outstanding.DKK: must be a non-negative amount, not -1",
        ),
        (
            {"steps": [{"action": "reminder", "days": 1, "fee": "x"}]},
            'policy.steps[0].fee: not an amount: "x"',
        ),
    ],
)
def test_policy_errors_show_the_value_as_written(policy: dict[str, Any], message: str) -> None:
    error = _refused(_scenario(policy=policy))
    assert str(error) == message
