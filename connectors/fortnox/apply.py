"""Writing a letter to Fortnox: an unbooked invoice; in autonomous mode booked and sent.

Fortnox has no reminder API: the letter is an invoice carrying its key, sent by e-mail or
left to be printed; a hand-over goes to Fortnox Finans where it may (connectors/fortnox/finans.py).
"""

from __future__ import annotations

from collections import ChainMap

from bridge.vocab.connector import refuse_for_people
from bridge.vocab.domain import PROPOSALS, ActionKind, Letter, Mode, StepStatus, WriteResult
from bridge.vocab.errors import RejectedRequest, Transient
from connectors.fortnox import mapping, writer
from connectors.fortnox.finans import SEK, Finans, finans_refusal
from connectors.fortnox.readback import PRINT_PREFIX


class Apply(Finans):
    """Session.apply for Fortnox."""

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Write an unbooked invoice; in autonomous mode book and send it (or hand it over)."""
        refuse_for_people(letter, "an invoice")
        self._wrote_since_look = True
        autonomous = self.ctx.mode is Mode.AUTONOMOUS
        refusal = None
        if autonomous and letter.action is ActionKind.HANDOVER and letter.currency == SEK:
            refusal = finans_refusal(letter)
            if refusal is None:
                return self._hand_over(letter)
        lang = self._language(letter.customer_id)
        try:
            body = writer.invoice_body(
                letter,
                text,
                settings=self.rows,
                # A view, not a copy: copying the open invoices per letter cost O(n) each.
                invoices=ChainMap(self._settled, self._open),
                lang=lang,
            )
        except writer.LetterTooLong as exc:
            raise RejectedRequest(f"letter {letter.key}: {exc}") from None
        if refusal is not None:
            inner = body["Invoice"]
            inner["Comments"] = f"{refusal}. {inner['Comments']}"[: writer.COMMENTS_MAX]
        if self._written_since is None:
            self._written_since = self._now()
        created = self.client.create_invoice(body)
        number = mapping.document_number(created)
        if not autonomous or letter.action in PROPOSALS:
            if mapping.reference(created) == letter.key:
                self._written[letter.key] = created
            detail = f"unbooked invoice {number} for review"
            return WriteResult(
                letter.key,
                number,
                StepStatus.PENDING,
                f"{detail}; {refusal}" if refusal else detail,
            )
        return self._book_and_send(letter, number)

    def _book_and_send(self, letter: Letter, number: str) -> WriteResult:
        try:
            self.client.bookkeep(number)
        except (RejectedRequest, Transient) as exc:
            # The draft exists either way; reconcile tells later whether booking went through.
            return WriteResult(
                letter.key,
                number,
                StepStatus.PENDING,
                f"unbooked invoice {number} created; booking failed, left for review: {exc}",
            )
        raw = self._raw_customers.get(letter.customer_id)
        action, how = writer.send_action(mapping.delivery(raw) if raw else "PRINT")
        if action is None:
            return self._printed(letter, number)
        try:
            self.client.send(number, action)
        except (RejectedRequest, Transient) as exc:
            how = f"booked, but sending failed ({exc}); send it from Fortnox"
        return WriteResult(
            letter.key, number, StepStatus.ISSUED, f"booked as invoice {number}, {how}"
        )

    def _printed(self, letter: Letter, number: str) -> WriteResult:
        """A booked letter for a customer who gets printed invoices (delivery type PRINT).

        Fortnox cannot post it. By default it waits, pending, until Fortnox shows it sent (the
        accountant prints it from Fortnox, which sets Sent, or marks it sent); its document
        ``print:N`` tells reconcile to wait for that. With ``print_delivery = externalprint``
        the company posts every booked invoice itself, so the bridge marks it sent.
        """
        if self.print_delivery == "externalprint":
            try:
                self.client.mark_sent(number)
            except (RejectedRequest, Transient) as exc:
                return WriteResult(
                    letter.key,
                    f"{PRINT_PREFIX}{number}",
                    StepStatus.PENDING,
                    f"booked as invoice {number}; marking it sent failed ({exc}): print and "
                    "post it from Fortnox",
                )
            return WriteResult(
                letter.key,
                number,
                StepStatus.ISSUED,
                f"booked as invoice {number} and marked sent (externalprint): post it",
            )
        return WriteResult(
            letter.key,
            f"{PRINT_PREFIX}{number}",
            StepStatus.PENDING,
            f"booked as invoice {number}; the customer gets printed invoices: print and post "
            "it from Fortnox (the step counts once Fortnox shows it sent)",
        )

    def _language(self, customer_id: str) -> str:
        known = self._customers.get(customer_id)
        for candidate in (known.language if known else None, self.ctx.options.get("language")):
            if candidate in writer.LANGUAGES:
                return candidate
        return "sv"
