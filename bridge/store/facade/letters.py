"""The Store's letters: the outbox of letters and their decisions, e-mails and hand-overs.

``confirm`` and ``unconfirmed_mail`` join the two: a letter sent by e-mail is settled with its
e-mails, in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bridge.store import mail, outbox, review
from bridge.store.facade.base import StoreBase
from bridge.store.mail import HandoverRow, MailRow
from bridge.store.outbox import OutboxLetter
from bridge.vocab.connector import Pending
from bridge.vocab.domain import ActionKind, Letter, StepRecord, StepStatus, WriteResult
from bridge.vocab.errors import StoreError


class Letters(StoreBase):
    """The outbox (bridge/store/outbox.py) and the e-mails and hand-overs (mail.py)."""

    # outbox

    def intend(self, letter: Letter, text: str, *, at: datetime) -> bool:
        """Claim the letter's decisions before writing it; False when any is already claimed."""
        with self._write() as conn:
            return outbox.intend(conn, letter, text, at)

    def done(self, letter_key: str, result: WriteResult, *, at: datetime) -> None:
        """Record the vendor's answer for an intended letter (pending draft or issued)."""
        with self._write() as conn:
            outbox.done(conn, letter_key, result, at)

    def cancel(self, letter_key: str, reason: str, *, at: datetime) -> None:
        """Give up an intended letter that was not written; its decisions are freed."""
        with self._write() as conn:
            outbox.cancel(conn, letter_key, reason, at)

    def attempt(self, letter_key: str, *, at: datetime) -> None:
        """Note that an intended letter's request is about to leave the process."""
        with self._write() as conn:
            outbox.attempt(conn, letter_key, at)

    def unconfirm(self, letter_key: str, reason: str, *, at: datetime) -> bool:
        """Hand an intended letter whose outcome cannot be read back to the accountant."""
        with self._write() as conn:
            return outbox.unconfirm(conn, letter_key, reason, at)

    def found_rejected(self, letter_key: str, result: WriteResult, *, at: datetime) -> None:
        """Record an interrupted letter the read-back found cancelled by the accountant."""
        with self._write() as conn:
            outbox.found_rejected(conn, letter_key, result, at)

    def supersede(self, letter_key: str, reason: str, *, at: datetime) -> None:
        """Close an unconfirmed letter as rejected: its next step is due."""
        with self._write() as conn:
            outbox.supersede(conn, letter_key, reason, at)

    def unconfirmed(self, tenant: str) -> list[OutboxLetter]:
        """Return the letters waiting for the accountant's word, oldest first."""
        with self._read() as conn:
            return outbox.unconfirmed(conn, tenant)

    def unconfirmed_mail(self, tenant: str) -> list[MailRow]:
        """Return e-mails left ``sending`` whose letter is settled or that have none (a task
        or withdrawal notice, a case's copy to the agency): settled alone by `confirm`."""
        held = {r.letter.key for r in self.unconfirmed(tenant)}
        return [
            m
            for m in self.mails(tenant)
            if m.state == mail.SENDING
            and m.key not in held
            and m.key.removesuffix("-case") not in held
        ]

    def confirm(
        self, tenant: str, key: str, verdict: str, *, at: datetime, note: str = ""
    ) -> tuple[str, str]:
        """Record the accountant's word on an unconfirmed letter or e-mail.

        Return (what, new state): ``letter`` with the letter's state, or ``mail`` with the
        e-mail's. A letter's e-mails still ``sending`` are settled with it (sent, or failed so
        a later cycle may send them again); an e-mail of its own (a task or withdrawal notice,
        a case's copy to the agency) is settled alone. One transaction.
        """
        with self._write() as conn:
            row = outbox.find(conn, key)
            mails = [
                m
                for m in (mail.find(conn, tenant, key), mail.find(conn, tenant, f"{key}-case"))
                if m is not None and m.state == mail.SENDING
            ]
            said = {outbox.SENT: "sent", outbox.NOT_SENT: "not sent"}
            if row is not None and row.letter.tenant == tenant and row.unconfirmed:
                if mails and verdict == outbox.REJECTED_BY_ACCOUNTANT:
                    raise StoreError(
                        f"letter {key} went by e-mail: it was sent or not, there is no draft to "
                        "reject (use --sent or --not-sent)"
                    )
                if verdict == outbox.NOT_SENT and _resent(row, mails):
                    # A task for the tenant's own people is not decided again (its trigger
                    # was the day its step was reached): the same e-mail goes once more.
                    state = outbox.retry(conn, key, at, note=note)
                    mail.settle(
                        conn, tenant, key, state=mail.FAILED, detail=mail.RESEND_ASKED, at=at
                    )
                    return "letter", state
                document = mails[0].message_id if mails and verdict == outbox.SENT else None
                state = outbox.confirm(conn, key, verdict, at, document=document, note=note)
                for m in mails:
                    mail.settle(
                        conn,
                        tenant,
                        m.key,
                        state=mail.SENT if verdict == outbox.SENT else mail.FAILED,
                        detail=f"confirmed by the accountant: {said[verdict]}",
                        at=at,
                    )
                return "letter", state
            if len(mails) == 1 and mails[0].key == key:
                if verdict not in said:
                    raise StoreError(f"e-mail {key} was sent or not (use --sent or --not-sent)")
                state = mail.SENT if verdict == outbox.SENT else mail.FAILED
                detail = f"confirmed by the accountant: {said[verdict]}"
                mail.settle(
                    conn,
                    tenant,
                    key,
                    state=state,
                    detail=detail + (f" ({note})" if note else ""),
                    at=at,
                )
                return "mail", state
            raise StoreError(
                f"nothing of tenant {tenant} waits for confirmation under {key} "
                "(`dunning-bridge pending` lists what does)"
            )

    def refused(self, letter: Letter, text: str) -> str | None:
        """Why the vendor refused this same letter today (None: not refused, try it)."""
        with self._read() as conn:
            return outbox.refused(conn, letter, text)

    def unresolved(self, tenant: str) -> list[OutboxLetter]:
        """Return intended letters whose outcome is unknown, oldest first."""
        with self._read() as conn:
            return outbox.unresolved(conn, tenant)

    def pending(self, tenant: str) -> list[Pending]:
        """Return drafts waiting for the accountant, oldest first."""
        with self._read() as conn:
            return outbox.pending(conn, tenant)

    def settle(
        self, letter_key: str, status: StepStatus, *, at: datetime, document: str | None = None
    ) -> None:
        """Reconcile a pending letter to issued or rejected (repeating a settle is harmless).

        A letter the bridge set out to withdraw is recorded as withdrawn when its draft is gone
        (read back after a crash between the vendor's answer and our record), or as booked.
        """
        with self._write() as conn:
            if status is not StepStatus.PENDING:
                asked = review.withdrawal(conn, letter_key)
                if asked is not None and asked.state in review.OPEN:
                    answer = WriteResult(letter_key, document or "", status, "")
                    review.withdrawal_done(conn, answer, at)
                    return
            outbox.settle(conn, letter_key, status, at, document)

    def history(self, tenant: str, invoice_id: str | None = None) -> list[StepRecord]:
        """Return the steps of every letter not cancelled, one per decision, by date."""
        with self._read() as conn:
            return outbox.history(conn, tenant, invoice_id)

    def letter(self, letter_key: str) -> OutboxLetter | None:
        """Return the newest outbox row for a letter key."""
        with self._read() as conn:
            return outbox.find(conn, letter_key)

    def letters(
        self,
        tenant: str | None = None,
        *,
        states: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[OutboxLetter]:
        """Return outbox letters newest first, optionally by tenant and state."""
        with self._read() as conn:
            return outbox.listing(conn, tenant, states, limit)

    # mail and hand-overs (migration 002)

    def mail_claim(
        self,
        tenant: str,
        key: str,
        *,
        message_id: str,
        recipient: str,
        subject: str,
        at: datetime,
    ) -> bool:
        """Claim an e-mail before sending it; False when the key is already sending or sent."""
        with self._write() as conn:
            return mail.claim(
                conn,
                tenant,
                key,
                message_id=message_id,
                recipient=recipient,
                subject=subject,
                at=at,
            )

    def mail_settle(
        self, tenant: str, key: str, state: str, *, detail: str = "", at: datetime
    ) -> None:
        """Record that a claimed e-mail was sent, or failed without reaching the server."""
        with self._write() as conn:
            mail.settle(conn, tenant, key, state=state, detail=detail, at=at)

    def mail(self, tenant: str, key: str) -> MailRow | None:
        """Return the e-mail recorded under a key, None when none."""
        with self._read() as conn:
            return mail.find(conn, tenant, key)

    def mails(self, tenant: str) -> list[MailRow]:
        """Return a tenant's e-mails, oldest first."""
        with self._read() as conn:
            return mail.listing(conn, tenant)

    def record_handover(self, row: HandoverRow) -> bool:
        """Record a delivered hand-over once; False when it was already recorded."""
        with self._write() as conn:
            return mail.record_handover(conn, row)

    def handover(self, tenant: str, letter_key: str) -> HandoverRow | None:
        """Return the hand-over recorded for a letter key, None when none."""
        with self._read() as conn:
            return mail.find_handover(conn, tenant, letter_key)

    def handovers(self, tenant: str) -> list[HandoverRow]:
        """Return a tenant's hand-overs, oldest first."""
        with self._read() as conn:
            return mail.handovers(conn, tenant)


# Letters for the tenant's own people that go by e-mail (bridge/engine/channels.py).
_TASK_ACTIONS = frozenset({ActionKind.CREDIT_HOLD, ActionKind.TASK})


def _resent(row: OutboxLetter, mails: Sequence[MailRow]) -> bool:
    """Whether "not sent" on this letter sends its task e-mail again (rather than cancelling)."""
    return row.letter.action in _TASK_ACTIONS and [m.key for m in mails] == [row.letter.key]
