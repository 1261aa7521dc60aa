"""Reading an e-conomic snapshot: customers, open and paid invoices, payments, reminders.

Unpaid and paid invoices, the ledger entries of the current and previous accounting year
(payments and e-conomic's own reminders), and the customers changed since the last fetch plus
those still missing. A customer's credit is read from its balance and the unpaid list
(mapping.py ``open_in_base``, ``unapplied_credit``): no request of its own. A page that fails
fails the fetch; an item that cannot be read is skipped and named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bridge.vocab.domain import ZERO, Customer, Invoice, Payment, Snapshot, is_letter_key
from bridge.vocab.errors import AuthError, MalformedResponse, NotFound, RejectedRequest, Transient
from connectors.economic import mapping
from connectors.economic.state import EconomicState

SETTLED_LOOKBACK = timedelta(days=400)

# Our clock and e-conomic's may disagree a little; read customers changed a bit before the cursor.
CLOCK_SKEW = timedelta(minutes=10)


class Fetch(EconomicState):
    """Session.fetch for e-conomic."""

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read customers, open invoices, payments and e-conomic's own reminders."""
        self.skipped, self._contacts = [], {}
        horizon = today + timedelta(days=self.pre_due_days)
        raw_unpaid = list(self.client.unpaid_invoices())
        unpaid = self._each(_not_ours(raw_unpaid), mapping.invoice, "unpaid invoice")
        # Open credit notes (negative remainder) are credit the customer holds: the engine
        # then duns none of that customer's invoices until the accountant allocates it.
        open_ = [
            i for i in unpaid if i.outstanding < 0 or (i.outstanding > 0 and i.due_date <= horizon)
        ]
        # Every unpaid item, ours included: the customer's balance covers them all.
        self._owed_in_base = mapping.open_in_base(raw_unpaid)
        entries, reminders = self._ledger(today)
        paid = self._each(
            _not_ours(self.client.paid_invoices(issued_from=today - SETTLED_LOOKBACK)),
            mapping.invoice,
            "paid invoice",
        )
        owners = {i.id: i.customer_id for i in (*unpaid, *paid)}
        payments = [p for p, customer in entries if self._owned(p.invoice_id, customer, owners)]
        steps = mapping.reminder_steps(
            r
            for r in reminders
            if self._owned(r.invoice_id, r.customer, owners, by_number=not r.by_reference)
        )
        settled = _settled_late(paid, payments)
        customers = self._read_customers({i.customer_id for i in (*open_, *settled)}, since)
        snap = self._snapshot(customers, open_, settled, payments=payments, steps=steps)
        self._open = {i.id: i for i in snap.invoices}
        self._settled = {i.id: i for i in snap.settled}
        self._customers = customers
        return snap

    def _owned(
        self,
        invoice_id: str,
        customer: str | None,
        owners: Mapping[str, str],
        by_number: bool = False,
    ) -> bool:
        """Tell whether a ledger entry belongs to the invoice it names.

        An entry that posts to another customer than the invoice's is not about that invoice
        (a reminder's own number may equal some invoice's number). An entry named only by its
        number must also name an invoice this fetch read, of its own customer.
        """
        owner = owners.get(invoice_id)
        if owner is None:
            return not by_number  # an invoice we did not read: filtered out later anyway
        if customer is not None and customer != owner:
            self._skip(
                f"ledger entry for invoice {invoice_id} posts to customer {customer}, not to the "
                f"invoice's customer {owner}: not counted"
            )
            return False
        return not by_number or customer is not None

    def _ledger(
        self, today: date
    ) -> tuple[list[tuple[Payment, str | None]], list[mapping.ReminderEntry]]:
        """Payments and e-conomic's reminders of the current and the previous accounting year."""
        entries: list[Any] = []
        try:
            years = self._each(self.client.accounting_years(), mapping.accounting_year, "year")
            for name, _, _, link in _current_and_previous(years, today):
                entries.extend(
                    self.client.entries(
                        name, types=(mapping.ENTRY_PAYMENT, mapping.ENTRY_REMINDER), link=link
                    )
                )
        except (AuthError, NotFound) as exc:
            # Customers and invoices were read with the same tokens: the role is the problem.
            # Without the ledger, payments and e-conomic's own reminders are unknown, so the
            # tenant stops rather than dun on a partial view.
            raise AuthError(
                f"e-conomic refused the accounting years of tenant {self.ctx.tenant!r} "
                f"(status {exc.status}): the app's role on this agreement has no bookkeeping "
                "access, which the bridge needs to read payments and e-conomic's own reminders "
                "from the ledger. Install the app with a role that includes Bookkeeping (or "
                "SuperUser) and approve it again",
                status=exc.status,
                request_id=exc.request_id,
                url=exc.url,
            ) from None
        payments = self._each(
            (e for e in entries if mapping.entry_type(e) == mapping.ENTRY_PAYMENT),
            lambda e: (mapping.payment(e), mapping.entry_customer(e)),
            "payment",
        )
        reminders = self._each(
            (e for e in entries if mapping.entry_type(e) == mapping.ENTRY_REMINDER),
            mapping.reminder,
            "reminder",
        )
        return [(p, c) for p, c in payments if p is not None], reminders

    def _read_customers(self, needed: set[str], since: datetime | None) -> dict[str, Customer]:
        """Read all customers, or those changed since ``since`` plus those still missing."""
        if since is not None:
            since = (since if since.tzinfo else since.replace(tzinfo=UTC)) - CLOCK_SKEW
        raw = list(self.client.customers(updated_after=since))
        missing = needed - {str(_safe_number(c)) for c in raw}
        if since is not None and missing:
            numbers = [int(n) for n in missing if n.isdigit()]
            raw.extend(self.client.customers_numbered(numbers) if numbers else [])
        read = self._customer_reader(self._salespeople(raw))
        customers: dict[str, Customer] = {}
        for found, source in self._each(raw, lambda obj: (read(obj), obj), "customer"):
            credit = mapping.unapplied_credit(source, self._owed_in_base.get(found.id, ZERO))
            customers[found.id] = (
                replace(found, unapplied_credit=credit) if credit > ZERO else found
            )
            self._raw_customers[found.id] = source
        return customers

    def _customer_reader(
        self, employees: Mapping[int, mapping.Employee]
    ) -> Callable[[Any], Customer]:
        options, country = self.ctx.options, self.ctx.country

        def read(obj: Any) -> Customer:
            return mapping.customer(
                obj, options=options, default_country=country, employees=employees
            )

        return read

    def _salespeople(self, raw: Iterable[Any]) -> Mapping[int, mapping.Employee]:
        """The employees, read once per session and only when a customer names a salesperson.

        The salesperson only decides who gets a task, so an employee list the agreement will
        not give (the app's role may not reach it) leaves salespeople unknown instead of
        failing the fetch; a transient failure fails it like any other page.
        """
        if self._employees is not None:
            return self._employees
        if not any(mapping.salesperson_number(c) is not None for c in raw):
            return {}
        self._employees = {}
        try:
            found = self._each(self.client.employees(), mapping.employee, "employee")
        except (AuthError, RejectedRequest, MalformedResponse) as exc:
            self._skip(f"salespeople: the employee list could not be read ({exc})")
            return self._employees
        except Transient:
            self._employees = None  # the fetch fails; the next one tries again
            raise
        self._employees = {e.number: e for e in found}
        return self._employees


def _not_ours(items: Iterable[Any]) -> Iterator[Any]:
    """Leave out the fee and interest invoices we wrote: they belong to the original claim,
    and dunning them would charge fees on fees."""
    for item in items:
        if not is_letter_key(mapping.reference(item)):
            yield item


def _safe_number(obj: Any) -> int | None:
    try:
        return mapping.customer_number(obj)
    except MalformedResponse:
        return None


def _settled_late(paid: Iterable[Invoice], payments: Iterable[Payment]) -> list[Invoice]:
    """Paid invoices whose last payment came after the due date, with that date."""
    last: dict[str, date] = {}
    for p in payments:
        last[p.invoice_id] = max(p.date, last.get(p.invoice_id, p.date))
    return [
        replace(i, paid_date=last[i.id]) for i in paid if i.id in last and last[i.id] > i.due_date
    ]


def _current_and_previous(
    years: Iterable[tuple[str, date, date, str | None]], today: date
) -> list[tuple[str, date, date, str | None]]:
    """The accounting year that holds ``today`` (else the latest begun) and the one before."""
    begun = sorted((y for y in years if y[1] <= today), key=lambda y: y[1])
    return begun[-2:]
