"""The document a letter becomes is due on the letter's deadline, read back from the sandbox.

One cycle on each connector's demo sandbox, on a day whose deadlines fall on a weekend or
holiday and move to the next banking day; every written letter's document is then read back
through the vendor's API and its due date compared with ``Letter.deadline``. The sandboxes apply
the vendor's own default when the due date is left out (e-conomic: the payment terms; Fortnox:
the customer's terms of payment; Tripletex: the order's, else the customer's, else the company's
days), so a write that omits it fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_date

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import retry
from bridge.infra.persisting import PersistingTransport
from bridge.store import open_store
from bridge.vocab import registry
from bridge.vocab.connector import Pending, TenantContext
from bridge.vocab.domain import Letter, Mode, StepStatus
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings

# Wednesday 18 March 2026 + 10 days is Saturday 28 March: Denmark's and Sweden's letters ask
# for payment by Monday 30 March. Saturday 21 March + 14 days is Saturday 4 April, and Monday
# 6 April is Easter Monday in Norway: the purring asks for payment by Tuesday 7 April.
DAYS = {
    "economic": (date(2026, 3, 18), date(2026, 3, 30)),
    "dinero": (date(2026, 3, 18), date(2026, 3, 30)),
    "fortnox": (date(2026, 3, 18), date(2026, 3, 30)),
    "tripletex": (date(2026, 3, 21), date(2026, 4, 7)),
}


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _cycle(system: str, tmp_path: Path) -> tuple[Any, Any, list[tuple[Letter, str]]]:
    """Run one review cycle; return the sandbox, a session on it and (letter, document)."""
    descriptor = registry.connector(system)
    day = DAYS[system][0]
    sandbox = descriptor.sandbox(None, day)
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = run_tenant(
            store,
            "t",
            TenantSettings(system=system, country=descriptor.country),
            CycleOptions(
                today=day,
                now=datetime.combine(day, time(7), tzinfo=UTC),
                transport=PersistingTransport(
                    sandbox.transport(), lambda: sandbox.save(tmp_path / "sandbox.json")
                ),
                secrets=StaticSecrets("t", descriptor.sandbox_secrets),
            ),
        )
    assert outcome.status == "ok", outcome.error
    session = descriptor.open(
        TenantContext(
            tenant="t",
            country=descriptor.country,
            mode=Mode.REVIEW,
            secrets=StaticSecrets("t", descriptor.sandbox_secrets),
            transport=sandbox.transport(),
        )
    )
    written = [
        (letter, result.document)
        for letter, result in outcome.written
        if result.status is StepStatus.PENDING and letter.deadline is not None
    ]
    assert written, "the demo's first cycle writes letters with a deadline"
    return sandbox, session, written


def _moved(system: str, written: list[tuple[Letter, str]]) -> None:
    """At least one letter carries the deadline moved to the next banking day."""
    assert DAYS[system][1] in {letter.deadline for letter, _ in written}


def test_e_conomic_drafts_are_due_on_the_letters_deadline(tmp_path: Path) -> None:
    _sandbox, session, written = _cycle("economic", tmp_path)
    _moved("economic", written)
    for letter, document in written:
        draft = session.client.draft(int(document))
        assert draft["dueDate"] == letter.deadline.isoformat(), letter.key


def test_fortnox_invoices_are_due_on_the_letters_deadline(tmp_path: Path) -> None:
    _sandbox, session, written = _cycle("fortnox", tmp_path)
    _moved("fortnox", written)
    for letter, document in written:
        invoice = session.client.invoice(document)
        assert invoice["DueDate"] == letter.deadline.isoformat(), letter.key


def test_tripletex_charges_are_invoiced_due_on_the_letters_deadline(tmp_path: Path) -> None:
    sandbox, session, written = _cycle("tripletex", tmp_path)
    _moved("tripletex", written)
    invoiced = 0
    for letter, document in written:
        # Approved two days later: the charges invoice is still due on the letter's deadline.
        session.approve(Pending(letter.key, document, letter.date))
        order = session.client.order(int(document))
        assert order["invoicesDueInType"] == "DAYS"
        made = sandbox.state["orders"][document].get("invoiceId")
        if made is None:
            continue  # nothing to charge: the order was closed, no invoice
        invoice = session.client.invoice(int(made))
        assert invoice["invoiceDate"] == letter.date.isoformat()
        assert invoice["invoiceDueDate"] == letter.deadline.isoformat(), letter.key
        invoiced += 1
    assert invoiced


def test_dinero_reminders_state_the_letters_deadline(tmp_path: Path) -> None:
    # A Dinero reminder has no due-date field (ReminderCreateModel): the deadline the customer
    # sees is the one in the letter text, which the reminder's description carries.
    _sandbox, session, written = _cycle("dinero", tmp_path)
    _moved("dinero", written)
    for letter, _document in written:
        deadline = letter.deadline
        assert deadline is not None
        texts = [
            r.get("Description") or ""
            for d in letter.decisions
            for r in session.client.reminders(d.invoice_id)
        ]
        ours = [t for t in texts if letter.key in t]
        if not ours:
            continue  # written as a contact note (a step Dinero has no reminder for)
        # The letter's language is the customer's: Danish, else English (as the letters spell it).
        spelled = {format_date(deadline, format="long", locale=loc) for loc in ("da_DK", "en_GB")}
        assert all(any(s in t for s in spelled) for t in ours), (spelled, ours)
