"""Tripletex (Norway): the connector descriptor the core discovers by entry point.

Reads charged invoices, customers and the reminders Tripletex already holds over the API v2 at
tripletex.no/v2. Every letter becomes a draft order the accountant reviews; the reminder itself
(``:createReminder``, which sends at once) goes out only once the proposal is approved, or at
once in autonomous mode, and never twice: every send is preceded by a read-back.
"""

from __future__ import annotations

from datetime import date
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
from connectors.tripletex.auth import CONSUMER_TOKEN, EMPLOYEE_TOKEN, SECRET_NAMES
from connectors.tripletex.client import BASE_URL, RATE_LIMITS
from connectors.tripletex.session import open_session
from connectors.tripletex.writer import delivery_routes

# The tokens the embedded sandbox accepts (TripletexSandbox.CONSUMER_TOKEN / .EMPLOYEE_TOKEN; a
# test checks they agree). Literals, so loading the descriptor never imports the emulator.
SANDBOX_CONSUMER_TOKEN = "sandbox-consumer-token"  # noqa: S105  # the sandbox's, not a secret
SANDBOX_EMPLOYEE_TOKEN = "sandbox-employee-token"  # noqa: S105


def _sandbox(path: Path | None, today: date) -> Sandbox:
    """Build the in-process emulator; imported only when a demo or test asks for it."""
    from connectors.tripletex.sandbox.server import sandbox_factory  # noqa: PLC0415

    return sandbox_factory(path, today)


CONNECTOR = ConnectorDescriptor(
    key="tripletex",
    display_name="Tripletex",
    country="NO",
    auth_kind="session-token",
    base_url=BASE_URL,
    rate_limits=RATE_LIMITS,
    # No CAP_INCREMENTAL: GET /invoice has no changed-since filter; the window is re-read.
    # CAP_COMBINE: a letter may cover several invoices of a customer; each gets its own
    # Tripletex reminder and they share one draft order.
    capabilities=frozenset(
        {CAP_DRAFT, CAP_SEND, CAP_PAYMENT_DETAILS, CAP_VENDOR_REMINDERS, CAP_COMBINE}
    ),
    secret_names=SECRET_NAMES,
    open=open_session,
    sandbox=_sandbox,
    sandbox_secrets={
        CONSUMER_TOKEN: SANDBOX_CONSUMER_TOKEN,
        EMPLOYEE_TOKEN: SANDBOX_EMPLOYEE_TOKEN,
    },
    delivery_routes=delivery_routes,
    review_hint="draft orders in Tripletex (send: `dunning-bridge approve`, or invoice the order)",
    approves_in_bridge=True,
)

__all__ = ["CONNECTOR"]
