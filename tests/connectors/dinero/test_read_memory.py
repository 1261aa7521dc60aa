"""Per-invoice reads are remembered between cycles while Dinero's list says nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from connectors.dinero.feed import CLOCK_SKEW
from connectors.dinero.memory import forget_reads
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import TODAY, ctx, open_session


@pytest.fixture(autouse=True)
def fresh_memory() -> Iterator[None]:
    forget_reads()
    yield
    forget_reads()


def _per_invoice(sandbox: DineroSandbox) -> list[str]:
    return [p for m, p in sandbox.requests if m == "GET" and p.count("/invoices/") == 1]


def _later() -> datetime:
    """A last cycle's time past the clock-skew margin of the paid-since read: the demo's
    settled invoices, stamped as the sandbox was built, are then not read again."""
    return datetime.now(UTC) + CLOCK_SKEW + timedelta(minutes=1)


def _fetch_on(transport: object, since: datetime | None = None, **options: str) -> None:
    """A fetch as a cycle makes it; ``since`` is the last cycle's (None: the first)."""
    from connectors.dinero import CONNECTOR  # noqa: PLC0415

    session = CONNECTOR.open(ctx(transport, options=options))  # type: ignore[arg-type]
    try:
        session.fetch(TODAY, since)
    finally:
        session.close()


def test_an_unchanged_ledger_is_read_without_per_invoice_requests(sandbox: DineroSandbox) -> None:
    transport = sandbox.transport()
    _fetch_on(transport)
    assert _per_invoice(sandbox)  # the first fetch reads payments and reminders per invoice
    sandbox.requests.clear()
    _fetch_on(transport, _later())
    assert [p for p in _per_invoice(sandbox) if "/payments" in p or "/reminders" in p] == []


def test_a_payment_or_a_booked_reminder_makes_that_invoice_read_again(
    sandbox: DineroSandbox,
) -> None:
    transport = sandbox.transport()
    first = open_session(sandbox).fetch(TODAY, None)
    _fetch_on(transport)
    since = _later()
    overdue = [i for i in first.invoices if i.due_date < TODAY]
    paid, reminded = overdue[0].id, overdue[1].id
    sandbox.pay(paid, Decimal("1.00"), TODAY)
    sandbox.add_reminder(reminded, TODAY)
    sandbox.requests.clear()
    _fetch_on(transport, since)
    read = {p.split("/invoices/")[1].split("/")[0] for p in _per_invoice(sandbox)}
    assert read == {paid, reminded}


def test_a_different_company_or_the_option_off_shares_nothing(sandbox: DineroSandbox) -> None:
    transport = sandbox.transport()
    _fetch_on(transport)
    since = _later()
    sandbox.requests.clear()
    _fetch_on(sandbox.transport(), since)  # another transport: another emulated company
    assert _per_invoice(sandbox)
    sandbox.requests.clear()
    _fetch_on(transport, since, incremental="off")
    assert _per_invoice(sandbox)
