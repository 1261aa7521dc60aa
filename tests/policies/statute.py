"""The statutory numbers the property suites check decide() against, typed in by hand.

An independent oracle: every number here was copied from ../shared/reference/law.md (the section
is in the comment beside it), never read from the law packs (policies/law/*.py, data/*.toml). A
wrong value in a pack then shows as a failing property instead of moving the expected value
with it. Where law.md has no number and the pack had to choose one (Sweden's count of
påminnelseavgifter, Finland's consumer count and warning deadline), the comment says so and
points at docs/law.md, which records that choice.

Change a number here only after reading the statute section again: this file is the second
reading that a change to a law pack must agree with.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from bridge.vocab.domain import ActionKind, CustomerKind

D = Decimal
REMINDER = ActionKind.REMINDER
WARNING = ActionKind.COLLECTION_WARNING


@dataclass(frozen=True)
class FeeLimit:
    """The creditor's own fee on a letter: how much, how many, how far apart, from when."""

    cap: Decimal  # per letter, in the country's currency
    max_count: int  # fee-bearing letters per claim under this limit
    spacing_days: int  # calendar days from the previous fee letter counted under this limit
    first_after_due: int  # the first fee no earlier than the last timely day + this many days
    actions: frozenset[ActionKind] = frozenset({REMINDER, WARNING})  # letters it governs
    kind: CustomerKind | None = None  # None: every debtor
    needs_agreement: bool = False  # the debtor agreed to fees when the debt arose
    spacing_from_any_letter: bool = False  # counted from any earlier letter, fee or not
    missed_deadline_days: int = 0  # a further fee only after a missed deadline this long
    invoice_notice_days: int = 0  # the invoice was issued this many days before its due date


@dataclass(frozen=True)
class Statute:
    """One country's numbers: fee limits, the warning's deadline, the B2B compensation."""

    country: str
    currency: str
    fees: tuple[FeeLimit, ...]
    warning_min_days: int  # the collection warning's deadline, calendar days from sending
    warning_min_banking_days: int  # banking days after presumed receipt (Sweden)
    compensation_stacks: bool  # the flat compensation adds to fees (True) or absorbs them

    def fee_limit(
        self, action: ActionKind, kind: CustomerKind, *, claim_due: date, sent: date
    ) -> FeeLimit | None:
        """The limit governing a fee on ``action`` sent on ``sent`` (None: no fee is lawful)."""
        for limit in self.fees:
            if action in limit.actions and limit.kind in (None, kind):
                return _dated(self.country, limit, claim_due=claim_due, sent=sent)
        return None


def _dated(country: str, limit: FeeLimit, *, claim_due: date, sent: date) -> FeeLimit:
    """Norway's cap follows the inkassosats of the sending day; the others are fixed."""
    if country != "NO":
        return limit
    return replace(limit, cap=no_purregebyr(sent, claim_due))


# --- Denmark ------------------------------------------------------------------------------------

DK = Statute(
    country="DK",
    currency="DKK",
    fees=(
        FeeLimit(
            cap=D(100),  # law.md § 1.2: DKK 100 per reminder letter (renteloven § 9 b stk. 1-2)
            max_count=3,  # law.md § 1.2: at most 3 fee-bearing reminders per claim
            spacing_days=10,  # law.md § 1.2: at least 10 days between fee-bearing reminders
            first_after_due=1,  # law.md § 1.2: right after the last day for timely payment
        ),
    ),
    warning_min_days=10,  # law.md § 1.5: inkassoloven § 10 stk. 3, at least 10 days
    warning_min_banking_days=0,
    compensation_stacks=True,  # law.md § 1.3: DKK 310 stacks with reminder fees
)
DK_COMPENSATION = D(310)  # law.md § 1.3: DKK 310 per overdue invoice, businesses only


# --- Norway -------------------------------------------------------------------------------------

# law.md § 2.2: inkassosats NOK 700 (2017-01-01 .. 2025-12-31), NOK 750 from 2026-01-01.
NO_SATS = ((date(2017, 1, 1), date(2025, 12, 31), D(700)), (date(2026, 1, 1), None, D(750)))
NO_HALVED_FROM = date(2020, 10, 1)  # law.md § 2.2: 1/20 for claims due on/after 2020-10-01
NO_ROUNDED_FROM = date(2026, 1, 1)  # law.md § 2.2: whole kroner, .50 up, from 2026-01-01


def _sats(sent: date) -> Decimal:
    for start, end, sats in NO_SATS:
        if start <= sent and (end is None or sent <= end):
            return sats
    raise AssertionError(f"no inkassosats typed in for {sent}")


def _kroner(amount: Decimal, sent: date) -> Decimal:
    if sent < NO_ROUNDED_FROM:
        return amount.quantize(D("0.01"))
    return amount.quantize(D(1), rounding="ROUND_HALF_UP")


def no_purregebyr(sent: date, claim_due: date) -> Decimal:
    """law.md § 2.2: 1/20 of the sats (1/10 for claims due before 2020-10-01): 35, then 38."""
    return _kroner(_sats(sent) / (20 if claim_due >= NO_HALVED_FROM else 10), sent)


def no_betalingsoppfordring(sent: date, claim_due: date) -> Decimal:
    """law.md § 2.2: 3/20 of the sats (3/10 before 2020-10-01): 105, then 113."""
    return _kroner(_sats(sent) * 3 / (20 if claim_due >= NO_HALVED_FROM else 10), sent)


assert no_purregebyr(date(2025, 6, 1), date(2025, 5, 1)) == D(35)  # law.md § 2.2 table
assert no_purregebyr(date(2026, 2, 1), date(2026, 1, 1)) == D(38)  # law.md § 2.2 table
assert no_betalingsoppfordring(date(2026, 2, 1), date(2026, 1, 1)) == D(113)  # § 2.2 table

NO = Statute(
    country="NO",
    currency="NOK",
    fees=(
        FeeLimit(
            cap=D(38),  # law.md § 2.2: 1/20 of the sats on the sending day (see no_purregebyr)
            max_count=2,  # law.md § 2.2 (INKF § 1-3): two 1/20 fees per claim, then one 3/20
            # law.md § 2.2: a further fee only after the debtor missed a deadline of at least 14
            # days set by the previous fee letter, so fee letters are at least 14 days apart.
            spacing_days=14,
            first_after_due=14,  # law.md § 2.2: no fee before the due date + 14 days
            missed_deadline_days=14,  # law.md § 2.2: the missed deadline was ≥ 14 days
        ),
    ),
    warning_min_days=14,  # law.md § 2.5: inkassovarsel deadline ≥ 14 days from sending
    warning_min_banking_days=0,
    compensation_stacks=False,  # law.md § 2.3: offsets fees, does not stack
)
# law.md § 2.3 table: standardkompensasjon by the half-year the claim fell due in.
NO_COMPENSATION = (
    (date(2025, 1, 1), date(2025, 6, 30), D(470)),
    (date(2025, 7, 1), date(2025, 12, 31), D(460)),
    (date(2026, 1, 1), date(2026, 6, 30), D(460)),
    (date(2026, 7, 1), date(2026, 12, 31), D(430)),
)


# --- Sweden -------------------------------------------------------------------------------------

SE = Statute(
    country="SE",
    currency="SEK",
    fees=(
        FeeLimit(
            cap=D(60),  # law.md § 3.2: påminnelseavgift at most SEK 60 (1981:739 2 §, 4 §)
            # law.md § 3.2 finds no statutory number; the pack takes one per claim, the
            # narrowest reading (docs/law.md, Sweden). Checked so the choice cannot drift.
            max_count=1,
            spacing_days=0,  # law.md § 3.2: no statutory interval found
            first_after_due=1,  # law.md § 3.2: only measures after the due date (1 §)
            actions=frozenset({REMINDER}),
            needs_agreement=True,  # law.md § 3.2: agreed no later than when the debt arose
        ),
        FeeLimit(
            cap=D(180),  # law.md § 3.2: inkassokrav fee at most SEK 180 (3 § 1, 4 §)
            max_count=1,  # one inkassokrav fee per claim (docs/law.md, Sweden)
            spacing_days=0,
            first_after_due=1,  # law.md § 3.2: after the due date
            actions=frozenset({WARNING}),
        ),
    ),
    warning_min_days=8,  # law.md § 3.5: IMY, not shorter than 8 days from sending
    warning_min_banking_days=4,  # law.md § 3.5: at least 4 bank days after presumed receipt
    compensation_stacks=False,  # law.md § 3.3: replaces the fees up to SEK 450
)
SE_COMPENSATION = D(450)  # law.md § 3.3: SEK 450, claims falling due after 2013-03-16


# --- Finland ------------------------------------------------------------------------------------

FI = Statute(
    country="FI",
    currency="EUR",
    fees=(
        FeeLimit(
            cap=D(5),  # law.md § 4.2: consumer, at most EUR 5 per written reminder
            # law.md § 4.2 / § 7.13: KKV speaks of a first and a second fee-bearing reminder;
            # no higher number found; the pack takes two (docs/law.md, Finland).
            max_count=2,
            spacing_days=14,  # law.md § 4.2: next one ≥ 14 days after the previous reminder
            first_after_due=14,  # law.md § 4.2: first fee ≥ 14 days after the due date
            kind=CustomerKind.CONSUMER,
            spacing_from_any_letter=True,  # law.md § 4.2: "after the previous reminder"
            invoice_notice_days=14,  # law.md § 4.2: invoice sent ≥ 14 days before the due date
        ),
        FeeLimit(
            cap=D(12),  # law.md § 4.2: business, at most EUR 12 per reminder (from 2022-05-01)
            # law.md § 4.2 gives no number for businesses; the pack takes three (docs/law.md).
            max_count=3,
            spacing_days=10,  # law.md § 4.2: ≥ 10 days since the previous reminder/demand
            # law.md § 4.2: the invoice counts as the previous demand (docs/law.md, Finland).
            first_after_due=10,
            kind=CustomerKind.BUSINESS,
            spacing_from_any_letter=True,  # law.md § 4.2: "the previous reminder/demand"
        ),
    ),
    # law.md § 4.4 gives no number; docs/law.md (Finland) takes 14 days for the warning.
    warning_min_days=14,
    warning_min_banking_days=0,
    compensation_stacks=False,  # law.md § 4.2: not confirmed; replaces by default (docs/law.md)
)
FI_COMPENSATION = D(40)  # law.md § 4.2: EUR 40 per overdue invoice (perintälaki § 10 e)

STATUTES = {s.country: s for s in (DK, NO, SE, FI)}


def compensation(country: str, claim_due: date) -> Decimal:
    """The flat B2B compensation for a claim due on ``claim_due`` (law.md §§ 1.3, 2.3, 3.3, 4.2)."""
    if country == "DK":
        return DK_COMPENSATION
    if country == "SE":
        return SE_COMPENSATION
    if country == "FI":
        return FI_COMPENSATION
    for start, end, amount in NO_COMPENSATION:
        if start <= claim_due <= end:
            return amount
    raise AssertionError(f"no NOK compensation typed in for a claim due {claim_due}")


def boundaries(statute: Statute) -> tuple[int, ...]:
    """Each waiting period, spacing and deadline of the country, with one day either side."""
    days = {statute.warning_min_days}
    for limit in statute.fees:
        days |= {limit.spacing_days, limit.first_after_due}
        if limit.missed_deadline_days:
            days.add(limit.missed_deadline_days)
    return tuple(sorted({d + e for d in days for e in (-1, 0, 1) if d + e >= 0}))
