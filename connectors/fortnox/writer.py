"""A letter -> the body of an unbooked Fortnox invoice (POST /3/invoices), and how to send it.

Fortnox has no API to create a reminder, so a letter becomes an unbooked invoice, which is a
draft the accountant can edit, book or delete: ``INVOICE`` for a reminder (its fee), and
``INTRESTINVOICE`` for an interest invoice. Rows carry the charges with VAT 0 (fees, interest
and compensation are outside the scope of VAT), or one zero-priced row naming the invoice when
there is none. The letter text goes into ``Remarks`` (printed on the invoice; 1,024
characters), any overflow into text rows. ``ExternalInvoiceReference1`` holds the letter's key,
which ``GET /3/invoices?externalinvoicereference1=`` finds again; ``ExternalInvoiceReference2``
names the original invoices; ``Comments`` (internal) tells the accountant what the draft is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from bridge.vocab.domain import ZERO, ActionKind, Decision, Invoice, Letter

REMARKS_MAX = 1024
COMMENTS_MAX = 1024
REFERENCE_MAX = 80
ROW_TEXT_MAX = 255  # the recorded limit of a row's Description
MAX_TEXT_ROWS = 12
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
LANGUAGES = frozenset(_LOCALES)

_LABELS = {
    "sv": {
        ActionKind.PRE_DUE_NOTICE: "Påminnelse före förfallodagen",
        ActionKind.REMINDER: "Betalningspåminnelse {step}",
        ActionKind.COLLECTION_WARNING: "Inkassokrav",
        ActionKind.HANDOVER: "Förslag: överlämning till inkasso",
        ActionKind.INTEREST_INVOICE: "Räntefaktura",
        ActionKind.CREDIT_HOLD: "Förslag: kreditstopp",
        ActionKind.TASK: "Uppgift",
    },
    "en": {
        ActionKind.PRE_DUE_NOTICE: "Payment reminder before the due date",
        ActionKind.REMINDER: "Payment reminder {step}",
        ActionKind.COLLECTION_WARNING: "Debt collection demand",
        ActionKind.HANDOVER: "Proposal: hand over to debt collection",
        ActionKind.INTEREST_INVOICE: "Interest invoice",
        ActionKind.CREDIT_HOLD: "Proposal: credit hold",
        ActionKind.TASK: "Task",
    },
}
_WORDS = {
    "sv": {
        "invoice": "faktura",
        "outstanding": "återstår",
        "due": "förföll",
        "fee": "Påminnelseavgift",
        "warning_fee": "Inkassoavgift",
        "interest": "Dröjsmålsränta",
        "per_year": "per år",
        "compensation": "Förseningsersättning",
    },
    "en": {
        "invoice": "invoice",
        "outstanding": "outstanding",
        "due": "due",
        "fee": "Reminder fee",
        "warning_fee": "Collection fee",
        "interest": "Late payment interest",
        "per_year": "p.a.",
        "compensation": "Late payment compensation",
    },
}


@dataclass(frozen=True, slots=True)
class RowSettings:
    """Which account (and optionally article) each kind of charge is booked on.

    Defaults follow the Swedish BAS chart: 3590 other revenue for fees, 8313 interest income on
    short-term receivables, 3590 for B2B compensation. A tenant with its own chart sets the
    ``*_account`` options.
    """

    fee_account: int = 3590
    interest_account: int = 8313
    compensation_account: int = 3590
    # Text rows (a long letter's overflow) carry no amount but still name an account: a company
    # whose settings demand one (or a cost centre) may refuse a row without. Default: the fee's.
    text_account: int = 3590
    fee_article: str | None = None
    interest_article: str | None = None
    due_days: int = 10  # payment term of the fee/interest invoice when the letter sets none


class LetterTooLong(ValueError):
    """The letter text does not fit Remarks plus the text rows Fortnox allows."""


def _lang(lang: str) -> str:
    return lang if lang in _LOCALES else "sv"


def _money(amount: Decimal, currency: str, lang: str) -> str:
    return format_currency(amount, currency, locale=_LOCALES[lang])


def _day(value: date, lang: str) -> str:
    return format_date(value, format="short", locale=_LOCALES[lang])


def invoice_type(letter: Letter) -> str:
    """``INTRESTINVOICE`` (Fortnox's spelling) for interest invoices, else ``INVOICE``."""
    return "INTRESTINVOICE" if letter.action is ActionKind.INTEREST_INVOICE else "INVOICE"


def split_text(text: str) -> tuple[str, list[str]]:
    """Split the letter into Remarks (1,024 characters) and text rows of 255, at line breaks."""
    text = text.strip()
    if len(text) <= REMARKS_MAX:
        return text, []
    cut = text.rfind("\n", 0, REMARKS_MAX + 1)
    cut = cut if cut > 0 else REMARKS_MAX
    remarks, rest = text[:cut].rstrip(), text[cut:].strip()
    rows: list[str] = []
    for raw in rest.splitlines():
        line = raw.strip()
        while len(line) > ROW_TEXT_MAX:
            space = line.rfind(" ", 0, ROW_TEXT_MAX + 1)
            space = space if space > 0 else ROW_TEXT_MAX
            rows.append(line[:space].rstrip())
            line = line[space:].strip()
        if line:
            rows.append(line)
    if len(rows) > MAX_TEXT_ROWS:
        raise LetterTooLong(
            f"the letter has {len(text)} characters; Fortnox holds {REMARKS_MAX} in Remarks and "
            f"{MAX_TEXT_ROWS} text rows of {ROW_TEXT_MAX}, so it cannot be written whole"
        )
    return remarks, rows


def _row(description: str, amount: Decimal, account: int, article: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "Description": description[:ROW_TEXT_MAX],
        "DeliveredQuantity": "1",
        "Price": amount,
        "VAT": 0,
        "AccountNumber": account,
    }
    if article:
        row["ArticleNumber"] = article
    return row


def _interest_text(decision: Decision, lang: str) -> str:
    interest = decision.interest
    assert interest is not None
    per_year = _WORDS[lang]["per_year"]
    locale = _LOCALES[lang]
    periods = [
        f"{_day(p.start, lang)}–{_day(p.end, lang)} "
        f"{format_decimal(p.rate, format='#,##0.00', locale=locale)} % {per_year}"
        for p in interest.periods
    ]
    return "; ".join(periods) or f"{_day(interest.start, lang)}–{_day(interest.end, lang)}"


def decision_rows(
    decision: Decision, settings: RowSettings, invoice: Invoice | None, lang: str = "sv"
) -> list[dict[str, Any]]:
    """The rows of one decision: its charges, or one zero-priced row naming the invoice."""
    lang = _lang(lang)
    words = _WORDS[lang]
    ref = f"{words['invoice']} {decision.invoice_number}"
    rows: list[dict[str, Any]] = []
    if decision.fee > ZERO:
        label = (
            words["warning_fee"]
            if decision.action is ActionKind.COLLECTION_WARNING
            else words["fee"]
        )
        rows.append(
            _row(f"{label}, {ref}", decision.fee, settings.fee_account, settings.fee_article)
        )
    if decision.interest is not None and decision.interest.amount > ZERO:
        rows.append(
            _row(
                f"{words['interest']}, {ref}: {_interest_text(decision, lang)}",
                decision.interest.amount,
                settings.interest_account,
                settings.interest_article,
            )
        )
    if decision.compensation > ZERO:
        rows.append(
            _row(
                f"{words['compensation']}, {ref}",
                decision.compensation,
                settings.compensation_account,
                None,
            )
        )
    if not rows:
        owed = _money(decision.outstanding, decision.currency, lang)
        info = f"{ref.capitalize()}: {words['outstanding']} {owed}"
        if invoice is not None:
            info += f", {words['due']} {_day(invoice.due_date, lang)}"
        rows.append(_row(info, ZERO, settings.fee_account, None))
    return rows


def heading(letter: Letter, lang: str = "sv") -> str:
    """A one-line name for the draft, e.g. "Betalningspåminnelse 2 - faktura 1001, 1002"."""
    lang = _lang(lang)
    label = _LABELS[lang][letter.action].format(step=letter.step)
    numbers = ", ".join(d.invoice_number for d in letter.decisions)
    return f"{label} - {_WORDS[lang]['invoice']} {numbers}"


def invoice_body(
    letter: Letter,
    text: str,
    *,
    settings: RowSettings,
    invoices: Mapping[str, Invoice],
    lang: str = "sv",
) -> dict[str, Any]:
    """Return the POST /3/invoices body for ``letter`` with its rendered ``text``."""
    lang = _lang(lang)
    remarks, overflow = split_text(text)
    rows: list[dict[str, Any]] = []
    for decision in letter.decisions:
        rows.extend(decision_rows(decision, settings, invoices.get(decision.invoice_id), lang))
    rows.extend({"Description": line, "AccountNumber": settings.text_account} for line in overflow)
    originals = ", ".join(d.invoice_number for d in letter.decisions)
    if letter.action is ActionKind.TASK:
        # A task is for the creditor's own people: booking would put a note to staff in the
        # ledger and sending would show it to the debtor, so the draft says to do neither.
        comments = (
            f"{heading(letter, lang)}. A task from dunning-bridge for your own staff, not a "
            f"letter to the customer: do not book or send it; cancel it once the task is done. "
            f"Key {letter.key}."
        )
    else:
        comments = (
            f"{heading(letter, lang)}. Written by dunning-bridge for review: book it to send it, "
            f"cancel it (makulera) to reject it. Key {letter.key}."
        )
    due = letter.deadline or (letter.date + timedelta(days=settings.due_days))
    body: dict[str, Any] = {
        "CustomerNumber": letter.customer_id,
        "InvoiceType": invoice_type(letter),
        "InvoiceDate": letter.date.isoformat(),
        "DueDate": due.isoformat(),
        "Currency": letter.currency,
        "Language": "EN" if lang == "en" else "SV",
        "ExternalInvoiceReference1": letter.key[:REFERENCE_MAX],
        "ExternalInvoiceReference2": f"{_WORDS[lang]['invoice']} {originals}"[:REFERENCE_MAX],
        "Remarks": remarks,
        "Comments": comments[:COMMENTS_MAX],
        "VATIncluded": False,
        "InvoiceRows": rows,
    }
    return {"Invoice": body}


def send_action(delivery_type: str) -> tuple[str | None, str]:
    """How a booked letter is sent, by the customer's delivery type, and say so for the result."""
    kind = delivery_type.upper()
    if kind == "EMAIL":
        return "email", "sent by e-mail"
    if kind == "PRINTSERVICE":
        return "eprint", "sent by post through Fortnox's print service"
    # PRINT, and anything else (the spec's DefaultDeliveryTypes has only PRINT, EMAIL and
    # PRINTSERVICE; there is no EINVOICE): the company prints and posts it itself.
    return None, "booked; the customer gets printed invoices, so print and post it from Fortnox"


# Fortnox Finans' send methods (EMAIL, LETTER, EINVOICE, NONE) by the customer's delivery type.
FINANS_SEND = {
    "EMAIL": "EMAIL",
    "PRINT": "LETTER",
    "PRINTSERVICE": "LETTER",
}


def finans_send_method(delivery_type: str) -> str:
    """The SendMethod Fortnox Finans uses for this customer."""
    return FINANS_SEND.get(delivery_type.upper(), "LETTER")
