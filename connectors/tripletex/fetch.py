"""Reading a Tripletex snapshot: open invoices with customers and reminders, our own orders.

Strategy ``invoices`` (the default): ``GET /invoice`` has no status filter and needs a date
window, so the lookback is read in windows (a year by default), pages of 1,000, with customer,
remark and reminders expanded in the same call, and filtered locally. Strategy ``openposts``
takes its debtors from the open customer-ledger posts and reads each debtor's invoices. Either
way the open posts are read once first: the payments on no invoice are the customers' credit.
A page that fails fails the fetch; an item that cannot be read is skipped and named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import ZERO, ActionKind, Customer, Invoice, Snapshot
from bridge.vocab.errors import MalformedResponse, NotFound
from connectors.tripletex import mapping, writer
from connectors.tripletex.mapping import OrderInfo, ReminderInfo
from connectors.tripletex.state import ORDER_LOOKBACK, TripletexState


class Fetch(TripletexState):
    """Session.fetch for Tripletex."""

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read open invoices with their customers and reminders, and our own orders."""
        del since  # GET /invoice has no changed-since filter: each cycle reads the window
        self._day = today
        self.skipped, self.warnings = [], []
        # One read of the open ledger posts: the customers' payments on no invoice (credit),
        # and for the openposts strategy the debtors whose invoices are read.
        debtors, credit = self._read_open_posts(today)
        raw = self._read_invoices(today, debtors)
        horizon = today + timedelta(days=self.pre_due_days)
        invoices: list[Invoice] = []
        customers_raw: dict[str, Any] = {}
        reminders: dict[str, list[ReminderInfo]] = {}
        for obj in raw:
            try:
                held = mapping.open_credit(obj)
                if held is not None:
                    credit[held[0]] = credit.get(held[0], ZERO) + held[1]
                    continue
                if not mapping.is_claim(obj) or mapping.is_ours(obj):
                    continue
                item = mapping.invoice(obj)
                found = mapping.invoice_reminders(obj)
            except MalformedResponse as exc:
                self._skip(f"invoice skipped: {exc}")
                continue
            if item.outstanding <= 0 or item.due_date > horizon:
                continue
            invoices.append(item)
            self._learn_currency(obj)
            reminders[item.id] = found
            embedded = mapping.embedded_customer(obj)
            if embedded is not None:
                customers_raw.setdefault(item.customer_id, embedded)
        customers = self._read_customers(customers_raw, {i.customer_id for i in invoices})
        # An open credit note or a prepayment is the customer's credit: the engine duns none of
        # its invoices.
        customers = {
            cid: replace(c, unapplied_credit=c.unapplied_credit + credit[cid])
            if cid in credit
            else c
            for cid, c in customers.items()
        }
        invoices = [i for i in invoices if self._has_customer(i, customers)]
        self._orders = {o.key: o for o in self._our_orders(today)}
        ours = self._our_reminder_ids(reminders)
        self._learn_company_fee(reminders)
        self._open = {i.id: i for i in invoices}
        self._reminders = reminders
        self._customers = customers
        vendor = [r for rs in reminders.values() for r in rs]
        steps = [
            s
            for s in mapping.reminder_steps(vendor)
            if s.document not in {f"reminder {i}" for i in ours}
        ]
        return Snapshot(
            tenant=self.ctx.tenant,
            fetched_at=datetime.now(UTC),
            customers=customers,
            invoices=tuple(sorted(invoices, key=lambda i: (i.due_date, i.id))),
            steps=tuple(steps),
        )

    def _windows(self, today: date) -> list[tuple[date, date]]:
        """Date windows covering the lookback, newest last; the end is exclusive (tomorrow)."""
        end = today + timedelta(days=1)
        start = end - timedelta(days=self.lookback_days)
        out = []
        while start < end:
            stop = min(end, start + timedelta(days=self.window_days))
            out.append((start, stop))
            start = stop
        return out

    def _read_open_posts(self, today: date) -> tuple[set[int], dict[str, Decimal]]:
        """The customers with open posts, and each one's payments on no invoice (one list)."""
        debtors: set[int] = set()
        credit: dict[str, Decimal] = {}
        for post in self.client.open_posts(on=today + timedelta(days=1)):
            try:
                _, customer = mapping.open_post(post)
                paid = mapping.prepayment(post)
            except MalformedResponse as exc:
                self._skip(f"open post skipped: {exc}")
                continue
            if customer is not None:
                debtors.add(customer)
            if paid is not None:
                credit[paid[0]] = credit.get(paid[0], ZERO) + paid[1]
        return debtors, credit

    def _read_invoices(self, today: date, debtors: Iterable[int]) -> list[Any]:
        if self.strategy == "invoices":
            return [
                obj
                for start, stop in self._windows(today)
                for obj in self.client.invoices(date_from=start, date_to=stop)
            ]
        end = today + timedelta(days=1)
        start = end - timedelta(days=self.lookback_days)
        return [
            obj
            for customer in sorted(debtors)
            for obj in self.client.invoices(date_from=start, date_to=end, customer=customer)
        ]

    def _read_customers(
        self, embedded: Mapping[str, Any], needed: Iterable[str]
    ) -> dict[str, Customer]:
        customers: dict[str, Customer] = {}
        for ident in sorted(set(needed)):
            obj = embedded.get(ident)
            try:
                if obj is None and ident.isdigit():
                    obj = self.client.customer(int(ident))
                customers[ident] = mapping.customer(obj, default_country=self.ctx.country)
            except (MalformedResponse, NotFound) as exc:
                self._skip(f"customer {ident} skipped: {exc}")
        return customers

    def _has_customer(self, invoice: Invoice, customers: Mapping[str, Customer]) -> bool:
        if invoice.customer_id in customers:
            return True
        self._skip(f"invoice {invoice.number} skipped: its customer could not be read")
        return False

    def _our_orders(self, today: date) -> list[OrderInfo]:
        found = self.client.orders(
            date_from=today - ORDER_LOOKBACK,
            date_to=today + timedelta(days=2),
            containing=mapping.MARKER,
        )
        return [o for o in self._each(found, mapping.order, "order") if o is not None]

    def _our_reminder_ids(self, reminders: Mapping[str, list[ReminderInfo]]) -> set[int]:
        """The reminders our own orders caused: the store already records them as our steps."""
        ours: set[int] = set()
        for order in self._orders.values():
            if order.action not in writer.REMINDER_ACTIONS:
                continue
            planned = (
                mapping.NOTICE if order.action is ActionKind.COLLECTION_WARNING else "REMINDER"
            )
            for invoice_id in order.invoice_ids:
                hits = [
                    r
                    for r in reminders.get(invoice_id, [])
                    if r.id not in ours and writer.matches(planned, r, order.order_date)
                ]
                if hits:
                    ours.add(min(hits, key=lambda r: (r.date, r.id)).id)
        return ours

    def _learn_company_fee(self, reminders: Mapping[str, list[ReminderInfo]]) -> None:
        """The fee in the company's settings: the option, else the latest fee Tripletex charged."""
        if self.company_fee is None:
            charged = [
                r
                for rs in reminders.values()
                for r in rs
                if r.charge > 0 and r.type in (mapping.SOFT_REMINDER, mapping.REMINDER)
            ]
            if charged:
                self.company_fee = max(charged, key=lambda r: (r.date, r.id)).charge
