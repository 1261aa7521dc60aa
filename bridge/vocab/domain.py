"""The domain model every layer speaks: customers, invoices, payments, steps and decisions.

Money is ``decimal.Decimal`` with an ISO currency next to it, never float. Dates are
``datetime.date``; instants are timezone-aware ``datetime``. Everything here is a frozen value:
the policy is a pure function over these objects, and connectors build them from vendor JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policies.claim import Claim

# Classes with a field named ``date`` shadow the type in their own body; annotate with this.
_Date = date

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """Round an amount once, half-up, to two decimals (the øre/öre/cent)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class CustomerKind(StrEnum):
    """Business or consumer: the law treats them differently (fees, compensation, interest)."""

    BUSINESS = "business"
    CONSUMER = "consumer"


class ActionKind(StrEnum):
    """What a decision asks the accounting system to do."""

    PRE_DUE_NOTICE = "pre_due_notice"
    REMINDER = "reminder"
    COLLECTION_WARNING = "collection_warning"
    HANDOVER = "handover"
    INTEREST_INVOICE = "interest_invoice"
    CREDIT_HOLD = "credit_hold"
    TASK = "task"  # a ladder step for the creditor's own people: call the customer, tell sales


# Letters for the creditor's own people (a ladder task, a credit hold): never written where a
# document can reach the debtor (bridge/engine/channels.py sends them by e-mail or lists them
# in the bridge's task list).
FOR_PEOPLE = frozenset({ActionKind.CREDIT_HOLD, ActionKind.TASK})

# Letters that are proposals for a human even in autonomous mode: a connector never books or
# sends them itself.
PROPOSALS = frozenset({ActionKind.CREDIT_HOLD, ActionKind.HANDOVER, ActionKind.TASK})

# Each action in plain English words (explanations and the report; letters use the
# tenant's own language).
ACTION_WORDS = {
    ActionKind.PRE_DUE_NOTICE: "pre-due notice",
    ActionKind.REMINDER: "reminder",
    ActionKind.COLLECTION_WARNING: "collection warning",
    ActionKind.HANDOVER: "hand-over to collection",
    ActionKind.INTEREST_INVOICE: "interest invoice",
    ActionKind.CREDIT_HOLD: "credit hold",
    ActionKind.TASK: "task",
}


class Mode(StrEnum):
    """Review: write drafts the accountant books. Autonomous: book and send where possible."""

    REVIEW = "review"
    AUTONOMOUS = "autonomous"


class StepStatus(StrEnum):
    """Where a step written back to the accounting system stands."""

    PENDING = "pending"  # a draft or proposal waits for the accountant
    ISSUED = "issued"  # booked/sent: it happened
    REJECTED = "rejected"  # the accountant deleted the draft


@dataclass(frozen=True, slots=True)
class Customer:
    """A debtor as the accounting system knows it."""

    id: str
    name: str
    kind: CustomerKind
    country: str = "DK"
    email: str | None = None
    language: str | None = None
    reminder_fee_agreed: bool = False
    # The debtor agreed to receive notices electronically (Norway, inkassoloven § 3 a: a
    # collection letter by e-mail only with consent; bridge/engine/letter_checks.py).
    electronic_notices_agreed: bool = False
    paused_until: date | None = None
    barred: bool = False
    # Bankruptcy, dissolution, factoring and the like: never dun, propose a claim instead.
    do_not_dun_reason: str | None = None
    # Identity for a hand-over to collection (CVR / organisation number, postal address, phone).
    org_number: str | None = None
    address: str | None = None
    phone: str | None = None
    # The account's salesperson (a name) and their e-mail, where the system names one: tasks
    # such as "call the customer" go to them.
    salesperson: str | None = None
    salesperson_email: str | None = None
    # Credit in the customer's favour not yet allocated to an invoice (a credit note, an
    # overpayment or a prepayment): until it is allocated we cannot know what they owe.
    unapplied_credit: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Dispute:
    """A period in which the debtor contests the claim; ``end`` None means still open."""

    invoice_id: str
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        """Tell whether the dispute is open on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Hold:
    """A stop on one invoice: no step and no fee while it covers a day.

    ``until`` is the last day held (None: until lifted); ``lifted`` is the day the hold was
    lifted, from which it no longer covers.
    """

    invoice_id: str
    start: date
    until: date | None = None
    reason: str = ""
    lifted: date | None = None
    source: str = "bridge"

    def covers(self, day: date) -> bool:
        """Tell whether the hold stops dunning on ``day``."""
        if day < self.start or (self.lifted is not None and day >= self.lifted):
            return False
        return self.until is None or day <= self.until


@dataclass(frozen=True, slots=True)
class Instalment:
    """One promised payment: ``amount`` received by ``due`` (a single promise has one)."""

    due: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Promise:
    """A promise to pay, or a payment plan of several instalments.

    It covers one invoice (``invoice_id``), or every invoice of ``customer_id`` in its
    currency. ``ended`` is the day the accountant withdrew it.
    """

    id: str
    customer_id: str | None
    invoice_id: str | None
    made_on: date
    currency: str
    instalments: tuple[Instalment, ...]
    ended: date | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received against one invoice on one day (credit notes count as payments)."""

    invoice_id: str
    date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Invoice:
    """A booked customer invoice. ``outstanding`` is what remains unpaid as of the snapshot."""

    id: str
    number: str
    customer_id: str
    issue_date: date
    due_date: date
    currency: str
    amount: Decimal
    outstanding: Decimal
    paused_until: date | None = None
    # When the last payment arrived, where the system tells (for interest after a late payment).
    paid_date: date | None = None
    # The structured payment reference the source system gave the invoice (Fortnox's OCR,
    # Tripletex's KID), printed on letters instead of one the bridge would generate.
    payment_reference: str | None = None

    @property
    def is_paid(self) -> bool:
        """Tell whether nothing remains to collect."""
        return self.outstanding <= ZERO


@dataclass(frozen=True, slots=True)
class StepRecord:
    """A step already taken (or proposed) on an invoice: from our store or the vendor's own."""

    invoice_id: str
    action: ActionKind
    step: int
    date: date
    status: StepStatus = StepStatus.ISSUED
    fee: Decimal = ZERO
    interest: Decimal = ZERO
    interest_to: _Date | None = None
    compensation: Decimal = ZERO
    deadline: _Date | None = None
    source: str = "bridge"  # "bridge" or the vendor's name when the system sent it itself
    document: str | None = None
    # What of the step's charges is still unpaid, where the source system reports the remainder
    # of the document they were booked on; None where it does not (no connector does yet): the
    # claim then counts the charges as unpaid in full (policies/claim.py).
    unpaid: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a tenant's accounting system told us in one fetch."""

    tenant: str
    fetched_at: datetime
    customers: dict[str, Customer]
    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    steps: tuple[StepRecord, ...] = ()  # reminders the vendor already shows on its invoices
    # Invoices paid since the last cycle, for interest after a late payment.
    settled: tuple[Invoice, ...] = ()
    # Holds and promises recorded in the bridge's store (the cycle adds them to the fetch).
    holds: tuple[Hold, ...] = ()
    promises: tuple[Promise, ...] = ()


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """One stretch of days at one annual rate (a half-year split gives several)."""

    start: date
    end: date  # inclusive
    rate: Decimal  # percent per year
    days: int
    year_days: int
    principal: Decimal
    amount: Decimal  # unrounded contribution
    # The reference rate is a placeholder (grade U), used only where the tenant's policy allows
    # it; every explanation and letter that shows the period says so.
    placeholder: bool = False


@dataclass(frozen=True, slots=True)
class InterestCharge:
    """Late interest for consecutive days ``start``..``end`` (both counted), rounded once."""

    start: date
    end: date
    amount: Decimal
    periods: tuple[InterestPeriod, ...]
    day_count: str

    @property
    def rate(self) -> Decimal:
        """The rate of the last period: the one in force on the action date."""
        return self.periods[-1].rate if self.periods else ZERO


@dataclass(frozen=True, slots=True)
class Decision:
    """The lawful next step for one invoice, with every amount and the rule that set it."""

    tenant: str
    invoice_id: str
    invoice_number: str
    customer_id: str
    date: date
    action: ActionKind
    step: int
    currency: str
    outstanding: Decimal
    fee: Decimal = ZERO
    interest: InterestCharge | None = None
    compensation: Decimal = ZERO
    deadline: _Date | None = None
    channel: str = "system"
    legal_basis: tuple[str, ...] = ()
    explanation: str = ""
    letter: str = ""  # decisions sharing this value go into one document
    # A task step: what to do ("call", "tell_salesperson" or the tenant's own words) and for whom
    # ("salesperson", "tasks" for the tenant's task_email, or an e-mail address).
    task: str = ""
    assignee: str = ""
    # The ladder step's name and tone ("friendly", "firm", "formal") as the tenant's policy
    # gives them: the letter's wording follows them (docs/policy.md). Empty where no ladder step
    # made the decision (a pre-due notice, an interest invoice) or a stored one predates them.
    name: str = field(default="", compare=False)
    tone: str = field(default="", compare=False)
    # Each amount with the sentence that set it, e.g. ("fee", "Fee DKK 100.00: ..."), for
    # `explain`. Derived from the same inputs, so it takes no part in equality.
    rules: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # The whole claim on the invoice (principal, earlier charges still unpaid, today's charges,
    # interest accrued): every letter, the explanation and the case file state it.
    claim: Claim | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """The deterministic idempotency key: one invoice, one action, one step, once."""
        return idempotency_key(self.tenant, self.invoice_id, self.action, self.step)

    @property
    def interest_amount(self) -> Decimal:
        """Interest charged by this decision, 0.00 when none."""
        return self.interest.amount if self.interest else ZERO

    @property
    def total_charges(self) -> Decimal:
        """Fee, interest and compensation together."""
        return self.fee + self.interest_amount + self.compensation


def issued_step(decision: Decision) -> StepRecord:
    """A decision as the step it becomes once issued (simulations and forecasts book it so)."""
    return StepRecord(
        invoice_id=decision.invoice_id,
        action=decision.action,
        step=decision.step,
        date=decision.date,
        status=StepStatus.ISSUED,
        fee=decision.fee,
        interest=decision.interest_amount,
        interest_to=decision.interest.end if decision.interest else None,
        compensation=decision.compensation,
        deadline=decision.deadline,
        document=decision.letter or decision.key,
    )


def idempotency_key(tenant: str, invoice_id: str, action: ActionKind, step: int) -> str:
    """Derive the key we embed in every document we write, so a retry can find it."""
    # A StrEnum formats as its value; reading .value is a slow enum lookup per decision.
    raw = f"{tenant}\x1f{invoice_id}\x1f{action}\x1f{step}".encode()
    return "db-" + hashlib.sha256(raw).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Letter:
    """One document to write back: the decisions of one customer, one action and step, one day."""

    tenant: str
    customer_id: str
    action: ActionKind
    step: int
    date: date
    currency: str
    decisions: tuple[Decision, ...]
    key: str = field(default="")
    # The customer's name when the letter was written, so `pending` and `history` name the
    # customer without reading the accounting system. Not part of the letter's identity.
    customer_name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", letter_key(d.key for d in self.decisions))

    @property
    def total(self) -> Decimal:
        """What the letter asks for in charges (outstanding principal is listed separately)."""
        return sum((d.total_charges for d in self.decisions), ZERO)

    @property
    def name(self) -> str:
        """The ladder step's name (empty where no ladder step made the letter)."""
        return self.decisions[0].name if self.decisions else ""

    @property
    def tone(self) -> str:
        """The ladder step's tone (empty where no ladder step made the letter)."""
        return self.decisions[0].tone if self.decisions else ""

    @property
    def deadline(self) -> _Date | None:
        """The latest deadline of the decisions in the letter."""
        deadlines = [d.deadline for d in self.decisions if d.deadline]
        return max(deadlines) if deadlines else None


LETTER_KEY_PREFIX = "dl-"


def letter_key(decision_keys: Iterable[str]) -> str:
    """Derive a letter's key from the keys of its decisions (order does not matter)."""
    joined = "\x1f".join(sorted(decision_keys))
    return LETTER_KEY_PREFIX + hashlib.sha256(joined.encode()).hexdigest()[:24]


def is_letter_key(text: str | None) -> bool:
    """Tell whether ``text`` is one of our letter keys (marks a document the bridge wrote).

    A booked reminder-fee or interest invoice is part of the original claim, so connectors
    leave documents carrying our key out of the invoices to dun.
    """
    return bool(text) and str(text).startswith(LETTER_KEY_PREFIX) and len(str(text)) == 27


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What the accounting system answered for a letter we wrote."""

    letter_key: str
    document: str  # vendor document id (draft number, invoice number, reminder id)
    status: StepStatus
    detail: str = ""
