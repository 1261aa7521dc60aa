"""The law applied to one claim on one day: fee, compensation, interest and deadline, explained."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    CustomerKind,
    Dispute,
    InterestCharge,
    Invoice,
    StepRecord,
)
from policies import text
from policies.compensation import compensation
from policies.explained import NO_FEE_ASKED, Amount, Deadline, ordinal, short
from policies.law.base import FeeRule, LawPack

# The fee rule lives here; the explained answers and the compensation have their own modules
# and are named here too, so a caller finds every rule of one letter in one place.
__all__ = [
    "NO_FEE_ASKED",
    "PLACEHOLDER_WORDS",
    "Amount",
    "Deadline",
    "FeeLetter",
    "compensation",
    "deadline",
    "dispute_span",
    "disputed_between",
    "interest_note",
    "ordinal",
    "reminder_fee",
    "short",
]

# A class with a field named ``date`` shadows the type in its own body; annotate with this.
_Date = date


@dataclass(frozen=True, slots=True)
class FeeLetter:
    """An earlier fee-bearing letter on the claim: when, which kind, and the deadline it set."""

    date: _Date
    action: ActionKind | None = None  # None: counts under every rule
    deadline: _Date | None = None

    @classmethod
    def of(cls, record: StepRecord) -> FeeLetter:
        """Take the parts of a history record the fee rules read."""
        return cls(record.date, record.action, record.deadline)


def reminder_fee(
    law: LawPack,
    *,
    today: date,
    invoice: Invoice,
    customer: Customer,
    requested: Decimal,
    fee_dates: list[date],
    disputed: bool,
    action: ActionKind | None = None,
    fee_letters: Sequence[FeeLetter] | None = None,
    last_letter: date | None = None,
    due_date: date | None = None,
    warned: FeeLetter | None = None,
    disputes: Sequence[Dispute] = (),
    latest: FeeLetter | None = None,
) -> Amount:
    """Cap the requested reminder fee by the statute: amount, count, spacing, conditions.

    ``fee_letters`` (default: ``fee_dates`` under every rule) are the earlier fee-bearing
    letters; ``last_letter`` the latest letter of any kind; ``due_date`` the day payment was
    due at the latest (the next banking day under the lenient reading), default the invoice's;
    ``warned`` the latest issued collection warning (Norway's betalingsoppfordring needs one);
    ``disputes`` every dispute on the claim, ended or not (``disputed``: one covers today);
    ``latest`` the latest letter of any kind with its deadline: after a dispute spoiled a fee
    letter's deadline, the fresh deadline of a later letter may be the one missed.
    """
    if requested <= ZERO:
        return NO_FEE_ASKED
    rule = law.fee_rule(today, due_date=invoice.due_date, kind=customer.kind, action=action)
    if rule is None:
        regime = law.regime_barring(today, action) if action is not None else None
        if regime is not None:
            assert regime.in_force is not None  # a regime bars nothing before its set date
            return Amount(
                ZERO,
                f"No fee: {regime.effect} (in force from {regime.in_force.isoformat()}).",
                (regime.citation,),
            )
        return Amount(ZERO, f"No fee: no statutory reminder fee applies on {today.isoformat()}.")
    basis = (rule.citation,)
    if invoice.currency != law.currency:
        return Amount(
            ZERO,
            f"No fee: the invoice is in {invoice.currency} and the statutory reminder fee is "
            f"set in {law.currency}.",
            basis,
        )
    if rule.requires_agreement and not customer.reminder_fee_agreed:
        return Amount(ZERO, "No fee: the customer did not agree to reminder fees.", basis)
    if disputed:
        return Amount(
            ZERO,
            "No fee: the customer disputes the claim.",
            (*basis, law.citations.fee_dispute),
        )
    after = law.citations.fee_after_dispute
    past = [d for d in disputes if d.start < today] if after else []
    if past:
        # law.md § 1.2: once the claim has been disputed, Forbrugerombudsmanden allows no fee on
        # the later reminders (renteloven § 9 b stk. 1, "rimelig grund").
        return Amount(
            ZERO,
            f"No fee: the customer disputed the claim {dispute_span(past[-1])}; once a claim "
            f"has been disputed, later reminders carry no fee ({after}).",
            (*basis, after),
        )
    notice = (invoice.due_date - invoice.issue_date).days
    if notice < rule.invoice_notice_days:
        return Amount(
            ZERO,
            f"No fee: the invoice was issued {text.days(notice)} before its due date; a fee "
            f"needs at least {rule.invoice_notice_days} ({short(rule.citation)}).",
            basis,
        )
    due = due_date or invoice.due_date
    earliest = due + timedelta(days=rule.first_fee_offset)
    if today < earliest:
        how = (
            f"; {rule.earliest_days_after_due} full days after the due date must have passed, "
            f"the due date not counted ({short(rule.citation)})"
            if rule.full_days
            else ""
        )
        return Amount(
            ZERO,
            f"No fee: a reminder fee is allowed from {earliest.isoformat()} "
            f"(after the due date {due.isoformat()}{how}).",
            basis,
        )
    letters = (
        list(fee_letters) if fee_letters is not None else [FeeLetter(day) for day in fee_dates]
    )
    counted = [f for f in letters if rule.counts(f.action)]
    if rule.final_cap is not None and len(counted) == rule.max_count:
        return _final_fee(
            rule,
            today=today,
            requested=requested,
            counted=counted,
            warned=warned,
            currency=law.currency,
            disputes=disputes,
            latest=latest,
        )
    barred = _count_and_spacing(rule, today, counted, last_letter, disputes=disputes, latest=latest)
    if barred is not None:
        return barred
    why = f"{ordinal(len(counted) + 1)} fee-bearing reminder"
    if counted:
        gap = (today - counted[-1].date).days
        why += f", {text.days(gap)} after the previous one"
    return _capped(
        requested,
        rule.cap,
        currency=law.currency,
        why=f"{why} ({short(rule.citation)})",
        derivation=rule.derivation,
        limit="the fee at {cap} per letter",
        basis=basis,
    )


def _capped(
    requested: Decimal,
    cap: Decimal,
    *,
    currency: str,
    why: str,
    derivation: str,
    limit: str,
    basis: tuple[str, ...],
) -> Amount:
    """The fee asked for, capped by the law, with the sentence that says why and how."""
    fee = min(requested, cap)
    note = f"Fee {text.amount(fee, currency)}: {why}."
    if derivation:
        note += f" The cap is {derivation}: {text.amount(cap, currency)}."
    if requested > cap:
        note += (
            f" The policy asks for {text.amount(requested, currency)}; the law caps "
            f"{limit.format(cap=text.amount(cap, currency))}."
        )
    return Amount(fee, note, basis)


def _final_fee(
    rule: FeeRule,
    *,
    today: date,
    requested: Decimal,
    counted: Sequence[FeeLetter],
    warned: FeeLetter | None,
    currency: str,
    disputes: Sequence[Dispute] = (),
    latest: FeeLetter | None = None,
) -> Amount:
    """The one further fee after the ordinary ones (Norway's betalingsoppfordring).

    It follows an issued collection warning (inkassoloven § 10: once the varsel's deadline is
    out) and, like every further fee, needs the last fee-bearing letter's deadline of at least
    ``missed_deadline_days`` to have passed unpaid. A deadline that ran during a dispute was
    not missed (law.md § 2.2, § 2.5 "Disputed claims").
    """
    assert rule.final_cap is not None
    basis = (rule.final_citation or rule.citation,)
    had = (
        f"the claim already had {len(counted)} fee-bearing reminders, the most the law allows "
        f"before a {rule.final_name}"
    )
    needed = rule.missed_deadline_days
    if warned is None:
        return Amount(
            ZERO,
            f"No fee: {had}, and a {rule.final_name} follows an issued collection warning "
            f"({short(rule.final_citation)}).",
            basis,
        )
    if warned.deadline is None or today <= warned.deadline:
        until = warned.deadline.isoformat() if warned.deadline else "its deadline"
        return Amount(
            ZERO,
            f"No fee: {had}; the collection warning of {warned.date.isoformat()} runs until "
            f"{until}, and a {rule.final_name} comes after it ({short(rule.final_citation)}).",
            basis,
        )
    ran = disputed_between(warned.date, warned.deadline, disputes)
    if ran is not None:
        return Amount(
            ZERO,
            f"No fee: the collection warning of {warned.date.isoformat()} set a deadline of "
            f"{warned.deadline.isoformat()}, which ran while the claim was disputed "
            f"({dispute_span(ran, bare=True)}), so it was not missed; a {rule.final_name} "
            f"follows a missed one ({short(rule.final_citation)}).",
            basis,
        )
    if needed:
        missed = _deadline_not_missed(
            today,
            counted[-1],
            needed,
            earns=f"no {rule.final_name} fee",
            citation=rule.final_citation,
            basis=basis,
            disputes=disputes,
            latest=latest,
        )
        if missed is not None:
            return missed
    return _capped(
        requested,
        rule.final_cap,
        currency=currency,
        why=(
            f"the {rule.final_name} after {len(counted)} fee-bearing letters whose deadline "
            f"passed unpaid ({short(rule.final_citation)})"
        ),
        derivation=rule.final_derivation,
        limit="this fee at {cap}",
        basis=basis,
    )


def _count_and_spacing(
    rule: FeeRule,
    today: date,
    counted: Sequence[FeeLetter],
    last_letter: date | None,
    *,
    disputes: Sequence[Dispute] = (),
    latest: FeeLetter | None = None,
) -> Amount | None:
    """Return the no-fee answer when the count, spacing or a missed deadline bars a fee."""
    basis = (rule.citation,)
    spacing_basis = (*basis, rule.spacing_citation) if rule.spacing_citation else basis
    if len(counted) >= rule.max_count:
        return Amount(
            ZERO,
            f"No fee: the claim already had {len(counted)} fee-bearing reminders, "
            f"the most the law allows ({short(rule.citation)}).",
            basis,
        )
    needs = (
        f"{rule.min_spacing_days} full days to have passed, the day it was sent not counted "
        f"(from {{allowed}})"
        if rule.full_days
        else f"at least {rule.min_spacing_days}"
    )
    if counted:
        gap = (today - counted[-1].date).days
        if gap < rule.spacing_offset:
            allowed = counted[-1].date + timedelta(days=rule.spacing_offset)
            return Amount(
                ZERO,
                f"No fee: only {text.days(gap)} since the previous fee-bearing reminder on "
                f"{counted[-1].date.isoformat()}; a fee needs "
                f"{needs.format(allowed=allowed.isoformat())} ({short(rule.citation)}).",
                spacing_basis,
            )
    if rule.spacing_from_any_letter and last_letter is not None:
        gap = (today - last_letter).days
        if gap < rule.spacing_offset:
            allowed = last_letter + timedelta(days=rule.spacing_offset)
            return Amount(
                ZERO,
                f"No fee: only {text.days(gap)} since the previous reminder on "
                f"{last_letter.isoformat()}; a fee needs "
                f"{needs.format(allowed=allowed.isoformat())} "
                f"({short(rule.spacing_citation or rule.citation)}).",
                spacing_basis,
            )
    if rule.missed_deadline_days and counted:
        return _deadline_not_missed(
            today,
            counted[-1],
            rule.missed_deadline_days,
            earns="no further fee",
            citation=rule.spacing_citation or rule.citation,
            basis=spacing_basis,
            disputes=disputes,
            latest=latest,
        )
    return None


def _deadline_not_missed(
    today: date,
    previous: FeeLetter,
    needed: int,
    *,
    earns: str,
    citation: str,
    basis: tuple[str, ...],
    disputes: Sequence[Dispute] = (),
    latest: FeeLetter | None = None,
) -> Amount | None:
    """Return the no-fee answer unless the previous fee letter gave ``needed`` days to pay and
    that deadline has passed (Norway: a further fee only after a missed 14-day deadline).

    A deadline that ran during a dispute was not missed (law.md § 2.2: the debtor must have
    missed a deadline of at least 14 days; § 2.5: no fees on reasonable objections): any day
    from the letter's date through its deadline under a dispute keeps it from counting. The
    letter after the dispute gives a new deadline (docs/holds.md): once ``latest``, sent after
    ``previous``, gave ``needed`` days and that deadline passed undisputed, it was missed.
    """
    if previous.deadline is None or (previous.deadline - previous.date).days < needed:
        return Amount(
            ZERO,
            f"No fee: the fee-bearing letter of {previous.date.isoformat()} did not give "
            f"{needed} days to pay, so missing it earns {earns} ({short(citation)}).",
            basis,
        )
    if today <= previous.deadline:
        return Amount(
            ZERO,
            f"No fee: the deadline {previous.deadline.isoformat()} of the fee-bearing letter "
            f"of {previous.date.isoformat()} has not yet passed ({short(citation)}).",
            basis,
        )
    ran = disputed_between(previous.date, previous.deadline, disputes)
    if ran is not None and latest is not None and latest.date > previous.date:
        renewed = _deadline_not_missed(
            today, latest, needed, earns=earns, citation=citation, basis=basis, disputes=disputes
        )
        if renewed is None:
            return None  # the fresh deadline after the dispute was missed
    if ran is not None:
        return Amount(
            ZERO,
            f"No fee: the deadline {previous.deadline.isoformat()} of the fee-bearing letter of "
            f"{previous.date.isoformat()} ran while the claim was disputed "
            f"({dispute_span(ran, bare=True)}), so it was not missed and earns {earns} "
            f"({short(citation)}).",
            basis,
        )
    return None


def disputed_between(first: date, last: date, disputes: Sequence[Dispute]) -> Dispute | None:
    """Return the first dispute open on any day from ``first`` through ``last``, if any.

    A letter's deadline "ran during a dispute" when any day from the letter through its
    deadline was disputed: the debtor then did not have the whole period to pay undisturbed.
    """
    for dispute in disputes:
        if dispute.start <= last and (dispute.end is None or dispute.end >= first):
            return dispute
    return None


def dispute_span(dispute: Dispute, *, bare: bool = False) -> str:
    """Say when a dispute ran: "from A to B" ("A to B" when ``bare``), or "from A" if open."""
    if dispute.end is None:
        return f"from {dispute.start.isoformat()}, still open"
    span = f"{dispute.start.isoformat()} to {dispute.end.isoformat()}"
    return span if bare else f"from {span}"


def _cite(citation: str) -> str:
    """A citation in brackets after a sentence, nothing when there is none to give."""
    return f" ({short(citation)})" if citation else ""


def deadline(
    law: LawPack,
    *,
    today: date,
    days: int,
    statutory_minimum: int = 0,
    minimum_citation: str = "",
    banking_day: bool = True,
    min_banking_days: int = 0,
    banking_citation: str = "",
) -> Deadline:
    """Set a payment deadline ``days`` calendar days out, moved off a non-banking day.

    ``banking_day`` False keeps the calendar day (the statutory minimum is met either way).
    ``min_banking_days``: the deadline also leaves that many banking days after the letter's
    presumed receipt, the first banking day after ``today`` (Sweden's inkassokrav).
    """
    notes: list[str] = []
    if days < statutory_minimum:
        notes.append(
            f"the policy's {text.days(days)} were raised to the statutory {statutory_minimum}"
            f"{_cite(minimum_citation)}"
        )
        days = statutory_minimum
    raw = today + timedelta(days=days)
    day = law.next_banking_day(raw) if banking_day else raw
    if day != raw:
        notes.append(
            f"moved from {text.weekday(raw)} {raw.isoformat()} (not a banking day) to the next "
            "banking day"
        )
    if min_banking_days:
        receipt = law.banking_days_after(today, 1)
        floor = law.banking_days_after(receipt, min_banking_days)
        if day < floor:
            notes.append(
                f"moved to {floor.isoformat()} to leave {min_banking_days} banking days after "
                f"the presumed receipt on {receipt.isoformat()}{_cite(banking_citation)}"
            )
            day = floor
    extra = f"; {'; '.join(notes)}" if notes else ""
    return Deadline(day, f"Payment deadline {day.isoformat()} ({text.days(days)}{extra}).")


# Said wherever a placeholder reference rate (grade U) priced interest: the tenant's policy
# allowed it ([law] allow_placeholder_rates), and the reader must know the rate is not published.
PLACEHOLDER_WORDS = ", a placeholder: not yet published, carried forward"


def interest_note(
    law: LawPack, charge: InterestCharge, *, currency: str, due_date: date, kind: CustomerKind
) -> str:
    """Explain an interest charge: amount, principal, days, rate and its parts, day count."""
    parts = []
    for period in charge.periods:
        rate = law.annual_rate(period.start, due_date, kind)
        parts.append(
            f"{text.amount(period.principal, currency)} for "
            f"{text.period(period.start, period.end)} ({text.days(period.days)}) at "
            f"{text.percent(rate.rate)} (reference {text.percent(rate.reference)}"
            f"{PLACEHOLDER_WORDS if rate.placeholder else ''} + {text.points(rate.points)})"
        )
    head = f"Interest {text.amount(charge.amount, currency)}"
    citation = short(law.surcharge(due_date, kind).citation)
    if len(parts) == 1:
        return f"{head} on {parts[0]}, {charge.day_count} ({citation})."
    return (
        f"{head} for {text.period(charge.start, charge.end)}, {charge.day_count}, rounded once: "
        f"{'; '.join(parts)} ({citation})."
    )
