"""Reading a Fortnox snapshot: customers, open and lately settled invoices, payments, reminders.

The lists come from the change feed (connectors/fortnox/feed.py), the full invoices and
customers from memory unless ``lastmodified`` lists them (connectors/fortnox/memory.py), each
customer's credit from connectors/fortnox/credit.py. A page that fails fails the fetch; an
item that cannot be read is skipped and named.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bridge.vocab.domain import Customer, Invoice, Snapshot, StepRecord
from bridge.vocab.errors import MalformedResponse, NotFound
from connectors.fortnox import mapping
from connectors.fortnox.credit import with_credit
from connectors.fortnox.feed import (
    CLOCK_SKEW,
    PRE_DUE_ISSUED_WITHIN,
    SETTLED_LOOKBACK,
    midnight,
    natural_order,
    number_or_none,
    read_lists,
)
from connectors.fortnox.memory import CACHE_MAX_AGE
from connectors.fortnox.state import FortnoxState


class Fetch(FortnoxState):
    """Session.fetch for Fortnox."""

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read customers, open and lately settled invoices, payments and Fortnox's reminders."""
        self.skipped, self.left_alone = [], {}
        started = self._now()
        changed_since = self._changed_since(since, started)
        lists = read_lists(self.ctx, self.client, self.incremental, today, started)
        if lists is not None and lists.changed is not None:
            self._feed_changes = lists.changed
        overdue = self._listed(
            lists.overdue if lists else self.client.invoices(filter_="unpaidoverdue"),
            "overdue invoice",
        )
        open_ = [i for i in overdue if i.outstanding > 0]
        # A negative balance (a credit note not yet used, an overpayment) is the customer's
        # credit: the engine does not dun a customer holding some (docs/holds.md).
        credit = [i for i in overdue if i.outstanding < 0]
        if self.pre_due_days > 0:
            horizon = today + timedelta(days=self.pre_due_days)
            recent = self._listed(
                lists.recent
                if lists
                else self.client.invoices(
                    filter_="unpaid", from_date=today - PRE_DUE_ISSUED_WITHIN
                ),
                "unpaid invoice",
            )
            credited = {c.id for c in credit}  # once, not per listed invoice
            credit.extend(i for i in recent if i.outstanding < 0 and i.id not in credited)
            known = {i.id for i in open_}
            open_.extend(
                i
                for i in recent
                if i.id not in known and i.outstanding > 0 and today < i.due_date <= horizon
            )
        paid = self._listed(
            lists.paid
            if lists
            else self.client.invoices(
                filter_="fullypaid", from_final_pay_date=today - SETTLED_LOOKBACK
            ),
            "paid invoice",
        )
        late = [i for i in paid if i.paid_date is not None and i.paid_date > i.due_date]
        settled = self._not_credited(late, changed_since)
        payments = self._each(
            lists.payments
            if lists
            else self.client.invoice_payments(modified_since=midnight(today - SETTLED_LOOKBACK)),
            mapping.payment,
            "invoice payment",
        )
        steps = self._reminders([i for i in open_ if i.due_date < today], changed_since, today)
        customers = self._read_customers({i.customer_id for i in (*open_, *settled)}, changed_since)
        customers = with_credit(customers, credit)
        snap = self._snapshot(
            customers, open_, settled, payments=payments, steps=steps, fetched_at=started
        )
        self._open = {i.id: i for i in snap.invoices}
        self._settled = {i.id: i for i in snap.settled}
        self._customers = customers
        self._memory.synced_at = started
        self._changes, self._changes_since = {}, started
        return snap

    def _changed_since(self, since: datetime | None, now: datetime) -> datetime | None:
        """From when changes must be re-read; None means read every item in full."""
        memory = self._memory
        if not self.incremental or memory.synced_at is None:
            return None
        if now - memory.synced_at > CACHE_MAX_AGE:
            memory.invoices.clear()
            memory.customers.clear()
            memory.settled.clear()
            return None
        start = memory.synced_at
        if since is not None:
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
            start = min(start, since)
        return start - CLOCK_SKEW

    def _listed(self, items: Iterable[Any], what: str) -> list[Invoice]:
        """Map list items; leave alone what is not ours to dun, skip what cannot be read."""
        out: list[Invoice] = []
        for item in items:  # a page that fails raises here, outside the try
            try:
                reason = mapping.not_dunnable(item)
                mapped = mapping.invoice(item)
            except MalformedResponse as exc:
                self._skip(f"{what} skipped: {exc}")
                continue
            if reason is not None:
                self.left_alone[mapped.id] = reason
                continue
            out.append(mapped)
        return out

    def _reminders(
        self, overdue: list[Invoice], changed_since: datetime | None, today: date
    ) -> list[StepRecord]:
        """Fortnox's own reminders, from full invoices: remembered ones unless changed."""
        if self.read_reminders == "ignore" or not overdue:
            return []
        memory = self._memory.invoices
        stale = set(memory) if changed_since is None else self._changed_invoices(changed_since)
        steps: list[StepRecord] = []
        for invoice in overdue:
            full = memory.get(invoice.id)
            if full is None or invoice.id in stale:
                try:
                    full = self.client.invoice(invoice.id)
                except NotFound:
                    self._skip(f"invoice {invoice.number} skipped: gone since it was listed")
                    continue
                memory[invoice.id] = full
            try:
                steps.extend(mapping.reminders(full, fee=self.reminder_fee, fallback=today))
            except MalformedResponse as exc:
                self._skip(f"reminders of invoice {invoice.number} skipped: {exc}")
        for gone in set(memory) - {i.id for i in overdue}:
            del memory[gone]  # paid or no longer overdue: not needed again
        return steps

    def _not_credited(self, late: list[Invoice], changed_since: datetime | None) -> list[Invoice]:
        """Drop the invoices that credit, not a payment, settled: they owe no interest.

        A credited invoice is listed as fully paid on the day it was credited, and the list
        does not say it was credited; the full invoice does. Each invoice paid late is read in
        full once and remembered (a settled invoice is listed already credited, so a remembered
        read stays good; all are read again after CACHE_MAX_AGE or with ``incremental=off``).
        """
        memory = self._memory.settled
        stale = set(memory) if changed_since is None else set()
        kept: list[Invoice] = []
        for invoice in late:
            full = memory.get(invoice.id)
            if full is None or invoice.id in stale:
                try:
                    full = self.client.invoice(invoice.id)
                except NotFound:
                    continue
                memory[invoice.id] = full
            reason = mapping.credited(full)
            if reason is not None:
                self.left_alone[invoice.id] = reason
                continue
            kept.append(invoice)
        for gone in set(memory) - {i.id for i in late}:
            del memory[gone]
        return kept

    def _changed_invoices(self, since: datetime) -> set[str]:
        """Numbers of the overdue invoices changed since ``since`` (a reminder changes one)."""
        changed: Iterable[Any]
        feed = self._feed_changes
        if feed is not None and feed[0] <= since:
            # The list feed read every invoice modified since a moment no later than ``since``.
            changed = feed[1]
        else:
            changed = self.client.invoices(filter_="unpaidoverdue", modified_since=since)
        return {n for n in (number_or_none(mapping.document_number, item) for item in changed) if n}

    def _read_customers(self, needed: set[str], since: datetime | None) -> dict[str, Customer]:
        """Full customers for every number needed: remembered ones unless changed."""
        memory = self._memory.customers
        if since is None:
            stale = set(memory)
        else:
            listed = self.client.customers(modified_since=since)
            stale = {n for n in (number_or_none(mapping.customer_number, c) for c in listed) if n}
        customers: dict[str, Customer] = {}
        for number in sorted(needed, key=natural_order):
            raw = memory.get(number)
            if raw is None or number in stale:
                try:
                    raw = self.client.customer(number)
                except NotFound:
                    self._skip(f"customer {number} skipped: not found in Fortnox")
                    continue
                except (ValueError, MalformedResponse) as exc:
                    self._skip(f"customer {number} skipped: {exc}")
                    continue
                memory[number] = raw
            try:
                customer = mapping.customer(
                    raw, options=self.ctx.options, default_country=self.ctx.country
                )
            except MalformedResponse as exc:
                self._skip(f"customer {number} skipped: {exc}")
                continue
            customers[customer.id] = customer
            self._raw_customers[customer.id] = raw
        return customers
