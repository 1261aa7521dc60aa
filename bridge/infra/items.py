"""Reading a vendor's items one by one: a malformed item is skipped and said, never the page.

Every connector's session maps its lists through here, so "one bad invoice never stops the
others" holds the same way for all four systems, and the reasons reach the cycle's outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from bridge.vocab.domain import Customer, Invoice
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
