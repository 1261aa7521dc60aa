"""A Dinero contact's credit: its overpayments and open credit notes.

Dinero's invoice list carries neither, so the credit costs reads of its own: one payments read
per overpaid invoice, and one state of account per contact with an invoice we could dun and a
credit note (the sales list names those, read whole only on a whole read), kept in the
tenant's feed snapshot (CREDIT) and read again only for the contacts ``changesSince`` lists
(docs/connectors/dinero.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import ZERO, Customer
from bridge.vocab.errors import MalformedResponse, NotFound
from bridge.vocab.feeds import full_sweep_due, keep, swept_at
from connectors.dinero import mapping
from connectors.dinero.client import DineroClient
from connectors.dinero.feed import CLOCK_SKEW

# The feed snapshot of each contact's open credit notes (its state of account), and its shape:
# {"credit": {"<contact guid>": Decimal}}.
CREDIT = "dinero.credit"
CREDIT_VERSION = 1


def with_credit(
    ctx: TenantContext,
    client: DineroClient,
    customers: dict[str, Customer],
    owing: set[str],
    skip: Callable[[str], None],
) -> dict[str, Customer]:
    """Add each contact's overpayments and open credit notes as its unapplied credit.

    Dinero's invoice list has no remaining amount, so each OverPaid invoice costs one
    payments read (overpayments are few): the excess is PaidAmount less the invoice total.
    The invoice list has no credit notes either: each contact with an open invoice (one we
    could dun) costs one read of its state of account, whose open ``creditnote`` entries
    are credit (docs/connectors/dinero.md).
    """
    credit: dict[str, Decimal] = {}
    for contact, notes in _credit_notes(ctx, client, skip, sorted(owing & set(customers))).items():
        if notes > ZERO:
            credit[contact] = notes
    for item in client.invoices(("OverPaid",)):
        try:
            guid = mapping.invoice_guid(item)
            excess = mapping.overpaid(item, client.payments(guid))
            contact = mapping.contact_of(item)
        except MalformedResponse as exc:
            skip(f"overpaid invoice skipped: {exc}")
            continue
        if excess > ZERO:
            credit[contact] = credit.get(contact, ZERO) + excess
    return {
        cid: replace(c, unapplied_credit=c.unapplied_credit + credit[cid]) if cid in credit else c
        for cid, c in customers.items()
    }


def _credit_notes(
    ctx: TenantContext, client: DineroClient, skip: Callable[[str], None], contacts: list[str]
) -> dict[str, Decimal]:
    """Each contact's open credit notes, from its state of account.

    With the tenant's feed snapshot (CREDIT), a contact's last answer is reused unless
    ``GET /v1/{org}/sales?changesSince=...`` (one page, usually) lists an invoice or a
    credit note of it: the spec says that list returns what was "created, deleted or
    updated" since; an allocation updates the credit note. Every contact is read again when
    the snapshot's last whole read is older than ``full_sweep_days``.
    """
    now = datetime.now(UTC)
    feeds = ctx.feeds
    kept = feeds.load(CREDIT) if feeds is not None else None
    whole = full_sweep_due(kept, version=CREDIT_VERSION, now=now, options=ctx.options)
    known: dict[str, Decimal] = {}
    if not whole and kept is not None and contacts:
        known = {str(c): Decimal(str(v)) for c, v in dict(kept.body.get("credit", {})).items()}
        for contact in _changed_contacts(client, kept.watermark - CLOCK_SKEW):
            known.pop(contact, None)
    found: dict[str, Decimal] = {}
    # Read whole: only a contact with a credit note can have one open. The sales list names
    # every credit note's contact in a page per 1,000 vouchers, where a state of account costs
    # a request per contact; it is read on the whole reads only (every full_sweep_days), as
    # the spec asks of that list.
    noted = _noted_contacts(client) if whole and contacts else None
    for contact in contacts:
        if contact in known:
            found[contact] = known[contact]
            continue
        if noted is not None and contact not in noted:
            found[contact] = ZERO
            continue
        try:
            found[contact] = mapping.open_credit_notes(client.state_of_account(contact))
        except (MalformedResponse, NotFound) as exc:
            skip(f"credit notes of contact {contact} not read: {exc}")
    if feeds is not None:
        swept = swept_at(kept, whole=whole, now=now)
        keep(feeds, CREDIT, CREDIT_VERSION, {"credit": found}, swept_at=swept, now=now)
    return found


def _noted_contacts(client: DineroClient) -> set[str] | None:
    """The contacts with a credit note, open or not: ``Type`` is "Invoice or CreditNote".

    None when an item cannot be read (no voucher, no Type, a credit note without its
    contact): a list read in part rules out no contact.
    """
    noted: set[str] = set()
    for item in client.sales():
        if not isinstance(item, Mapping) or not item.get("Type"):
            return None
        if str(item["Type"]).lower() != "creditnote":
            continue
        if not item.get("ContactGuid"):
            return None
        noted.add(str(item["ContactGuid"]))
    return noted


def _changed_contacts(client: DineroClient, since: datetime) -> set[str]:
    """The contacts of the invoices and credit notes Dinero lists as changed since."""
    return {
        str(item["ContactGuid"])
        for item in client.sales(changes_since=since)
        if isinstance(item, Mapping) and item.get("ContactGuid")
    }
