"""A letter -> what Tripletex is asked to do: a draft order (the proposal) and the reminders.

Tripletex's ``:createReminder`` creates *and sends* a reminder in one call; there is no draft.
So every letter is first written as a **draft order** the accountant sees under Orders: its
``reference`` and ``deliveryComment`` carry our key, the invoices and the action (how find()
and reconcile() read it back), ``invoiceComment`` carries the letter text, and its lines carry
the charges the reminder itself cannot carry, plus one zero-priced line per invoice saying what
the reminder will do.

Charges: the reminder's fee is the one in the company's Tripletex settings (the API has no
amount). It is used (``includeCharge``) only when it is known and does not exceed the lawful
fee the policy decided; otherwise the reminder goes without it and the lawful fee is a line on
the order instead, with a warning. Interest and the B2B compensation are always order lines,
computed and explained by the policy (Tripletex's own interest would use its own settings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import ZERO, ActionKind, Decision, Letter
from connectors.tripletex import mapping
from connectors.tripletex.mapping import NOTICE, REMINDER, SOFT_REMINDER, ReminderInfo

COMMENT_MAX = 2000  # invoiceComment is printed on the invoice; keep it a page
REFERENCE_MAX = 255
DESCRIPTION_MAX = 255

# The dispatch types :createReminder takes. NETS_PRINT only with NOTICE_OF_DEBT_COLLECTION;
# SMS and NETS_PRINT must be activated in Tripletex first.
DISPATCH_TYPES = frozenset({"NETS_PRINT", "EMAIL", "OWN_PRINTER", "SFTP", "API", "SMS"})
# Letters that send a Tripletex reminder; the others are proposals for a human.
REMINDER_ACTIONS = frozenset({ActionKind.REMINDER, ActionKind.COLLECTION_WARNING})

_LABELS = {
    ActionKind.PRE_DUE_NOTICE: "Betalingspåminnelse",
    ActionKind.REMINDER: "Purring",
    ActionKind.COLLECTION_WARNING: "Inkassovarsel",
    ActionKind.HANDOVER: "Forslag: overføring til inkasso",
    ActionKind.INTEREST_INVOICE: "Rentenota",
    ActionKind.CREDIT_HOLD: "Forslag: kredittstopp",
    ActionKind.TASK: "Oppgave",
}


class DispatchError(ValueError):
    """No way to send this reminder: the options name no usable dispatch type."""


class NoRecipient(DispatchError):
    """Only a printout would remain, and the tenant did not choose to print reminders.

    ``OWN_PRINTER`` makes a letter in Tripletex for the company to print and post; nothing
    reaches the debtor unless somebody does. So it is used only when the tenant lists it in
    ``dispatch_types``, never as a silent fallback.
    """


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """What one :createReminder call will be: type, charge and how it is sent."""

    invoice_id: str
    type: str
    include_charge: bool
    dispatch_types: tuple[str, ...]


def reminder_type(action: ActionKind, existing: Sequence[ReminderInfo]) -> str:
    """Tripletex's sequence: a SOFT_REMINDER first, then REMINDER; a warning is a notice."""
    if action is ActionKind.COLLECTION_WARNING:
        return NOTICE
    return REMINDER if existing else SOFT_REMINDER


def matches(planned: str, found: ReminderInfo, since: date) -> bool:
    """Tell whether a reminder in Tripletex is the one a plan asked for (read-back)."""
    if found.date < since:
        return False
    if planned in (SOFT_REMINDER, REMINDER):
        return found.type in (SOFT_REMINDER, REMINDER)
    return found.type == planned


def dispatch(kind: str, *, email: str | None, options: Mapping[str, str]) -> tuple[str, ...]:
    """Choose the dispatch types: the tenant's list, else e-mail when the customer has one.

    Raises NoRecipient when nothing but a printout would remain and the tenant did not list
    ``OWN_PRINTER``: a reminder nobody prints is not a reminder sent.
    """
    wanted = [t.strip().upper() for t in options.get("dispatch_types", "").split(",") if t.strip()]
    unknown = sorted(set(wanted) - DISPATCH_TYPES)
    if unknown:
        raise DispatchError(f"unknown dispatch types {unknown}; use {sorted(DISPATCH_TYPES)}")
    chosen = list(wanted) or ["EMAIL"]
    if kind != NOTICE:
        # Tripletex refuses NETS_PRINT on anything but a notice of debt collection.
        chosen = [t for t in chosen if t != "NETS_PRINT"]
    if not email:
        chosen = [t for t in chosen if t != "EMAIL"]
    if not chosen:
        raise NoRecipient(
            "the customer has no e-mail address in Tripletex (overdueNoticeEmail, invoiceEmail "
            "or email), so the reminder was not sent: add one, or set the tenant option "
            "'dispatch_types' to OWN_PRINTER if you print and post reminders yourself"
        )
    return tuple(dict.fromkeys(chosen))


def printed_by_you(dispatch_types: Sequence[str]) -> bool:
    """Tell whether only the company's own printer carries the reminder (nothing sent)."""
    return set(dispatch_types) == {"OWN_PRINTER"}


# How each dispatch type reaches the debtor (bridge/engine/letter_checks.py): printed by the company
# or
# by Nets on paper, or electronically (e-mail; SMS, API and SFTP deliveries).
_ROUTES = {"NETS_PRINT": "paper", "OWN_PRINTER": "paper", "EMAIL": "email"}


def routes(action: ActionKind, *, email: str | None, options: Mapping[str, str]) -> frozenset[str]:
    """How a letter of ``action`` would reach the debtor by the tenant's dispatch types."""
    kind = NOTICE if action is ActionKind.COLLECTION_WARNING else REMINDER
    try:
        chosen = dispatch(kind, email=email, options=options)
    except DispatchError:
        return frozenset()
    return frozenset(_ROUTES.get(t, "electronic") for t in chosen)


def delivery_routes(
    action: ActionKind, email: str | None, options: Mapping[str, str]
) -> frozenset[str]:
    """The descriptor's form of :func:`routes` (bridge.vocab.connector.ConnectorDescriptor)."""
    return routes(action, email=email, options=options)


def fee_on_reminder(decision: Decision, company_fee: Decimal | None) -> tuple[bool, str]:
    """Decide whether Tripletex's configured fee may go on the reminder; say why not."""
    if decision.fee <= ZERO:
        return False, ""
    if decision.currency != mapping.COMPANY_CURRENCY:
        # Tripletex's fee is in the company's currency; the lawful fee is in the invoice's.
        return False, (
            f"the company's reminder fee in Tripletex is in {mapping.COMPANY_CURRENCY} and the "
            f"invoice is in {decision.currency}; the lawful fee is on the order instead"
        )
    if company_fee is None:
        return False, (
            "the company's reminder fee in Tripletex is unknown (set the tenant option "
            "'reminder_fee'); the lawful fee is on the order instead"
        )
    if company_fee > decision.fee:
        return False, (
            f"the company's reminder fee in Tripletex ({company_fee} NOK) exceeds the lawful "
            f"{decision.fee}; the reminder goes without it and the lawful fee is on the order"
        )
    return True, ""


def plan(
    action: ActionKind,
    invoice_id: str,
    existing: Sequence[ReminderInfo],
    *,
    include_charge: bool,
    email: str | None,
    options: Mapping[str, str],
) -> ReminderPlan:
    """Plan the reminder for one invoice of a letter, given the reminders it already has."""
    kind = reminder_type(action, existing)
    return ReminderPlan(
        invoice_id=invoice_id,
        type=kind,
        include_charge=include_charge,
        dispatch_types=dispatch(kind, email=email, options=options),
    )


def _line(description: str, amount: Decimal, vat_type: int | None) -> dict[str, Any]:
    line: dict[str, Any] = {
        "description": description[:DESCRIPTION_MAX],
        "count": Decimal("1"),
        "unitPriceExcludingVatCurrency": amount,
    }
    if vat_type is not None:
        # Fees, interest and compensation are no supply under the VAT act: without a VAT-free
        # type Tripletex would add its default VAT (25 %) on top.
        line["vatType"] = {"id": vat_type}
    return line


def order_lines(
    letter: Letter,
    *,
    company_fee: Decimal | None,
    vat_type: int | None = None,
) -> list[dict[str, Any]]:
    """The order's lines: charges the reminder cannot carry, and what each reminder does."""
    lines: list[dict[str, Any]] = []
    for d in letter.decisions:
        ref = f"faktura {d.invoice_number}"
        reminder = letter.action in REMINDER_ACTIONS
        on_reminder, _ = fee_on_reminder(d, company_fee) if reminder else (False, "")
        label = _LABELS[letter.action]
        info = f"{label} {ref}: utestående {d.outstanding} {d.currency}"
        if on_reminder:
            info += f", purregebyr {company_fee} på purringen"
        lines.append(_line(info, ZERO, vat_type))
        if d.fee > ZERO and not on_reminder:
            lines.append(_line(f"Purregebyr, {ref}", d.fee, vat_type))
        if d.interest is not None and d.interest.amount > ZERO:
            period = f"{d.interest.start.isoformat()}–{d.interest.end.isoformat()}"
            lines.append(
                _line(
                    f"Forsinkelsesrente, {ref}, {period}, {d.interest.rate} % p.a.",
                    d.interest.amount,
                    vat_type,
                )
            )
        if d.compensation > ZERO:
            lines.append(_line(f"Kompensasjon, {ref}", d.compensation, vat_type))
    return lines


def invoice_comment(key: str, text: str) -> str:
    """The letter text, then our key: an invoice made from the order keeps its comment, and the
    key in it tells the next fetch that the charges belong to the original claim."""
    tail = f"\n\nRef. {key}"
    return text.strip()[: COMMENT_MAX - len(tail)] + tail


def due_in(letter: Letter) -> dict[str, Any]:
    """The order's due-date fields: an invoice made from it on the letter's date is due on the
    letter's deadline, not on the customer's or the company's terms.

    Tripletex has no due date on an order, only ``invoicesDueIn`` with ``invoicesDueInType``
    ("Number of days/months in which invoices created from this order is due"); the invoice
    gets ``invoiceDueDate`` from them. A letter without a deadline (a proposal) is never
    invoiced and sets none.
    """
    if letter.deadline is None:
        return {}
    return {
        "invoicesDueIn": max(0, (letter.deadline - letter.date).days),
        "invoicesDueInType": "DAYS",
    }


def order_body(
    letter: Letter,
    text: str,
    *,
    company_fee: Decimal | None,
    vat_type: int | None = None,
    currency_id: int | None = None,
) -> dict[str, Any]:
    """Return the POST /order body for ``letter`` with its rendered ``text``.

    ``currency_id`` is Tripletex's id of the letter's currency (the invoices'): without it the
    order, and the charges invoiced from it, would be in the company's currency.
    """
    day = letter.date.isoformat()
    body = {
        **due_in(letter),
        "customer": {"id": int(letter.customer_id)},
        "orderDate": day,
        "deliveryDate": day,
        "reference": letter.key[:REFERENCE_MAX],
        "deliveryComment": mapping.marker(
            letter.key,
            [d.invoice_id for d in letter.decisions],
            letter.action,
            charged=[
                d.invoice_id
                for d in letter.decisions
                if letter.action in REMINDER_ACTIONS and fee_on_reminder(d, company_fee)[0]
            ],
        ),
        "invoiceComment": invoice_comment(letter.key, text),
        "isPrioritizeAmountsIncludingVat": False,
        "orderLines": order_lines(letter, company_fee=company_fee, vat_type=vat_type),
    }
    if currency_id is not None:
        body["currency"] = {"id": currency_id}
    return body
