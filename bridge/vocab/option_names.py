"""Every tenant option name the bridge or a connector reads, for checking the env file.

``BRIDGE_TENANTS__<NAME>__OPTIONS__<KEY>`` is free text to pydantic, so a misspelt key
(``BANK_ACOUNT``) used to be accepted and silently ignored: the letters then had no account to
pay to. The settings' load now refuses an option no one reads, and suggests the nearest known
name. Known are the bridge's own options (letters, payment references, e-mail, tasks, the
hand-over, freshness) for every system, plus the options of the tenant's connector: those its
descriptor declares (``ConnectorDescriptor.option_names``) and those listed here for the
connectors shipped with the package.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# Read by the bridge itself, whatever the system.
BRIDGE_OPTIONS = frozenset(
    {
        # the creditor on the letters (bridge/engine/letters.py)
        "company_name",
        "company_address",
        "company_org_number",
        "company_email",
        "company_phone",
        "bank_reg",
        "bank_account",
        "iban",
        "bic",
        "bankgiro",
        "plusgiro",
        "collection_agency",
        "language",
        "templates",
        # payment references (bridge/vocab/payref.py)
        "fik_creditor",
        "kid",
        "kid_length",
        "ocr",
        "fi_reference",
        # e-mail (bridge/engine/mailer.py)
        "smtp_host",
        "smtp_port",
        "smtp_user",
        "smtp_from",
        "smtp_starttls",
        "smtp_ca_file",
        # tasks and the hand-over (bridge/engine/channels.py)
        "task_email",
        "salespeople",
        "handover_folder",
        "handover_email",
        "handover_via",
        # the debtor's consent to electronic notices (bridge/engine/letter_checks.py, Norway)
        "electronic_notices_agreed",
        # stale payment data (bridge/engine/freshness.py); the read-ahead of pre-due invoices
        "stale_payments_days",
        "pre_due_days",
    }
)

# The shipped connectors' options (their sessions, writers, mappings and authorize steps).
CONNECTOR_OPTIONS: dict[str, frozenset[str]] = {
    "economic": frozenset(
        {
            "layout",
            "payment_terms",
            "fee_product",
            "info_product",
            "interest_product",
            "compensation_product",
            "business_groups",
            "consumer_groups",
        }
    ),
    "dinero": frozenset(
        {"organization_id", "incremental", "full_sweep_days", "client_id", "redirect_uri"}
    ),
    "fortnox": frozenset(
        {
            "auth",
            "token_url",
            "vendor_reminders",
            "fortnox_reminder_fee",
            "text_account",
            "print_delivery",
            "reminder_fee_agreed",
            "incremental",
            "full_sweep_days",
            "fee_account",
            "interest_account",
            "compensation_account",
            "fee_article",
            "interest_article",
            "due_days",
            "finans_service",
        }
    ),
    "tripletex": frozenset(
        {
            "company_id",
            "lookback_days",
            "window_days",
            "read_strategy",
            "vat_type",
            "reminder_fee",
            "dispatch_types",
        }
    ),
}


def known_options(system: str, declared: Iterable[str] = ()) -> frozenset[str]:
    """The option names a tenant of ``system`` may set (``declared``: its descriptor's)."""
    return BRIDGE_OPTIONS | CONNECTOR_OPTIONS.get(system, frozenset()) | frozenset(declared)


def suggestion(name: str, known: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the nearest known name, or ``""`` when none is near."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""
