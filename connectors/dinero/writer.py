"""A letter -> Dinero's own dunning objects: native reminder drafts, or a note for the accountant.

Reminders and collection warnings become Dinero reminders (rykkere), one per invoice, created
as drafts with the flags our decision asks for: ``WithFee``, ``WithInterestFee``,
``WithCompensationFee`` and ``WithDebtCollectionWarning``. Dinero computes the amounts itself;
the session compares them with ours. The letter's key ends the reminder's description
("Ref. dl-..."), which is how the session finds it again.

Steps Dinero has no object for (a hand-over, a credit hold, a task for the creditor's own
people, an interest note after a late payment, a pre-due notice it cannot mail) become a note on
the contact, carrying the key too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import ZERO, ActionKind, Decision, Letter
from connectors.dinero import mapping

# Dinero's limits on native reminders (spec: "up to three reminders per invoice"; "once 10 days
# have passed, another reminder can be added").
MAX_REMINDERS = 3
MIN_DAYS_BETWEEN = 10
NATIVE = frozenset({ActionKind.REMINDER, ActionKind.COLLECTION_WARNING})

_TITLES = {
    "da": {
        ActionKind.REMINDER: "Rykker {step}",
        ActionKind.COLLECTION_WARNING: "Inkassovarsel",
    },
    "en": {
        ActionKind.REMINDER: "Reminder {step}",
        ActionKind.COLLECTION_WARNING: "Debt collection warning",
    },
}
_PROPOSALS = {
    ActionKind.PRE_DUE_NOTICE: "send a friendly payment notice (pre-reminder)",
    ActionKind.HANDOVER: "hand the claim over to debt collection",
    ActionKind.CREDIT_HOLD: "put the customer on credit hold",
    ActionKind.TASK: "hand your own people a task (see the text)",
    ActionKind.INTEREST_INVOICE: "invoice late-payment interest",
    ActionKind.REMINDER: "send a reminder",
    ActionKind.COLLECTION_WARNING: "send a debt collection warning",
}


def reference(key: str) -> str:
    """The line that carries our key (find() searches for it)."""
    return f"Ref. {key}"


def title(decision: Decision, lang: str = "da") -> str:
    """The reminder's title, e.g. "Rykker 2" or "Inkassovarsel"."""
    labels = _TITLES.get(lang, _TITLES["da"])
    return labels[decision.action].format(step=decision.step)


def flags(decision: Decision) -> dict[str, bool]:
    """The four switches of a Dinero reminder, from what our decision charges."""
    return {
        "WithDebtCollectionWarning": decision.action is ActionKind.COLLECTION_WARNING,
        "WithFee": decision.fee > ZERO,
        "WithInterestFee": decision.interest_amount > ZERO,
        "WithCompensationFee": decision.compensation > ZERO,
    }


def reminder_body(
    decision: Decision, *, key: str, text: str, timestamp: str, lang: str = "da"
) -> dict[str, Any]:
    """Return the ReminderCreateModel for one decision of a letter."""
    return {
        "Timestamp": timestamp,
        "Date": decision.date.isoformat(),
        "Title": title(decision, lang),
        "Description": f"{text.strip()}\n\n{reference(key)}",
        **flags(decision),
    }


def limit_reason(existing: list[Any], day: date) -> str | None:
    """Say why Dinero will not take another reminder on ``day``; None when it will."""
    live = [r for r in existing if not mapping.is_deleted(r)]
    if any(mapping.is_draft(r) for r in live):
        return "a reminder draft already waits for review in Dinero"
    if len(live) >= MAX_REMINDERS:
        return f"Dinero holds at most {MAX_REMINDERS} reminders per invoice"
    if live:
        last = max(mapping.reminder_date(r) for r in live)
        if day < last + timedelta(days=MIN_DAYS_BETWEEN):
            return (
                f"Dinero needs {MIN_DAYS_BETWEEN} days between reminders; the last is dated "
                f"{last.isoformat()}"
            )
    return None


@dataclass(frozen=True, slots=True)
class Difference:
    """Where Dinero's computed amount differs from ours on one reminder."""

    invoice_number: str
    what: str
    ours: Decimal
    dinero: Decimal

    def describe(self) -> str:
        """One line for the note and the log."""
        return (
            f"invoice {self.invoice_number}: {self.what} Dinero {mapping.amount_text(self.dinero)}"
            f", bridge {mapping.amount_text(self.ours)}"
        )


def differences(decision: Decision, view: Any) -> list[Difference]:
    """Compare Dinero's fee, interest and compensation with the decision's, to the øre."""
    fee, interest, compensation = mapping.reminder_amounts(view)
    pairs = (
        ("fee", decision.fee, fee),
        ("interest", decision.interest_amount, interest),
        ("compensation", decision.compensation, compensation),
    )
    return [
        Difference(decision.invoice_number, what, ours, theirs)
        for what, ours, theirs in pairs
        if ours != theirs
    ]


def difference_note(letter: Letter, found: list[Difference], documents: str) -> str:
    """The contact note that tells the accountant Dinero and the bridge disagree.

    It names the drafts, not our key: find() must never take this note for the letter itself.
    """
    lines = [
        f"Dunning bridge: the reminder draft(s) {documents} of {letter.date.isoformat()} were "
        "left as drafts because Dinero's amounts differ from the bridge's:",
        *(f"- {d.describe()}" for d in found),
        "Check the amounts (Dinero uses its own reminder fee and interest settings) before "
        "booking, or delete the draft.",
    ]
    return "\n".join(lines)


def proposal_note(letter: Letter, text: str, *, reason: str = "") -> str:
    """The contact note for a step Dinero has no object for, with the letter text."""
    numbers = ", ".join(d.invoice_number for d in letter.decisions)
    what = _PROPOSALS[letter.action]
    charges = letter.total
    lines = [
        f"Dunning bridge proposes to {what} (invoice {numbers}, {letter.date.isoformat()}).",
    ]
    if charges > ZERO:
        lines.append(f"Charges: {letter.currency} {mapping.amount_text(charges)}.")
    task = letter.action is ActionKind.TASK
    if task:
        # Dinero names no salesperson, so the task waits here unless the bridge e-mails it.
        lines.append("A task for your own people: nothing is sent to the customer.")
    if reason:
        lines.append(reason)
    lines.extend(
        [
            # The ladder goes on after a task (the bridge records it as done once written), so
            # deleting its note rejects nothing.
            "Delete this note once the task is done."
            if task
            else "Delete this note to reject the proposal.",
            "",
            text.strip(),
            "",
            reference(letter.key),
        ]
    )
    return "\n".join(lines)


def withdrawal_marker(key: str) -> str:
    """What marks our "do not act" note for a letter; not the key itself, so reading the notes
    back by key still finds the proposal, never this note."""
    return f"Withdrawn by the bridge: {key.removeprefix('dl-')}"


def withdrawal_note(note_id: str, reason: str, key: str) -> str:
    """The contact note that withdraws an earlier proposal note (Dinero deletes no note by API)."""
    return "\n".join(
        [
            f"Dunning bridge: do NOT act on note {note_id} any more. {reason}.",
            "Nothing is to be sent to the customer for it; you may delete both notes.",
            "",
            withdrawal_marker(key),
        ]
    )
