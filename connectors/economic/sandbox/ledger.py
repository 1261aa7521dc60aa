"""Bookings in the sandbox's ledger: invoices, payments and e-conomic's own UI reminders.

Every change the real system would show is made here once, for both the API and the test
hooks: booking an invoice writes a ``customerInvoice`` entry, a payment lowers the remainder
and writes a ``customerPayment`` entry naming the invoice, and a reminder sent from e-conomic's
UI writes a ``reminder`` entry (its fee, the invoice it concerns in ``invoiceNumber`` and
``bookedInvoice``).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bridge.vocab.domain import ZERO, money
from connectors.economic.sandbox.drafts import book
from connectors.economic.sandbox.state import Record, SandboxState

# e-conomic's reminder letters give the debtor this long before the next step.
REMINDER_DEADLINE_DAYS = 10


def _entry(state: SandboxState, invoice: Record, **fields: object) -> Record:
    state.revision += 1  # every booking, payment and reminder passes here
    number = state.take("entry")
    rec: Record = {
        "entryNumber": number,
        "voucherNumber": state.take("voucher"),
        "currency": invoice["currency"],
        "customer": {"customerNumber": invoice["customer"]["customerNumber"]},
        "invoiceNumber": str(invoice["bookedInvoiceNumber"]),
        "bookedInvoice": {"bookedInvoiceNumber": invoice["bookedInvoiceNumber"]},
        **fields,
    }
    state.entries[number] = rec
    return rec


def next_booked_number(state: SandboxState) -> int:
    """The next free booked-invoice number."""
    number = state.take("booked")
    while number in state.booked:
        number = state.take("booked")
    return number


def post_invoice(state: SandboxState, invoice: Record) -> None:
    """Store a booked invoice and its customer ledger entry."""
    state.booked[invoice["bookedInvoiceNumber"]] = invoice
    _entry(
        state,
        invoice,
        entryType="customerInvoice",
        date=invoice["date"],
        amount=invoice["grossAmount"],
        text=f"Faktura {invoice['bookedInvoiceNumber']}",
        dueDate=invoice["dueDate"],
    )


def book_draft(
    state: SandboxState, draft_number: int, send_by: str = "none", number: int | None = None
) -> Record:
    """Book a draft: it leaves the drafts and becomes an open booked invoice."""
    draft = state.drafts.pop(draft_number)
    booked = book(draft, number if number is not None else next_booked_number(state))
    post_invoice(state, booked)
    state.sent[booked["bookedInvoiceNumber"]] = send_by
    return booked


def post_payment(state: SandboxState, invoice_number: int, amount: Decimal, on: date) -> None:
    """Register a payment on a booked invoice; refuses more than what remains."""
    invoice = state.booked[invoice_number]
    paid = money(amount)
    remainder = Decimal(invoice["remainder"])
    if paid <= ZERO or paid > remainder:
        raise ValueError(f"cannot pay {paid} on invoice {invoice_number}: {remainder} remains")
    invoice["remainder"] = money(remainder - paid)
    _entry(
        state,
        invoice,
        entryType="customerPayment",
        date=on.isoformat(),
        amount=-paid,
        text=f"Indbetaling faktura {invoice_number}",
        remainder=Decimal("0.00"),
    )


def post_reminder(
    state: SandboxState, invoice_number: int, on: date, fee: Decimal, level: int
) -> int:
    """Record a reminder sent from e-conomic's UI on an invoice; return its entry number."""
    invoice = state.booked[invoice_number]
    rec = _entry(
        state,
        invoice,
        entryType="reminder",
        date=on.isoformat(),
        amount=money(fee),
        text=f"Rykker {level} faktura {invoice_number}",
        dueDate=(on + timedelta(days=REMINDER_DEADLINE_DAYS)).isoformat(),
        remainder=money(fee),
    )
    number: int = rec["entryNumber"]
    return number


def post_on_account(state: SandboxState, customer: int, amount: Decimal, on: date) -> int:
    """Register a payment on a customer's account that names no invoice (not allocated).

    No invoice's remainder changes; the entry's own ``remainder`` (negative: credit) stays open
    and lowers the customer's ``balance`` until the accountant allocates it.
    """
    paid = money(amount)
    if paid <= ZERO:
        raise ValueError(f"cannot pay {paid} on account")
    state.revision += 1
    number = state.take("entry")
    state.entries[number] = {
        "entryNumber": number,
        "voucherNumber": state.take("voucher"),
        "currency": "DKK",
        "customer": {"customerNumber": customer},
        "entryType": "customerPayment",
        "date": on.isoformat(),
        "amount": -paid,
        "text": "Indbetaling a conto",
        "remainder": -paid,
    }
    return number
