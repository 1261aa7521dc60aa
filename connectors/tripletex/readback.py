"""Reading back what the bridge wrote to Tripletex: our draft orders and the reminders sent.

Every order carries the letter's key (``mapping.MARKER``): ``find`` looks a letter up by it
(after a crash or a timeout) and tells how far it got; ``reconcile`` tells which orders still
wait for review, which were deleted, and carries out those the accountant approved in
Tripletex (by closing or invoicing the order), or every one in autonomous mode: so the
read-back sends (send.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta

from bridge.vocab import domain
from bridge.vocab.connector import Pending
from bridge.vocab.domain import ActionKind, Mode, StepStatus, WriteResult
from bridge.vocab.errors import NotFound, RejectedRequest
from connectors.tripletex import mapping
from connectors.tripletex.mapping import OrderInfo
from connectors.tripletex.send import Send
from connectors.tripletex.state import ORDER_LOOKBACK

# Letters that are proposals for a human even in autonomous mode: here a pre-due notice too, an
# order the accountant acts on and closes (docs/connectors/tripletex.md).
PROPOSALS = domain.PROPOSALS | {ActionKind.PRE_DUE_NOTICE}


class Readback(Send):
    """Session.find and Session.reconcile for Tripletex."""

    def find(self, letter_key: str) -> WriteResult | None:
        """Find our order by the key in it, and tell how far its letter got."""
        today = self._today()
        found = self.client.orders(
            date_from=today - ORDER_LOOKBACK,
            date_to=today + timedelta(days=2),
            containing=letter_key,
        )
        for order in self._each(found, mapping.order, "order"):
            if order is not None and order.key == letter_key:
                return self._progress(order)
        return None

    def _order_of(self, item: Pending) -> OrderInfo | None:
        known = self._orders.get(item.letter_key)
        if known is not None:
            return known
        if not item.document.isdigit():
            return None
        try:
            order = mapping.order(self.client.order(int(item.document)))
        except NotFound:
            return None
        return order if order is not None and order.key == item.letter_key else None

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Open order -> pending; invoiced/closed by the accountant -> sent; deleted -> rejected."""
        for item in pending:
            order = self._order_of(item)
            if order is None:
                yield item.result(
                    StepStatus.REJECTED, f"draft order {item.document} was deleted in Tripletex"
                )
                continue
            autonomous = self.ctx.mode is Mode.AUTONOMOUS and order.action not in PROPOSALS
            if order.closed or autonomous:
                try:
                    yield self.carry_out(order)
                except RejectedRequest as exc:
                    yield item.result(
                        StepStatus.PENDING, f"approved, but Tripletex refused the reminder: {exc}"
                    )
                continue
            yield item.result(StepStatus.PENDING, f"draft order {order.id}", str(order.id))
