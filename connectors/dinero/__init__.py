"""Visma Dinero (Denmark): the connector descriptor the core discovers by entry point.

Reads overdue invoices, their payments and Dinero's own reminders, and contacts, over
api.dinero.dk, and writes each reminder or collection warning back as Dinero's native reminder
draft (review mode) or books and e-mails it (autonomous mode). Steps Dinero has no object for
become a note on the contact.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bridge.vocab.connector import (
    CAP_DRAFT,
    CAP_INTERNAL_NOTE,
    CAP_PAYMENT_DETAILS,
    CAP_SEND,
    CAP_VENDOR_REMINDERS,
    AuthorizeRequest,
    ConnectorDescriptor,
    Sandbox,
)
from connectors.dinero.auth import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, SECRET_NAMES
from connectors.dinero.client import BASE_URL, RATE_LIMITS
from connectors.dinero.session import open_session

# The credentials the embedded sandbox accepts (DineroSandbox.CLIENT_ID / ...; a test checks
# they agree). Kept as literals so that loading the descriptor never imports the emulator.
SANDBOX_CLIENT_ID = "isv_dunning_bridge_sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105  # the sandbox's, not a real secret
SANDBOX_REFRESH_TOKEN = "sandbox-refresh-token"  # noqa: S105


def _authorize(request: AuthorizeRequest) -> None:
    """`dunning-bridge authorize TENANT`: Visma Connect's one-time consent for one organization."""
    from connectors.dinero.auth import authorize  # noqa: PLC0415

    options = request.options
    authorize(
        request.tenant,
        request.secrets,
        client_id=options.get("client_id") or request.ask("Visma Connect client id"),
        client_secret=request.ask_secret("Visma Connect client secret"),
        redirect_uri=options.get("redirect_uri")
        or request.ask("Redirect URI registered for the app in Visma Connect"),
        ask=request.ask,
        say=request.say,
    )


def _sandbox(path: Path | None, today: date) -> Sandbox:
    """Build the in-process emulator; imported only when a demo or test asks for it."""
    from connectors.dinero.sandbox.server import sandbox_factory  # noqa: PLC0415

    return sandbox_factory(path, today)


CONNECTOR = ConnectorDescriptor(
    key="dinero",
    display_name="Visma Dinero",
    country="DK",
    auth_kind="oauth2-authorization-code",
    base_url=BASE_URL,
    rate_limits=RATE_LIMITS,
    # No CAP_INCREMENTAL: remaining amounts and reminders are per invoice and re-read each
    # cycle. No CAP_COMBINE: a Dinero reminder belongs to one invoice; a letter covering several
    # becomes one reminder each, the letter's one fee on the first.
    capabilities=frozenset(
        {CAP_DRAFT, CAP_SEND, CAP_PAYMENT_DETAILS, CAP_VENDOR_REMINDERS, CAP_INTERNAL_NOTE}
    ),
    secret_names=SECRET_NAMES,
    open=open_session,
    sandbox=_sandbox,
    sandbox_secrets={
        CLIENT_ID: SANDBOX_CLIENT_ID,
        CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
        REFRESH_TOKEN: SANDBOX_REFRESH_TOKEN,
    },
    review_hint="reminder drafts and notes in Dinero",
    authorize=_authorize,
)

__all__ = ["CONNECTOR"]
