"""Denmark: renteloven §§ 3, 5, 9 a, 9 b and inkassoloven § 10, as dated tables with sources.

The reference rate is Danmarks Nationalbank's lending rate (udlånsrente) as it stood on 1 January
or 1 July; a change during a half-year does not move the rate. Confidence tags follow
docs/law.md: A official page, B reputable secondary, C public repositories only,
U unconfirmed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from policies.law.base import (
    Citations,
    CompensationRule,
    Confidence,
    FeeRule,
    LawPack,
    RateRow,
    SurchargeRow,
)
from policies.law.calendar import BankingCalendar

_FORBRUG = "https://forbrug.dk/regler/opslagsvaerk-forbrugerleksikon/morarenten/"
_MINEO = "github.com/BjornElling/Mineo src/data/interestRates.ts"
_SELANDIA = "https://selandiaadvokater.dk/privat/retssager/renteoplysninger/"

# forbrug.dk lists the morarente (reference + surcharge); the reference is that figure less the
# surcharge of the period (7 points before 1 March 2013, 8 after).
_FORBRUG_DERIVED = f"{_FORBRUG} (morarente less the surcharge); agrees with {_MINEO}"


def _half(year: int, half: int, reference: str, source: str, confidence: Confidence) -> RateRow:
    """Build the row for one half-year: H1 is January-June, H2 July-December."""
    start = date(year, 1, 1) if half == 1 else date(year, 7, 1)
    end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    return RateRow(start, end, Decimal(reference), source, confidence)


REFERENCE_RATES: tuple[RateRow, ...] = (
    _half(2013, 1, "0.20", _FORBRUG_DERIVED, "A"),
    _half(2013, 2, "0.20", _FORBRUG_DERIVED, "A"),
    _half(2014, 1, "0.20", _FORBRUG_DERIVED, "A"),
    _half(2014, 2, "0.20", _FORBRUG_DERIVED, "A"),
    # Nationalbanken cut to 0.05 on 2015-01-20, after the fixing date: H1 keeps 0.20.
    _half(2015, 1, "0.20", _FORBRUG_DERIVED, "A"),
    _half(2015, 2, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2016, 1, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2016, 2, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2017, 1, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2017, 2, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2018, 1, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2018, 2, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2019, 1, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2019, 2, "0.05", _FORBRUG_DERIVED, "A"),
    _half(2020, 1, "0.05", _FORBRUG, "A"),
    _half(2020, 2, "0.05", _FORBRUG, "A"),
    _half(2021, 1, "0.05", _FORBRUG, "A"),
    _half(2021, 2, "-0.35", _FORBRUG, "A"),
    _half(2022, 1, "-0.45", _FORBRUG, "A"),
    # Nationalbanken raised only on 2022-07-22, after the fixing date.
    _half(2022, 2, "-0.45", _FORBRUG, "A"),
    _half(2023, 1, "1.90", _FORBRUG, "A"),
    _half(2023, 2, "3.25", _FORBRUG, "A"),
    _half(2024, 1, "3.75", _SELANDIA, "B"),
    _half(2024, 2, "3.50", _MINEO, "C"),
    _half(2025, 1, "2.75", _MINEO, "C"),
    _half(2025, 2, "1.75", _MINEO, "C"),
    _half(2026, 1, "1.75", f"{_MINEO}; haij docs/adr/0010", "C"),
    _half(2026, 2, "2.00", f"{_MINEO}; haij docs/adr/0010 (unconfirmed)", "C"),
)

CITATIONS = Citations(
    reminder="renteloven § 9 b (rykker efter forfald)",
    fee="renteloven § 9 b stk. 1-2 (rykkergebyr højst DKK 100, højst 3, mindst 10 dage imellem)",
    fee_dispute="renteloven § 9 b stk. 1 (intet gebyr ved rimelig indsigelse)",
    # law.md § 1.2 "rimelig grund": Forbrugerombudsmanden (forbrug.dk "Rykkergebyrer", A/B).
    fee_after_dispute=(
        "renteloven § 9 b stk. 1 (rimelig grund); Forbrugerombudsmanden (intet gebyr på 2. og "
        "3. rykker, når kravet er bestridt)"
    ),
    interest_rate="renteloven § 5 stk. 1 (udlånsrente pr. 1/1 og 1/7 + 8 procentpoint)",
    interest_rate_old=(
        "renteloven § 5 stk. 1 før 1. marts 2013 (+ 7 procentpoint for krav forfaldet før)"
    ),
    interest_start="renteloven § 3 stk. 1 (rente fra forfaldsdagen)",
    compensation=(
        "renteloven § 9 a stk. 3; BEK 601/2002 § 2 stk. 2 som ændret ved BEK 105/2013 "
        "(kompensationsbeløb DKK 310, kun erhverv)"
    ),
    collection_warning=(
        "inkassoloven § 10 (påkravsskrivelse med alle oplysninger, frist mindst 10 dage)"
    ),
    handover="inkassoloven § 10 stk. 1 (inkasso først når påkravets frist er udløbet)",
    pre_due_notice="renteloven § 9 b (intet gebyr før forfald)",
    credit_hold="ingen lovregel: kreditstop er kreditors forretningsbeslutning",
    task="ingen lovregel: en opgave til kreditors egne folk",
)

SURCHARGES: tuple[SurchargeRow, ...] = (
    SurchargeRow(date(2002, 8, 1), date(2013, 2, 28), Decimal(7), CITATIONS.interest_rate_old),
    SurchargeRow(date(2013, 3, 1), None, Decimal(8), CITATIONS.interest_rate),
)

FEE_RULES: tuple[FeeRule, ...] = (
    FeeRule(
        valid_from=date(2002, 8, 1),
        valid_to=None,
        cap=Decimal("100.00"),
        max_count=3,
        min_spacing_days=10,
        earliest_days_after_due=1,
        requires_agreement=False,
        citation=CITATIONS.fee,
        spacing_citation="U 2008.1083 V (rykker under 10 dage efter den forrige: intet gebyr)",
    ),
)

COMPENSATIONS: tuple[CompensationRule, ...] = (
    CompensationRule(
        claims_due_from=date(2013, 3, 1),
        claims_due_to=None,
        amount=Decimal("310.00"),
        stacks_with_fees=True,
        citation=CITATIONS.compensation,
    ),
)

# Grundlovsdag, juleaftensdag and nytårsaftensdag: banks close though they are not public
# holidays. The library files them (and 1 May) under "optional"; pinning them here keeps them
# closed even if that category changes. An extra closed day only ever moves a deadline later.
CALENDAR = BankingCalendar(
    country="DK",
    categories=("public", "optional"),
    extra_closed=((6, 5), (12, 24), (12, 31)),
)

LAW = LawPack(
    country="DK",
    currency="DKK",
    calendar=CALENDAR,
    reference_rate_name="Nationalbanken lending rate",
    reference_rates=REFERENCE_RATES,
    surcharges=SURCHARGES,
    fee_rules=FEE_RULES,
    compensations=COMPENSATIONS,
    collection_warning_min_days=10,
    default_day_count="actual/365",
    citations=CITATIONS,
)
