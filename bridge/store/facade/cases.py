"""The Store's cases: what the accountant recorded about an invoice or a customer.

Disputes, holds and promises to pay; the cycle reads them before proposing a step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bridge.store import disputes, holds
from bridge.store.facade.base import StoreBase
from bridge.vocab.domain import Dispute, Hold, Instalment, Promise


class Cases(StoreBase):
    """Disputes (bridge/store/disputes.py), holds and promises (holds.py)."""

    # disputes

    def set_dispute(
        self,
        tenant: str,
        invoice_id: str,
        *,
        start: date,
        end: date | None,
        note: str,
        at: datetime,
    ) -> None:
        """Record a dispute period, or update (e.g. end) the one that began on ``start``."""
        with self._write() as conn:
            disputes.set_dispute(conn, tenant, invoice_id, start=start, end=end, note=note, at=at)

    def disputes(self, tenant: str) -> list[Dispute]:
        """Return the tenant's dispute periods."""
        with self._read() as conn:
            return disputes.disputes(conn, tenant)

    # holds and promises (migration 003)

    def set_hold(
        self,
        tenant: str,
        invoice_id: str,
        *,
        today: date,
        until: date | None,
        reason: str,
        at: datetime,
    ) -> Hold:
        """Put an invoice on hold from today (or change the open hold's end and reason)."""
        with self._write() as conn:
            return holds.set_hold(
                conn, tenant, invoice_id, today=today, until=until, reason=reason, at=at
            )

    def lift_hold(self, tenant: str, invoice_id: str, *, today: date, at: datetime) -> bool:
        """Lift the open hold on an invoice from today on; False when there was none."""
        with self._write() as conn:
            return holds.lift_hold(conn, tenant, invoice_id, today=today, at=at)

    def holds(self, tenant: str) -> list[Hold]:
        """Return the tenant's holds, lifted ones too."""
        with self._read() as conn:
            return holds.holds(conn, tenant)

    def add_promise(
        self,
        tenant: str,
        *,
        customer_id: str | None,
        invoice_id: str | None,
        made_on: date,
        currency: str,
        instalments: Sequence[Instalment],
        note: str = "",
        at: datetime,
    ) -> Promise:
        """Record a promise to pay or a payment plan."""
        with self._write() as conn:
            return holds.add_promise(
                conn,
                tenant,
                customer_id=customer_id,
                invoice_id=invoice_id,
                made_on=made_on,
                currency=currency,
                instalments=instalments,
                note=note,
                at=at,
            )

    def end_promise(self, tenant: str, promise_id: str, *, today: date, at: datetime) -> bool:
        """Withdraw a promise from today on; False when no such open promise exists."""
        with self._write() as conn:
            return holds.end_promise(conn, tenant, promise_id, today=today, at=at)

    def promises(self, tenant: str) -> list[Promise]:
        """Return the tenant's promises, ended ones too."""
        with self._read() as conn:
            return holds.promises(conn, tenant)
