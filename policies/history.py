"""What already happened to each invoice: our store's records and the vendor's own reminders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import FOR_PEOPLE, ZERO, ActionKind, Snapshot, StepRecord, StepStatus
from policies.steps import LADDER_ACTIONS, LETTER_ACTIONS

# Proposals that never hold up the ladder while they wait in the accounting system.
# The vendor's letters and ours share one document when they went out together.
_LetterId = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Charged:
    """Amounts already charged on one invoice by issued steps."""

    fees: Decimal
    interest: Decimal
    compensation: Decimal


# What an invoice without issued steps has been charged: shared, since most have none.
_NOTHING_CHARGED = Charged(ZERO, ZERO, ZERO)


@dataclass(frozen=True, slots=True)
class StepHistory:
    """Records per invoice, with the questions the rules ask of them."""

    by_invoice: Mapping[str, tuple[StepRecord, ...]]
    fee_letters: frozenset[_LetterId]
    customer_of: Mapping[str, str]
    # Customers with a credit hold proposed on any of their invoices in the snapshot (in any
    # state): asked once per customer, so it is collected here rather than by a scan each time.
    credit_held: frozenset[str] = frozenset()

    @classmethod
    def build(cls, history: Iterable[StepRecord], snapshot: Snapshot) -> StepHistory:
        """Merge our records with the vendor's (dropping exact duplicates) and index them."""
        merged = list(dict.fromkeys((*history, *snapshot.steps)))
        customer_of = {inv.id: inv.customer_id for inv in (*snapshot.settled, *snapshot.invoices)}
        grouped: dict[str, list[StepRecord]] = defaultdict(list)
        for record in merged:
            grouped[record.invoice_id].append(record)
        by_invoice = {
            key: tuple(sorted(records, key=lambda r: (r.date, r.step, r.action.value)))
            for key, records in grouped.items()
        }
        fee_letters = frozenset(
            _letter_id(r, customer_of)
            for r in merged
            if r.status == StepStatus.ISSUED and r.fee > ZERO and r.action in LETTER_ACTIONS
        )
        credit_held = frozenset(
            customer_of[r.invoice_id]
            for r in merged
            if r.action == ActionKind.CREDIT_HOLD and r.invoice_id in customer_of
        )
        return cls(
            by_invoice=by_invoice,
            fee_letters=fee_letters,
            customer_of=customer_of,
            credit_held=credit_held,
        )

    def of(self, invoice_id: str) -> tuple[StepRecord, ...]:
        """Return the records of one invoice, oldest first."""
        return self.by_invoice.get(invoice_id, ())

    def claim(self, invoice_id: str) -> ClaimHistory:
        """Return everything the engine asks of one invoice's records, answered once."""
        return ClaimHistory.of(self, invoice_id)

    def pending(self, invoice_id: str) -> StepRecord | None:
        """Return a step waiting for the accountant.

        Credit holds (per customer) and tasks (notes for the creditor's own people) wait for
        nobody: the ladder goes on while they lie in the accounting system.
        """
        for record in self.of(invoice_id):
            if record.status == StepStatus.PENDING and record.action not in FOR_PEOPLE:
                return record
        return None

    def last_ladder_step(self, invoice_id: str) -> StepRecord | None:
        """Return the furthest ladder step taken or rejected; rejected steps still count.

        A task counts once written, even while its note waits in the accounting system.
        """
        done = [
            r
            for r in self.of(invoice_id)
            if r.action in LADDER_ACTIONS
            and (r.status != StepStatus.PENDING or r.action == ActionKind.TASK)
        ]
        return max(done, key=lambda r: (r.step, r.date)) if done else None

    def latest(self, invoice_id: str, action: ActionKind, status: StepStatus) -> StepRecord | None:
        """Return the most recent record of one action in one status."""
        found = [r for r in self.of(invoice_id) if r.action == action and r.status == status]
        return found[-1] if found else None

    def count(self, invoice_id: str, action: ActionKind, statuses: Sequence[StepStatus]) -> int:
        """Count the records of one action in the given statuses."""
        return sum(1 for r in self.of(invoice_id) if r.action == action and r.status in statuses)

    def fee_dates(self, invoice_id: str) -> list[date]:
        """Return the dates of fee-bearing letters on this claim.

        A letter counts when it carried a fee itself or shared a document with a claim that did:
        the fee is per letter, and we count it against every claim in the letter.
        """
        return [
            r.date
            for r in self.of(invoice_id)
            if r.status == StepStatus.ISSUED
            and r.action in LETTER_ACTIONS
            and (r.fee > ZERO or _letter_id(r, self.customer_of) in self.fee_letters)
        ]

    def fee_records(self, invoice_id: str) -> list[StepRecord]:
        """Return the fee-bearing letters on this claim (as ``fee_dates``), oldest first."""
        return [
            r
            for r in self.of(invoice_id)
            if r.status == StepStatus.ISSUED
            and r.action in LETTER_ACTIONS
            and (r.fee > ZERO or _letter_id(r, self.customer_of) in self.fee_letters)
        ]

    def last_letter(self, invoice_id: str) -> StepRecord | None:
        """Return the latest issued letter to the debtor on this claim, fee or not."""
        sent = [
            r
            for r in self.of(invoice_id)
            if r.status == StepStatus.ISSUED and r.action in LETTER_ACTIONS
        ]
        return sent[-1] if sent else None

    def interest_through(self, invoice_id: str) -> date | None:
        """Return the last day already charged with interest on this invoice."""
        ends: list[date] = []
        for record in self.of(invoice_id):
            if record.status != StepStatus.ISSUED:
                continue
            if record.interest_to is not None:
                ends.append(record.interest_to)
            elif record.interest > ZERO:
                # A vendor reminder that charged interest without a period: assume it ran to
                # its own date, so we never charge those days twice.
                ends.append(record.date)
        return max(ends) if ends else None

    def compensation_charged(self, invoice_id: str) -> StepRecord | None:
        """Return the issued step that charged the B2B compensation, if any."""
        for record in self.of(invoice_id):
            if record.status == StepStatus.ISSUED and record.compensation > ZERO:
                return record
        return None

    def charged(self, invoice_id: str) -> Charged:
        """Sum what issued steps have charged on this invoice."""
        issued = [r for r in self.of(invoice_id) if r.status == StepStatus.ISSUED]
        if not issued:
            return _NOTHING_CHARGED
        return Charged(
            fees=sum((r.fee for r in issued), ZERO),
            interest=sum((r.interest for r in issued), ZERO),
            compensation=sum((r.compensation for r in issued), ZERO),
        )


@dataclass(frozen=True, slots=True)
class ClaimHistory:
    """What already happened on one invoice, answered once: every question the engine asks.

    A decision asks the history of its invoice a dozen things (is a step pending, the last ladder
    step and letter, the fee letters, the issued warning, interest charged through, ...); the
    answers are gathered here once per invoice, so the engine reads fields instead of going back
    to the records each time.
    """

    records: tuple[StepRecord, ...]  # oldest first
    pending: StepRecord | None  # a step waiting for the accountant (``StepHistory.pending``)
    last_ladder_step: StepRecord | None
    last_letter: StepRecord | None  # the latest issued letter to the debtor, fee or not
    fee_records: tuple[StepRecord, ...]  # the fee-bearing letters on this claim, oldest first
    warning: StepRecord | None  # the latest issued collection warning
    interest_through: date | None  # the last day already charged with interest
    compensation_charged: StepRecord | None  # the issued step that charged the compensation
    charged: Charged  # what issued steps have charged
    interest_invoices: int  # interest invoices issued
    interest_rejected: bool  # the accountant rejected an interest invoice
    handed_over: bool  # a hand-over was issued

    @classmethod
    def of(cls, history: StepHistory, invoice_id: str) -> ClaimHistory:
        """Answer every question once for one invoice (a shared empty one without records)."""
        records = history.of(invoice_id)
        if not records:
            return _NO_HISTORY
        return cls(
            records=records,
            pending=history.pending(invoice_id),
            last_ladder_step=history.last_ladder_step(invoice_id),
            last_letter=history.last_letter(invoice_id),
            fee_records=tuple(history.fee_records(invoice_id)),
            warning=history.latest(invoice_id, ActionKind.COLLECTION_WARNING, StepStatus.ISSUED),
            interest_through=history.interest_through(invoice_id),
            compensation_charged=history.compensation_charged(invoice_id),
            charged=history.charged(invoice_id),
            interest_invoices=history.count(
                invoice_id, ActionKind.INTEREST_INVOICE, (StepStatus.ISSUED,)
            ),
            interest_rejected=bool(
                history.count(invoice_id, ActionKind.INTEREST_INVOICE, (StepStatus.REJECTED,))
            ),
            handed_over=bool(history.count(invoice_id, ActionKind.HANDOVER, (StepStatus.ISSUED,))),
        )


# The history of an invoice nothing has happened to: shared, since most invoices have none.
_NO_HISTORY = ClaimHistory(
    records=(),
    pending=None,
    last_ladder_step=None,
    last_letter=None,
    fee_records=(),
    warning=None,
    interest_through=None,
    compensation_charged=None,
    charged=_NOTHING_CHARGED,
    interest_invoices=0,
    interest_rejected=False,
    handed_over=False,
)


def _letter_id(record: StepRecord, customer_of: Mapping[str, str]) -> _LetterId:
    """Identify the letter a record went out in: its document, else customer, day and step."""
    if record.document:
        return ("document", record.source, record.document)
    customer = customer_of.get(record.invoice_id, "invoice:" + record.invoice_id)
    return (
        "letter",
        record.source,
        customer,
        record.date.isoformat(),
        record.action.value,
        str(record.step),
    )


def day_after(day: date) -> date:
    """Return the next calendar day."""
    return day + timedelta(days=1)
