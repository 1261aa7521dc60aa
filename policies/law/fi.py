"""Finland: korkolaki §§ 4, 4 a, 7, 12 and perintälaki (saatavien perinnästä 513/1999).

Consumers: at most EUR 5 per written reminder, the first no earlier than 14 days after the due
date and each next one at least 14 days after the previous reminder. Businesses: at most EUR 12
per reminder, at least 10 days apart, and EUR 40 standard compensation per overdue invoice, which
by default replaces the reminder fees (a tenant may choose to stack them). The rate is the
reference rate (ECB's last main refinancing rate before the half-year, rounded up to half a
point) + 7 points, or + 8 between businesses. Confidence tags follow docs/law.md:
A official page, B reputable secondary, C public repositories only, U unconfirmed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from bridge.vocab.domain import CustomerKind
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

_KKV = (
    "https://www.kkv.fi/en/facts-and-advice/payment-bills-debt-collection/"
    "delayed-payment-and-collection/recovery-costs-and-debt-collection-process/"
)
_OKPERINTA = "https://www.okperinta.fi/en/news/the-new-debt-collection-act-will-enter-into-force-on-1-may-2022/"
_HE_57 = "https://finlex.fi/fi/esitykset/he/2012/20120057"


# The half-year table lives in policies/law/data/fi.toml (operator rows may override it).
REFERENCE_RATES: tuple[RateRow, ...] = shipped("FI").reference_rates

CITATIONS = Citations(
    reminder="perintälaki 513/1999 (maksumuistutus eräpäivän jälkeen)",
    fee=(
        "perintälaki 513/1999 § 10 a-b (kuluttaja: muistutus enintään EUR 5, kun eräpäivästä on "
        "kulunut vähintään 14 päivää, seuraava kun edellisestä on kulunut vähintään 14 päivää)"
    ),
    fee_dispute="perintälaki 513/1999 § 4 (hyvä perintätapa: ei kuluja riitautetusta saatavasta)",
    interest_rate="korkolaki 633/1982 § 4, § 12 (viitekorko + 7 prosenttiyksikköä)",
    # § 4 sets the rate; the start for a due date fixed in advance is § 7 (1 mom.). § 7 (2 mom.)
    # (30 days after the invoice when no due date was fixed) does not arise: invoices carry one.
    interest_start=(
        "korkolaki 633/1982 § 7 1 mom. (viivästyskorko eräpäivästä, kun maksuaika on "
        "etukäteen määrätty)"
    ),
    compensation=(
        "perintälaki 513/1999 § 10 e "
        "(vakiokorvaus EUR 40 laskua kohden, vain elinkeinonharjoittajat)"
    ),
    collection_warning=(
        "perintälaki 513/1999 § 5 (maksuvaatimus: pääoma, korko ja kulut eriteltyinä, "
        "maksuaika vähintään 14 päivää)"
    ),
    handover="perintälaki 513/1999 (perintä vasta kun maksuvaatimuksen määräaika on kulunut)",
    pre_due_notice="perintälaki 513/1999 § 10 (ei kuluja ennen eräpäivää)",
    credit_hold="ei lakisääteinen: luottokielto on velkojan liiketoimintapäätös",
    task="ei lakisääteinen: tehtävä velkojan omalle henkilöstölle",
)

BUSINESS_RATE_CITATION = "korkolaki 633/1982 § 4 a, § 12 (kaupalliset sopimukset: viitekorko + 8)"

SURCHARGES: tuple[SurchargeRow, ...] = (
    SurchargeRow(
        date(2013, 3, 16), None, Decimal(8), BUSINESS_RATE_CITATION, CustomerKind.BUSINESS
    ),
    SurchargeRow(None, None, Decimal(7), CITATIONS.interest_rate),
)

FEE_RULES: tuple[FeeRule, ...] = (
    FeeRule(
        valid_from=date(2013, 3, 16),
        valid_to=None,
        cap=Decimal("5.00"),
        # KKV speaks of a first and a second fee-bearing reminder; no higher number was found.
        max_count=2,
        min_spacing_days=14,
        earliest_days_after_due=14,
        requires_agreement=False,
        citation=CITATIONS.fee,
        spacing_citation=(
            "perintälaki § 10 b (seuraava muistutus kun edellisestä on kulunut vähintään 14 "
            "päivää; laki 150/1930 § 2: lähetyspäivää ei lueta)"
        ),
        kind=CustomerKind.CONSUMER,
        spacing_from_any_letter=True,
        # "kulunut vähintään 14 päivää": 14 whole days after the day of the due date (or of the
        # previous reminder), that day not counted (laki 150/1930 § 2): due date D, the fee from
        # D + 15 (docs/law.md, "Finland: how the 14 days are counted").
        full_days=True,
        invoice_notice_days=14,
        source=f"{_KKV} (A); https://ikassa.fi/maksumuistutus; count of two: KKV (U)",
        confidence="A",
    ),
    FeeRule(
        valid_from=date(2022, 5, 1),
        valid_to=None,
        cap=Decimal("12.00"),
        # No number was found for businesses; three, as the most any Nordic pack allows.
        max_count=3,
        min_spacing_days=10,
        # The invoice counts as the first demand: the first fee 10 days after the due date.
        earliest_days_after_due=10,
        requires_agreement=False,
        citation=(
            "perintälaki 513/1999 § 10 (elinkeinonharjoittaja: muistutus enintään EUR 12, "
            "vähintään 10 päivää edellisestä)"
        ),
        spacing_citation="perintälaki § 10 (vähintään 10 päivää edellisestä muistutuksesta)",
        kind=CustomerKind.BUSINESS,
        spacing_from_any_letter=True,
        source=f"{_OKPERINTA}; yrittajat.fi; procountor.fi",
        confidence="B",
    ),
)

COMPENSATIONS: tuple[CompensationRule, ...] = (
    CompensationRule(
        claims_due_from=date(2013, 3, 16),
        claims_due_to=None,
        amount=Decimal("40.00"),
        # Whether the 40 excludes the 12 is not settled (law.md § 7.13): replace by default,
        # a tenant may choose to stack.
        stacks_with_fees=False,
        citation=CITATIONS.compensation,
        relation="replace",
        may_stack=True,
        source=f"{_HE_57} (law, A); {_OKPERINTA} (per invoice, B); fees vs 40: not found (U)",
        confidence="B",
    ),
)

# The library lists vappu, juhannusaatto, jouluaatto and itsenäisyyspäivä as public holidays,
# all closed for payments. May Day and Christmas Eve are pinned as well; Midsummer Eve moves
# (the Friday 19-25 June), so it relies on the library, and a test pins it.
CALENDAR = BankingCalendar(
    country="FI",
    categories=("public",),
    extra_closed=((5, 1), (12, 24)),
)

LAW = LawPack(
    country="FI",
    currency="EUR",
    calendar=CALENDAR,
    reference_rate_name="Suomen Pankki viitekorko",
    reference_rates=REFERENCE_RATES,
    surcharges=SURCHARGES,
    fee_rules=FEE_RULES,
    compensations=COMPENSATIONS,
    collection_warning_min_days=14,
    default_day_count="actual/365",
    citations=CITATIONS,
    collection_warning_notice=(
        "The letter shows capital, interest and costs separately and names the creditor, the "
        "basis of the claim and how to dispute it (perintälaki § 5)."
    ),
    sources=(
        ("consumer reminder fee, timing", _KKV, "A"),
        ("business reminder fee EUR 12, 10 days", _OKPERINTA, "B"),
        ("EUR 40 compensation", _HE_57, "A"),
        ("EUR 40 replaces the EUR 12 fees unless the tenant stacks them", "not found", "U"),
        ("reference rates", "finlex.fi; suomenpankki.fi; sttinfo.fi; derived rows U", "B"),
        ("day count actual/365", "not found; assumed", "U"),
        ("consumer: at most two fee-bearing reminders", _KKV, "U"),
    ),
    payment_allocation=PaymentAllocation(
        PaymentOrder.PRINCIPAL_FIRST,
        (
            "Principal first: no rule on the order of a part payment was read for Finland "
            "(perintälaki, korkolaki; KKV guideline 10/2023 § 6 not read), so the debtor's "
            "reading applies (docs/law.md)"
        ),
    ),
)


def build(tables: Tables) -> LawPack:
    """Return the law pack with ``tables``' rates (shipped rows under the operator's)."""
    return replace(LAW, reference_rates=tables.reference_rates)
