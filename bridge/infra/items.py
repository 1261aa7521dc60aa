"""Reading a vendor's items one by one: a malformed item is skipped and said, never the page.

Every connector's session maps its lists through here (``ItemReader``, the mixin its state
class takes), so "one bad invoice never stops the others" holds the same way for all four
systems, and the reasons reach the cycle's outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Customer, Invoice, Payment, Snapshot, StepRecord
from bridge.vocab.errors import MalformedResponse

T = TypeVar("T")


def read_each(
    items: Iterable[Any], read: Callable[[Any], T], what: str, skip: Callable[[str], None]
) -> list[T]:
    """Map every item; pass the reason for each one that cannot be read to ``skip``.

    A page that fails raises from the iteration itself, outside the per-item guard: a partial
    snapshot must fail the fetch, not shrink it.
    """
    out: list[T] = []
    for item in items:
        try:
            out.append(read(item))
        except MalformedResponse as exc:
            skip(f"{what} skipped: {exc}")
    return out


def with_customer(
    invoices: Iterable[Invoice],
    customers: Mapping[str, Customer],
    skip: Callable[[str], None],
    noun: str = "customer",
) -> list[Invoice]:
    """Keep the invoices whose customer was read; there is nobody to write to for the rest."""
    kept = []
    for invoice in invoices:
        if invoice.customer_id in customers:
            kept.append(invoice)
        else:
            skip(
                f"invoice {invoice.number} skipped: its {noun} {invoice.customer_id} "
                "could not be read"
            )
    return kept


class ItemReader:
    """A session state's ``_each``, ``_skip`` and ``_with_customer``, alike in every connector.

    The state sets ``ctx`` and ``skipped`` (what the last fetch could not read, for the report);
    its class names the connector's logger (``item_log``), the event a skip is logged as
    (``skip_event``, e.g. ``dinero.item_skipped``) and what the system calls a customer.
    ``_snapshot`` puts what a fetch read into the Snapshot the engine decides on, in one order
    for every system.
    """

    item_log: ClassVar[Any]
    skip_event: ClassVar[str]
    customer_noun: ClassVar[str] = "customer"
    ctx: TenantContext
    skipped: list[str]

    def _each(self, items: Iterable[Any], read: Callable[[Any], T], what: str) -> list[T]:
        return read_each(items, read, what, self._skip)

    def _skip(self, reason: str) -> None:
        self.skipped.append(reason)
        self.item_log.warning(self.skip_event, tenant=self.ctx.tenant, reason=reason)

    def _with_customer(
        self, invoices: list[Invoice], customers: Mapping[str, Customer]
    ) -> list[Invoice]:
        return with_customer(invoices, customers, self._skip, self.customer_noun)

    def _snapshot(
        self,
        customers: dict[str, Customer],
        open_: list[Invoice],
        settled: list[Invoice],
        *,
        payments: Iterable[Payment],
        steps: Iterable[StepRecord],
        fetched_at: datetime | None = None,
    ) -> Snapshot:
        """The snapshot of a fetch: the invoices whose customer was read, by due date, and only
        the payments and steps of those (one of an invoice left out would only mislead)."""
        open_ = self._with_customer(open_, customers)
        settled = self._with_customer(settled, customers)
        kept = {i.id for i in (*open_, *settled)}
        return Snapshot(
            tenant=self.ctx.tenant,
            fetched_at=fetched_at or datetime.now(UTC),
            customers=customers,
            invoices=tuple(sorted(open_, key=lambda i: (i.due_date, i.id))),
            payments=tuple(p for p in payments if p.invoice_id in kept),
            steps=tuple(s for s in steps if s.invoice_id in kept),
            settled=tuple(sorted(settled, key=lambda i: (i.due_date, i.id))),
        )
