"""Render the text of a letter (jinja2, sandboxed, strict) in the customer's language.

Templates live in bridge/templates/letters/<lang>/<action>.txt.j2; a tenant may point
``options.templates`` at a folder with the same layout to override any of them. Amounts and
dates are formatted per locale with babel.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bridge.domain import ZERO, ActionKind, Customer, Invoice, Letter

LOCALES = {"da": "da_DK", "en": "en_GB", "nb": "nb_NO", "sv": "sv_SE", "fi": "fi_FI"}
COUNTRY_LANGUAGE = {"DK": "da", "NO": "nb", "SE": "sv", "FI": "fi"}
AVAILABLE = ("da", "en")


def language_for(customer: Customer, tenant_default: str) -> str:
    """Choose the letter language: the customer's, else the tenant's default, else English."""
    for candidate in (customer.language, tenant_default):
        if candidate and candidate.lower()[:2] in AVAILABLE:
            return candidate.lower()[:2]
    return "en"


def _environment(lang: str, override: Path | None) -> SandboxedEnvironment:
    loaders: list[Any] = []
    if override is not None:
        loaders.append(FileSystemLoader(str(override)))
    loaders.append(PackageLoader("bridge", "templates/letters"))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,  # plain-text letters; HTML letters get their own environment
        keep_trailing_newline=True,
    )
    locale = LOCALES[lang]

    def money(value: Decimal, currency: str) -> str:
        return format_currency(value, currency, locale=locale)

    def day(value: date | None) -> str:
        return format_date(value, format="long", locale=locale) if value else ""

    env.filters["money"] = money
    env.filters["date"] = day
    return env


def render(
    letter: Letter,
    customer: Customer,
    invoices: Mapping[str, Invoice],
    *,
    creditor: str,
    lang: str = "da",
    override: Path | None = None,
) -> str:
    """Render the letter's text: every amount, period and deadline the law asks for."""
    env = _environment(lang, override)
    items = [
        {
            "number": d.invoice_number,
            "due_date": invoices[d.invoice_id].due_date if d.invoice_id in invoices else None,
            "outstanding": d.outstanding,
            "interest": d.interest_amount,
            "interest_from": d.interest.start if d.interest else None,
            "interest_to": d.interest.end if d.interest else None,
            "rate": d.interest.rate if d.interest else None,
            "compensation": d.compensation,
        }
        for d in letter.decisions
    ]
    fee = sum((d.fee for d in letter.decisions), ZERO)
    # An interest invoice asks only for the interest; other letters for the claim in full.
    principal = ZERO if letter.action is ActionKind.INTEREST_INVOICE else None
    total = sum(
        (
            (d.outstanding if principal is None else principal) + d.total_charges
            for d in letter.decisions
        ),
        ZERO,
    )
    template = env.get_template(f"{lang}/{letter.action.value}.txt.j2")
    return template.render(
        customer=customer,
        creditor=creditor,
        items=items,
        fee=fee,
        total=total,
        currency=letter.currency,
        deadline=letter.deadline,
        step=letter.step,
    )
