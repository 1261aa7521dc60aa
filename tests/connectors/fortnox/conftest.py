"""Fixtures for the Fortnox tests: the demo sandbox, a session on it, no retry waits."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.fortnox import CONNECTOR
from connectors.fortnox.sandbox.server import FortnoxSandbox
from connectors.fortnox.session import FortnoxSession

# The shared fixtures (a clean state for every test, the registry patch) are defined with the
# contract tests' helpers and used here by importing them.
from tests.contract.fortnox_support import (  # noqa: F401
    fortnox_clean_state,
    fortnox_registered,
)

TODAY = date(2026, 3, 16)


@pytest.fixture
def sandbox() -> FortnoxSandbox:
    return FortnoxSandbox.demo(TODAY)


def context(
    transport: httpx.BaseTransport,
    mode: Mode = Mode.REVIEW,
    options: dict[str, str] | None = None,
    secrets: dict[str, str] | None = None,
    tenant: str = "t",
) -> TenantContext:
    return TenantContext(
        tenant=tenant,
        country="SE",
        mode=mode,
        secrets=StaticSecrets(
            tenant, secrets if secrets is not None else CONNECTOR.sandbox_secrets
        ),
        transport=transport,
        options=options or {},
    )


def open_on(
    sandbox: FortnoxSandbox,
    mode: Mode = Mode.REVIEW,
    transport: httpx.BaseTransport | None = None,
    **options: str,
) -> FortnoxSession:
    opened = CONNECTOR.open(context(transport or sandbox.transport(), mode, options))
    assert isinstance(opened, FortnoxSession)
    return opened
