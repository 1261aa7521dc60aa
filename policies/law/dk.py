"""Denmark: renteloven §§ 3, 5, 9 a, 9 b and inkassoloven § 10, as dated tables with sources.

The reference rate is Danmarks Nationalbank's lending rate (udlånsrente) as it stood on 1 January
or 1 July; a change during a half-year does not move the rate. Confidence tags follow
docs/law.md: A official page, B reputable secondary, C public repositories only,
U unconfirmed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from policies.law.base import (
    Citations,
    CompensationRule,
    FeeRule,
    LawPack,
    PaymentAllocation,
    PaymentOrder,
    RateRow,
    SurchargeRow,
)
from policies.law.calendar import BankingCalendar
from policies.law.tables import Tables, shipped

# The half-year table lives in policies/law/data/dk.toml (operator rows may override it).
REFERENCE_RATES: tuple[RateRow, ...] = shipped("DK").reference_rates

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

# Danmarks Nationalbank's closing days (banklukkedage; docs/law-dk.md "Deadlines and banking
# days"): the public holidays, plus Grundlovsdag (5 June), juleaftensdag and
# nytårsaftensdag, pinned here, and the Friday after Ascension Day (Kristi himmelfartsdag, from
# the library's date). 1 May is a banking day: the library's "optional" category lists it with
# the three pinned days, so that category is not used.
CALENDAR = BankingCalendar(
    country="DK",
    categories=("public",),
    extra_closed=((6, 5), (12, 24), (12, 31)),
    closed_day_after=("Ascension Day",),
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
    payment_allocation=PaymentAllocation(
        PaymentOrder.PRINCIPAL_FIRST,
        (
            "Principal first: no statute orders a part payment on a private claim; the debtor "
            "may designate the debt paid (the general principle Den Juridiske Vejledning "
            "G.A.2.3 names) and a payment against the invoice pays the invoice. The fixed "
            "order 'interest before principal' of gældsinddrivelsesloven § 4 governs public "
            "collection only (docs/law.md)"
        ),
    ),
)


def build(tables: Tables) -> LawPack:
    """Return the law pack with ``tables``' rates (shipped rows under the operator's)."""
    return replace(LAW, reference_rates=tables.reference_rates)
