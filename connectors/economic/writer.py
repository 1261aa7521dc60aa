"""A letter -> the body of an e-conomic draft invoice (POST /invoices/drafts), and booking it.

e-conomic has no reminder object: the letter becomes a draft invoice whose lines carry the
charges (fee, interest, compensation; a zero-priced line per invoice that carries none) and
whose notes carry the letter text. ``references.other`` holds the letter's key, which is how
:meth:`EconomicSession.find` reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from bridge.vocab.domain import ZERO, ActionKind, Decision, Invoice, Letter
from bridge.vocab.errors import ConfigError

HEADING_MAX = 250
TEXT_LINE_MAX = 1000
REFERENCE_MAX = 250
DESCRIPTION_MAX = 2500
# Recipient fields we copy from the customer, with the draft schema's maxLength.
_RECIPIENT_FIELDS = {
    "address": 250,
    "zip": 50,
    "city": 250,
    "country": 50,
    "ean": 13,
    "publicEntryNumber": 40,
}
_LOCALES = {"da": "da_DK", "nb": "nb_NO", "sv": "sv_SE", "fi": "fi_FI", "en": "en_GB"}
LANGUAGES = frozenset(_LOCALES)

_ACTION_LABELS = {
    "da": {
        ActionKind.PRE_DUE_NOTICE: "Påmindelse",
        ActionKind.REMINDER: "Rykker {step}",
        ActionKind.COLLECTION_WARNING: "Inkassovarsel",
        ActionKind.HANDOVER: "Overdragelse til inkasso",
        ActionKind.INTEREST_INVOICE: "Rentenota",
        ActionKind.CREDIT_HOLD: "Kreditstop",
        ActionKind.TASK: "Opgave",
    },
    "nb": {
        ActionKind.PRE_DUE_NOTICE: "Betalingspåminnelse",
        ActionKind.REMINDER: "Purring {step}",
        ActionKind.COLLECTION_WARNING: "Inkassovarsel",
        ActionKind.HANDOVER: "Overføring til inkasso",
        ActionKind.INTEREST_INVOICE: "Rentenota",
        ActionKind.CREDIT_HOLD: "Kredittstopp",
        ActionKind.TASK: "Oppgave",
    },
    "sv": {
        ActionKind.PRE_DUE_NOTICE: "Betalningspåminnelse",
        ActionKind.REMINDER: "Påminnelse {step}",
        ActionKind.COLLECTION_WARNING: "Inkassovarning",
        ActionKind.HANDOVER: "Överlämnande till inkasso",
        ActionKind.INTEREST_INVOICE: "Räntefaktura",
        ActionKind.CREDIT_HOLD: "Kreditspärr",
        ActionKind.TASK: "Uppgift",
    },
    "fi": {
        ActionKind.PRE_DUE_NOTICE: "Muistutus eräpäivästä",
        ActionKind.REMINDER: "Maksumuistutus {step}",
        ActionKind.COLLECTION_WARNING: "Perintävaroitus",
        ActionKind.HANDOVER: "Siirto perintään",
        ActionKind.INTEREST_INVOICE: "Korkolasku",
        ActionKind.CREDIT_HOLD: "Luottokielto",
        ActionKind.TASK: "Tehtävä",
    },
    "en": {
        ActionKind.PRE_DUE_NOTICE: "Payment reminder",
        ActionKind.REMINDER: "Reminder {step}",
        ActionKind.COLLECTION_WARNING: "Debt collection warning",
        ActionKind.HANDOVER: "Handed over to debt collection",
        ActionKind.INTEREST_INVOICE: "Interest note",
        ActionKind.CREDIT_HOLD: "Credit hold",
        ActionKind.TASK: "Task",
    },
}
_WORDS = {
    "da": {
        "invoice": "faktura",
        "invoices": "faktura",
        "more": "m.fl.",
        "outstanding": "restbeløb",
        "due": "forfaldt",
        "fee": "Rykkergebyr",
        "warning_fee": "Gebyr for inkassovarsel",
        "interest": "Morarente",
        "per_year": "p.a.",
        "compensation": "Kompensationsbeløb",
    },
    "nb": {
        "invoice": "faktura",
        "invoices": "faktura",
        "more": "m.fl.",
        "outstanding": "utestående",
        "due": "forfalt",
        "fee": "Purregebyr",
        "warning_fee": "Gebyr for inkassovarsel",
        "interest": "Forsinkelsesrente",
        "per_year": "p.a.",
        "compensation": "Kompensasjon",
    },
    "sv": {
        "invoice": "faktura",
        "invoices": "faktura",
        "more": "m.fl.",
        "outstanding": "restbelopp",
        "due": "förföll",
        "fee": "Påminnelseavgift",
        "warning_fee": "Avgift för inkassovarning",
        "interest": "Dröjsmålsränta",
        "per_year": "per år",
        "compensation": "Förseningsersättning",
    },
    "fi": {
        "invoice": "lasku",
        "invoices": "lasku",
        "more": "ym.",
        "outstanding": "avoinna",
        "due": "erääntynyt",
        "fee": "Muistutusmaksu",
        "warning_fee": "Perintävaroitusmaksu",
        "interest": "Viivästyskorko",
        "per_year": "vuodessa",
        "compensation": "Vakiokorvaus",
    },
    "en": {
        "invoice": "invoice",
        "invoices": "invoice",
        "more": "and more",
        "outstanding": "outstanding",
        "due": "due",
        "fee": "Reminder fee",
        "warning_fee": "Collection warning fee",
        "interest": "Late payment interest",
        "per_year": "p.a.",
        "compensation": "Compensation",
    },
}


@dataclass(frozen=True, slots=True)
class DraftSettings:
    """Where a draft goes and which products its lines use (from the tenant's options)."""

    layout: int
    payment_terms: int  # terms of type "dueDate", so that e-conomic keeps the draft's dueDate
    payment_terms_type: str | None = None
    fee_product: str = "RYK"
    info_product: str = "RYK"
    interest_product: str = "RENTE"
    compensation_product: str = "KOMP"


# Terms whose due date is the one the draft gives: e-conomic uses a draft's dueDate only with
# them (invoices.drafts.post schema), every other type computes it from the terms.
DUE_DATE_TERMS = "dueDate"
_NO_DUE_DATE_TERMS = (
    "create payment terms of type 'Forfaldsdato' (dueDate) in e-conomic (Indstillinger -> "
    "Betalingsbetingelser), or name such terms in the tenant option 'payment_terms'"
)


def choose_terms(terms: list[tuple[int, str | None]], wanted: int | None) -> tuple[int, str | None]:
    """The payment terms of the drafts: of type dueDate, so the draft is due on the letter's
    deadline and not on a day the terms compute."""
    if wanted is not None:
        found = next((t for t in terms if t[0] == wanted), None)
        if found is None:
            raise ConfigError(f"e-conomic has no payment terms {wanted} (option 'payment_terms')")
        if found[1] != DUE_DATE_TERMS:
            raise ConfigError(
                f"payment terms {wanted} (option 'payment_terms') are of type {found[1]!r}: "
                "e-conomic would compute the draft's due date from them instead of the letter's "
                f"deadline; {_NO_DUE_DATE_TERMS}"
            )
        return found
    chosen = next((t for t in terms if t[1] == DUE_DATE_TERMS), None)
    if chosen is None:
        raise ConfigError(
            "e-conomic has no payment terms of type 'dueDate', which a draft needs to be due on "
            f"the letter's deadline; {_NO_DUE_DATE_TERMS}"
        )
    return chosen


class LetterTooLong(ValueError):
    """The letter text does not fit e-conomic's two 1,000-character note lines."""


def split_text(text: str, limit: int = TEXT_LINE_MAX) -> tuple[str, str | None]:
    """Split the letter into notes.textLine1 and textLine2, cutting at a paragraph if it can."""
    text = text.strip()
    if len(text) <= limit:
        return text, None
    window = text[: limit + 1]
    cut = -1
    for separator in ("\n\n", "\n", " "):
        cut = window.rfind(separator)
        if cut > 0:
            break
    if cut <= 0:
        cut = limit
    first, rest = text[:cut].rstrip(), text[cut:].strip()
    if len(first) > limit or len(rest) > limit:
        raise LetterTooLong(
            f"the letter has {len(text)} characters; e-conomic's notes hold two lines of "
            f"{limit}, so it cannot be written without losing text"
        )
    return first, rest


_SEE_LINES = {
    "da": "Fakturaerne og beløbene står på linjerne nedenfor.",
    "nb": "Fakturaene og beløpene står på linjene nedenfor.",
    "sv": "Fakturorna och beloppen står på raderna nedan.",
    "fi": "Laskut ja summat on lueteltu alla olevilla riveillä.",
    "en": "The invoices and amounts are listed on the lines below.",
}


def fit_text(text: str, lang: str = "da") -> tuple[str, str | None]:
    """Fit the letter into the two note lines; a long one drops its list of invoices.

    A customer with many open invoices gets a letter longer than e-conomic's notes. The draft's
    lines name every invoice with its amounts anyway, so the notes keep the letter's words (the
    deadline, the § 10 warning) and point at the lines instead of repeating the list.
    """
    try:
        return split_text(text)
    except LetterTooLong:
        kept = [line for line in text.strip().splitlines() if not line.startswith("- ")]
        compact = re.sub(r"\n{3,}", "\n\n", "\n".join(kept).strip())
        compact += "\n\n" + _SEE_LINES[_lang(lang)]
        return split_text(compact)


def heading(letter: Letter, lang: str = "da") -> str:
    """Return notes.heading, e.g. "Rykker 2 - faktura 1001, 1002" (at most 250 characters)."""
    labels, words = _ACTION_LABELS[_lang(lang)], _WORDS[_lang(lang)]
    prefix = f"{labels[letter.action].format(step=letter.step)} - {words['invoices']} "
    numbers = [d.invoice_number for d in letter.decisions]
    # As many invoice numbers as fit, then "m.fl." for the rest.
    for count in range(len(numbers), 0, -1):
        suffix = "" if count == len(numbers) else f" {words['more']}"
        text = prefix + ", ".join(numbers[:count]) + suffix
        if len(text) <= HEADING_MAX:
            return text
    return (prefix + (numbers[0] if numbers else ""))[:HEADING_MAX]


def _lang(lang: str) -> str:
    return lang if lang in _LOCALES else "da"


def _money(amount: Decimal, currency: str, lang: str) -> str:
    return format_currency(amount, currency, locale=_LOCALES[lang])


def _day(value: date, lang: str) -> str:
    return format_date(value, format="short", locale=_LOCALES[lang])


def _rate(rate: Decimal, lang: str) -> str:
    return format_decimal(rate, format="#,##0.00", locale=_LOCALES[lang])


def _interest_text(decision: Decision, lang: str) -> str:
    interest = decision.interest
    assert interest is not None
    per_year = _WORDS[lang]["per_year"]
    periods = [
        f"{_day(p.start, lang)}–{_day(p.end, lang)} {_rate(p.rate, lang)} % {per_year}"
        for p in interest.periods
    ]
    return "; ".join(periods) or f"{_day(interest.start, lang)}–{_day(interest.end, lang)}"


def _line(product: str, description: str, amount: Decimal) -> dict[str, Any]:
    return {
        "product": {"productNumber": product},
        "description": description[:DESCRIPTION_MAX],
        "quantity": Decimal("1.00"),
        "unitNetPrice": amount,
    }


def decision_lines(
    decision: Decision,
    settings: DraftSettings,
    invoice: Invoice | None,
    lang: str = "da",
) -> list[dict[str, Any]]:
    """Return the draft lines for one decision: its charges, or one zero-priced line."""
    lang = _lang(lang)
    words = _WORDS[lang]
    ref = f"{words['invoice']} {decision.invoice_number}"
    lines: list[dict[str, Any]] = []
    if decision.fee > ZERO:
        label = (
            words["warning_fee"]
            if decision.action is ActionKind.COLLECTION_WARNING
            else words["fee"]
        )
        lines.append(_line(settings.fee_product, f"{label}, {ref}", decision.fee))
    if decision.interest is not None and decision.interest.amount > ZERO:
        text = f"{words['interest']}, {ref}: {_interest_text(decision, lang)}"
        lines.append(_line(settings.interest_product, text, decision.interest.amount))
    if decision.compensation > ZERO:
        lines.append(
            _line(
                settings.compensation_product,
                f"{words['compensation']}, {ref}",
                decision.compensation,
            )
        )
    if not lines:
        owed = _money(decision.outstanding, decision.currency, lang)
        info = f"{ref.capitalize()}: {words['outstanding']} {owed}"
        if invoice is not None:
            info += f", {words['due']} {_day(invoice.due_date, lang)}"
        lines.append(_line(settings.info_product, info, ZERO))
    return lines


def recipient(customer: Mapping[str, Any]) -> dict[str, Any]:
    """Build the draft's recipient from the e-conomic customer: name, vat zone, address."""
    out: dict[str, Any] = {
        "name": str(customer.get("name") or customer.get("customerNumber"))[:250]
    }
    for field, limit in _RECIPIENT_FIELDS.items():
        value = customer.get(field)
        if isinstance(value, str) and value.strip():
            out[field] = value.strip()[:limit]
    zone = customer.get("vatZone")
    number = zone.get("vatZoneNumber") if isinstance(zone, Mapping) else None
    # e-conomic requires a vat zone; a customer without one is domestic (zone 1) in practice.
    out["vatZone"] = {"vatZoneNumber": int(number) if isinstance(number, int) else 1}
    return out


def draft_body(
    letter: Letter,
    text: str,
    *,
    customer: Mapping[str, Any],
    settings: DraftSettings,
    invoices: Mapping[str, Invoice],
    lang: str = "da",
) -> dict[str, Any]:
    """Return the POST /invoices/drafts body for ``letter`` with its rendered ``text``."""
    line1, line2 = fit_text(text, lang)
    notes: dict[str, str] = {"heading": heading(letter, lang)}
    if line1:
        notes["textLine1"] = line1
    if line2:
        notes["textLine2"] = line2
    lines: list[dict[str, Any]] = []
    for decision in letter.decisions:
        lines.extend(decision_lines(decision, settings, invoices.get(decision.invoice_id), lang))
    for number, line in enumerate(lines, start=1):
        line["lineNumber"] = number
        line["sortKey"] = number
    body: dict[str, Any] = {
        "date": letter.date.isoformat(),
        "currency": letter.currency,
        "customer": {"customerNumber": int(letter.customer_id)},
        "recipient": recipient(customer),
        "layout": {"layoutNumber": settings.layout},
        "paymentTerms": {"paymentTermsNumber": settings.payment_terms},
        "notes": notes,
        "references": {"other": letter.key[:REFERENCE_MAX]},
        "lines": lines,
    }
    # The draft is due on the letter's deadline, never on a date the payment terms compute.
    # e-conomic uses dueDate only with terms of type "dueDate" (invoices.drafts.post schema:
    # "Only used if the terms of payment is of type 'duedate', in which case it is mandatory"),
    # so the session picks such terms; a letter without a deadline (a task, a credit hold, never
    # sent) is due on its own date.
    body["dueDate"] = due_date(letter).isoformat()
    return body


def due_date(letter: Letter) -> date:
    """The draft's due date: the day the letter asks payment by, else the letter's date."""
    return letter.deadline or letter.date


def attend(body: dict[str, Any], contact: int) -> None:
    """Address the draft to a contact person (``recipient.attention``): the reminder contact."""
    body["recipient"]["attention"] = {"customerContactNumber": contact}


def send_by(customer: Mapping[str, Any], contact_email: str | None = None) -> tuple[str, str]:
    """Choose how a booked letter is sent (EAN, Email or none) and say so for the result.

    ``contact_email`` is the address of the contact person ticked for reminders, the draft's
    attention; it wins over the customer's own address.
    """
    ean = customer.get("ean")
    if isinstance(ean, str) and ean.strip():
        return "EAN", f"sent as an e-invoice to EAN {ean.strip()}"
    if contact_email:
        return "Email", f"sent by e-mail to the reminder contact {contact_email}"
    email = customer.get("email")
    if isinstance(email, str) and "@" in email:
        return "Email", "sent by e-mail"
    return "none", "not sent: the customer has no e-mail address or EAN; send it from e-conomic"
