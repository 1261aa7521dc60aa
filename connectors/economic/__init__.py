"""Visma e-conomic (Denmark): the connector descriptor the core discovers by entry point.

Reads booked invoices, customers and the customer ledger over the REST API at
restapi.e-conomic.com and writes each letter back as a draft invoice for the accountant
(review mode), or books and sends it (autonomous mode).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bridge.vocab.connector import (
    CAP_COMBINE,
    CAP_DRAFT,
    CAP_PAYMENT_DETAILS,
    CAP_SEND,
    CAP_VENDOR_REMINDERS,
    ConnectorDescriptor,
    Sandbox,
)
from connectors.economic.auth import AGREEMENT_GRANT, APP_SECRET, SECRET_NAMES
from connectors.economic.client import BASE_URL, RATE_LIMITS
from connectors.economic.session import open_session

# The tokens the embedded sandbox accepts (EconomicSandbox.APP_SECRET / .GRANT; a test checks
# they agree). Kept as literals so that loading the descriptor never imports the emulator.
SANDBOX_APP_SECRET = "sandbox-app-secret"  # noqa: S105  # the sandbox's, not a real secret
SANDBOX_GRANT = "sandbox-agreement-grant"


def _sandbox(path: Path | None, today: date) -> Sandbox:
    """Build the in-process emulator; imported only when a demo or test asks for it."""
    from connectors.economic.sandbox.server import sandbox_factory  # noqa: PLC0415

    return sandbox_factory(path, today)


CONNECTOR = ConnectorDescriptor(
    key="economic",
    display_name="Visma e-conomic",
    country="DK",
    auth_kind="static-headers",
    base_url=BASE_URL,
    rate_limits=RATE_LIMITS,
    # No CAP_INCREMENTAL: only customers have a change stamp (lastUpdated); invoices are
    # re-read in full each cycle, which the unpaid collection keeps small.
    capabilities=frozenset(
        {CAP_DRAFT, CAP_SEND, CAP_PAYMENT_DETAILS, CAP_VENDOR_REMINDERS, CAP_COMBINE}
    ),
    secret_names=SECRET_NAMES,
    open=open_session,
    sandbox=_sandbox,
    sandbox_secrets={APP_SECRET: SANDBOX_APP_SECRET, AGREEMENT_GRANT: SANDBOX_GRANT},
    review_hint="drafts in e-conomic (Sales > Invoices > Drafts)",
    # A replayed Idempotency-Key returns the cached first answer for one hour (e-conomic's
    # developer docs on Idempotency-Key; docs/connectors/economic.md).
    idempotency_window=timedelta(hours=1),
)

__all__ = ["CONNECTOR"]
