"""The Store's review loop: withdrawals of drafts, tasks waiting in the bridge, known invoices."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bridge.store import review
from bridge.store.facade.base import StoreBase
from bridge.store.review import KnownInvoice, TaskRow, WithdrawalRow
from bridge.vocab.domain import Invoice, Letter, WriteResult


class Review(StoreBase):
    """The review loop's rows (bridge/store/review.py, migration 006)."""

    # the review loop (migration 006): withdrawals, tasks, known invoices

    def intend_withdrawal(self, letter_key: str, reason: str, *, at: datetime) -> bool:
        """Record the intent to withdraw a pending letter's draft; False when nothing is to do."""
        with self._write() as conn:
            return review.intend_withdrawal(conn, letter_key, reason, at)

    def withdrawal_done(self, result: WriteResult, *, at: datetime) -> str:
        """Record the system's answer to a withdrawal; return withdrawn, marked or booked."""
        with self._write() as conn:
            return review.withdrawal_done(conn, result, at)

    def withdrawal(self, letter_key: str) -> WithdrawalRow | None:
        """The withdrawal asked for the letter, None when none."""
        with self._read() as conn:
            return review.withdrawal(conn, letter_key)

    def withdrawals(
        self, tenant: str | None = None, *, states: Collection[str] | None = None
    ) -> list[WithdrawalRow]:
        """Withdrawals newest first, by tenant and state."""
        with self._read() as conn:
            return review.withdrawals(conn, tenant, states)

    def add_task(self, letter: Letter, subject: str, body: str, *, at: datetime) -> bool:
        """List a task in the bridge once; False when it is listed already."""
        with self._write() as conn:
            return review.add_task(conn, letter, subject, body, at)

    def task(self, tenant: str, letter_key: str) -> TaskRow | None:
        """The task listed under a letter key, None when none."""
        with self._read() as conn:
            return review.task(conn, tenant, letter_key)

    def tasks(self, tenant: str | None = None, *, open_only: bool = True) -> list[TaskRow]:
        """Tasks waiting in the bridge (all of them with ``open_only=False``), oldest first."""
        with self._read() as conn:
            return review.tasks(conn, tenant, open_only=open_only)

    def task_done(self, tenant: str, letter_key: str, *, note: str = "", at: datetime) -> bool:
        """Mark a listed task done; False when it was done already."""
        with self._write() as conn:
            return review.task_done(conn, tenant, letter_key, note, at)

    def remember_invoices(self, tenant: str, invoices: Sequence[Invoice], *, at: datetime) -> None:
        """Record the invoices a cycle read, so commands can tell a known invoice."""
        with self._write() as conn:
            self._known[tenant] = review.remember_invoices(
                conn, tenant, invoices, at, self._known.get(tenant)
            )

    def known_invoices(self, tenant: str, ref: str) -> list[KnownInvoice]:
        """The known invoices an id or number names (empty: none)."""
        with self._read() as conn:
            return review.known_invoices(conn, tenant, ref)

    def knows_customer(self, tenant: str, customer_id: str) -> bool:
        """Tell whether a cycle read an invoice of the customer."""
        with self._read() as conn:
            return review.knows_customer(conn, tenant, customer_id)

    def invoices_seen(self, tenant: str) -> int:
        """How many invoices the tenant's cycles have read (0: none yet)."""
        with self._read() as conn:
            return review.invoices_seen(conn, tenant)
