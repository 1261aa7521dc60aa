"""Reading a Dinero snapshot: open invoices with payments and Dinero's reminders, late payers.

The lists come from the change feed (connectors/dinero/feed.py), the per-invoice reads from
memory where the invoice has not changed (connectors/dinero/memory.py), each contact's credit
from connectors/dinero/credit.py. A page that fails fails the fetch; an item that cannot be
read is skipped and named.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bridge.vocab.domain import ZERO, Invoice, Payment, Snapshot, StepRecord
from bridge.vocab.errors import MalformedResponse
from bridge.vocab.feeds import full_sweep_days
from connectors.dinero import mapping
from connectors.dinero.credit import with_credit
from connectors.dinero.feed import CLOCK_SKEW, OPEN_STATUSES, PAID_STATUSES, read_lists
from connectors.dinero.memory import Read, reads_of, stamp
from connectors.dinero.state import DineroState

# Paid invoices are read back this far on a first run (interest after a late payment).
SETTLED_LOOKBACK = timedelta(days=35)


class Fetch(DineroState):
    """Session.fetch for Dinero."""

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read contacts, open invoices with payments and Dinero's reminders, late payers."""
        self.skipped, self.left_alone = [], {}
        self._fresh_reminders, self._covered = {}, set()
        started = datetime.now(UTC)
        horizon = today + timedelta(days=self.pre_due_days)
        lists = read_lists(self.ctx, self.client, today, started)
        listed = [
            (item, due)
            for item, due in self._each(
                lists[0] if lists else self.client.invoices(OPEN_STATUSES), _listed, "open invoice"
            )
            if not self._leave_alone(item)
        ]
        wanted = [(item, due) for item, due in listed if item_overdue(item) or due <= horizon]
        remembered = reads_of(self.ctx)
        for gone in set(remembered) - {mapping.invoice_guid(item) for item, _ in wanted}:
            del remembered[gone]  # paid, deleted or not due: not needed again
        open_: list[Invoice] = []
        payments: list[Payment] = []
        steps: list[StepRecord] = []
        for item, _ in wanted:
            read = self._read_open(item)
            if read is None:
                continue
            invoice, paid, found = read
            open_.append(invoice)
            payments.extend(paid)
            steps.extend(found)
        settled, late_payments = self._read_settled(today, since)
        payments.extend(late_payments)
        contacts = lists[1] if lists else self.client.contacts()
        customers = {c.id: c for c in self._each(contacts, self._customer, "contact")}
        customers = with_credit(
            self.ctx, self.client, customers, {i.customer_id for i in open_}, self._skip
        )
        snap = self._snapshot(customers, open_, settled, payments=payments, steps=steps)
        self._open = {i.id: i for i in snap.invoices}
        self._settled = {i.id: i for i in snap.settled}
        self._customers = customers
        self._changes, self._changes_since = {}, started
        return snap

    def _read_open(self, item: Any) -> tuple[Invoice, list[Payment], list[StepRecord]] | None:
        guid = mapping.invoice_guid(item)
        known = self._remembered(guid, item)
        # The earliest of the kept reads: reused ones keep the time they were made.
        read_at = known.read_at if known is not None else datetime.now(UTC)
        paid = known.paid if known is not None else self.client.payments(guid)
        try:
            invoice = mapping.invoice(item, paid)
        except MalformedResponse as exc:
            self._skip(f"invoice skipped: {exc}")
            return None
        if invoice.outstanding <= ZERO:
            reads_of(self.ctx)[guid] = Read(stamp(item), paid, None, read_at)
            return None
        steps: list[StepRecord] = []
        reminders: tuple[Any, ...] | None = None
        if item_overdue(item):
            if known is not None and known.reminders is not None:
                reminders = known.reminders
            else:
                reminders = tuple(self.client.reminders(guid))
                self._fresh_reminders[guid] = reminders
        reads_of(self.ctx)[guid] = Read(stamp(item), paid, reminders, read_at)
        if reminders is not None:
            for raw in reminders:
                try:
                    # Our own reminders are in our store already; counting them twice would
                    # double their fees against the law's limits.
                    if mapping.reminder_key(raw) is None:
                        step = mapping.reminder_step(guid, raw)
                        if step is not None:
                            steps.append(step)
                except MalformedResponse as exc:
                    self._skip(f"a reminder of invoice {invoice.number} skipped: {exc}")
        return invoice, mapping.payments(guid, paid), steps

    def _remembered(self, guid: str, item: Any) -> Read | None:
        """The reads of an earlier fetch, if the invoice has not changed since."""
        if self.ctx.options.get("incremental", "on").strip().lower() == "off":
            return None
        known = reads_of(self.ctx).get(guid)
        if known is None or known.stamp != stamp(item) or not known.stamp[0]:
            return None
        if datetime.now(UTC) - known.read_at > timedelta(days=full_sweep_days(self.ctx.options)):
            return None
        return known

    def _read_settled(
        self, today: date, since: datetime | None
    ) -> tuple[list[Invoice], list[Payment]]:
        """Invoices paid since the last cycle whose last payment came after the due date."""
        start = (
            since.astimezone(UTC) - CLOCK_SKEW
            if since is not None and since.tzinfo is not None
            else datetime(today.year, today.month, today.day, tzinfo=UTC) - SETTLED_LOOKBACK
        )
        settled: list[Invoice] = []
        payments: list[Payment] = []
        for item in self.client.invoices(PAID_STATUSES, changes_since=start):
            if self._leave_alone(item):
                continue  # the agency charges its own interest: no interest note from us
            try:
                guid = mapping.invoice_guid(item)
                paid = self.client.payments(guid)
                invoice = mapping.invoice(item, paid)
            except MalformedResponse as exc:
                self._skip(f"paid invoice skipped: {exc}")
                continue
            if invoice.paid_date is not None and invoice.paid_date > invoice.due_date:
                settled.append(invoice)
                payments.extend(mapping.payments(guid, paid))
        return settled, payments

    def _leave_alone(self, item: Any) -> bool:
        """Note and tell whether a listed invoice is not ours to dun (sent to collection)."""
        reason = mapping.with_collection(item)
        if reason is not None:
            guid = item.get("Guid") if isinstance(item, Mapping) else None
            self.left_alone[str(guid)] = reason
        return reason is not None


def item_overdue(item: Any) -> bool:
    """Tell whether a list item has Dinero's status Overdue."""
    return mapping.invoice_status(item) == "Overdue"


def _listed(item: Any) -> tuple[Any, date]:
    """A list item with its due date (unreadable items are skipped by the caller)."""
    due = item.get("PaymentDate") if isinstance(item, Mapping) else None
    if not isinstance(due, str):
        raise MalformedResponse(
            f"invoice {item.get('Guid') if isinstance(item, Mapping) else '?'}: no PaymentDate"
        )
    return item, mapping.parse_day(due, "invoice PaymentDate")
