"""Writing a letter to Dinero: native reminder drafts per invoice, or a contact note.

Per letter and invoice: the invoice (its Timestamp), its reminders (Dinero's limits and our
key), the create; a note when Dinero's amounts differ; book and e-mail in autonomous mode.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bridge.vocab.domain import ActionKind, Decision, Letter, Mode, StepStatus, WriteResult
from bridge.vocab.errors import ConnectorError, RejectedRequest
from connectors.dinero import mapping, writer
from connectors.dinero.client import is_stale
from connectors.dinero.readback import NOTE_PREFIX, remember_hint
from connectors.dinero.state import DineroState, log


class Apply(DineroState):
    """Session.apply for Dinero."""

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Write the letter: native reminder drafts, or a note (and a pre-reminder mail)."""
        invoices = tuple(d.invoice_id for d in letter.decisions)
        remember_hint(self.ctx.tenant, letter.key, invoices, letter.customer_id)
        if self._written_since is None:
            self._written_since = datetime.now(UTC)
        if letter.action in writer.NATIVE:
            result = self._write_reminders(letter, text)
            if result.status is StepStatus.PENDING and not result.document.startswith(NOTE_PREFIX):
                self._written.update(dict.fromkeys(result.document.split(","), "draft"))
            return result
        result = self._write_note(letter, text)
        if result.status is StepStatus.PENDING and result.document.startswith(NOTE_PREFIX):
            self._written[result.document] = "kept"
        return result

    def _write_reminders(self, letter: Letter, text: str) -> WriteResult:
        lang = self._language(letter.customer_id)
        written: list[tuple[Decision, Any]] = []
        made: list[tuple[str, Any]] = []  # created by this call, undone if a later one fails
        try:
            for decision in letter.decisions:
                view, new = self._one_reminder(letter, decision, text, lang)
                written.append((decision, view))
                if new:
                    made.append((decision.invoice_id, view))
        except RejectedRequest:
            self._undo(made)
            raise
        documents = ",".join(f"{d.invoice_id}/{mapping.reminder_id(v)}" for d, v in written)
        found = [diff for d, v in written for diff in writer.differences(d, v)]
        if found:
            return self._disagree(letter, found, documents)
        if self.ctx.mode is not Mode.AUTONOMOUS:
            return WriteResult(
                letter.key, documents, StepStatus.PENDING, f"reminder draft(s) {documents}"
            )
        return self._book_and_send(letter, written, documents)

    def _one_reminder(
        self, letter: Letter, decision: Decision, text: str, lang: str
    ) -> tuple[Any, bool]:
        """Create one invoice's reminder draft, or return the one a replay already made."""
        guid = decision.invoice_id
        existing = self._unchanged_reminders(guid)
        if existing is None:
            existing = list(self.client.reminders(guid))
        for raw in existing:
            if mapping.reminder_key(raw) == letter.key and not mapping.is_deleted(raw):
                return raw, False
        reason = writer.limit_reason(existing, letter.date)
        if reason is not None:
            raise RejectedRequest(f"invoice {decision.invoice_number}: {reason}")
        stamp = mapping.timestamp(self.client.invoice(guid))
        body = writer.reminder_body(decision, key=letter.key, text=text, timestamp=stamp, lang=lang)
        # Whatever the answer, a later attempt on this invoice must see what this one did.
        self._fresh_reminders.pop(guid, None)
        try:
            return self.client.create_reminder(guid, body), True
        except RejectedRequest as exc:
            if not is_stale(exc):
                raise
            raise RejectedRequest(
                f"invoice {decision.invoice_number} changed in Dinero after it was read "
                "(outdated Timestamp); it is decided again next cycle",
                status=exc.status,
                vendor_code=exc.vendor_code,
            ) from None

    def _unchanged_reminders(self, guid: str) -> list[Any] | None:
        """The invoice's reminders as this fetch read them, if nothing changed it since.

        A reminder booked or created in Dinero writes to the invoice and moves its
        ``UpdatedAt``, which the re-check's ``changesSince`` list shows; an invoice it does not
        list still has the reminders the fetch read. Only an invoice a re-check has just found
        unchanged qualifies (the cycle re-checks every letter before writing it); Dinero refuses
        a reminder against its own rules in any case. None: read them again.
        """
        fresh = self._fresh_reminders.get(guid)
        if fresh is None or guid not in self._covered or guid in self._changes:
            return None
        return list(fresh)

    def _undo(self, made: list[tuple[str, Any]]) -> None:
        """Delete the drafts a failed multi-invoice letter already created."""
        for guid, view in made:
            try:
                self.client.delete_reminder(
                    guid, mapping.reminder_id(view), mapping.timestamp(view, "reminder")
                )
            except ConnectorError as exc:
                log.error(
                    "dinero.undo_failed", tenant=self.ctx.tenant, invoice=guid, error=str(exc)
                )

    def _disagree(
        self, letter: Letter, found: list[writer.Difference], documents: str
    ) -> WriteResult:
        """Keep the drafts, tell the accountant (a contact note) and our log."""
        self.differences.extend(found)
        summary = "; ".join(d.describe() for d in found)
        log.warning(
            "dinero.amounts_differ", tenant=self.ctx.tenant, letter=letter.key, differences=summary
        )
        try:
            self.client.add_note(
                letter.customer_id, writer.difference_note(letter, found, documents)
            )
        except ConnectorError as exc:
            log.error("dinero.note_failed", tenant=self.ctx.tenant, error=str(exc))
        return WriteResult(
            letter.key,
            documents,
            StepStatus.PENDING,
            f"reminder draft(s) {documents} kept for review: Dinero's amounts differ ({summary})",
        )

    def _book_and_send(
        self, letter: Letter, written: list[tuple[Decision, Any]], documents: str
    ) -> WriteResult:
        customer = self._customers.get(letter.customer_id)
        try:
            for decision, view in written:
                if mapping.is_draft(view):
                    self.client.book_reminder(
                        decision.invoice_id,
                        mapping.reminder_id(view),
                        mapping.timestamp(view, "reminder"),
                    )
        except ConnectorError as exc:
            # The drafts exist either way; reconcile tells later whether booking went through.
            return WriteResult(
                letter.key,
                documents,
                StepStatus.PENDING,
                f"reminder draft(s) {documents} created; booking failed, left for review: {exc}",
            )
        if customer is None or customer.email is None:
            how = "not e-mailed: the contact has no e-mail address; send it from Dinero"
        else:
            try:
                for decision, _ in written:
                    self.client.email_reminder(decision.invoice_id)
                how = "e-mailed by Dinero"
            except ConnectorError as exc:
                how = f"e-mail failed, send it from Dinero: {exc}"
        return WriteResult(letter.key, documents, StepStatus.ISSUED, f"booked {documents}, {how}")

    def _write_note(self, letter: Letter, text: str) -> WriteResult:
        """A note for steps Dinero has no object for; a pre-reminder mail where it can send."""
        mail = (
            letter.action is ActionKind.PRE_DUE_NOTICE
            and self.ctx.mode is Mode.AUTONOMOUS
            and all(self._overdue_on(d.invoice_id, letter.date) for d in letter.decisions)
        )
        reason = ""
        if letter.action is ActionKind.PRE_DUE_NOTICE and not mail:
            reason = (
                "Dinero mails a pre-reminder only once an invoice is overdue; send it from "
                "Dinero when it is, or resend the invoice."
                if self.ctx.mode is Mode.AUTONOMOUS
                else "Send it from Dinero (Send påmindelse) if you agree."
            )
        self.client.add_note(letter.customer_id, writer.proposal_note(letter, text, reason=reason))
        document = self._note_document(letter.customer_id, letter.key)
        if not mail:
            return WriteResult(
                letter.key,
                document,
                StepStatus.PENDING,
                f"proposal left as contact note {document}",
            )
        for decision in letter.decisions:
            stamp = mapping.timestamp(self.client.invoice(decision.invoice_id))
            self.client.send_pre_reminder(decision.invoice_id, stamp)
        return WriteResult(
            letter.key, document, StepStatus.ISSUED, "pre-reminder mailed by Dinero; note left"
        )

    def _note_document(self, contact: str, key: str) -> str:
        """Name the note just written: its Id, read back from the contact's notes by our key.

        Dinero's answer to the create names the contact, not the note. Should the list not show
        the note yet, the key stands in for the Id (reconcile finds a note by either).
        """
        notes = self._notes_or_none(contact)
        found = next((mapping.note_id(n) for n in notes if mapping.note_key(n) == key), key)
        return f"{NOTE_PREFIX}{contact}/{found}"

    def _overdue_on(self, invoice_id: str, day: date) -> bool:
        known = self._open.get(invoice_id)
        return known is not None and known.due_date < day

    def _language(self, customer_id: str) -> str:
        known = self._customers.get(customer_id)
        for candidate in (known.language if known else None, self.ctx.options.get("language")):
            if candidate in ("da", "en"):
                return candidate
        return "da"
