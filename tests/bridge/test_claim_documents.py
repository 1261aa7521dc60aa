"""Every document states the same claim, to the øre: the warning letter, the explanation, the
hand-over's cover letter and its case file (JSON and CSV).

The scenarios are tests/policies/test_claim.py's: 10,000.00 due 12 January 2026, step 2 on 26
January charged interest and compensation (and in Denmark a fee), unpaid. Hand computations:

Warnings (see test_claim.py): DK 10,574.11; NO 10,552.06; SE 10,515.76; FI 10,120.54.

Hand-overs, the day after the warning's deadline, with the warning's charges unpaid and interest
accrued from the day after the warning through the hand-over day:
- DK: warning 5 Feb, deadline 16 Feb (15 Feb is a Sunday); hand-over 17 Feb; 6-17 Feb, 12 days:
  10,000 x 9.75 % x 12/365 = 32.055 -> 32.05; total 10,574.11 + 32.05 = 10,606.16.
- NO: warning 9 Feb, deadline 23 Feb; hand-over 24 Feb; 10-24 Feb, 15 days:
  10,000 x 12 % x 15/365 = 49.315 -> 49.32; total 10,552.06 + 49.32 = 10,601.38.
- SE: warning 5 Feb, deadline 16 Feb; hand-over 17 Feb; 12 days: 10,000 x 10 % x 12/365
  = 32.877 -> 32.88; total 10,515.76 + 32.88 = 10,548.64.
- FI: warning 9 Feb, deadline 23 Feb; hand-over 24 Feb; 15 days: 10,000 x 10.5 % x 15/365
  = 43.151 -> 43.15; total 10,120.54 + 43.15 = 10,163.69.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from bridge.engine.handover import build_case
from bridge.engine.letter_context import context
from bridge.engine.letters import compose
from bridge.vocab.domain import ActionKind, Decision, Letter, StepRecord
from bridge.vocab.languages import COUNTRY_LANGUAGE
from policies.engine import letters
from tests.bridge.letter_fixtures import creditor
from tests.policies import nordic
from tests.policies.factories import as_record, snapshot
from tests.policies.test_claim import DUE, SCENARIOS, _history, _ladder

D = Decimal

TOTAL_LINE = {
    "DK": "I alt at betale: 10.574,11\xa0kr.",
    "NO": "Totalt å betale: 10\xa0552,06\xa0kr",
    "SE": "Att betala totalt: 10\xa0515,76\xa0kr",
    "FI": "Maksettava yhteensä: 10\xa0120,54\xa0€",
}
# The earlier interest charge, listed with its period and rate.
EARLIER_INTEREST = {
    "DK": "Morarente af faktura 1001, opkrævet 26. januar 2026: 37,40\xa0kr. "
    "(13. januar 2026 – 26. januar 2026, 9,75 % p.a. af 10.000,00\xa0kr.)",
    "NO": "Forsinkelsesrente på faktura 1001, krevd 26. januar 2026: 46,03\xa0kr "
    "(13. januar 2026 – 26. januar 2026, 12,00 % p.a. av 10\xa0000,00\xa0kr)",
    "SE": "Dröjsmålsränta på faktura 1001, debiterad 26 januari 2026: 38,36\xa0kr "
    "(13 januari 2026 – 26 januari 2026, 10,00 % per år på kapitalbeloppet 10\xa0000,00\xa0kr)",
    "FI": "Viivästyskorko, lasku 1001, veloitettu 26. tammikuuta 2026: 40,27\xa0€ "
    "(13. tammikuuta 2026 – 26. tammikuuta 2026, 10,50 % vuodessa pääomalle 10\xa0000,00\xa0€)",
}
HANDOVER = {
    "DK": (date(2026, 2, 17), "10606.16", "32.05"),
    "NO": (date(2026, 2, 24), "10601.38", "49.32"),
    "SE": (date(2026, 2, 17), "10548.64", "32.88"),
    "FI": (date(2026, 2, 24), "10163.69", "43.15"),
}


def _decide(country: str, today: date, history: list[StepRecord]) -> Decision:
    inv = nordic.invoice(country, due=DUE, amount="10000.00")
    snap = snapshot([inv], customers=[nordic.customer(country)])
    [decision] = nordic.run(country, today, snap, history, nordic.policy(country, _ladder(country)))
    return decision


def _letter(decision: Decision) -> Letter:
    [letter] = letters([decision])
    return letter


def _render(
    country: str, letter: Letter, history: list[StepRecord]
) -> tuple[str, dict[str, object]]:
    inv = nordic.invoice(country, due=DUE, amount="10000.00")
    customer = nordic.customer(country)
    data = context(
        letter,
        customer,
        {inv.id: inv},
        creditor=creditor(country),
        country=country,
        history=history,
    )
    text = compose(
        letter,
        customer,
        {inv.id: inv},
        creditor=creditor(country),
        lang=COUNTRY_LANGUAGE[country],
        country=country,
        history=history,
    ).text
    return text, data


@pytest.mark.parametrize(
    ("country", "fee2", "interest2", "comp2", "today", "interest", "fee", "total"), SCENARIOS
)
def test_the_warning_letter_lists_every_item_and_states_the_claims_total(
    country: str,
    fee2: str,
    interest2: str,
    comp2: str,
    today: date,
    interest: str,
    fee: str,
    total: str,
) -> None:
    history = _history(country, step2_fee=fee2, interest=interest2, compensation=comp2)
    decision = _decide(country, today, history)
    text, data = _render(country, _letter(decision), history)
    assert data["total"] == D(total)
    assert data["capital"] == D("10000.00")
    assert data["interest"] == D(interest2) + D(interest)
    assert data["costs"] == D(fee2) + D(comp2) + D(fee)
    assert TOTAL_LINE[country] in text
    assert EARLIER_INTEREST[country] in text
    assert f"total {nordic.CURRENCY[country]} {D(total):,.2f}" in decision.explanation


@pytest.mark.parametrize("country", ["DK", "NO", "SE", "FI"])
def test_the_case_file_and_the_agencys_letter_state_the_same_total(country: str) -> None:
    scenario = next(s for s in SCENARIOS if s[0] == country)
    _, fee2, interest2, comp2, warned_on, *_ = scenario
    history = _history(country, step2_fee=fee2, interest=interest2, compensation=comp2)
    warning = _decide(country, warned_on, history)
    history.append(as_record(warning))
    day, total, accrued = HANDOVER[country]
    decision = _decide(country, day, history)
    assert decision.action is ActionKind.HANDOVER
    assert decision.claim is not None
    assert decision.claim.total == D(total)
    assert f"total {nordic.CURRENCY[country]} {D(total):,.2f}" in decision.explanation
    letter = _letter(decision)
    text, data = _render(country, letter, history)
    assert data["total"] == D(total)
    inv = nordic.invoice(country, due=DUE, amount="10000.00")
    case = build_case(
        letter,
        customer=nordic.customer(country),
        invoices={inv.id: inv},
        history=history,
        disputes=(),
        creditor=creditor(country),
        today=day,
        cover=text,
    )
    body = json.loads(case.files["case.json"])
    assert body["totals"]["total"] == total
    assert body["totals"]["interest_accrued"] == accrued
    [row] = csv.DictReader(io.StringIO(case.files["invoices.csv"].decode()))
    assert row["Total"] == total
    assert row["Principal"] == "10000.00"
