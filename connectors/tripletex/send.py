"""Carrying out a Tripletex draft order: its reminders sent, each after a read-back.

``:createReminder`` sends at once and Tripletex has no idempotency key, so every send is
preceded by a read-back of the invoice's reminders (``GET /reminder?invoiceId=``): one already
there is taken as sent, never sent again. The charges a reminder cannot carry go out as an
invoice of the order; an order for a proposal is closed or invoiced.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bridge.vocab.domain import ActionKind, Customer, Letter, StepStatus, WriteResult
from bridge.vocab.errors import MalformedResponse, NotFound
from connectors.tripletex import mapping, writer
from connectors.tripletex.mapping import OrderInfo, ReminderInfo
from connectors.tripletex.state import TripletexState

# Reminders of an invoice are read from here on: before any invoice we could dun.
EPOCH = date(2000, 1, 1)


class Send(TripletexState):
    """Sending what an order stands for, and reading back what was sent."""

    def _progress(self, order: OrderInfo) -> WriteResult:
        """Issued when everything the order stands for happened, else pending on the order."""
        if order.action in writer.REMINDER_ACTIONS:
            sent = [self._sent(order, invoice_id) for invoice_id in order.invoice_ids]
            if all(s is not None for s in sent):
                ids = ", ".join(str(s.id) for s in sent if s is not None)
                return WriteResult(order.key, f"reminder {ids}", StepStatus.ISSUED, "sent")
        elif order.closed:
            return WriteResult(
                order.key, str(order.id), StepStatus.ISSUED, f"order {order.id} carried out"
            )
        return WriteResult(
            order.key, str(order.id), StepStatus.PENDING, f"draft order {order.id} for review"
        )

    def _existing(self, invoice_id: str) -> list[ReminderInfo]:
        """Every reminder Tripletex holds for one invoice, read now (the read-back)."""
        stop = self._today() + timedelta(days=2)
        return self._each(
            self.client.reminders(invoice=int(invoice_id), date_from=EPOCH, date_to=stop),
            lambda obj: mapping.reminder(obj, invoice_id),
            "reminder",
        )

    def _sent(self, order: OrderInfo, invoice_id: str) -> ReminderInfo | None:
        planned = mapping.NOTICE if order.action is ActionKind.COLLECTION_WARNING else "REMINDER"
        hits = [
            r for r in self._existing(invoice_id) if writer.matches(planned, r, order.order_date)
        ]
        return min(hits, key=lambda r: (r.date, r.id)) if hits else None

    def carry_out(self, order: OrderInfo) -> WriteResult:
        """Do what an approved order stands for, reading back before every send."""
        today = self._today()
        if order.action not in writer.REMINDER_ACTIONS:
            if order.closed:
                return self._progress(order)
            if order.action is ActionKind.INTEREST_INVOICE and order.priced:
                invoiced = self.client.invoice_order(order.id, on=order.order_date, send=True)
                number = _get_number(invoiced)
                return WriteResult(
                    order.key, str(number), StepStatus.ISSUED, f"sent as invoice {number}"
                )
            self.client.close_order(order.id, order.version)
            return WriteResult(
                order.key, str(order.id), StepStatus.ISSUED, f"order {order.id} carried out"
            )
        email = self._email(order.customer_id)
        try:
            writer.dispatch(
                mapping.NOTICE
                if order.action is ActionKind.COLLECTION_WARNING
                else mapping.SOFT_REMINDER,
                email=email,
                options=self.ctx.options,
            )
        except writer.NoRecipient as exc:
            # Nothing is sent; the letter waits until the customer has an address (or the
            # tenant chooses to print), and every cycle tries again.
            return WriteResult(order.key, str(order.id), StepStatus.PENDING, str(exc))
        ids: list[str] = []
        notes: list[str] = []
        for invoice_id in order.invoice_ids:
            existing = self._existing(invoice_id)
            planned = (
                mapping.NOTICE if order.action is ActionKind.COLLECTION_WARNING else "REMINDER"
            )
            done = [r for r in existing if writer.matches(planned, r, order.order_date)]
            if done:
                ids.append(str(min(done, key=lambda r: (r.date, r.id)).id))
                notes.append(f"invoice {invoice_id}: already in Tripletex, not sent again")
                continue
            earlier = [r for r in existing if r.date < order.order_date]
            step = writer.plan(
                order.action,
                invoice_id,
                earlier,
                include_charge=invoice_id in order.charged,
                email=email,
                options=self.ctx.options,
            )
            reminder = self.client.create_reminder(
                int(invoice_id),
                kind=step.type,
                on=today,
                include_charge=step.include_charge,
                include_interest=False,
                dispatch_types=step.dispatch_types,
                # The address the connector chose; without it Tripletex uses the invoice's.
                email=email if "EMAIL" in step.dispatch_types else None,
            )
            ids.append(str(reminder))
            notes.append(
                f"invoice {invoice_id}: {step.type} by {'+'.join(step.dispatch_types)}"
                + (f" to {email}" if "EMAIL" in step.dispatch_types else "")
                + (", with the company's fee" if step.include_charge else "")
                + (
                    f"; print reminder {reminder} in Tripletex and post it today"
                    if writer.printed_by_you(step.dispatch_types)
                    else ""
                )
            )
        if not order.closed:
            if order.priced:
                # The charges the reminder could not carry go out as an invoice of their own,
                # dated the letter's day: the order's invoicesDueIn then makes it due on the
                # letter's deadline, whatever day the accountant approved it.
                invoiced = self.client.invoice_order(order.id, on=order.order_date, send=True)
                notes.append(f"charges sent as invoice {_get_number(invoiced)}")
            else:
                self.client.close_order(order.id, order.version)
        return WriteResult(
            order.key, f"reminder {', '.join(ids)}", StepStatus.ISSUED, "; ".join(notes)
        )

    def delivery_routes(self, letter: Letter, customer: Customer) -> frozenset[str]:
        """How the letter's reminders would reach the debtor: paper, e-mail or electronic."""
        return writer.routes(letter.action, email=customer.email, options=self.ctx.options)

    def _email(self, customer_id: str | None) -> str | None:
        if customer_id is None:
            return None
        known = self._customers.get(customer_id)
        if known is None and customer_id.isdigit():
            try:
                known = mapping.customer(self.client.customer(int(customer_id)))
            except (MalformedResponse, NotFound):
                return None
        return known.email if known else None


def _get_number(invoice: Any) -> str:
    number = invoice.get("invoiceNumber") if isinstance(invoice, dict) else None
    ident = invoice.get("id") if isinstance(invoice, dict) else None
    return str(number if number is not None else ident)
