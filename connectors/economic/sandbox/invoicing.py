"""Invoice arithmetic as e-conomic does it: line totals, VAT, base currency and due dates."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import ZERO, money

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """The amounts of one invoice line, each rounded once to the øre."""

    net: Decimal
    vat: Decimal


def line_amounts(
    quantity: Decimal, unit_price: Decimal, discount_pct: Decimal, vat_rate: Decimal
) -> LineAmounts:
    """Net after discount and the VAT on it, each rounded half-up to 0.01."""
    net = money(quantity * unit_price * (HUNDRED - discount_pct) / HUNDRED)
    return LineAmounts(net=net, vat=money(net * vat_rate / HUNDRED))


def totals(lines: list[dict[str, Any]]) -> tuple[Decimal, Decimal, Decimal]:
    """Sum net and VAT of lines carrying ``totalNetAmount`` and ``vatAmount``: (net, vat, gross)."""
    net = sum((Decimal(line["totalNetAmount"]) for line in lines), ZERO)
    vat = sum((Decimal(line["vatAmount"]) for line in lines), ZERO)
    return money(net), money(vat), money(net + vat)


def in_base(amount: Decimal, exchange_rate: Decimal) -> Decimal:
    """Convert an amount to DKK at e-conomic's rate (DKK per 100 units)."""
    return money(amount * exchange_rate / HUNDRED)


def due_date(terms: dict[str, Any], invoice_date: date, explicit: date | None = None) -> date:
    """The due date the payment terms give an invoice dated ``invoice_date``.

    ``explicit`` (the posted ``dueDate``) counts only for terms of type dueDate; e-conomic
    ignores it under any other terms (invoices.drafts.post schema, ``dueDate``), so a draft that
    leaves the date to net terms is due ``daysOfCredit`` after its date.
    """
    kind = terms["paymentTermsType"]
    days = int(terms.get("daysOfCredit", 0))
    if kind == "net":
        return invoice_date + timedelta(days=days)
    if kind == "invoiceMonth":
        last = calendar.monthrange(invoice_date.year, invoice_date.month)[1]
        return invoice_date.replace(day=last) + timedelta(days=days)
    if kind == "dueDate":
        return explicit or invoice_date
    # Cash, prepaid and card terms fall due on the invoice date.
    return invoice_date
