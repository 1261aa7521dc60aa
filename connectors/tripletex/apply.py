"""Writing a letter to Tripletex: a draft order; in autonomous mode carried out at once.

Every letter becomes a draft order (connectors/tripletex/writer.py) in the letter's currency,
its charges on the company's VAT-free type. Review mode stops there: the letter is pending
until the accountant approves it (``dunning-bridge approve``, or by invoicing the order in
Tripletex); then, or at once in autonomous mode, it is carried out (send.py).
"""

from __future__ import annotations

from bridge.vocab.connector import Pending, refuse_for_people
from bridge.vocab.domain import Letter, Mode, StepStatus, WriteResult
from bridge.vocab.errors import MalformedResponse, NotFound, RejectedRequest
from connectors.tripletex import mapping, writer
from connectors.tripletex.readback import PROPOSALS, Readback
from connectors.tripletex.state import VAT_FREE_NUMBERS


class Apply(Readback):
    """Session.apply and Session.approve for Tripletex."""

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Write the draft order; in autonomous mode also carry it out (send the reminders)."""
        refuse_for_people(letter, "an order")
        body = writer.order_body(
            letter,
            text,
            company_fee=self.company_fee,
            vat_type=self._charge_vat_type(letter),
            currency_id=self._currency_id(letter.currency),
        )
        for d in letter.decisions:
            if letter.action in writer.REMINDER_ACTIONS:
                _, warning = writer.fee_on_reminder(d, self.company_fee)
                if warning:
                    self._warn(f"invoice {d.invoice_number}: {warning}")
        created = mapping.order(self.client.create_order(body))
        if created is None:
            raise MalformedResponse("Tripletex's new order does not carry our marker")
        self._orders[created.key] = created
        if self.ctx.mode is not Mode.AUTONOMOUS or letter.action in PROPOSALS:
            return WriteResult(
                letter.key,
                str(created.id),
                StepStatus.PENDING,
                f"draft order {created.id} for review; approve with "
                f"`dunning-bridge approve {self.ctx.tenant} {letter.key}`",
            )
        return self.carry_out(created)

    def _currency_id(self, code: str) -> int | None:
        """Tripletex's id of the letter's currency, learned from the invoices read."""
        found = self._currencies.get(code)
        if found is None and code != mapping.COMPANY_CURRENCY:
            raise RejectedRequest(
                f"the {code} invoices were read without their currency id, so the charges "
                f"would be booked in {mapping.COMPANY_CURRENCY}; not written"
            )
        return found

    def _charge_vat_type(self, letter: Letter) -> int | None:
        """The VAT type of the order's lines: the option, else the company's VAT-free type.

        Without one, Tripletex adds its default VAT to the fee, interest and compensation, so a
        letter with charges is refused rather than written with VAT on top.
        """
        if self.vat_type is not None:
            return self.vat_type
        if not self._vat_looked_up:
            self._vat_free = mapping.vat_free_type(
                self.client.vat_types(VAT_FREE_NUMBERS), VAT_FREE_NUMBERS
            )
            self._vat_looked_up = True
        charged = any(
            line["unitPriceExcludingVatCurrency"] != 0
            for line in writer.order_lines(letter, company_fee=self.company_fee)
        )
        if self._vat_free is None and charged:
            raise RejectedRequest(
                "Tripletex lists no active VAT type without VAT for the charges (number "
                f"{' or '.join(VAT_FREE_NUMBERS)}), and without one it adds 25 % VAT to fees, "
                "interest and compensation: turn it on under Regnskap > Innstillinger > "
                "MVA-innstillinger, or set the tenant option 'vat_type' to the id of the VAT "
                "type to use"
            )
        return self._vat_free

    def approve(self, item: Pending) -> WriteResult:
        """Carry out a pending proposal the accountant approved (``dunning-bridge approve``)."""
        order = self._order_of(item)
        if order is None:
            raise NotFound(
                f"draft order {item.document} of letter {item.letter_key} is gone from "
                "Tripletex; it was deleted, so there is nothing to approve"
            )
        return self.carry_out(order)
