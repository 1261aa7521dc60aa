"""The shape every country's law pack fills in: dated tables with sources, and the rules over them.

A law pack is data. Each number carries the period it applies to and a citation, so Norway's
offsetting compensation, Sweden's agreed-fee condition or Finland's consumer surcharge fit the
same shape as Denmark's rules by setting different values, not by writing new engine code.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Literal

from bridge.vocab.domain import ActionKind, CustomerKind
from policies.daycount import DayCount
from policies.law.calendar import BankingCalendar

Confidence = Literal["A", "B", "C", "U"]
# How the flat B2B compensation meets reminder fees: Denmark adds it on top; Norway offsets the
# two against each other; Sweden (and Finland by default) lets it replace the fees up to its amount.
FeeRelation = Literal["add", "offset", "replace"]


class RateUnavailable(LookupError):
    """The reference-rate table has no usable row for a day: we refuse to guess a rate.

    ``country`` and ``day`` name what is missing; ``fix`` is the command that supplies it.
    """

    def __init__(self, message: str, *, country: str = "", day: date | None = None) -> None:
        super().__init__(message)
        self.country = country
        self.day = day

    @property
    def fix(self) -> str:
        """The commands an operator runs to supply the missing rate."""
        if not self.country or self.day is None:
            return "dunning-bridge law rates update"
        return rate_fix(self.country, self.day)


def rate_fix(country: str, day: date) -> str:
    """Return the commands that supply ``country``'s reference rate for ``day``'s half-year."""
    start = date(day.year, 1 if day.month <= 6 else 7, 1)
    update = f"`dunning-bridge law rates update {country}`"
    enter = f"`dunning-bridge law rates set {country} --from {start.isoformat()}"
    return f"{update}, or {enter} --rate R --source TEXT`"


class PlaceholderRate(RateUnavailable):
    """The row for a day is a placeholder (grade U) and the tenant's policy does not allow one."""


@dataclass(frozen=True, slots=True)
class RateRow:
    """The reference rate in force for every day from ``valid_from`` through ``valid_to``."""

    valid_from: date
    valid_to: date
    reference_rate: Decimal  # percent per year, may be negative
    source: str
    confidence: Confidence
    origin: str = "shipped"  # or the operator file's path (policies/law/tables.py)
    note: str = ""

    @property
    def placeholder(self) -> bool:
        """Tell whether the value is unconfirmed (grade U): carried forward, not published."""
        return self.confidence == "U"


@dataclass(frozen=True, slots=True)
class SurchargeRow:
    """Points added to the reference rate, chosen by the claim's due date (and debtor kind)."""

    claims_due_from: date | None
    claims_due_to: date | None
    points: Decimal
    citation: str
    kind: CustomerKind | None = None  # None: every debtor

    def applies(self, due_date: date, kind: CustomerKind) -> bool:
        """Tell whether this surcharge governs a claim due on ``due_date`` from this debtor kind."""
        if self.kind is not None and self.kind != kind:
            return False
        if self.claims_due_from is not None and due_date < self.claims_due_from:
            return False
        return self.claims_due_to is None or due_date <= self.claims_due_to


@dataclass(frozen=True, slots=True)
class FeeRule:
    """The statutory reminder-fee limits for letters sent from ``valid_from`` on."""

    valid_from: date
    valid_to: date | None
    cap: Decimal  # per letter, in the pack's currency
    max_count: int  # fee-bearing letters per claim
    min_spacing_days: int  # calendar days between fee-bearing letters
    earliest_days_after_due: int  # 1 = the day after the due date
    requires_agreement: bool  # the debtor must have agreed to fees beforehand
    citation: str
    spacing_citation: str = ""
    # Narrowing: the rule governs only claims falling due in this window (Norway's 2020 change),
    # only one debtor kind (Finland), only some letters (Sweden's inkassokrav fee). None: all.
    claims_due_from: date | None = None
    claims_due_to: date | None = None
    kind: CustomerKind | None = None
    actions: frozenset[ActionKind] | None = None
    # Which earlier fee-bearing letters count towards max_count and spacing (None: every letter).
    count_actions: frozenset[ActionKind] | None = None
    # Spacing counted from the previous letter of any kind, fee or not (Finland).
    spacing_from_any_letter: bool = False
    # The waiting periods (earliest_days_after_due, min_spacing_days) must have passed in full:
    # the day of the event is not counted and the n-th day must be over, so the first allowed
    # day is the event's day + n + 1 (Finland: "kulunut vähintään 14 päivää", with the day of
    # the event left out as laki säädettyjen määräaikain laskemisesta 150/1930 § 2 counts).
    # False: the letter may go on the event's day + n.
    full_days: bool = False
    # A further fee needs the previous fee letter's deadline of at least this many days to have
    # passed unpaid (Norway, inkassoforskriften § 1-3); 0: no such condition.
    missed_deadline_days: int = 0
    # The invoice must have been issued at least this many days before its due date (Finland,
    # consumers); 0: no such condition.
    invoice_notice_days: int = 0
    derivation: str = ""  # how the cap was computed, e.g. from Norway's inkassosats
    # One further fee after max_count, on the letter that follows them (Norway: the creditor's
    # own betalingsoppfordring, 3/20 of the sats, after a missed deadline); None: no such fee.
    final_cap: Decimal | None = None
    final_name: str = ""
    final_citation: str = ""
    final_derivation: str = ""
    source: str = ""
    confidence: Confidence | None = None  # None: not graded in the pack

    def covers(self, day: date) -> bool:
        """Tell whether a letter sent on ``day`` falls under this rule."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def governs(
        self,
        day: date,
        *,
        due_date: date | None = None,
        kind: CustomerKind | None = None,
        action: ActionKind | None = None,
    ) -> bool:
        """Tell whether this rule governs a letter of ``action`` sent on ``day`` for the claim."""
        if not self.covers(day):
            return False
        if due_date is not None:
            if self.claims_due_from is not None and due_date < self.claims_due_from:
                return False
            if self.claims_due_to is not None and due_date > self.claims_due_to:
                return False
        if kind is not None and self.kind is not None and kind != self.kind:
            return False
        return action is None or self.actions is None or action in self.actions

    @property
    def first_fee_offset(self) -> int:
        """Days after the due date of the first day a fee is allowed."""
        return self.earliest_days_after_due + (1 if self.full_days else 0)

    @property
    def spacing_offset(self) -> int:
        """Days after the previous letter of the first day a further fee is allowed."""
        return self.min_spacing_days + (1 if self.full_days else 0) if self.min_spacing_days else 0

    def counts(self, action: ActionKind | None) -> bool:
        """Tell whether an earlier fee-bearing letter of ``action`` counts against this rule."""
        return action is None or self.count_actions is None or action in self.count_actions


@dataclass(frozen=True, slots=True)
class CompensationRule:
    """The flat B2B compensation for claims falling due in a period."""

    claims_due_from: date
    claims_due_to: date | None
    amount: Decimal
    stacks_with_fees: bool  # False: claiming it cancels reminder fees (Norway, Sweden)
    citation: str
    relation: FeeRelation = "add"  # the words for how it meets fees when it does not stack
    may_stack: bool = True  # whether a tenant's policy may choose to add fees on top
    source: str = ""
    confidence: Confidence | None = None  # None: not graded in the pack

    def covers(self, due_date: date) -> bool:
        """Tell whether a claim due on ``due_date`` earns this compensation."""
        if due_date < self.claims_due_from:
            return False
        return self.claims_due_to is None or due_date <= self.claims_due_to


@dataclass(frozen=True, slots=True)
class Citations:
    """Short statute references the engine puts into every decision's legal basis."""

    reminder: str
    fee: str
    fee_dispute: str
    interest_rate: str
    interest_start: str
    compensation: str
    collection_warning: str
    handover: str
    pre_due_notice: str
    credit_hold: str
    task: str = "no statutory rule: a task for the creditor's own people"
    # Letters after a dispute carry no fee even once it has ended (Denmark: renteloven § 9 b
    # stk. 1 "rimelig grund" as Forbrugerombudsmanden reads it; law.md § 1.2). Empty: no such
    # rule, the fee rules apply again once the dispute is over.
    fee_after_dispute: str = ""
    interest_rate_old: str = ""  # the rule for claims under an earlier surcharge
    # A collection warning after an issued one on the claim (Norway's betalingsoppfordring,
    # inkassoloven § 10); empty: the law knows no such letter and the warning's rule applies.
    final_warning: str = ""


@dataclass(frozen=True, slots=True)
class RegimeSwitch:
    """A dated change of law whose in-force date may be unknown: off until a date is set.

    From ``in_force`` on, letters of ``barred_actions`` carry no fee.
    """

    name: str
    in_force: date | None
    barred_actions: frozenset[ActionKind]
    effect: str
    citation: str
    confidence: Confidence
    policy_key: str  # the key under [law] in a tenant policy that sets the date

    def active(self, day: date) -> bool:
        """Tell whether the new regime governs ``day``."""
        return self.in_force is not None and day >= self.in_force


@dataclass(frozen=True, slots=True)
class AnnualRate:
    """The late-interest rate for one day of one claim, with its parts."""

    rate: Decimal
    reference: Decimal
    points: Decimal
    citation: str
    placeholder: bool = False  # the reference is an unconfirmed placeholder (grade U)


class PaymentOrder(StrEnum):
    """The order a payment on the invoice reduces the claim in."""

    # The payment pays the invoice it was made against: the principal. Charges booked on their
    # own documents stay open until those are paid. Interest stops on what was paid.
    PRINCIPAL_FIRST = "principal_first"
    # Costs (fees, compensation) issued by the payment day first, then interest charged by
    # then, and the principal last.
    COSTS_FIRST = "costs_first"


@dataclass(frozen=True, slots=True)
class PaymentAllocation:
    """A country's allocation order with the rule and its source, for the explanation."""

    order: PaymentOrder = PaymentOrder.PRINCIPAL_FIRST
    citation: str = ""


@dataclass(frozen=True, slots=True)
class LawPack:
    """One country's dunning law: tables with sources and the small rules that read them."""

    country: str
    currency: str
    calendar: BankingCalendar
    reference_rate_name: str
    reference_rates: tuple[RateRow, ...]
    surcharges: tuple[SurchargeRow, ...]
    fee_rules: tuple[FeeRule, ...]
    compensations: tuple[CompensationRule, ...]
    collection_warning_min_days: int
    default_day_count: DayCount
    citations: Citations
    # A sentence the collection warning must carry (Norway: it must clearly announce inkasso).
    collection_warning_notice: str = ""
    # The same for a warning after an issued warning (Norway's betalingsoppfordring).
    final_warning_notice: str = ""
    # Banking days the warning's deadline must leave after the letter's presumed receipt (the
    # first banking day after sending); 0: none (Sweden: 4, IMY's reading of inkassolagen 5 §).
    collection_warning_min_banking_days: int = 0
    collection_warning_banking_citation: str = ""
    regimes: tuple[RegimeSwitch, ...] = ()
    # Where each part of the pack comes from, for ``law show``: (what, source, confidence).
    sources: tuple[tuple[str, str, Confidence], ...] = ()
    # Whether a placeholder rate (grade U) may price interest: only when the tenant's policy
    # says so ([law] allow_placeholder_rates); otherwise such a day has no rate.
    allow_placeholders: bool = False
    # The order a payment on the invoice reduces the claim in, with its source (docs/law.md).
    payment_allocation: PaymentAllocation = PaymentAllocation()
    _starts: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _gaps: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_ordered(self.country, self.reference_rates)
        rows = self.reference_rates
        object.__setattr__(self, "_starts", tuple(r.valid_from for r in rows))
        # The first day without a row after each row that no row follows at once.
        gaps = [
            earlier.valid_to + timedelta(days=1)
            for earlier, later in pairwise(rows)
            if (later.valid_from - earlier.valid_to).days > 1
        ]
        gaps.append(rows[-1].valid_to + timedelta(days=1))
        object.__setattr__(self, "_gaps", tuple(gaps))

    @property
    def rate_table_span(self) -> tuple[date, date]:
        """The first and last day the reference-rate table covers."""
        return self.reference_rates[0].valid_from, self.reference_rates[-1].valid_to

    def reference_row(self, day: date) -> RateRow:
        """Return the reference-rate row in force on ``day`` or raise RateUnavailable.

        A placeholder row (grade U) answers only when the pack allows placeholders; otherwise
        it raises PlaceholderRate, so no claim is priced on a guess unless the tenant chose to.
        """
        index = bisect_right(self._starts, day) - 1
        if index < 0 or day > self.reference_rates[index].valid_to:
            first, last = self.rate_table_span
            raise RateUnavailable(
                f"{self.country}: no {self.reference_rate_name} for {day.isoformat()} "
                f"(the table covers {first.isoformat()}..{last.isoformat()}); add it: "
                f"{rate_fix(self.country, day)}",
                country=self.country,
                day=day,
            )
        row = self.reference_rates[index]
        if row.placeholder and not self.allow_placeholders:
            raise PlaceholderRate(
                f"{self.country}: the {self.reference_rate_name} for "
                f"{row.valid_from.isoformat()}..{row.valid_to.isoformat()} is a placeholder "
                f"({row.reference_rate} %, grade U: {row.source}); enter the published rate: "
                f"{rate_fix(self.country, day)} (or allow placeholders in the tenant's policy: "
                "[law] allow_placeholder_rates = true)",
                country=self.country,
                day=day,
            )
        return row

    def rate_changes(self, start: date, end: date) -> list[date]:
        """Return the days after ``start`` through ``end`` on which the reference rate changes.

        Those are the first days of the table's rows, and the first day of each gap and after
        the last row (from which there is no rate, so asking for it raises RateUnavailable).
        """
        days = list(
            self._starts[bisect_right(self._starts, start) : bisect_right(self._starts, end)]
        )
        days.extend(day for day in self._gaps if start < day <= end)
        return sorted(days)

    def surcharge(self, due_date: date, kind: CustomerKind) -> SurchargeRow:
        """Return the surcharge that governs a claim for its whole life, chosen by due date."""
        for row in self.surcharges:
            if row.applies(due_date, kind):
                return row
        raise RateUnavailable(
            f"{self.country}: no interest surcharge for a claim due {due_date.isoformat()}"
        )

    def annual_rate(self, day: date, due_date: date, kind: CustomerKind) -> AnnualRate:
        """Return the late-interest rate in force on ``day`` for a claim due on ``due_date``."""
        row = self.reference_row(day)
        surcharge = self.surcharge(due_date, kind)
        return AnnualRate(
            rate=row.reference_rate + surcharge.points,
            reference=row.reference_rate,
            points=surcharge.points,
            citation=surcharge.citation,
            placeholder=row.placeholder,
        )

    def fee_rule(
        self,
        day: date,
        *,
        due_date: date | None = None,
        kind: CustomerKind | None = None,
        action: ActionKind | None = None,
    ) -> FeeRule | None:
        """Return the reminder-fee rule for a letter sent on ``day``, None when fees are barred.

        Without ``due_date``, ``kind`` and ``action`` the first rule in force that day answers.
        """
        if action is not None and self.regime_barring(day, action) is not None:
            return None
        for rule in self.fee_rules:
            if rule.governs(day, due_date=due_date, kind=kind, action=action):
                return rule
        return None

    def regime_barring(self, day: date, action: ActionKind) -> RegimeSwitch | None:
        """Return the regime in force on ``day`` that bars a fee on ``action``, if any."""
        for regime in self.regimes:
            if regime.active(day) and action in regime.barred_actions:
                return regime
        return None

    def compensation_rule(self, due_date: date) -> CompensationRule | None:
        """Return the B2B compensation rule for a claim due on ``due_date``, if any."""
        for rule in self.compensations:
            if rule.covers(due_date):
                return rule
        return None

    def is_banking_day(self, day: date) -> bool:
        """Tell whether ``day`` is a banking day in this country."""
        return self.calendar.is_banking_day(day)

    def next_banking_day(self, day: date) -> date:
        """Return ``day`` or, if banks are closed, the next banking day (never earlier)."""
        return self.calendar.next_banking_day(day)

    @property
    def has_final_fee(self) -> bool:
        """Tell whether any fee rule allows a further fee after the ordinary ones (Norway)."""
        return any(rule.final_cap is not None for rule in self.fee_rules)

    def banking_days_after(self, day: date, count: int) -> date:
        """Return the ``count``-th banking day after ``day`` (``day`` itself not counted)."""
        current = day
        for _ in range(count):
            current = self.next_banking_day(current + timedelta(days=1))
        return current


def _check_ordered(country: str, rows: Sequence[RateRow]) -> None:
    """Refuse a rate table with overlaps or reversed rows: each would silently misprice.

    A gap is allowed (an operator may enter a later half-year first): its days have no rate,
    and asking for one raises RateUnavailable.
    """
    if not rows:
        raise ValueError(f"{country}: the reference-rate table is empty")
    for row in rows:
        if row.valid_to < row.valid_from:
            raise ValueError(f"{country}: rate row {row.valid_from} ends before it starts")
    for earlier, later in pairwise(rows):
        if later.valid_from <= earlier.valid_to:
            raise ValueError(
                f"{country}: rate rows {earlier.valid_from} and {later.valid_from} overlap"
            )
