"""Tenant overrides of law parameters in the policy's [law] table: stricter only, never looser."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bridge.vocab.domain import ActionKind, CustomerKind
from policies.ladder import PolicyError, TenantPolicy, load_policy
from policies.law import for_country
from policies.law.overrides import LawOverrides
from tests.policies.factories import snapshot
from tests.policies.nordic import customer, invoice, run

D = Decimal


def _policy(country: str, law: dict[str, object]) -> TenantPolicy:
    return TenantPolicy.from_mapping({"law": law}, country)


@pytest.mark.parametrize(
    ("country", "law", "key"),
    [
        ("DK", {"reminder_fee_cap": "100.01"}, "law.reminder_fee_cap"),
        ("NO", {"reminder_fee_cap": "39"}, "law.reminder_fee_cap"),
        ("SE", {"reminder_fee_cap": "181"}, "law.reminder_fee_cap"),
        ("FI", {"reminder_fee_cap": "12.01"}, "law.reminder_fee_cap"),
        ("DK", {"max_fees": 4}, "law.max_fees"),
        ("NO", {"max_fees": 3}, "law.max_fees"),
        ("DK", {"fee_spacing_days": 9}, "law.fee_spacing_days"),
        ("NO", {"first_fee_days_after_due": 13}, "law.first_fee_days_after_due"),
        ("NO", {"collection_warning_min_days": 13}, "law.collection_warning_min_days"),
        ("SE", {"collection_warning_min_days": 7}, "law.collection_warning_min_days"),
        ("NO", {"stack_fees_with_compensation": True}, "law.stack_fees_with_compensation"),
        ("SE", {"stack_fees_with_compensation": True}, "law.stack_fees_with_compensation"),
        ("DK", {"new_inkassolov_from": "2027-01-01"}, "law.new_inkassolov_from"),
        ("NO", {"new_inkassolov_from": "soon"}, "law.new_inkassolov_from"),
        ("NO", {"no_such_key": 1}, "law.no_such_key"),
        ("NO", {"reminder_fee_cap": 30.5}, "law.reminder_fee_cap"),
    ],
)
def test_overrides_beyond_the_law_are_refused(
    country: str, law: dict[str, object], key: str
) -> None:
    with pytest.raises(PolicyError) as info:
        _policy(country, law)
    assert info.value.key == key
    assert str(info.value).startswith(f"policy {key}: ")


def test_the_message_names_the_legal_cap() -> None:
    with pytest.raises(PolicyError, match=r"above the legal cap of 38\.00 NOK per letter in NO"):
        _policy("NO", {"reminder_fee_cap": "39"})
    with pytest.raises(PolicyError, match="shorter than the legal minimum of 8 in SE"):
        _policy("SE", {"collection_warning_min_days": 7})


@pytest.mark.parametrize(
    ("country", "law"),
    [
        ("DK", {"reminder_fee_cap": "100", "max_fees": 2, "fee_spacing_days": 14}),
        ("NO", {"reminder_fee_cap": "30", "first_fee_days_after_due": 20}),
        ("NO", {"new_inkassolov_from": "2027-01-01"}),
        ("NO", {"new_inkassolov_from": False}),
        ("SE", {"collection_warning_min_days": 10, "stack_fees_with_compensation": False}),
        ("FI", {"stack_fees_with_compensation": True, "max_fees": 1}),
    ],
)
def test_stricter_values_are_accepted(country: str, law: dict[str, object]) -> None:
    assert isinstance(_policy(country, law).law, LawOverrides)


def test_lower_cap_and_count_apply() -> None:
    policy = _policy("NO", {"reminder_fee_cap": "30", "max_fees": 1})
    law = policy.law.apply(for_country("NO"))
    rule = law.fee_rule(date(2026, 3, 1), due_date=date(2026, 1, 1), action=ActionKind.REMINDER)
    assert rule is not None
    assert rule.cap == D("30")
    assert rule.max_count == 1
    inv = invoice("NO", due=date(2026, 1, 12))
    snap = snapshot([inv], customers=[customer("NO", kind=CustomerKind.CONSUMER)])
    [purring] = run("NO", date(2026, 1, 26), snap, (), policy)
    assert purring.fee == D("30.00")


def test_longer_minimum_deadline_applies() -> None:
    policy = _policy("SE", {"collection_warning_min_days": 12})
    inv = invoice("SE", due=date(2025, 3, 3))
    snap = snapshot([inv], customers=[customer("SE", kind=CustomerKind.CONSUMER)])
    data = {"steps": [{"action": "collection_warning", "days": 3, "deadline_days": 8}]}
    ladder = TenantPolicy.from_mapping({**data, "law": {"collection_warning_min_days": 12}}, "SE")
    [krav] = run("SE", date(2025, 3, 6), snap, (), ladder)
    assert krav.deadline is not None
    assert krav.deadline >= date(2025, 3, 18)
    assert policy.law.apply(for_country("SE")).collection_warning_min_days == 12


def test_no_overrides_keep_the_same_pack() -> None:
    law = for_country("DK")
    assert TenantPolicy.default("DK").law.apply(law) is law


def test_toml_law_table_with_a_toml_date(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        'country = "NO"\n[law]\nnew_inkassolov_from = 2027-01-01\nreminder_fee_cap = "35"\n',
        encoding="utf-8",
    )
    policy = load_policy(path, "NO")
    assert policy.law.regimes == (("new_inkassolov_from", date(2027, 1, 1)),)
    assert policy.law.reminder_fee_cap == D("35.00")


def test_deadline_on_banking_day_can_be_switched_off() -> None:
    inv = invoice("NO", due=date(2026, 1, 12))
    snap = snapshot([inv], customers=[customer("NO", kind=CustomerKind.CONSUMER)])
    ladder = {"steps": [{"action": "reminder", "days": 14, "fee": "38", "deadline_days": 12}]}
    moved = TenantPolicy.from_mapping(ladder, "NO")
    kept = TenantPolicy.from_mapping({**ladder, "deadline_on_banking_day": False}, "NO")
    # 2026-01-26 + 12 days = Saturday 2026-02-07.
    [a] = run("NO", date(2026, 1, 26), snap, (), moved)
    [b] = run("NO", date(2026, 1, 26), snap, (), kept)
    assert a.deadline == date(2026, 2, 9)
    assert b.deadline == date(2026, 2, 7)
