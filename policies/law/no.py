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

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bridge.domain import ActionKind
from policies.law.base import (
    Citations,
    CompensationRule,
    Confidence,
    FeeRule,
    LawPack,
    RateRow,
    RegimeSwitch,
    SurchargeRow,
)
from policies.law.calendar import BankingCalendar

_KRED_2025 = "https://www.kred.no/artikler/nyheter/nye-satser-fra-1-januar-2025"
_KRED_2026 = (
    "https://www.kred.no/uncategorized/"
    "forsinkelsesrente-og-standardkompensasjon-for-inndrivelseskostnader-fra-1-januar-2026"
)
_VANTIGO = "github.com/vantigo-io/vantigo docs/superpowers/research (2026-10-06)"
_SERGEL_2020 = "https://sergel.no/endringer-i-purregebyr-og-inkassosalaer-fra-1-oktober-2020/"
_JURIDIKA = "https://juridika.no/no/forskrift/1989-07-14-562/kapittel_1"
_REGJERINGEN_2024 = (
    "https://www.regjeringen.no/no/aktuelt/"
    "forsinkelsesrente-og-standardkompensasjon-fra-1.-januar-2024/id3019071/"
)
_RENTE_NET = "https://www.forsinkelsesrente.net/satsene-pa-forsinkelsesrente.html"

# Claims falling due from this day use 1/20 of the sats (FOR-2020-06-19-1248), earlier ones 1/10.
HALVED_FROM = date(2020, 10, 1)
# Fees are rounded to whole kroner (half up) for letters sent from this day (INKF § 1-2 4th para).
ROUNDED_FROM = date(2026, 1, 1)
_KRONE = Decimal(1)


def _half(year: int, half: int) -> tuple[date, date]:
    """Return the first and last day of a half-year."""
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


# (year, half, forsinkelsesrente, standardkompensasjon or None, source, confidence). The table
# publishes the statutory rate; the reference (Norges Bank's policy rate) is that less 8 points.
_HALF_YEARS: tuple[tuple[int, int, str, str | None, str, Confidence], ...] = (
    (
        2019,
        2,
        "9.25",
        "390",
        "https://hokas.no/blog/justert-rentesats-og-kompensjasjonsgebyr-fra-juli-2019",
        "B",
    ),
    (2020, 1, "9.50", None, f"https://sergel.no/inkassosats-og-gebyrer-2020/; {_RENTE_NET}", "B"),
    (
        2020,
        2,
        "8.00",
        "430",
        "https://equity.no/forsinkelsesrente-og-standardkompensasjon-fra-1-juli-2020/",
        "B",
    ),
    (2021, 1, "8.00", "400", "https://sergel.no/faq/salaer-gebyr-2020/", "B"),
    (
        2021,
        2,
        "8.00",
        "400",
        "https://totalkapital.no/forsinkelsesrente-og-standardkompensasjon-fra-1-juli-2021/",
        "B",
    ),
    (
        2022,
        1,
        "8.50",
        "390",
        "community.visma.com (Forsinkelsesrente og standardkompensasjon fra 1. januar 2022)",
        "B",
    ),
    (
        2022,
        2,
        "9.25",
        "400",
        "community.visma.com; revisjonskompaniet.no (FOR-2022-06-24-1178)",
        "B",
    ),
    (
        2023,
        1,
        "10.75",
        "410",
        "https://www.regnskapnorge.no/faget/artikler/forretningsjus/forsinkelsesrenten-oker-til-1075-prosent-fra-1.-januar-2023/",
        "B",
    ),
    (
        2023,
        2,
        "11.75",
        "460",
        f"{_RENTE_NET} (rate, B); {_VANTIGO} (460, FOR-2023-06-22-1075)",
        "C",
    ),
    (2024, 1, "12.50", "470", _REGJERINGEN_2024, "A"),
    (2024, 2, "12.50", "460", f"{_VANTIGO} (FOR-2024-06-26-1320)", "C"),
    (2025, 1, "12.50", "470", f"Lovdata FOR-2024-12-19-3279; {_KRED_2025}", "A"),
    (2025, 2, "12.25", "460", f"{_VANTIGO} (FOR-2025-06-23-1321)", "C"),
    (2026, 1, "12.00", "460", f"{_KRED_2026}; {_VANTIGO} (FOR-2025-12-18-2658)", "B"),
    (2026, 2, "12.25", "430", f"{_VANTIGO} (FOR-2026-06-25-1372, unconfirmed)", "C"),
)

SURCHARGE = Decimal(8)

REFERENCE_RATES: tuple[RateRow, ...] = tuple(
    RateRow(*_half(year, half), Decimal(rate) - SURCHARGE, f"{source} (rate less 8 points)", conf)
    for year, half, rate, _comp, source, conf in _HALF_YEARS
)

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

# (first day, last day or None, inkassosats in NOK, source, confidence) by the day a letter is sent.
INKASSOSATS: tuple[tuple[date, date | None, Decimal, str, Confidence], ...] = (
    (date(2015, 1, 1), date(2015, 12, 31), Decimal(650), "opas.no; faktura.no", "B"),
    (date(2016, 1, 1), date(2016, 12, 31), Decimal(670), "sergel.no 2016; faktura.no", "B"),
    (
        date(2017, 1, 1),
        date(2025, 12, 31),
        Decimal(700),
        f"https://lovdata.no/dokument/SF/forskrift/2002-12-13-1641; {_SERGEL_2020}; {_KRED_2025}",
        "B",
    ),
    (
        date(2026, 1, 1),
        None,
        Decimal(750),
        f"{_KRED_2026} (sats, B); {_VANTIGO} (rounded fee, C; FOR-2025-12-19-2709)",
        "C",
    ),
)


def inkassosats(day: date) -> Decimal | None:
    """Return the inkassosats in force on ``day`` (None before the table starts)."""
    for start, end, sats, _source, _conf in INKASSOSATS:
        if start <= day and (end is None or day <= end):
            return sats
    return None


def purregebyr(sent: date, due_date: date) -> Decimal | None:
    """Return the maximum purregebyr for a letter sent on ``sent`` on a claim due on ``due_date``.

    1/20 of the sats for claims due from 2020-10-01, 1/10 before; whole kroner half up from 2026.
    """
    sats = inkassosats(sent)
    if sats is None:
        return None
    fee = sats / (20 if due_date >= HALVED_FROM else 10)
    if sent >= ROUNDED_FROM:
        return fee.quantize(_KRONE, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))
    return fee.quantize(Decimal("0.01"))


def betalingsoppfordring_gebyr(sent: date, due_date: date) -> Decimal | None:
    """Return the maximum fee for the creditor's own betalingsoppfordring (inkassoloven § 10).

    3/20 of the sats for claims due from 2020-10-01, 3/10 before; whole kroner half up from 2026.
    """
    sats = inkassosats(sent)
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


def _final_derivation(start: date, sats: Decimal, divisor: int) -> str:
    """How the betalingsoppfordring's cap follows from the sats, with the rounding from 2026."""
    derivation = f"3/{divisor} of the inkassosats NOK {sats}"
    exact = sats * 3 / divisor
    capped = betalingsoppfordring_gebyr(start, HALVED_FROM if divisor == 20 else date(2000, 1, 1))
    if start >= ROUNDED_FROM and exact != capped:
        derivation += f" = NOK {exact:.2f}, rounded half up to whole kroner"
    return derivation


def _fee_rules() -> tuple[FeeRule, ...]:
    """One rule per inkassosats period and fraction; the cap is computed, not typed in."""
    rules: list[FeeRule] = []
    fractions = ((None, HALVED_FROM - timedelta(days=1), 10), (HALVED_FROM, None, 20))
    for start, end, sats, source, conf in INKASSOSATS:
        for due_from, due_to, divisor in fractions:
            if end is not None and due_from is not None and end < due_from:
                continue  # no letter sent in this sats period can concern such a claim
            cap = purregebyr(start, due_from or date(2000, 1, 1))
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
                    citation=CITATIONS.fee,
                    spacing_citation=(
                        "inkassoforskriften § 1-3 (nytt gebyr bare etter oversittet frist på "
                        "minst 14 dager)"
                    ),
                    claims_due_from=due_from,
                    claims_due_to=due_to,
                    missed_deadline_days=14,
                    derivation=derivation,
                    final_cap=betalingsoppfordring_gebyr(start, due_from or date(2000, 1, 1)),
                    final_name="betalingsoppfordring",
                    final_citation=BETALINGSOPPFORDRING,
                    final_derivation=_final_derivation(start, sats, divisor),
                    source=f"{_JURIDIKA}; {source}",
                    confidence=conf if divisor == 20 else "B",
                )
            )
    return tuple(rules)


FEE_RULES = _fee_rules()

COMPENSATIONS: tuple[CompensationRule, ...] = tuple(
    CompensationRule(
        claims_due_from=_half(year, half)[0],
        claims_due_to=_half(year, half)[1],
        amount=Decimal(comp).quantize(Decimal("0.01")),
        stacks_with_fees=False,
        citation=CITATIONS.compensation,
        relation="offset",
        may_stack=False,
        source=f"{source}; offset: https://reknehuset.no (B), section numbers {_VANTIGO} (C)",
        confidence=conf,
    )
    for year, half, _rate, comp, source, conf in _HALF_YEARS
    if comp is not None
)

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
)
