"""Taking a waiting Tripletex proposal back: its draft order deleted before anyone approves it."""

from __future__ import annotations

import contextlib

from bridge.vocab.connector import Pending
from bridge.vocab.domain import StepStatus, WriteResult
from bridge.vocab.errors import NotFound
from connectors.tripletex.readback import Readback


class Withdraw(Readback):
    """bridge.vocab.connector.Withdrawer for Tripletex."""

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Delete the letter's draft order (``DELETE /order/{id}``) before anyone approves it.

        An order carried out (its reminders sent, or closed or invoiced for a proposal) went
        out: issued. One approved in Tripletex but not yet carried out is deleted all the same.
        One already deleted: rejected.
        """
        order = self._order_of(item)
        if order is None:
            return item.result(
                StepStatus.REJECTED, f"draft order {item.document} was already deleted"
            )
        if order.closed:
            done = self._progress(order)
            if done.status is StepStatus.ISSUED:
                return done
            # Closed (approved) in Tripletex, but the bridge has sent nothing yet: the next
            # reconcile would carry it out, so it goes too.
        with contextlib.suppress(NotFound):  # deleted meanwhile: gone all the same
            self.client.delete_order(order.id)
        self._orders.pop(item.letter_key, None)
        return item.result(StepStatus.REJECTED, f"draft order {order.id} deleted", str(order.id))
