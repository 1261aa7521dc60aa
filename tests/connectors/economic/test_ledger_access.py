"""An app role that cannot read the ledger: the error names the permission, not the tokens.

The ledger (``/accounting-years`` and their entries) is bookkeeping data; an app installed
with a role without bookkeeping access is refused there (403, or 404 as some roles answer)
while customers and invoices read fine.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.errors import AuthError
from bridge.vocab.secrets import StaticSecrets
from connectors.economic import CONNECTOR
from connectors.economic.sandbox.server import EconomicSandbox

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.mark.parametrize("status", [403, 404])
def test_a_role_without_bookkeeping_names_the_permission(status: int) -> None:
    sandbox = EconomicSandbox.demo(TODAY)
    sandbox.restrict_role("/accounting-years", status)
    ctx = TenantContext(
        tenant="demo",
        country="DK",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("demo", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
    )
    session = CONNECTOR.open(ctx)
    with pytest.raises(AuthError) as caught:
        session.fetch(TODAY, None)
    message = str(caught.value)
    assert "accounting years" in message
    assert "Bookkeeping" in message
    assert "secrets set" not in message  # the tokens are fine: storing them again fixes nothing
