"""Norway: forsinkelsesrenteloven §§ 2, 3, 3 a and inkassoloven/-forskriften, as dated tables.

The purregebyr is a fraction of the inkassosats in force on the day the letter is sent: 1/10
for claims that fell due before 2020-10-01, 1/20 for later claims, rounded to whole kroner
(half up) from 2026. At most two such fees per claim; the second only after the debtor missed
a deadline of at least 14 days. The statutory rate is Norges Bank's policy rate on 1 January
or 1 July + 8 points, fixed per half-year by regulation; a change applies to running claims
from its date. Confidence tags follow docs/law.md: A official page, B reputable
secondary, C public repositories only, U unconfirmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bridge.vocab.domain import ActionKind
from policies.law.base import (
    Citations,
    CompensationRule,
    FeeRule,
    LawPack,
    PaymentAllocation,
    PaymentOrder,
    RateRow,
    RegimeSwitch,
    SurchargeRow,
)
from policies.law.calendar import BankingCalendar
from policies.law.tables import AmountRow, Tables, shipped

_VANTIGO = "github.com/vantigo-io/vantigo docs/superpowers/research (2026-10-06)"
_JURIDIKA = "https://juridika.no/no/forskrift/1989-07-14-562/kapittel_1"

# Claims falling due from this day use 1/20 of the sats (FOR-2020-06-19-1248), earlier ones 1/10.
HALVED_FROM = date(2020, 10, 1)
# Fees are rounded to whole kroner (half up) for letters sent from this day (INKF § 1-2 4th para).
ROUNDED_FROM = date(2026, 1, 1)
_KRONE = Decimal(1)


_SHIPPED = shipped("NO")

SURCHARGE = Decimal(8)

# The half-year tables live in policies/law/data/no.toml (operator rows may override them): the
# reference is the published forsinkelsesrente less the 8 points.
REFERENCE_RATES: tuple[RateRow, ...] = _SHIPPED.reference_rates

CITATIONS = Citations(
    reminder="inkassoforskriften § 1-2 (purring etter forfall)",
    fee=(
        "inkassoforskriften §§ 1-2, 1-3 (purregebyr 1/20 av inkassosatsen, tidligst 14 dager "
        "etter forfall, høyst to gebyrer per krav)"
    ),
    fee_dispute=(
        "inkassoloven § 17 annet ledd (ingen gebyrer når skyldneren har rimelige innsigelser)"
    ),
    interest_rate=(
        "forsinkelsesrenteloven § 3 (Norges Banks styringsrente pr. 1/1 og 1/7 + 8 prosentpoeng)"
    ),
    interest_start="forsinkelsesrenteloven § 2 (rente fra forfall)",
    compensation=(
        "forsinkelsesrenteloven § 3 a; inkassoforskriften §§ 1-5, 2-6 "
        "(standardkompensasjon, kun næringsdrivende; avregnes mot purregebyrer)"
    ),
    collection_warning=(
        "inkassoloven § 9 (inkassovarsel etter forfall, betalingsfrist minst 14 dager)"
    ),
    handover="inkassoloven § 9 (inkasso først når varselets frist er ute)",
    pre_due_notice="inkassoforskriften § 1-2 (ikke gebyr før forfall)",
    credit_hold="ingen lovregel: kredittstopp er kreditors forretningsbeslutning",
    task="ingen lovregel: en oppgave for kreditors egne folk",
    final_warning=(
        "inkassoloven § 10 (betalingsoppfordring etter at inkassovarselets frist er ute, "
        "betalingsfrist minst 14 dager)"
    ),
)

SURCHARGES: tuple[SurchargeRow, ...] = (
    # The ministry has set exactly 8 points since 2013-07-01, for running claims too.
    SurchargeRow(None, None, SURCHARGE, CITATIONS.interest_rate),
)

# The inkassosats by the day a letter is sent (INKF § 1-1), from policies/law/data/no.toml.
INKASSOSATS: tuple[AmountRow, ...] = _SHIPPED.inkassosats


def inkassosats(day: date, table: Sequence[AmountRow] = INKASSOSATS) -> Decimal | None:
    """Return the inkassosats in force on ``day`` (None outside the table)."""
    for row in table:
        if row.covers(day):
            return row.amount
    return None


def purregebyr(
    sent: date, due_date: date, table: Sequence[AmountRow] = INKASSOSATS
) -> Decimal | None:
    """Return the maximum purregebyr for a letter sent on ``sent`` on a claim due on ``due_date``.

    1/20 of the sats for claims due from 2020-10-01, 1/10 before; whole kroner half up from 2026.
    """
    sats = inkassosats(sent, table)
    if sats is None:
        return None
    fee = sats / (20 if due_date >= HALVED_FROM else 10)
    if sent >= ROUNDED_FROM:
        return fee.quantize(_KRONE, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))
    return fee.quantize(Decimal("0.01"))


def betalingsoppfordring_gebyr(
    sent: date, due_date: date, table: Sequence[AmountRow] = INKASSOSATS
) -> Decimal | None:
    """Return the maximum fee for the creditor's own betalingsoppfordring (inkassoloven § 10).

    3/20 of the sats for claims due from 2020-10-01, 3/10 before; whole kroner half up from 2026.
    """
    sats = inkassosats(sent, table)
    if sats is None:
        return None
    fee = sats * 3 / (20 if due_date >= HALVED_FROM else 10)
    if sent >= ROUNDED_FROM:
        return fee.quantize(_KRONE, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))
    return fee.quantize(Decimal("0.01"))


BETALINGSOPPFORDRING = (
    "inkassoloven § 10; inkassoforskriften §§ 1-2 tredje ledd, 1-3 (eget gebyr for "
    "betalingsoppfordring, 3/20 av inkassosatsen, etter oversittet frist på minst 14 dager)"
)

# Claims that fell due before 2020-10-01 keep the fractions in force before FOR-2020-06-19-1248
# (docs/law.md, Norway): their letters cite the fraction that sets the fee.
FEE_BEFORE_OCTOBER_2020 = (
    "inkassoforskriften §§ 1-2, 1-3 før FOR-2020-06-19-1248 (purregebyr 1/10 av "
    "inkassosatsen for krav forfalt før 1. oktober 2020, tidligst 14 dager etter forfall, høyst "
    "to gebyrer per krav)"
)
BETALINGSOPPFORDRING_BEFORE_OCTOBER_2020 = (
    "inkassoloven § 10; inkassoforskriften §§ 1-2 tredje ledd, 1-3 før FOR-2020-06-19-1248 "
    "(eget gebyr for betalingsoppfordring, 3/10 av inkassosatsen for krav forfalt før "
    "1. oktober 2020, etter oversittet frist på minst 14 dager)"
)

# Any claim that fell due before HALVED_FROM: its fee is 1/10 (3/10) of the sats.
_OLD_CLAIM = date(2000, 1, 1)


def _final_derivation(start: date, sats: Decimal, divisor: int, table: Sequence[AmountRow]) -> str:
    """How the betalingsoppfordring's cap follows from the sats, with the rounding from 2026."""
    derivation = f"3/{divisor} of the inkassosats NOK {sats}"
    exact = sats * 3 / divisor
    claim = HALVED_FROM if divisor == 20 else _OLD_CLAIM
    capped = betalingsoppfordring_gebyr(start, claim, table)
    if start >= ROUNDED_FROM and exact != capped:
        derivation += f" = NOK {exact:.2f}, rounded half up to whole kroner"
    return derivation


def _fee_rules(table: Sequence[AmountRow]) -> tuple[FeeRule, ...]:
    """One rule per inkassosats period and fraction; the cap is computed, not typed in."""
    rules: list[FeeRule] = []
    fractions = ((None, HALVED_FROM - timedelta(days=1), 10), (HALVED_FROM, None, 20))
    for row in table:
        start, end, sats = row.valid_from, row.valid_to, row.amount
        source, conf = row.source, row.confidence
        for due_from, due_to, divisor in fractions:
            if end is not None and due_from is not None and end < due_from:
                continue  # no letter sent in this sats period can concern such a claim
            cap = purregebyr(start, due_from or _OLD_CLAIM, table)
            assert cap is not None
            exact = sats / divisor
            derivation = f"1/{divisor} of the inkassosats NOK {sats}"
            if start >= ROUNDED_FROM and exact != cap:
                derivation += f" = NOK {exact:.2f}, rounded half up to whole kroner"
            rules.append(
                FeeRule(
                    valid_from=start,
                    valid_to=end,
                    cap=cap,
                    max_count=2,
                    min_spacing_days=14,
                    earliest_days_after_due=14,
                    requires_agreement=False,
                    citation=CITATIONS.fee if divisor == 20 else FEE_BEFORE_OCTOBER_2020,
                    spacing_citation=(
                        "inkassoforskriften § 1-3 (nytt gebyr bare etter oversittet frist på "
                        "minst 14 dager)"
                    ),
                    claims_due_from=due_from,
                    claims_due_to=due_to,
                    missed_deadline_days=14,
                    derivation=derivation,
                    final_cap=betalingsoppfordring_gebyr(start, due_from or _OLD_CLAIM, table),
                    final_name="betalingsoppfordring",
                    final_citation=(
                        BETALINGSOPPFORDRING
                        if divisor == 20
                        else BETALINGSOPPFORDRING_BEFORE_OCTOBER_2020
                    ),
                    final_derivation=_final_derivation(start, sats, divisor, table),
                    source=f"{_JURIDIKA}; {source}",
                    confidence=conf if divisor == 20 else "B",
                )
            )
    return tuple(rules)


FEE_RULES = _fee_rules(INKASSOSATS)


_OFFSET_SOURCE = f"https://reknehuset.no (B), section numbers {_VANTIGO} (C)"


def _compensations(table: Sequence[AmountRow]) -> tuple[CompensationRule, ...]:
    """The standardkompensasjon per half-year of the claim's due date (FRL § 3 a)."""
    return tuple(
        CompensationRule(
            claims_due_from=row.valid_from,
            claims_due_to=row.valid_to,
            amount=row.amount.quantize(Decimal("0.01")),
            stacks_with_fees=False,
            citation=CITATIONS.compensation,
            relation="offset",
            may_stack=False,
            source=f"{row.source}; offset: {_OFFSET_SOURCE}",
            confidence=row.confidence,
        )
        for row in table
    )


COMPENSATIONS = _compensations(_SHIPPED.compensation)

NEW_INKASSOLOV = RegimeSwitch(
    name="ny inkassolov (LOV-2026-05-22-19)",
    in_force=None,
    barred_actions=frozenset({ActionKind.COLLECTION_WARNING}),
    effect=(
        "under the new inkassolov only collection agencies send the statutory inkassovarsel; "
        "the creditor's own varsel carries no fee"
    ),
    citation="LOV-2026-05-22-19 (ny inkassolov; ikrafttredelse ikke fastsatt)",
    confidence="C",
    policy_key="new_inkassolov_from",
)

# Christmas Eve and New Year's Eve are not public holidays but the banks (and Norges Bank's
# settlement) are closed. 1 and 17 May are public holidays in the library already; pinning them
# keeps them closed whatever the library does (gjeldsbrevloven § 5 names them). An extra closed
# day only ever moves a deadline later.
CALENDAR = BankingCalendar(
    country="NO",
    categories=("public",),
    extra_closed=((5, 1), (5, 17), (12, 24), (12, 31)),
    options=(("include_sundays", False),),
)

LAW = LawPack(
    country="NO",
    currency="NOK",
    calendar=CALENDAR,
    reference_rate_name="Norges Bank policy rate",
    reference_rates=REFERENCE_RATES,
    surcharges=SURCHARGES,
    fee_rules=FEE_RULES,
    compensations=COMPENSATIONS,
    collection_warning_min_days=14,
    default_day_count="actual/365",
    citations=CITATIONS,
    collection_warning_notice=(
        "The letter is headed 'Inkassovarsel' and states clearly that the claim goes to "
        "collection (inkasso) unless it is paid by the deadline (inkassoloven § 9)."
    ),
    final_warning_notice=(
        "The letter is headed 'Betalingsoppfordring', gives at least 14 days to pay or object "
        "and splits the claim into principal, interest and costs (inkassoloven § 10)."
    ),
    regimes=(NEW_INKASSOLOV,),
    sources=(
        ("rate and compensation tables", "regjeringen.no; kred.no; forsinkelsesrente.net", "B"),
        ("day count actual/365 (366 in leap years)", "https://forsinkelsesrente.no/", "B"),
        ("purregebyr, timing and count", _JURIDIKA, "A"),
        ("second fee only after a missed 14-day deadline", f"{_JURIDIKA} (cut); {_VANTIGO}", "C"),
        ("compensation offsets fees", f"https://reknehuset.no; {_VANTIGO}", "C"),
        (
            "inkassovarsel",
            "https://jusinfo.no/pengekravsrett/inndrivelsesprosessen/inkassovarsel/",
            "A",
        ),
    ),
    payment_allocation=PaymentAllocation(
        PaymentOrder.PRINCIPAL_FIRST,
        (
            "Principal first: the debtor may choose what a part payment covers (Lovavdelingen "
            "1999-08-19, sak 1998/11444, citing Krüger, Pengekrav p. 221); a payment against "
            "the invoice chooses it (docs/law.md)"
        ),
    ),
)


def build(tables: Tables) -> LawPack:
    """Return the law pack with ``tables``' rates, sats and compensation amounts."""
    return replace(
        LAW,
        reference_rates=tables.reference_rates,
        fee_rules=_fee_rules(tables.inkassosats),
        compensations=_compensations(tables.compensation),
    )
