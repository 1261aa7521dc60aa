"""Writing a letter to e-conomic: a draft invoice; in autonomous mode booked and sent.

e-conomic has no reminder object: the letter is a draft invoice carrying its key
(connectors/economic/writer.py), addressed to the customer's reminder contact, on the layout,
payment terms and products the tenant's options name.
"""

from __future__ import annotations

from collections import ChainMap
from typing import Any

from bridge.vocab import languages
from bridge.vocab.connector import refuse_for_people
from bridge.vocab.domain import PROPOSALS, ActionKind, Letter, Mode, StepStatus, WriteResult
from bridge.vocab.errors import (
    AuthError,
    ConfigError,
    MalformedResponse,
    NotFound,
    RejectedRequest,
    Transient,
)
from bridge.vocab.options import whole_number
from connectors.economic import mapping, writer
from connectors.economic.readback import Readback
from connectors.economic.state import log


class Apply(Readback):
    """Session.apply for e-conomic."""

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Create the draft; in autonomous mode also book and send it."""
        refuse_for_people(letter, "a draft invoice")
        customer = self._raw_customers.get(letter.customer_id)
        if customer is None:
            customer = self.client.customer(int(letter.customer_id))
        lang = self._language(letter.customer_id, letter.action)
        try:
            body = writer.draft_body(
                letter,
                text,
                customer=customer,
                settings=self._settings(),
                # A view, not a copy: copying the open invoices per letter cost O(n) each.
                invoices=ChainMap(self._settled, self._open),
                lang=lang,
            )
        except writer.LetterTooLong as exc:
            raise RejectedRequest(f"letter {letter.key}: {exc}") from None
        contact = self._reminder_contact(letter)
        if contact is not None:
            writer.attend(body, contact[0])
        made = self._create_draft(letter, body)
        if isinstance(made, WriteResult):
            return made
        draft = made
        if self.ctx.mode is not Mode.AUTONOMOUS or letter.action in PROPOSALS:
            return WriteResult(
                letter.key, str(draft), StepStatus.PENDING, f"draft {draft} for review"
            )
        send_by, how = writer.send_by(customer, contact[1] if contact else None)
        try:
            booked = self.client.book(draft, send_by=send_by, idempotency_key=f"{letter.key}-book")
        except (RejectedRequest, Transient) as exc:
            # The draft exists either way; reconcile tells later whether the booking went through.
            return WriteResult(
                letter.key,
                str(draft),
                StepStatus.PENDING,
                f"draft {draft} created; booking failed, left for review: {exc}",
            )
        number = mapping.invoice_number(booked)
        return WriteResult(
            letter.key, str(number), StepStatus.ISSUED, f"booked as invoice {number}, {how}"
        )

    def _create_draft(self, letter: Letter, body: dict[str, Any]) -> int | WriteResult:
        """POST the draft; when its answer is lost, read it back by key instead of posting again.

        The Idempotency-Key the request carries is documented to replay the first answer, but no
        recording shows that, so nothing relies on it: the draft is looked up by the letter's key
        in references.other. Found as a draft, its number is returned (autonomous mode books it);
        found booked, that result; not found, the error is raised and the cycle reads it back
        again at its next start (a write still in flight then shows).
        """
        try:
            return mapping.draft_number(self.client.create_draft(body, idempotency_key=letter.key))
        except (Transient, MalformedResponse):  # the request left; what it did is unknown
            found = self.find(letter.key)
            if found is None:
                raise
            log.info("economic.draft_read_back", tenant=self.ctx.tenant, letter=letter.key)
        if found.status is StepStatus.PENDING and found.document.isdigit():
            return int(found.document)
        return found

    def _reminder_contact(self, letter: Letter) -> tuple[int, str] | None:
        """The customer's contact person ticked for reminder e-mails (one read per customer).

        Letters for the tenant's own people (tasks, proposals) go to no contact. A contact
        list e-conomic will not give (the app's role) leaves the draft to the customer.
        """
        if letter.action in PROPOSALS or not letter.customer_id.isdigit():
            return None
        if letter.customer_id in self._contacts:
            return self._contacts[letter.customer_id]
        try:
            found = mapping.reminder_contact(self.client.contacts(int(letter.customer_id)))
        except (AuthError, NotFound) as exc:
            log.warning("economic.contacts_unreadable", tenant=self.ctx.tenant, reason=str(exc))
            return None
        self._contacts[letter.customer_id] = found  # one read per customer and fetch
        return found

    def _language(self, customer_id: str, action: ActionKind | None = None) -> str:
        """The language of the draft's heading and lines, chosen as the letter's own is.

        The customer's language, else the tenant's (the option ``language``, else its
        country's); documents for the tenant's own people (tasks, proposals) in the tenant's.
        """
        tenant = languages.tenant_language(self.ctx.country, self.ctx.options)
        known = self._customers.get(customer_id)
        if action in languages.INTERNAL_ACTIONS or known is None:
            lang = tenant
        else:
            lang = languages.language_for(known, tenant)
        return lang if lang in writer.LANGUAGES else "en"

    def _settings(self) -> writer.DraftSettings:
        """The layout, payment terms and products drafts use: options, else e-conomic's first."""
        if self._draft_settings is not None:
            return self._draft_settings
        options = self.ctx.options
        layout = whole_number(options, "layout")
        if layout is None:
            first = next(iter(self.client.layouts()), None)
            if first is None:
                raise ConfigError("e-conomic has no invoice layout; set the tenant option 'layout'")
            layout = mapping.layout_number(first)
        terms = [mapping.payment_terms(t) for t in self.client.payment_terms()]
        wanted = whole_number(options, "payment_terms")
        chosen = writer.choose_terms(terms, wanted)
        fee = options.get("fee_product", "RYK")
        self._draft_settings = writer.DraftSettings(
            layout=layout,
            payment_terms=chosen[0],
            payment_terms_type=chosen[1],
            fee_product=fee,
            info_product=options.get("info_product", fee),
            interest_product=options.get("interest_product", "RENTE"),
            compensation_product=options.get("compensation_product", "KOMP"),
        )
        return self._draft_settings
