"""Lawful timelines via ``simulate`` for Norway, Sweden and Finland, business and consumer:
rate changes, leap years, Norway's 2020 and 2026 fee changes and Sweden's agreed-fee flag."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bridge.surfaces.scenario import ScenarioError, load_scenario
from bridge.surfaces.scenario_schema import SCENARIO_SCHEMA
from bridge.surfaces.simulate import simulate

D = Decimal
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
NORDIC = [f"{c}_{k}.json" for c in ("no", "se", "fi") for k in ("b2b", "consumer")]
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
MIN_WARNING_DAYS = {"NO": 14, "SE": 8, "FI": 14}


def _events(name: str) -> list[dict[str, Any]]:
    return list(simulate(load_scenario(SCENARIOS / name))["events"])


def _by_invoice(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        grouped[event["invoice"]].append(event)
    return grouped


def _day(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize("name", NORDIC)
def test_scenario_files_follow_the_contract(name: str) -> None:
    scenario = load_scenario(SCENARIOS / name)
    jsonschema.validate(scenario, SCENARIO_SCHEMA)
    events = _events(name)
    assert events
    country = scenario["country"]
    for event in events:
        assert set(event) == EVENT_KEYS
        assert event["legal_basis"]
        assert event["explanation"]
        if event["action"] == "collection_warning":
            gap = (_day(event["deadline"]) - _day(event["date"])).days
            assert gap >= MIN_WARNING_DAYS[country]
    for own in _by_invoice(events).values():
        ladder = [e["step"] for e in own if e["action"] in {"reminder", "collection_warning"}]
        assert ladder == sorted(ladder)
        charged = [e for e in own if e["interest_from"]]
        for a, b in pairwise(charged):
            assert _day(b["interest_from"]) == _day(a["interest_to"]) + timedelta(days=1)


def test_norwegian_consumer_fee_changes_from_35_to_38_in_2026() -> None:
    own = _by_invoice(_events("no_consumer.json"))["3001"]
    purring, varsel, handover = own
    assert (purring["date"], purring["fee"]) == ("2025-12-24", "35.00")
    assert (varsel["date"], varsel["fee"]) == ("2026-01-08", "38.00")
    assert "1/20 of the inkassosats NOK 750 = NOK 37.50" in varsel["explanation"]
    # The purring's 14-day deadline had passed before the second fee.
    assert _day(varsel["date"]) > _day(purring["deadline"])
    # Interest split at the half-year: 12.25 % in 2025 H2, 12.00 % in 2026 H1.
    assert varsel["interest_from"] == "2025-12-25"
    assert varsel["interest_rate"] == "12.00"
    assert "at 12.25 %" in varsel["explanation"]
    assert handover["action"] == "handover"
    assert _day(handover["date"]) > _day(varsel["deadline"])


def test_norwegian_b2b_compensation_offsets_fees() -> None:
    events = _by_invoice(_events("no_b2b.json"))
    first, warning, *_ = (e for e in events["2001"] if e["action"] != "credit_hold")
    assert first["compensation"] == "460.00"
    assert first["fee"] == "0.00"
    assert warning["fee"] == "0.00"
    assert sum(D(e["fee"]) + D(e["compensation"]) for e in events["2001"]) == D(460)
    # 2002 paid in January: an interest invoice across the 1 January rate change.
    interest_invoice = events["2002"][-1]
    assert interest_invoice["action"] == "interest_invoice"
    assert interest_invoice["interest_from"] == "2025-12-31"
    # Through the payment day: 1 day at 12.25 % and 5 at 12.00 % on NOK 80 000.
    assert interest_invoice["interest_to"] == "2026-01-05"
    assert interest_invoice["interest"] == "158.36"
    # 2003 is disputed from 2025-12-20, before any step was due: nothing happens.
    assert "2003" not in events


def test_swedish_agreed_fee_flag() -> None:
    events = _by_invoice(_events("se_consumer.json"))
    agreed, not_agreed = events["5001"][0], events["5002"][0]
    assert agreed["fee"] == "60.00"
    assert not_agreed["fee"] == "0.00"
    assert "did not agree" in not_agreed["explanation"]
    # The inkassokrav fee needs no agreement.
    assert events["5002"][1]["action"] == "collection_warning"
    assert events["5002"][1]["fee"] == "180.00"
    # 5003's dispute (2025-07-05..07-31) holds every step; the reminder follows on 1 August.
    assert events["5003"][0]["date"] == "2025-08-01"


def test_swedish_b2b_450_replaces_fees_and_interest_splits_at_july() -> None:
    events = _by_invoice(_events("se_b2b.json"))
    for invoice_id in ("4001", "4002", "4003"):
        own = events[invoice_id]
        assert sum(D(e["fee"]) + D(e["compensation"]) for e in own) == D(450)
    warning = events["4001"][1]
    assert warning["interest_rate"] == "10.00"
    assert "at 11.00 %" in warning["explanation"]
    assert events["4003"][-1]["action"] == "interest_invoice"


def test_finnish_consumer_reminders_example_17() -> None:
    events = _by_invoice(_events("fi_consumer.json"))
    first, second, _handover = events["7001"]
    # 14 full days after the due date 2025-03-03 (4..17 March): the fee from 18 March; the
    # next once 14 full days after it have passed (19 March..1 April): 2 April (docs/law.md).
    assert (first["date"], first["fee"]) == ("2025-03-18", "5.00")
    assert (second["date"], second["fee"]) == ("2025-04-02", "5.00")
    assert (_day(second["date"]) - _day(first["date"])).days == 15
    # 7002 was issued only 7 days before its due date: no fee at all.
    assert {e["fee"] for e in events["7002"]} == {"0.00"}


def test_finnish_b2b_40_without_the_12_and_rate_change() -> None:
    events = _by_invoice(_events("fi_b2b.json"))
    for own in events.values():
        assert sum(D(e["fee"]) for e in own) == D(0)
        assert sum(D(e["compensation"]) for e in own) == D(40)
    paid = events["6002"][-1]
    assert paid["action"] == "interest_invoice"
    assert paid["interest_rate"] == "10.50"  # H2 2025: 2.5 + 8
    assert "at 11.50 %" in paid["explanation"]  # H1 2025: 3.5 + 8


def _scenario(country: str, **extra: Any) -> dict[str, Any]:
    return {"country": country, "customers": [], "invoices": [], **extra}


def test_norwegian_2020_fee_change_example_11() -> None:
    scenario = _scenario(
        "NO",
        start="2020-09-25",
        end="2020-11-30",
        policy={"steps": [{"action": "reminder", "days": 14, "fee": "70", "deadline_days": 14}]},
        customers=[{"id": "P1", "type": "consumer"}],
        invoices=[
            {"id": "A", "customer": "P1", "issue_date": "2020-09-01", "due_date": "2020-09-30",
             "amount": "5000.00"},
            {"id": "B", "customer": "P1", "issue_date": "2020-09-01", "due_date": "2020-10-01",
             "amount": "5000.00"},
        ],
    )  # fmt: skip
    events = {e["invoice"]: e for e in simulate(scenario)["events"]}
    assert events["A"]["fee"] == "70.00"  # due before 2020-10-01: 1/10 of 700
    assert events["B"]["fee"] == "35.00"  # due from 2020-10-01: 1/20 of 700


def test_leap_year_interest_counts_366_days() -> None:
    scenario = _scenario(
        "NO",
        start="2024-02-01",
        end="2024-03-20",
        customers=[{"id": "P1", "type": "consumer"}],
        invoices=[{"id": "A", "customer": "P1", "issue_date": "2024-01-15",
                   "due_date": "2024-02-15", "amount": "10000.00"}],
    )  # fmt: skip
    purring = simulate(scenario)["events"][0]
    assert purring["date"] == "2024-02-29"  # due + 14, a leap day
    days = (_day(purring["interest_to"]) - _day(purring["interest_from"])).days + 1
    expected = (D(10000) * D("12.50") * days / (100 * 366)).quantize(D("0.01"), ROUND_HALF_UP)
    assert purring["interest"] == str(expected)
    assert purring["interest_rate"] == "12.50"


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(ScenarioError, match="law packs exist for DK, FI, NO, SE"):
        simulate(_scenario("IS", start="2026-01-01", end="2026-01-02"))
