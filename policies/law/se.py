"""Sweden: räntelagen 3, 6, 9 §§, inkassokostnadslagen 2-4 a §§ and inkassolagen 5 §.

A påminnelseavgift (at most SEK 60) may be charged only when the debtor agreed to it no later
than when the debt arose (a customer flag). A creditor's own inkassokrav that meets inkassolagen
5 § may carry at most SEK 180 and must give at least 8 days to pay (IMY's advice). Between
businesses the SEK 450 förseningsersättning replaces those fees up to its amount. The rate is
the Riksbank reference rate for the half-year + 8 points. Confidence tags follow
docs/law.md: A official page, B reputable secondary, C public repositories only,
U unconfirmed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from bridge.vocab.domain import ActionKind
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

_RIKSBANK = "https://www.riksbank.se/sv/statistik/rantor-och-valutakurser/referensranta/"
_MYSTEP = "https://www.mystep.se/referensranta"
_RIKSDAGEN = (
    "http://www.riksdagen.se/sv/dokument-lagar/dokument/svensk-forfattningssamling/"
    "lag-1981739-om-ersattning-for-inkassokostnader_sfs-1981-739"
)
_IMY_DEADLINE = (
    "https://www.imy.se/vanliga-fragor-och-svar/"
    "hur-lang-tid-har-jag-pa-mig-for-att-betala-eller-bestrida-ett-inkassokrav/"
)
_SERGEL = "https://sergel.se/faq/forseningsersattning/"


# The half-year table lives in policies/law/data/se.toml (operator rows may override it).
REFERENCE_RATES: tuple[RateRow, ...] = shipped("SE").reference_rates

CITATIONS = Citations(
    reminder="inkassokostnadslagen 2 § (skriftlig betalningspåminnelse efter förfallodagen)",
    fee=(
        "inkassokostnadslagen 2 §, 4 § (påminnelseavgift högst SEK 60, "
        "bara om den avtalats senast när skulden uppkom)"
    ),
    fee_dispute="inkassolagen 4 § (god inkassosed: inga avgifter på en bestriden fordran)",
    interest_rate="räntelagen 6 §, 9 § (referensränta per halvår + 8 procentenheter)",
    interest_start="räntelagen 3 § (ränta från förfallodagen)",
    compensation=(
        "inkassokostnadslagen 4 a § (förseningsersättning SEK 450, bara mellan näringsidkare; "
        "ersätter påminnelse- och inkassoavgift upp till 450)"
    ),
    collection_warning=(
        "inkassolagen 5 § (inkassokrav: kapital, ränta och kostnader var för sig; "
        "skälig tid, minst 8 dagar)"
    ),
    handover="inkassolagen 6 § (rättsliga åtgärder först efter ett inkassokrav)",
    pre_due_notice="inkassokostnadslagen 1 § (avgifter bara efter förfallodagen)",
    credit_hold="ingen lagregel: kreditstopp är borgenärens affärsbeslut",
    task="ingen lagregel: en uppgift för borgenärens egen personal",
)

SURCHARGES: tuple[SurchargeRow, ...] = (
    SurchargeRow(None, None, Decimal(8), CITATIONS.interest_rate),
)

_REMINDER = frozenset({ActionKind.REMINDER})
_WARNING = frozenset({ActionKind.COLLECTION_WARNING})

FEE_RULES: tuple[FeeRule, ...] = (
    FeeRule(
        valid_from=date(2013, 3, 16),
        valid_to=None,
        cap=Decimal("60.00"),
        # The statute sets no number or interval (each fee must be reasonably called for): we
        # take one påminnelseavgift per claim, the narrowest reading.
        max_count=1,
        min_spacing_days=0,
        earliest_days_after_due=1,
        requires_agreement=True,
        citation=CITATIONS.fee,
        actions=_REMINDER,
        count_actions=_REMINDER,
        source=f"{_RIKSDAGEN} (amount, agreement: A); count: none found (U, one taken)",
        confidence="A",
    ),
    FeeRule(
        valid_from=date(2013, 3, 16),
        valid_to=None,
        cap=Decimal("180.00"),
        max_count=1,
        min_spacing_days=0,
        earliest_days_after_due=1,
        requires_agreement=False,
        citation=(
            "inkassokostnadslagen 3 § 1, 4 § (inkassoavgift högst SEK 180 för ett inkassokrav "
            "enligt inkassolagen 5 §)"
        ),
        actions=_WARNING,
        count_actions=_WARNING,
        source=f"{_RIKSDAGEN}; https://www.imy.se (inkassokostnader)",
        confidence="A",
    ),
)

COMPENSATIONS: tuple[CompensationRule, ...] = (
    CompensationRule(
        # SFS 2013:56 covers claims falling due after its entry into force on 2013-03-16.
        claims_due_from=date(2013, 3, 17),
        claims_due_to=None,
        amount=Decimal("450.00"),
        stacks_with_fees=False,
        citation=CITATIONS.compensation,
        relation="replace",
        may_stack=False,
        source=f"{_RIKSDAGEN} (amount, A); replaces fees: IMY; {_SERGEL} (B)",
        confidence="B",
    ),
)

# Public holidays (Sundays left to the weekday test: the library counts every Sunday as a
# holiday unless told not to) plus the "de facto" closing days midsommarafton, julafton and
# nyårsafton. The library's "bank" category also lists half days ("from 2pm"), when banks are
# open in the morning, so it is not used. Julafton and nyårsafton are pinned as well.
CALENDAR = BankingCalendar(
    country="SE",
    categories=("public", "de_facto"),
    extra_closed=((12, 24), (12, 31)),
    options=(("include_sundays", False),),
)

LAW = LawPack(
    country="SE",
    currency="SEK",
    calendar=CALENDAR,
    reference_rate_name="Riksbank reference rate",
    reference_rates=REFERENCE_RATES,
    surcharges=SURCHARGES,
    fee_rules=FEE_RULES,
    compensations=COMPENSATIONS,
    collection_warning_min_days=8,
    collection_warning_min_banking_days=4,
    collection_warning_banking_citation=(
        "inkassolagen 5 § andra stycket; IMY (minst fyra bankdagar efter att kravet antas ha "
        "kommit fram)"
    ),
    default_day_count="actual/365",
    citations=CITATIONS,
    collection_warning_notice=(
        "The inkassokrav shows capital, interest (amount, rate, period and the capital it runs "
        "on) and costs separately, and says which legal steps may follow (inkassolagen 5 §)."
    ),
    sources=(
        ("reference rates", f"{_RIKSBANK} (A to 2024); {_MYSTEP} (B from 2025)", "A"),
        ("påminnelseavgift, inkassoavgift, förseningsersättning", _RIKSDAGEN, "A"),
        ("förseningsersättning replaces fees up to 450", f"IMY; {_SERGEL}", "B"),
        ("inkassokrav deadline of at least 8 days", _IMY_DEADLINE, "A"),
        ("day count actual/365", "https://lawline.se; https://kredity.se", "B"),
        ("number of påminnelseavgifter (one taken)", "none found", "U"),
    ),
    payment_allocation=PaymentAllocation(
        PaymentOrder.PRINCIPAL_FIRST,
        (
            "Principal first: the debtor's designation of the debt paid (avräkningsordningen, "
            "NJA 1989 s. 177, NJA 2013 s. 1190); a payment against the invoice designates it. "
            "No source read says interest and costs must go first (docs/law.md)"
        ),
    ),
)


def build(tables: Tables) -> LawPack:
    """Return the law pack with ``tables``' rates (shipped rows under the operator's)."""
    return replace(LAW, reference_rates=tables.reference_rates)
