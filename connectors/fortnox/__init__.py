"""Fortnox (Sweden): the connector descriptor the core discovers by entry point.

Reads overdue and lately settled invoices, payments, customers and Fortnox's own reminder
counts over the API at api.fortnox.se/3, and writes each letter back as an unbooked invoice
(a reminder fee on an ``INVOICE``, interest on an ``INTRESTINVOICE``) for the accountant to
review, or books and sends it (autonomous mode), handing SEK claims to Fortnox Finans.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bridge.vocab.connector import (
    CAP_COMBINE,
    CAP_DRAFT,
    CAP_HANDOVER,
    CAP_INCREMENTAL,
    CAP_PAYMENT_DETAILS,
    CAP_SEND,
    CAP_VENDOR_REMINDERS,
    ConnectorDescriptor,
    RateLimit,
    Sandbox,
)
from connectors.fortnox.auth import CLIENT_ID, CLIENT_SECRET, SECRET_NAMES, TENANT_ID
from connectors.fortnox.client import BASE_URL, VENDOR_LIMIT
from connectors.fortnox.session import open_session

# The credentials the embedded sandbox accepts (FortnoxSandbox.CLIENT_ID / ... ; a test checks
# they agree). Literals, so that loading the descriptor never imports the emulator.
SANDBOX_CLIENT_ID = "sandbox-client-id"
SANDBOX_CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105  # the sandbox's, not a real secret
SANDBOX_TENANT_ID = "1234567"


def _sandbox(path: Path | None, today: date) -> Sandbox:
    """Build the in-process emulator; imported only when a demo or test asks for it."""
    from connectors.fortnox.sandbox.server import sandbox_factory  # noqa: PLC0415

    return sandbox_factory(path, today)


CONNECTOR = ConnectorDescriptor(
    key="fortnox",
    display_name="Fortnox",
    country="SE",
    auth_kind="oauth2",
    base_url=BASE_URL,
    rate_limits=(RateLimit(VENDOR_LIMIT.requests, VENDOR_LIMIT.seconds),),
    capabilities=frozenset(
        {
            CAP_DRAFT,
            CAP_SEND,
            CAP_INCREMENTAL,
            CAP_PAYMENT_DETAILS,
            CAP_VENDOR_REMINDERS,
            CAP_COMBINE,
            CAP_HANDOVER,
        }
    ),
    secret_names=SECRET_NAMES,
    open=open_session,
    sandbox=_sandbox,
    sandbox_secrets={
        CLIENT_ID: SANDBOX_CLIENT_ID,
        CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
        TENANT_ID: SANDBOX_TENANT_ID,
    },
    review_hint="unbooked invoices in Fortnox (Försäljning > Fakturor, status Ej bokförd)",
)

__all__ = ["CONNECTOR"]
