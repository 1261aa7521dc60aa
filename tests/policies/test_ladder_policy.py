"""The tenant policy: the Danish default ladder, the TOML file, and errors that name the key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind
from policies.ladder import PolicyError, TenantPolicy, load_policy
from policies.law import UnknownCountry

D = Decimal
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "policy.toml"


def test_danish_default_ladder() -> None:
    policy = load_policy(None, "DK")
    assert [
        (s.action, s.name, s.days, s.fee, s.interest, s.compensation, s.deadline_days)
        for s in policy.steps
    ] == [
        (ActionKind.REMINDER, "Venlig påmindelse", 3, D(0), False, False, 10),
        (ActionKind.REMINDER, "Rykker", 10, D(100), True, True, 10),
        (ActionKind.COLLECTION_WARNING, "Inkassovarsel", 10, D(100), True, False, 10),
        (ActionKind.HANDOVER, "Overdragelse til inkasso", 11, D(0), False, False, None),
    ]
    assert policy.minimum_outstanding == D("50.00")
    assert policy.day_count == "actual/365"
    assert policy.combine_invoices
    assert policy.lenient_due_date
    assert not policy.pre_due_notice.enabled
    assert policy.interest_invoice.enabled
    assert policy.interest_invoice.minimum == D("100.00")
    assert not policy.credit_hold.enabled


def test_the_example_file_loads_and_spells_out_the_defaults() -> None:
    assert load_policy(EXAMPLE, "DK") == TenantPolicy.default("DK")


def test_toml_overrides(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        'day_count = "30/360"\nminimum_outstanding = 75.5\ncombine_invoices = false\n'
        "credit_hold = true\n[pre_due_notice]\ndays_before_due = 5\n"
        '[[steps]]\naction = "reminder"\ndays = 1\nfee = 150\n',
        encoding="utf-8",
    )
    policy = load_policy(path, "dk")
    assert policy.day_count == "30/360"
    assert policy.minimum_outstanding == D("75.50")  # a TOML float read as an exact Decimal
    assert not policy.combine_invoices
    assert policy.credit_hold.enabled
    assert policy.pre_due_notice.enabled
    assert policy.pre_due_notice.days_before_due == 5
    (step,) = policy.steps
    assert (step.fee, step.name, step.tone, step.deadline_days) == (D(150), "Rykker", "firm", 10)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"colour": "red"}, "colour"),
        ({"day_count": "actual/360"}, "day_count"),
        ({"minimum_outstanding": "-1"}, "minimum_outstanding"),
        ({"minimum_outstanding": "1.005"}, "minimum_outstanding"),
        ({"minimum_outstanding": 1.5}, "minimum_outstanding"),
        ({"minimum_outstanding": "lots"}, "minimum_outstanding"),
        ({"combine_invoices": "yes"}, "combine_invoices"),
        ({"country": "SE"}, "country"),
        ({"steps": []}, "steps"),
        ({"steps": [{"days": 1}]}, "steps[0].action"),
        ({"steps": [{"action": "reminder"}]}, "steps[0].days"),
        ({"steps": [{"action": "letter", "days": 1}]}, "steps[0].action"),
        ({"steps": [{"action": "reminder", "days": -1}]}, "steps[0].days"),
        ({"steps": [{"action": "reminder", "days": True}]}, "steps[0].days"),
        ({"steps": [{"action": "reminder", "days": 1, "fee": "x"}]}, "steps[0].fee"),
        ({"steps": [{"action": "reminder", "days": 1, "tone": "rude"}]}, "steps[0].tone"),
        (
            {"steps": [{"action": "reminder", "days": 1, "deadline_days": 0}]},
            "steps[0].deadline_days",
        ),
        ({"steps": [{"action": "reminder", "days": 1, "colour": 1}]}, "steps[0].colour"),
        ({"steps": [{"action": "handover", "days": 1}]}, "steps[0].action"),
        (
            {
                "steps": [
                    {"action": "collection_warning", "days": 1},
                    {"action": "handover", "days": 1},
                    {"action": "reminder", "days": 1},
                ]
            },
            "steps[1].action",
        ),
        (
            {
                "steps": [
                    {"action": "collection_warning", "days": 1},
                    {"action": "handover", "days": 1, "fee": 100},
                ]
            },
            "steps[1].fee",
        ),
        (
            {
                "steps": [
                    {"action": "collection_warning", "days": 1},
                    {"action": "handover", "days": 1, "deadline_days": 10},
                ]
            },
            "steps[1].deadline_days",
        ),
        ({"pre_due_notice": {"days_before_due": "3"}}, "pre_due_notice.days_before_due"),
        ({"interest_invoice": {"minimum": "-5"}}, "interest_invoice.minimum"),
        ({"interest_invoice": {"often": True}}, "interest_invoice.often"),
        ({"credit_hold": "on"}, "credit_hold"),
    ],
)
def test_bad_values_name_the_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(PolicyError) as info:
        TenantPolicy.from_mapping(data, "DK")
    assert info.value.key == key
    assert key in str(info.value)
    assert isinstance(info.value, ValueError)


def test_lenient_mapping_ignores_unknown_keys() -> None:
    policy = TenantPolicy.from_mapping({"comment": "x", "day_count": "30/360"}, "DK", strict=False)
    assert policy.day_count == "30/360"


def test_a_fee_above_the_cap_is_accepted_here_and_capped_by_the_law() -> None:
    policy = TenantPolicy.from_mapping(
        {"steps": [{"action": "reminder", "days": 1, "fee": "250"}]}, "DK"
    )
    assert policy.steps[0].fee == D(250)


def test_unknown_country() -> None:
    with pytest.raises(UnknownCountry):
        load_policy(None, "XX")


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("day_count = \n", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid TOML") as info:
        load_policy(path, "DK")
    assert info.value.key == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "absent.toml", "DK")
