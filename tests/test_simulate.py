"""The simulation contract: Danish B2B and consumer timelines checked rule by rule, and errors."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bridge.surfaces.scenario import ScenarioError, load_scenario, parse_scenario
from bridge.surfaces.scenario_schema import SCENARIO_SCHEMA
from bridge.surfaces.simulate import _snapshot, simulate
from policies.engine import why_not

D = Decimal
ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "scenarios"
EVENT_KEYS = {
    "date",
    "invoice",
    "customer",
    "action",
    "step",
    "fee",
    "interest",
    "interest_from",
    "interest_to",
    "interest_rate",
    "compensation",
    "currency",
    "deadline",
    "legal_basis",
    "explanation",
}
ACTIONS = {
    "pre_due_notice",
    "reminder",
    "collection_warning",
    "handover",
    "interest_invoice",
    "credit_hold",
}
LETTERS = {"reminder", "collection_warning"}


def _events(name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    scenario = load_scenario(SCENARIOS / name)
    return scenario, simulate(scenario)["events"]


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _per_invoice(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        grouped[event["invoice"]].append(event)
    return grouped


def _check_contract(events: list[dict[str, Any]]) -> None:
    for event in events:
        assert set(event) == EVENT_KEYS
        assert event["action"] in ACTIONS
        assert isinstance(event["step"], int)
        for key in ("fee", "interest", "compensation"):
            assert D(event[key]).as_tuple().exponent == -2, event[key]
        assert isinstance(event["legal_basis"], list)
        assert event["legal_basis"]
        assert all(isinstance(b, str) for b in event["legal_basis"])
        assert event["explanation"]
        if event["interest"] == "0.00":
            assert event["interest_from"] is None
            assert event["interest_to"] is None
            assert event["interest_rate"] is None
    assert events == sorted(events, key=lambda e: e["date"])


def _check_law(scenario: dict[str, Any], events: list[dict[str, Any]]) -> None:
    """Every Danish rule the simulation must respect, whatever the timeline."""
    kinds = {c["id"]: c["type"] for c in scenario["customers"]}
    invoices = {i["id"]: i for i in scenario["invoices"]}
    # A letter's fee counts against every claim in it: letter-mates share customer/day/step.
    paying = {
        (e["customer"], e["date"], e["action"], e["step"]) for e in events if e["fee"] != "0.00"
    }
    for invoice_id, own in _per_invoice(events).items():
        invoice = invoices[invoice_id]
        assert all(D(e["fee"]) <= D(100) for e in own)
        fee_days = [
            _day(e["date"])
            for e in own
            if e["action"] in LETTERS
            and (e["customer"], e["date"], e["action"], e["step"]) in paying
        ]
        assert len(fee_days) <= 3
        assert all((b - a).days >= 10 for a, b in pairwise(fee_days))
        assert all(d > _day(invoice["due_date"]) for d in fee_days)
        compensation = [D(e["compensation"]) for e in own if e["compensation"] != "0.00"]
        if kinds[invoice["customer"]] == "business":
            assert compensation in ([], [D(310)])
        else:
            assert compensation == []
        charged = [e for e in own if e["interest_from"] is not None]
        for a, b in pairwise(charged):
            assert _day(b["interest_from"]) == _day(a["interest_to"]) + timedelta(days=1)
        if charged:
            assert _day(charged[0]["interest_from"]) > _day(invoice["due_date"])
        warnings = [e for e in own if e["action"] == "collection_warning"]
        for handover in (e for e in own if e["action"] == "handover"):
            assert warnings
            assert _day(handover["date"]) > _day(warnings[-1]["deadline"])
        for warning in warnings:
            assert (_day(warning["deadline"]) - _day(warning["date"])).days >= 10
        paid = _paid_on(scenario, invoice_id)
        if paid is not None:
            assert all(e["action"] == "interest_invoice" for e in own if _day(e["date"]) >= paid)
        for dispute in scenario.get("disputes", []):
            if dispute["invoice"] != invoice_id:
                continue
            start = _day(dispute["from"])
            end = _day(dispute["to"]) if dispute.get("to") else date.max
            assert not [e for e in own if start <= _day(e["date"]) <= end]


def _paid_on(scenario: dict[str, Any], invoice_id: str) -> date | None:
    amount = next(D(i["amount"]) for i in scenario["invoices"] if i["id"] == invoice_id)
    total = D(0)
    for payment in sorted(scenario.get("payments", []), key=lambda p: p["date"]):
        if payment["invoice"] == invoice_id:
            total += D(payment["amount"])
            if total >= amount:
                return _day(payment["date"])
    return None


def _summary(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            e["date"],
            e["invoice"],
            e["action"],
            e["step"],
            e["fee"],
            e["interest"],
            e["compensation"],
            e["deadline"],
        )
        for e in events
    ]


def test_danish_business_timeline() -> None:
    scenario, events = _events("dk_b2b.json")
    _check_contract(events)
    _check_law(scenario, events)
    assert _summary(events) == [
        ("2026-01-22", "1001", "reminder", 1, "0.00", "0.00", "0.00", "2026-02-02"),
        ("2026-01-22", "1002", "reminder", 1, "0.00", "0.00", "0.00", "2026-02-02"),
        ("2026-01-22", "1003", "reminder", 1, "0.00", "0.00", "0.00", "2026-02-02"),
        # One letter for 1001 and 1002: one fee, each invoice its own compensation. Each step
        # waits until the day after the previous letter's deadline (2026-02-02, then 02-13).
        ("2026-02-03", "1001", "reminder", 2, "100.00", "40.07", "310.00", "2026-02-13"),
        ("2026-02-03", "1002", "reminder", 2, "0.00", "200.34", "310.00", "2026-02-13"),
        ("2026-02-14", "1001", "collection_warning", 3, "100.00", "29.38", "0.00", "2026-02-24"),
        ("2026-02-14", "1002", "collection_warning", 3, "0.00", "146.92", "0.00", "2026-02-24"),
        # 1002 paid in full on 2026-02-24: interest for the days not yet charged, through the
        # payment day: 15 - 24 February, 10 days on 50 000 at 9.75 %.
        ("2026-02-24", "1002", "interest_invoice", 1, "0.00", "133.56", "0.00", "2026-03-06"),
        ("2026-02-25", "1001", "handover", 4, "0.00", "0.00", "0.00", None),
    ]
    step2 = events[3]
    assert (step2["interest_from"], step2["interest_to"], step2["interest_rate"]) == (
        "2026-01-20",
        "2026-02-03",
        "9.75",
    )
    assert any("§ 9 b" in b for b in step2["legal_basis"])
    assert any("§ 9 a stk. 3" in b for b in step2["legal_basis"])
    assert (
        "Interest DKK 40.07 on DKK 10,000.00 for 2026-01-20..2026-02-03" in (step2["explanation"])
    )


def test_danish_consumer_timeline() -> None:
    scenario, events = _events("dk_consumer.json")
    _check_contract(events)
    _check_law(scenario, events)
    assert _summary(events) == [
        ("2026-02-27", "2001", "pre_due_notice", 0, "0.00", "0.00", "0.00", "2026-03-02"),
        ("2026-02-27", "2002", "pre_due_notice", 0, "0.00", "0.00", "0.00", "2026-03-02"),
        ("2026-03-05", "2001", "reminder", 1, "0.00", "0.00", "0.00", "2026-03-16"),
        ("2026-03-05", "2002", "reminder", 1, "0.00", "0.00", "0.00", "2026-03-16"),
        # The day after step 1's deadline (10 days from 2026-03-05 is a Sunday: Monday 03-16).
        ("2026-03-17", "2002", "reminder", 2, "100.00", "6.01", "0.00", "2026-03-27"),
        # 2001 is disputed 2026-03-10..03-31: its step 2 waits for the dispute to end, and once
        # disputed the claim's later letters carry no fee (law.md § 1.2, Forbrugerombudsmanden).
        ("2026-04-01", "2001", "reminder", 2, "0.00", "16.03", "0.00", "2026-04-13"),
        ("2026-04-14", "2001", "collection_warning", 3, "0.00", "6.95", "0.00", "2026-04-24"),
        ("2026-04-25", "2001", "handover", 4, "0.00", "0.00", "0.00", None),
    ]
    assert "the customer is a consumer" in events[4]["explanation"]


def test_output_is_deterministic_and_json() -> None:
    scenario = load_scenario(SCENARIOS / "dk_b2b.json")
    first = simulate(scenario)
    assert simulate(copy.deepcopy(scenario)) == first
    assert json.loads(json.dumps(first)) == first


def test_policy_object_maps_onto_the_tenant_policy() -> None:
    scenario = load_scenario(SCENARIOS / "dk_b2b.json")
    scenario["policy"] = {"combine_invoices": False, "day_count": "30/360", "comment": "ok"}
    events = simulate(scenario)["events"]
    step2 = [e for e in events if e["step"] == 2]
    assert [e["fee"] for e in step2] == ["100.00", "100.00"]  # one letter each
    assert "30/360" in step2[0]["explanation"]


def test_scenario_files_validate_against_the_published_schema() -> None:
    published = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert published == SCENARIO_SCHEMA
    jsonschema.Draft202012Validator.check_schema(published)
    for path in sorted(SCENARIOS.glob("*.json")):
        jsonschema.Draft202012Validator(published).validate(
            json.loads(path.read_text(encoding="utf-8"))
        )


def _base() -> dict[str, Any]:
    return json.loads((SCENARIOS / "dk_b2b.json").read_text(encoding="utf-8"))


def _broken(path: str, value: Any) -> dict[str, Any]:
    """Set (or, with value ..., delete) one field given as a dotted path with indexes."""
    data = _base()
    parts = [int(p) if p.isdigit() else p for p in path.split(".")]
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    if value is ...:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (_broken("invoices", ...), "(root)", "'invoices' is a required property"),
        (_broken("start", ...), "(root)", "'start' is a required property"),
        (_broken("invoices.0.amount", ...), "invoices[0]", "'amount' is a required property"),
        (_broken("start", "2026-02-30"), "start", "not a valid date"),
        (_broken("end", "30/04/2026"), "end", "is not a date written YYYY-MM-DD"),
        (_broken("end", "2025-12-31"), "end", "before start"),
        (_broken("country", "XX"), "country", "unknown country 'XX'"),
        (_broken("country", "Denmark"), "country", "not a two-letter country code"),
        (_broken("invoices.0.amount", "12.345"), "invoices[0].amount", "at most two decimals"),
        (_broken("invoices.0.amount", "abc"), "invoices[0].amount", "is not an amount"),
        (_broken("invoices.0.amount", -5), "invoices[0].amount", "never negative"),
        (_broken("invoices.0.amount", "0"), "invoices[0].amount", "positive amount"),
        (_broken("invoices.0.amount", 10.5), "invoices[0].amount", "write amounts as strings"),
        (_broken("payments.0.invoice", "9999"), "payments[0].invoice", 'unknown invoice "9999"'),
        (_broken("disputes.0.invoice", "9999"), "disputes[0].invoice", "unknown invoice"),
        (_broken("invoices.0.customer", "C9"), "invoices[0].customer", 'unknown customer "C9"'),
        (_broken("invoices.1.id", "1001"), "invoices[1].id", "duplicate invoice id"),
        (_broken("invoices.0.due_date", "2026-01-01"), "invoices[0].due_date", "before the issue"),
        (_broken("customers.0.type", "company"), "customers[0].type", "is not one of"),
        (_broken("payments.0.date", None), "payments[0].date", "null is not a date written"),
        (_broken("policy", {"day_count": "daily"}), "policy.day_count", "must be one of"),
        (
            _broken("policy", {"steps": [{"action": "reminder", "days": 1, "fee": "x"}]}),
            "policy.steps[0].fee",
            "not an amount",
        ),
    ],
)
def test_corrupt_scenarios_name_the_bad_field(data: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        simulate(data)
    assert info.value.field == field
    assert words in str(info.value)
    assert str(info.value).startswith(field)


def test_load_scenario_reports_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"country": "DK",\n "start": }', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"not valid JSON \(line 2, column 11"):
        load_scenario(path)


def test_load_scenario_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_scenario(tmp_path / "absent.json")


def test_load_scenario_rejects_a_non_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ScenarioError, match="a scenario is a JSON object"):
        load_scenario(path)


def test_json_decimals_are_read_exactly(tmp_path: Path) -> None:
    data = _base()
    data["invoices"][0]["amount"] = 10000.10
    path = tmp_path / "decimal.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    events = simulate(load_scenario(path))["events"]
    assert "DKK 10,000.10 outstanding" in events[0]["explanation"]


def test_holds_and_promises_pause_the_ladder() -> None:
    scenario: dict[str, Any] = {
        "country": "DK",
        "start": "2026-01-19",
        "end": "2026-04-30",
        "customers": [{"id": "C1", "name": "Kontor ApS", "type": "business"}],
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
                "issue_date": "2026-01-05",
                "due_date": "2026-01-19",
                "amount": "3000.00",
            },
        ],
        "payments": [{"invoice": "1001", "date": "2026-02-16", "amount": "5000.00"}],
        "holds": [
            {
                "invoice": "1002",
                "from": "2026-01-20",
                "to": "2026-02-28",
                "reason": "goods returned",
            }
        ],
        "promises": [
            {
                "invoice": "1001",
                "made_on": "2026-01-30",
                "instalments": [
                    {"due": "2026-02-16", "amount": "5000.00"},
                    {"due": "2026-03-16", "amount": "5000.00"},
                ],
            }
        ],
    }
    events = simulate(scenario)["events"]
    held = [e for e in events if e["invoice"] == "1002"]
    # Held through 28 February: the first reminder comes the day after, never during the hold.
    assert held[0]["date"] == "2026-03-01"
    promised = [e for e in events if e["invoice"] == "1001"]
    assert promised[0]["date"] == "2026-01-22"  # before the promise was made
    # Kept from 30 January until the second instalment (16 March) is missed, 3 days' grace.
    assert not [e for e in promised if "2026-01-30" <= e["date"] <= "2026-03-19"]
    assert promised[1]["date"] == "2026-03-20"
    assert "broken" in promised[1]["explanation"].lower()


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"holds": [{"invoice": "9", "from": "2026-01-20"}]}, "holds[0].invoice"),
        ({"holds": [{"invoice": "1001", "from": "2026-02-20", "to": "2026-02-01"}]}, "holds[0].to"),
        (
            {
                "promises": [
                    {
                        "customer": "X",
                        "made_on": "2026-01-30",
                        "instalments": [{"due": "2026-02-16", "amount": "1.00"}],
                    }
                ]
            },
            "promises[0].customer",
        ),
        (
            {
                "promises": [
                    {
                        "invoice": "1001",
                        "made_on": "2026-01-30",
                        "instalments": [{"due": "2026-01-16", "amount": "1.00"}],
                    }
                ]
            },
            "promises[0].instalments[0].due",
        ),
        (
            {"promises": [{"invoice": "1001", "made_on": "2026-01-30", "instalments": []}]},
            "promises[0].instalments",
        ),
    ],
)
def test_bad_holds_and_promises_name_the_field(patch: dict[str, Any], field: str) -> None:
    scenario: dict[str, Any] = {
        "country": "DK",
        "start": "2026-01-19",
        "end": "2026-02-01",
        "customers": [{"id": "C1", "type": "business"}],
        "invoices": [
            {
                "id": "1001",
                "customer": "C1",
                "issue_date": "2026-01-05",
                "due_date": "2026-01-19",
                "amount": "100.00",
            }
        ],
        **patch,
    }
    with pytest.raises(ScenarioError) as caught:
        simulate(scenario)
    assert caught.value.field == field


def test_an_overpayment_is_credit_that_stops_dunning_the_customer() -> None:
    scenario: dict[str, Any] = {
        "country": "DK",
        "start": "2026-01-01",
        "end": "2026-04-30",
        "customers": [{"id": "C1", "name": "Kontor ApS", "type": "business"}],
        "invoices": [
            {
                "id": "1001",
                "customer": "C1",
                "issue_date": "2026-01-05",
                "due_date": "2026-01-19",
                "amount": "1000.00",
            },
            {
                "id": "1002",
                "customer": "C1",
                "issue_date": "2026-01-05",
                "due_date": "2026-01-19",
                "amount": "3000.00",
            },
        ],
        # 1001 overpaid by 125.00 on 26 January: credit the customer holds.
        "payments": [{"invoice": "1001", "date": "2026-01-26", "amount": "1125.00"}],
    }
    events = simulate(scenario)["events"]
    # The first reminders go out before the overpayment; nothing at all follows it.
    assert [(e["date"], e["invoice"], e["action"], e["step"]) for e in events] == [
        ("2026-01-22", "1001", "reminder", 1),
        ("2026-01-22", "1002", "reminder", 1),
    ]
    model = parse_scenario(scenario)
    day = date(2026, 2, 10)
    assert why_not(day, _snapshot(model, day), [], model.law, model.policy, invoice_id="1002") == [
        "Not dunned: customer has unapplied credit of DKK 125.00 (a credit note, overpayment or "
        "prepayment not yet allocated): allocate it before dunning."
    ]


@pytest.mark.parametrize(
    ("name", "statute"),
    [
        ("dk_consumer.json", "renteloven § 9 a stk. 3"),
        ("no_consumer.json", "forsinkelsesrenteloven § 3 a"),
        ("se_consumer.json", "inkassokostnadslagen 4 a §"),
        ("fi_consumer.json", "perintälaki 513/1999 § 10 e"),
    ],
)
def test_consumer_decisions_do_not_cite_the_business_compensation_statute(
    name: str, statute: str
) -> None:
    _scenario, events = _events(name)
    explained = [
        e for e in events if "No compensation: the customer is a consumer" in e["explanation"]
    ]
    assert explained  # the explanation still says why there is none
    for event in events:
        assert not [b for b in event["legal_basis"] if statute in b], event


@pytest.mark.parametrize("name", ["fi_b2b.json", "fi_consumer.json"])
def test_finnish_interest_start_cites_korkolaki_section_7(name: str) -> None:
    _scenario, events = _events(name)
    charged = [e for e in events if e["interest"] != "0.00"]
    assert charged
    for event in charged:
        assert (
            "korkolaki 633/1982 § 7 1 mom. (viivästyskorko eräpäivästä, kun maksuaika on "
            "etukäteen määrätty)" in event["legal_basis"]
        )
        assert "korkolaki 633/1982 § 4 (viivästyskorko eräpäivästä)" not in event["legal_basis"]


def test_the_hand_over_names_each_interest_period() -> None:
    _scenario, events = _events("no_consumer.json")
    # One period: its principal, days and rate.
    [handover] = [e for e in events if e["action"] == "handover"]
    assert (
        "Interest accrued and not yet charged: NOK 49.32 on NOK 10,000.00 for "
        "2026-01-09..2026-01-23 (15 days) at 12.00 %; it keeps running until payment."
        in handover["explanation"]
    )
    # Two periods (a part payment lowers the principal): each with its own days and principal.
    scenario: dict[str, Any] = {
        "country": "DK",
        "start": "2026-06-01",
        "end": "2026-07-31",
        "customers": [{"id": "C1", "type": "consumer"}],
        "invoices": [
            {
                "id": "7001",
                "customer": "C1",
                "issue_date": "2026-05-01",
                "due_date": "2026-06-01",
                "amount": "1000.00",
            }
        ],
        "payments": [{"invoice": "7001", "date": "2026-06-10", "amount": "400.00"}],
        "policy": {
            "steps": [
                {"action": "reminder", "days": 3, "fee": "0", "deadline_days": 10},
                {"action": "collection_warning", "days": 10, "fee": "0", "deadline_days": 10},
                {"action": "handover", "days": 11},
            ]
        },
    }
    [handover] = [e for e in simulate(scenario)["events"] if e["action"] == "handover"]
    assert (
        # The payment day bears interest on what was paid that day (law.md § 6 examples 2-4):
        # 1,000 x 9.75 % x 9/365 = 2.4041 + 600 x 9.75 % x 17/365 = 2.7247 -> 5.13 (the
        # warning of 2026-06-16 waited for the reminder's deadline, Monday 2026-06-15).
        "Interest accrued and not yet charged: DKK 5.13 for 2026-06-02..2026-06-27, by period: "
        "DKK 1,000.00 for 2026-06-02..2026-06-10 (9 days) at 9.75 %; DKK 600.00 for "
        "2026-06-11..2026-06-27 (17 days) at 9.75 %; it keeps running until payment."
        in handover["explanation"]
    )
