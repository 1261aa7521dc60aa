"""Settling what earlier cycles wrote: unknown outcomes, unconfirmed letters, drafts."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import structlog

from bridge.engine.channels import UNKNOWN, Channels
from bridge.engine.mailer import MailFailed, MailUnknown
from bridge.infra import failpoints
from bridge.store import Store
from bridge.store.outbox import REFUSED_PREFIX, OutboxLetter
from bridge.vocab.connector import (
    Pending,
    Session,
)
from bridge.vocab.domain import (
    Letter,
    Snapshot,
    StepRecord,
    StepStatus,
    WriteResult,
)
from bridge.vocab.errors import (
    AuthError,
    ConnectorError,
    RejectedRequest,
    Transient,
)

if TYPE_CHECKING:
    from policies.ladder import TenantPolicy
    from policies.law import LawPack

from bridge.engine.outcome import CycleOptions, TenantOutcome
from bridge.engine.write import task_told

log = structlog.get_logger("bridge.engine.cycle")


def resolve_unknown(
    store: Store,
    name: str,
    session: Session,
    opts: CycleOptions,
    channels: Channels,
    *,
    outcome: TenantOutcome | None = None,
    window: timedelta = timedelta(0),
) -> None:
    """Read back every write whose outcome we never learned, before deciding anything new.

    Found: recorded. Not found, and the request never left the process (no attempt recorded):
    cancelled, decided again. Not found after it left: inside the vendor's idempotency window
    the same letter is sent again with the same key (the vendor replays its first answer if it
    had acted); otherwise absence cannot tell "never created" from "created, then deleted by
    the accountant", so the letter goes to the accountant as "could not confirm" and is never
    sent again by itself (docs/reliability.md § Could not confirm).
    """
    for row in store.unresolved(name):
        letter = row.letter
        if channels.owns(letter):
            found = channels.find(letter)
            if found is UNKNOWN:
                # An e-mail may have gone out: leave the letter open for a person, never resend.
                # SMTP has no read-back, so every cycle says so until a person settles it.
                why = channels.unconfirmed(letter)
                if store.unconfirm(letter.key, why, at=opts.now):
                    log.warning("outbox.mail_unknown", tenant=name, letter=letter.key)
                    channels.tell_unconfirmed(letter, row.text, why)
                if outcome is not None:
                    outcome.skipped.append((letter.key, _ask(why, letter)))
                continue
            if found is None and channels.resend_asked(letter):
                _resend_task(store, name, session, row, channels, opts=opts, outcome=outcome)
                continue
        else:
            found = session.find(letter.key)
        if isinstance(found, WriteResult) and found.status is StepStatus.REJECTED:
            # Written, then thrown away before this read-back (a vendor that keeps a cancelled
            # document, Fortnox): the accountant's rejection, recorded as such, never rewritten.
            store.found_rejected(letter.key, found, at=opts.now)
            log.info("outbox.recovered_rejected", tenant=name, letter=letter.key)
        elif isinstance(found, WriteResult):
            # Read back after a crash, a task note counts as told, as when written.
            found = task_told(letter, found)
            store.done(letter.key, found, at=opts.now)
            log.info("outbox.recovered", tenant=name, letter=letter.key, document=found.document)
        elif row.attempted_at is None:
            # The process stopped before the request left it: known not sent.
            store.cancel(letter.key, "never sent (stopped before the request left)", at=opts.now)
            log.info("outbox.not_written", tenant=name, letter=letter.key)
        elif row.unconfirmed:
            if outcome is not None:
                outcome.skipped.append((letter.key, _ask(row.detail, letter)))
        elif window > timedelta(0) and opts.now - row.attempted_at < window:
            _resend(store, name, session, row, opts=opts, outcome=outcome)
        else:
            why = (
                "could not confirm the write: the vendor shows no document with its key, and "
                + (
                    "its idempotency window has passed"
                    if window > timedelta(0)
                    else "it honours no idempotency key"
                )
                + ", so it may have been written and deleted by the accountant since; it is not "
                "written again by itself"
            )
            store.unconfirm(letter.key, why, at=opts.now)
            log.warning("outbox.unconfirmed", tenant=name, letter=letter.key)
            channels.tell_unconfirmed(letter, row.text, why)
            if outcome is not None:
                outcome.skipped.append((letter.key, _ask(why, letter)))


def _ask(why: str, letter: Letter) -> str:
    """The accountant's part of a "could not confirm" line: what to run once they know."""
    return (
        f"{why} Once you know: `dunning-bridge confirm {letter.tenant} {letter.key} --sent` "
        "(or --rejected, or --not-sent to have it written again)"
    )


def _resend(
    store: Store,
    name: str,
    session: Session,
    row: OutboxLetter,
    *,
    opts: CycleOptions,
    outcome: TenantOutcome | None,
) -> None:
    """Send an interrupted write again, inside the vendor's idempotency window, as it was.

    The same key and text: the vendor either replays its first answer (it had acted; a draft
    the accountant deleted since is then reconciled as rejected) or acts now (it had not).
    A payment or credit note since cancels it instead; it is decided again from today's data.
    """
    letter = row.letter
    if _cancelled_by_change(store, session, letter, "the interrupted write", at=opts.now):
        return
    try:
        store.attempt(letter.key, at=opts.now)
        result = task_told(letter, session.apply(letter, row.text))
    except AuthError:
        raise
    except RejectedRequest as exc:
        store.cancel(letter.key, f"{REFUSED_PREFIX}: {exc}", at=opts.now)
        return
    except (Transient, ConnectorError) as exc:
        if outcome is not None:
            outcome.skipped.append((letter.key, f"outcome unknown, will be read back: {exc}"))
            outcome.status = "partial"
        return
    store.done(letter.key, result, at=opts.now)
    log.info("outbox.resent", tenant=name, letter=letter.key, document=result.document)


def _resend_task(
    store: Store,
    name: str,
    session: Session,
    row: OutboxLetter,
    channels: Channels,
    *,
    opts: CycleOptions,
    outcome: TenantOutcome | None,
) -> None:
    """Send a task e-mail the accountant said never arrived once more, through the outbox.

    Its letter is still intended (its decisions claimed); the mailer claims the key before
    the SMTP conversation. A crash after the server took it leaves it "could not confirm"
    again; a crash after the mail was recorded sent is read back as issued. A payment or
    credit note since cancels it instead: it is decided again from today's data.
    """
    letter = row.letter
    if _cancelled_by_change(store, session, letter, "it was written", at=opts.now):
        return
    store.attempt(letter.key, at=opts.now)
    failpoints.reached("attempted")
    try:
        result = channels.resend_task(letter, row.text)
    except MailFailed as exc:
        store.cancel(letter.key, f"not delivered: {exc}", at=opts.now)
        if outcome is not None:
            outcome.skipped.append((letter.key, f"not delivered: {exc}"))
        return
    except MailUnknown as exc:
        if outcome is not None:
            outcome.skipped.append((letter.key, f"outcome unknown, not resent: {exc}"))
            outcome.status = "partial"
        return
    failpoints.reached("applied")
    store.done(letter.key, result, at=opts.now)
    failpoints.reached("recorded")
    log.info("outbox.task_resent", tenant=name, letter=letter.key, document=result.document)
    if outcome is not None:
        outcome.written.append((letter, result))


def supersede(
    store: Store,
    name: str,
    snapshot: Snapshot,
    history: list[StepRecord],
    *,
    law: LawPack,
    policy: TenantPolicy,
    opts: CycleOptions,
) -> list[StepRecord] | None:
    """Close the unconfirmed letters whose next step is due; return the new history, if any.

    Read as rejected (it did not reach the debtor, or the accountant deleted it), a letter
    whose invoices would get a step today is superseded: recorded rejected, and the new step
    proceeds. The others keep holding their invoices until the accountant answers.
    """
    from policies.engine import decide  # noqa: PLC0415

    waiting = store.unconfirmed(name)
    if not waiting or opts.dry_run:
        return None
    steps = {(d.invoice_id, d.action, d.step) for w in waiting for d in w.letter.decisions}
    trial = [
        dataclasses.replace(s, status=StepStatus.REJECTED)
        if s.status is StepStatus.PENDING and (s.invoice_id, s.action, s.step) in steps
        else s
        for s in history
    ]
    # Only what the rejection itself makes due: a step proposed either way is not a reason.
    anyway = {d.key for d in decide(opts.today, snapshot, history, law, policy)}
    due = {
        d.invoice_id
        for d in decide(opts.today, snapshot, trial, law, policy)
        if d.key not in anyway
    }
    superseded = False
    for w in waiting:
        if due & {d.invoice_id for d in w.letter.decisions}:
            store.supersede(
                w.letter.key,
                f"could not confirm, superseded by the next step on {opts.today.isoformat()}: "
                f"{w.detail}",
                at=opts.now,
            )
            log.warning("outbox.superseded", tenant=name, letter=w.letter.key)
            superseded = True
    return [*store.history(name), *snapshot.steps] if superseded else None


def reconcile(
    store: Store,
    *,
    name: str,
    session: Session,
    pending: list[Pending],
    opts: CycleOptions,
    outcome: TenantOutcome,
) -> None:
    """Settle earlier drafts as the vendor shows them; a doubtful absence settles nothing."""
    unreadable = len(session.skipped)
    results = list(session.reconcile(pending))
    unreadable = len(session.skipped) - unreadable
    doubt = absence_doubt(len(pending), results, unreadable)
    if doubt is not None:
        # Absence is evidence only from a complete, plausible view: the letters stay pending.
        results = [r for r in results if r.status is not StepStatus.REJECTED]
        outcome.skipped.append(("reconcile", doubt))
        outcome.status = "partial"
        log.warning("cycle.reconcile_doubt", tenant=name, reason=doubt)
    for result in results:
        if result.status is not StepStatus.PENDING:
            outcome.reconciled.append(result)
            if not opts.dry_run:
                store.settle(
                    result.letter_key, result.status, at=opts.now, document=result.document
                )


def absence_doubt(pending: int, results: list[WriteResult], unreadable: int) -> str | None:
    """Why the vendor's view cannot show a draft gone (None when it can).

    A connector's ``reconcile`` reads a missing draft as the accountant's rejection. That holds
    only when the view is complete and plausible: every item of the vendor's list read, and not
    every one of several pending drafts gone at once with none booked (an empty draft list
    while our drafts wait is far likelier a vendor fault than a clean sweep).
    """
    rejected = sum(1 for r in results if r.status is StepStatus.REJECTED)
    if not rejected:
        return None
    if unreadable:
        return (
            f"{unreadable} item(s) of the vendor's list could not be read: {rejected} draft(s) "
            "not found are kept pending, not recorded as rejected"
        )
    if pending >= 2 and rejected == len(results) == pending:
        return (
            f"none of our {pending} pending drafts was found and none was booked: an incomplete "
            "view of the vendor is assumed; they stay pending (a person checks `pending`)"
        )
    return None


def _cancelled_by_change(
    store: Store, session: Session, letter: Letter, since: str, *, at: datetime
) -> bool:
    """Cancel a letter about to be sent again when its invoices changed since ``since``.

    A payment or credit note in between means it is decided again from today's data.
    """
    changed = {
        k: v for k, v in session.recheck([d.invoice_id for d in letter.decisions]).items() if v
    }
    if changed:
        reasons = "; ".join(f"{k}: {v}" for k, v in sorted(changed.items()))
        store.cancel(letter.key, f"changed since {since} ({reasons})", at=at)
    return bool(changed)
