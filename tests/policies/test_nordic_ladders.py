"""The default ladders of Norway, Sweden and Finland follow local practice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bridge.vocab.domain import ActionKind
from policies.ladder import PolicyError, TenantPolicy

D = Decimal
REMINDER, WARNING, HANDOVER = (
    ActionKind.REMINDER,
    ActionKind.COLLECTION_WARNING,
    ActionKind.HANDOVER,
)


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        (
            "NO",
            [
                (REMINDER, "Purring", 14, D(38), 14, False),
                (WARNING, "Inkassovarsel", 15, D(38), 14, True),
                (HANDOVER, "Oversendelse til inkasso", 15, D(0), None, False),
            ],
        ),
        (
            "SE",
            [
                (REMINDER, "Betalningspåminnelse", 10, D(60), 10, False),
                (WARNING, "Inkassokrav", 11, D(180), 10, True),
                (HANDOVER, "Överlämning till inkasso", 11, D(0), None, False),
            ],
        ),
        (
            "FI",
            [
                (REMINDER, "Maksumuistutus", 15, D(5), 14, False),
                (WARNING, "Maksukehotus", 15, D(5), 14, True),
                (HANDOVER, "Siirto perintään", 15, D(0), None, False),
            ],
        ),
    ],
)
def test_default_ladders(country: str, expected: list[tuple[object, ...]]) -> None:
    policy = TenantPolicy.default(country)
    assert [
        (s.action, s.name, s.days, s.fee, s.deadline_days, s.after_deadline) for s in policy.steps
    ] == expected
    assert policy.country == country
    assert policy.day_count == "actual/365"


def test_step_names_default_per_country() -> None:
    policy = TenantPolicy.from_mapping(
        {"steps": [{"action": "reminder", "days": 1}, {"action": "collection_warning", "days": 9}]},
        "SE",
    )
    assert [s.name for s in policy.steps] == ["Betalningspåminnelse", "Inkassokrav"]


def test_after_deadline_must_be_a_flag() -> None:
    with pytest.raises(PolicyError, match=r"steps\[0\]\.after_deadline"):
        TenantPolicy.from_mapping(
            {"steps": [{"action": "reminder", "days": 1, "after_deadline": "yes"}]}, "NO"
        )
