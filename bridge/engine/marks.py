"""What `dispute`, `hold` and `promise` share: the invoice must exist, and drafts must follow.

An invoice is known when a cycle read it (the store keeps the id, number, customer and currency
of every invoice a cycle saw); an id or the number people see both name it. An invoice the store
does not know is looked up in the accounting system with one fresh read before the command is
refused: `dispute 9999` on an invoice nobody has is an error (exit 2), not a silent mark that
stops nothing.

Once the mark is recorded, the drafts already waiting for review on its invoices are withdrawn
(bridge/engine/withdraw.py): at once when the database and the system can be had, else by the next
cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from bridge.engine.cycle import CycleOptions, open_tenant_session
from bridge.engine.withdraw import withdraw_now
from bridge.engine.withdrawn import Withdrawn
from bridge.store import Store
from bridge.store.outbox import OutboxLetter
from bridge.store.review import KnownInvoice
from bridge.vocab.errors import BridgeError
from bridge.vocab.settings import Settings


class UnknownInvoice(BridgeError):
    """The command names an invoice (or customer) the tenant does not have."""


def _fresh_read(settings: Settings, store: Store, tenant: str, today: date, at: datetime) -> str:
    """Read the tenant's invoices once now and remember them; return "" or why it failed."""
    config = settings.tenant(tenant)
    try:
        with open_tenant_session(
            store, tenant, config, CycleOptions(today=today, now=at)
        ) as session:
            snapshot = session.fetch(today, None)
    except BridgeError as exc:
        return f"{config.system} could not be read to check ({exc})"
    store.remember_invoices(tenant, (*snapshot.invoices, *snapshot.settled), at=at)
    return ""


def known_invoice(
    settings: Settings, store: Store, tenant: str, ref: str, *, today: date, at: datetime
) -> KnownInvoice:
    """The invoice ``ref`` (an id or a number) names, or UnknownInvoice saying why not."""
    found = store.known_invoices(tenant, ref)
    problem = ""
    if not found:
        problem = _fresh_read(settings, store, tenant, today, at)
        found = store.known_invoices(tenant, ref)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        ids = ", ".join(k.invoice_id for k in found)
        raise UnknownInvoice(
            f"number {ref} names several invoices of {tenant} ({ids}): give the id"
        )
    seen = store.invoices_seen(tenant)
    where = f"not among the {seen} invoices read for {tenant}" if seen else "not known"
    tail = f"; {problem}" if problem else f" nor in {settings.tenant(tenant).system} now"
    raise UnknownInvoice(f"invoice {ref} is {where}{tail}. Check the number (id or number)")


def known_customer(
    settings: Settings, store: Store, tenant: str, customer: str, *, today: date, at: datetime
) -> None:
    """Raise UnknownInvoice unless some invoice of ``customer`` was read for the tenant."""
    if store.knows_customer(tenant, customer):
        return
    problem = _fresh_read(settings, store, tenant, today, at)
    if store.knows_customer(tenant, customer):
        return
    tail = f"; {problem}" if problem else ""
    raise UnknownInvoice(f"customer {customer} has no invoice known for {tenant}{tail}")


def withdraw_after_mark(
    settings: Settings,
    store: Store,
    tenant: str,
    rows: Sequence[OutboxLetter],
    reason: str,
    *,
    today: date,
    at: datetime,
    say: Callable[[str], None],
    step_words: Callable[[Withdrawn], str] | None = None,
) -> list[Withdrawn]:
    """Withdraw the drafts waiting on the marked invoices and say what became of each.

    ``step_words`` names a withdrawn step for the reader (the command's presentation: the
    tenant's own words, "2 rykker"); without it the step's internal name is used.
    """
    results = withdraw_now(settings, store, tenant, rows, reason, today=today, at=at, say=say)
    for item in results:
        say(f"- {item.sentence(step_words(item) if step_words else None)}")
    return results
