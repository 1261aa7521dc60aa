"""What a letter needs before it may go: checked when it is written, reported ahead by `doctor`.

Two rules (docs/letters.md "When a warning is refused", docs/law.md "Norway: how a collection
letter may be delivered"):

- **A collection warning says how to pay and where to object.** Without payment details (an
  account, IBAN, bankgiro/plusgiro or FI creditor number) it cannot say how to pay, unless the
  accounting system's own document prints the company's bank details in its layout (the
  connector declares ``payment_details``: docs/connectors/*.md). Without a company e-mail or
  phone it gives the debtor nobody to object to. Either way the letter waits, and the reason
  names the tenant options that fix it.
- **Norway: a collection letter goes on paper, or electronically only in a reassuring way.**
  Inkassoloven §§ 9 and 10 ask for a written varsel and betalingsoppfordring; § 3 a (since
  18 April 2017) lets it be sent electronically "på en betryggende måte", which for e-mail the
  ministry reads as needing the debtor's consent. When the only way the letter would reach the
  debtor is e-mail and the debtor has not consented, the letter waits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bridge.engine.letter_creditor import Creditor
from bridge.vocab.domain import ActionKind, Customer, CustomerKind, Letter

# The tenant options each fix names (docs/configuration.md).
PAYMENT_OPTIONS: Final = ("bank_account", "iban", "bankgiro")
CONTACT_OPTIONS: Final = ("company_email", "company_phone")
CONSENT_OPTION: Final = "electronic_notices_agreed"
# How a letter reaches the debtor: on paper, by e-mail, or another electronic way.
PAPER: Final = "paper"
EMAIL: Final = "email"
ELECTRONIC: Final = "electronic"


def warning_problems(letter: Letter, creditor: Creditor, *, vendor_pays: bool) -> list[str]:
    """Why a collection warning cannot go as it is (empty when it can, or is no warning).

    ``vendor_pays``: the accounting system's document carries the company's bank details.
    """
    if letter.action is not ActionKind.COLLECTION_WARNING:
        return []
    problems = []
    if not creditor.payable and not vendor_pays:
        problems.append(
            "the collection warning has no payment details: set the tenant option "
            + ", ".join(PAYMENT_OPTIONS[:-1])
            + f" or {PAYMENT_OPTIONS[-1]}"
        )
    if not (creditor.email or creditor.phone):
        problems.append(
            "the collection warning names no contact for objections: set the tenant option "
            f"{CONTACT_OPTIONS[0]} or {CONTACT_OPTIONS[1]}"
        )
    return problems


def consented(customer: Customer, options: Mapping[str, str]) -> bool:
    """Tell whether the debtor agreed to receive notices electronically.

    The customer's own flag (from the source system or a scenario), or the tenant option
    ``electronic_notices_agreed``: ``all``, ``business``, ``consumer``, ``none`` (the default)
    or a comma-separated list of customer ids.
    """
    if customer.electronic_notices_agreed:
        return True
    value = options.get(CONSENT_OPTION, "").strip().lower()
    if value in ("", "none"):
        return False
    if value == "all":
        return True
    if value in ("business", "consumer"):
        return customer.kind is CustomerKind(value)
    return customer.id.lower() in {part.strip() for part in value.split(",")}


def delivery_problem(
    letter: Letter,
    customer: Customer,
    *,
    country: str,
    routes: frozenset[str] | None,
    options: Mapping[str, str],
    name: str,
) -> str | None:
    """Why a Norwegian collection letter cannot go by the routes it would take (None: it can).

    ``routes``: how the letter would reach the debtor (``paper``, ``email``, ``electronic``);
    None when the connector does not say, and then nothing is refused. ``name``: the letter's
    name for the reason (inkassovarsel, betalingsoppfordring).
    """
    if country.upper() != "NO" or letter.action is not ActionKind.COLLECTION_WARNING:
        return None
    if routes is None or PAPER in routes or consented(customer, options):
        return None
    section = "§ 10" if name == "betalingsoppfordring" else "§ 9"
    how = " and ".join(sorted(routes)) or "no route"
    return (
        f"the {name} (inkassoloven {section}) would reach customer {customer.id} by {how} only; "
        "inkassoloven § 3 a allows electronic delivery only in a reassuring way, for e-mail "
        f"with the debtor's consent: set the tenant option {CONSENT_OPTION} (all, business, "
        "consumer or the customer ids) for debtors who agreed, or add a paper route (Tripletex: "
        "the tenant option dispatch_types, e.g. EMAIL,OWN_PRINTER)"
    )
