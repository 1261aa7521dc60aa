"""Fixed letters for the letter tests: one claim per country, every action and step."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bridge.engine.letter_creditor import Creditor
from bridge.vocab.domain import (
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    InterestCharge,
    InterestPeriod,
    Invoice,
    Letter,
    StepRecord,
)

COUNTRY_OF: dict[str, str] = {"da": "DK", "nb": "NO", "sv": "SE", "fi": "FI", "en": "DK"}
CURRENCY: dict[str, str] = {"DK": "DKK", "NO": "NOK", "SE": "SEK", "FI": "EUR"}
RATE: dict[str, Decimal] = {
    "DK": Decimal("9.75"),
    "NO": Decimal("12.00"),
    "SE": Decimal("10.00"),
    "FI": Decimal("10.50"),
}
WARNING_DAYS: dict[str, int] = {"DK": 10, "NO": 14, "SE": 10, "FI": 14}
# (action, step) pairs of a full series, in the order a stubborn customer meets them.
SERIES: tuple[tuple[ActionKind, int], ...] = (
    (ActionKind.PRE_DUE_NOTICE, 1),
    (ActionKind.REMINDER, 1),
    (ActionKind.REMINDER, 2),
    (ActionKind.REMINDER, 3),
    (ActionKind.COLLECTION_WARNING, 3),
    (ActionKind.HANDOVER, 4),
    (ActionKind.INTEREST_INVOICE, 1),
    (ActionKind.CREDIT_HOLD, 1),
    (ActionKind.TASK, 2),  # call the customer
    (ActionKind.TASK, 4),  # tell the salesperson
)
LETTER_DAY = date(2026, 2, 9)

CUSTOMER = Customer(
    id="7",
    name="Tømrer Hansen ApS",
    kind=CustomerKind.BUSINESS,
    email="bogholderi@hansen.example",
    org_number="12345678",
    address="Savværksvej 3, 8600 Silkeborg",
    phone="+45 12 34 56 78",
    salesperson="Anna Sælger",
)
INVOICES = {
    "1001": Invoice(
        id="1001",
        number="1001",
        customer_id="7",
        issue_date=date(2026, 1, 5),
        due_date=date(2026, 1, 19),
        currency="DKK",
        amount=Decimal("10000.00"),
        outstanding=Decimal("10000.00"),
    ),
    "1002": Invoice(
        id="1002",
        number="1002",
        customer_id="7",
        issue_date=date(2026, 1, 12),
        due_date=date(2026, 1, 26),
        currency="DKK",
        amount=Decimal("2500.50"),
        outstanding=Decimal("1250.25"),
    ),
}

# Invoice 1002 was part-paid on 30 January: its interest ran on 2,500.50 until then, on the
# rest after (a letter itemises both stretches).
PART_PAYMENT = date(2026, 1, 30)
# Invoices not yet due on the letter's day: a pre-due notice's.
UPCOMING = {
    "1003": Invoice(
        id="1003",
        number="1003",
        customer_id="7",
        issue_date=date(2026, 2, 2),
        due_date=date(2026, 2, 16),
        currency="DKK",
        amount=Decimal("4000.00"),
        outstanding=Decimal("4000.00"),
    ),
    "1004": Invoice(
        id="1004",
        number="1004",
        customer_id="7",
        issue_date=date(2026, 2, 3),
        due_date=date(2026, 2, 17),
        currency="DKK",
        amount=Decimal("612.50"),
        outstanding=Decimal("612.50"),
    ),
}


def creditor(country: str) -> Creditor:
    """A creditor with the account details a letter in ``country`` prints."""
    details: dict[str, dict[str, str]] = {
        "DK": {"bank_reg": "1234", "bank_account": "0012345678", "fik_creditor": "85123456"},
        "NO": {"bank_account": "12345678903", "kid": "mod10"},
        "SE": {"bankgiro": "123-4567", "ocr": "mod10_length"},
        # RF in Finland, so that every country's reference has a python-stdnum check.
        "FI": {"iban": "FI2112345600000785", "bic": "NDEAFIHH", "fi_reference": "rf"},
    }
    return Creditor(
        name="Kontorhjørnet ApS",
        address="Nørregade 1, 1165 København K",
        org_number="87654321",
        email="bogholderi@kontorhjornet.example",
        iban="DK5000400440116243" if country == "DK" else details[country].get("iban", ""),
        bic="NDEADKKK" if country == "DK" else details[country].get("bic", ""),
        bank_reg=details[country].get("bank_reg", ""),
        bank_account=details[country].get("bank_account", ""),
        bankgiro=details[country].get("bankgiro", ""),
        agency="Dansk Kreditor Service",
        fik_creditor=details[country].get("fik_creditor", ""),
        kid=details[country].get("kid", ""),
        ocr=details[country].get("ocr", ""),
        fi_reference=details[country].get("fi_reference", ""),
    )


def _interest(country: str, invoice: Invoice) -> InterestCharge:
    """Interest from the day after the due date to the letter's day, a stretch per capital."""
    start, end = invoice.due_date + timedelta(days=1), LETTER_DAY
    stretches = [(start, end, invoice.outstanding)]
    if invoice.amount != invoice.outstanding:
        stretches = [
            (start, PART_PAYMENT, invoice.amount),
            (PART_PAYMENT + timedelta(days=1), end, invoice.outstanding),
        ]
    periods = []
    for first, last, principal in stretches:
        days = (last - first).days + 1
        share = principal * RATE[country] / 100 * days / 365
        periods.append(InterestPeriod(first, last, RATE[country], days, 365, principal, share))
    amount = sum((p.amount for p in periods), Decimal(0)).quantize(Decimal("0.01"))
    return InterestCharge(start, end, amount, tuple(periods), "actual/365")


def letter(action: ActionKind, step: int, country: str = "DK", *, invoices: int = 2) -> Letter:
    """A letter for invoices 1001 and 1002 as the engine would shape it.

    A pre-due notice is for the invoices not yet due, 1003 and 1004 (``invoices=1``: 1003).
    """
    currency = CURRENCY[country]
    charged = action in {
        ActionKind.REMINDER,
        ActionKind.COLLECTION_WARNING,
        ActionKind.INTEREST_INVOICE,
    } and not (action is ActionKind.REMINDER and step == 1)
    deadline_days = WARNING_DAYS[country] if action is ActionKind.COLLECTION_WARNING else 10
    has_deadline = action not in {ActionKind.HANDOVER, ActionKind.CREDIT_HOLD, ActionKind.TASK}
    task = ("call" if step == 2 else "tell_salesperson") if action is ActionKind.TASK else ""
    decisions = []
    chosen = INVOICES if action is not ActionKind.PRE_DUE_NOTICE else UPCOMING
    for index, invoice in enumerate(chosen.values()):
        if action is ActionKind.PRE_DUE_NOTICE and index >= invoices:
            continue
        decisions.append(
            Decision(
                tenant="t",
                invoice_id=invoice.id,
                invoice_number=invoice.number,
                customer_id="7",
                date=LETTER_DAY,
                action=action,
                step=step,
                currency=currency,
                outstanding=Decimal("0.00")
                if action is ActionKind.INTEREST_INVOICE
                else invoice.outstanding,
                fee=Decimal("100.00") if charged and index == 0 else Decimal("0.00"),
                interest=_interest(country, invoice) if charged else None,
                compensation=Decimal("310.00") if charged and step == 2 else Decimal("0.00"),
                deadline=LETTER_DAY + timedelta(days=deadline_days) if has_deadline else None,
                task=task,
                assignee="salesperson" if task else "",
            )
        )
    return Letter(
        tenant="t",
        customer_id="7",
        action=action,
        step=step,
        date=LETTER_DAY,
        currency=currency,
        decisions=tuple(decisions),
    )


def history() -> list[StepRecord]:
    """The letters sent before a hand-over."""
    steps = []
    for step, (action, day) in enumerate(
        (
            (ActionKind.REMINDER, date(2026, 1, 22)),
            (ActionKind.REMINDER, date(2026, 2, 1)),
            (ActionKind.COLLECTION_WARNING, date(2026, 2, 11)),
        ),
        start=1,
    ):
        for invoice_id in INVOICES:
            steps.append(
                StepRecord(
                    invoice_id=invoice_id,
                    action=action,
                    step=step,
                    date=day,
                    fee=Decimal("100.00") if step > 1 and invoice_id == "1001" else Decimal(0),
                    deadline=day + timedelta(days=10),
                )
            )
    return steps
