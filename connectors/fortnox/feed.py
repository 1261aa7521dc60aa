"""Fortnox's change feed: the invoice and payment lists, kept between cycles.

A full sweep reads the lists whole and keeps them as the tenant's feed snapshot (LISTS);
afterwards what ``lastmodified`` lists as changed since the watermark replaces the kept items,
and which invoices are overdue, recent or settled lately is worked out here as Fortnox's
filters do. The look-backs, the clock skew and the list helpers here are shared by every read
of the lists (the fetch, the re-check, the read-back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from bridge.vocab.connector import TenantContext
from bridge.vocab.errors import MalformedResponse
from bridge.vocab.feeds import full_sweep_due, keep
from connectors.fortnox import mapping
from connectors.fortnox.client import FortnoxClient

# Pre-due notices look at invoices issued this recently (longer terms are rare).
PRE_DUE_ISSUED_WITHIN = timedelta(days=120)
SETTLED_LOOKBACK = timedelta(days=400)

# Our clock and Fortnox's may disagree a little, and lastmodified has minutes only.
CLOCK_SKEW = timedelta(minutes=10)

# The feed snapshot of the invoice and payment lists, and the shape of its body:
# {"unpaid": {number: list item}, "paid": {number: list item}, "payments": {number: item}}.
LISTS = "fortnox.lists"
LISTS_VERSION = 1


@dataclass(frozen=True, slots=True)
class Lists:
    """The list items a fetch reads, from the feed snapshot (see read_lists)."""

    overdue: list[Any]
    recent: list[Any]
    paid: list[Any]
    payments: list[Any]
    # What lastmodified listed since the watermark (and from when): the re-check reuses it.
    changed: tuple[datetime, list[Any]] | None = None


def read_lists(
    ctx: TenantContext, client: FortnoxClient, incremental: bool, today: date, now: datetime
) -> Lists | None:
    """The invoice and payment lists from the tenant's feed snapshot; None: read them whole.

    A full sweep (no snapshot, another version, older than ``full_sweep_days``, or
    ``incremental=off``) reads every unpaid invoice (``filter=unpaid``, no date bound: an
    invoice issued long ago falls due without changing), the fully paid ones of the
    lookback and the payments of the lookback, and keeps them. Otherwise the invoices and
    payments Fortnox lists as modified since the watermark (less the clock skew) replace
    the kept ones: a payment, a credit, a booking or a cancellation modifies an invoice
    (Fortnox's parameters guide on ``lastmodified``). Which invoices are overdue, recent
    or settled lately is then worked out here, as Fortnox's filters do, for ``today``.
    """
    feeds = ctx.feeds
    if feeds is None:
        return None
    feed_changes: tuple[datetime, list[Any]] | None = None
    kept = feeds.load(LISTS)
    whole = not incremental or full_sweep_due(
        kept, version=LISTS_VERSION, now=now, options=ctx.options
    )
    if whole or kept is None:
        unpaid = _by_number(client.invoices(filter_="unpaid"), mapping.document_number)
        paid = _by_number(
            client.invoices(filter_="fullypaid", from_final_pay_date=today - SETTLED_LOOKBACK),
            mapping.document_number,
        )
        payments = _by_number(
            client.invoice_payments(modified_since=midnight(today - SETTLED_LOOKBACK)),
            _payment_number,
        )
        swept_at = now
    else:
        body = kept.body
        unpaid = dict(body.get("unpaid", {}))
        paid = dict(body.get("paid", {}))
        payments = dict(body.get("payments", {}))
        since = kept.watermark - CLOCK_SKEW
        changed = list(client.invoices(modified_since=since))
        feed_changes = (since, changed)
        for item in changed:
            number = number_or_none(mapping.document_number, item)
            if number is None:
                continue
            unpaid.pop(number, None)
            paid.pop(number, None)
            if _is_unpaid(item):
                unpaid[number] = item
            elif _is_fully_paid(item):
                paid[number] = item
        payments.update(_by_number(client.invoice_payments(modified_since=since), _payment_number))
        swept_at = kept.swept_at
    # Out of the lookback: not needed again.
    first_day = (today - SETTLED_LOOKBACK).isoformat()
    paid = {n: i for n, i in paid.items() if str(i.get("FinalPayDate") or "") >= first_day}
    body = {"unpaid": unpaid, "paid": paid, "payments": payments}
    keep(feeds, LISTS, LISTS_VERSION, body, swept_at=swept_at, now=now)
    issued_from = (today - PRE_DUE_ISSUED_WITHIN).isoformat()
    ordered = sorted(unpaid.values(), key=lambda i: natural_order(str(i.get("DocumentNumber"))))
    return Lists(
        overdue=[i for i in ordered if str(i.get("DueDate") or "") < today.isoformat()],
        recent=[i for i in ordered if str(i.get("InvoiceDate") or "") >= issued_from],
        paid=sorted(paid.values(), key=lambda i: natural_order(str(i.get("DocumentNumber")))),
        payments=list(payments.values()),
        changed=feed_changes,
    )


def _is_unpaid(item: Any) -> bool:
    """What ``filter=unpaid`` lists: booked, not cancelled, with a balance (either sign)."""
    try:
        return _flag(item, "Booked") and not _flag(item, "Cancelled") and _balance(item) != 0
    except (InvalidOperation, TypeError, ValueError):
        return False


def _is_fully_paid(item: Any) -> bool:
    """What ``filter=fullypaid`` lists: booked, not cancelled, nothing left to pay."""
    try:
        return _flag(item, "Booked") and not _flag(item, "Cancelled") and _balance(item) == 0
    except (InvalidOperation, TypeError, ValueError):
        return False


def _flag(item: Any, name: str) -> bool:
    value = item.get(name) if isinstance(item, Mapping) else None
    return value is True or str(value).lower() == "true"


def _balance(item: Any) -> Decimal:
    return Decimal(str(item.get("Balance")))


def _payment_number(item: Any) -> str:
    number = item.get("Number") if isinstance(item, Mapping) else None
    if number is None:
        raise MalformedResponse("invoice payment without Number")
    return str(number)


def _by_number(items: Iterable[Any], number: Callable[[Any], str]) -> dict[str, Any]:
    """List items by their number; an item without one is left to the mapping to report."""
    out: dict[str, Any] = {}
    for n, item in enumerate(items):
        key = number_or_none(number, item)
        out[key if key is not None else f"?{n}"] = item
    return out


def number_or_none(read: Callable[[Any], str], item: Any) -> str | None:
    try:
        return read(item)
    except MalformedResponse:
        return None


def natural_order(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (0, number)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
