"""Norwegian law end to end through Tripletex: purring, inkassovarsel, then the hand-over.

The sandbox company is Norwegian; the tenant runs under the Norwegian law pack in autonomous
mode, cycle after cycle, and every letter Tripletex sends is checked against the rules of
inkassoloven and inkassoforskriften: no fee before 14 days after the due date, at most two
purregebyr per claim at most 1/20 of the inkassosats, a 14-day deadline on the inkassovarsel,
and a hand-over only after that deadline has passed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import retry
from bridge.store import open_store
from bridge.vocab.domain import ActionKind, Decision, Mode, StepStatus
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from connectors.tripletex import CONNECTOR
from connectors.tripletex.sandbox.server import TripletexSandbox

START = date(2026, 3, 2)
FEE_CAP = Decimal("38.00")  # 1/20 of the 2026 inkassosats (NOK 760)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


# The letters name a contact for objections, and go on paper as well as by e-mail (inkassoloven
# §§ 9, 10 with § 3 a: e-mail alone only with the debtor's consent).
COMPLETE = {"company_email": "regnskap@firma.no", "dispatch_types": "EMAIL,OWN_PRINTER"}


def _series(
    tmp_path: Path, options: dict[str, str] | None = None, skipped: list[str] | None = None
) -> tuple[list[tuple[Decision, StepStatus]], TripletexSandbox]:
    sandbox = TripletexSandbox.demo(START)
    tenant = TenantSettings(
        system="tripletex",
        country="NO",
        mode=Mode.AUTONOMOUS,
        options={
            "handover_folder": str(tmp_path / "cases"),
            **(COMPLETE if options is None else options),
        },
    )
    written: list[tuple[Decision, StepStatus]] = []
    with open_store(tmp_path / "db.sqlite3") as store:
        for week in range(0, 12):
            day = START + timedelta(days=7 * week)
            sandbox.today = day
            outcome = run_tenant(
                store,
                "t",
                tenant,
                CycleOptions(
                    today=day,
                    now=datetime.combine(day, time(7), tzinfo=UTC),
                    secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
                    transport=sandbox.transport(),
                ),
            )
            assert outcome.status == "ok", outcome.error
            written += [(d, r.status) for letter, r in outcome.written for d in letter.decisions]
            if skipped is not None:
                skipped += [reason for _key, reason in outcome.skipped]
    return written, sandbox


def test_a_warning_tripletex_would_only_email_waits_for_consent_or_paper(tmp_path: Path) -> None:
    skipped: list[str] = []
    written, _ = _series(tmp_path / "email", {"company_email": "regnskap@firma.no"}, skipped)
    assert ActionKind.REMINDER in {d.action for d, _ in written}
    emailed = [r for r in skipped if "inkassoloven § 3 a" in r]
    assert emailed
    assert all("electronic_notices_agreed" in r and "dispatch_types" in r for r in emailed)
    # Every debtor consented: the warnings go by e-mail.
    consent = {"company_email": "regnskap@firma.no", "electronic_notices_agreed": "all"}
    agreed, _ = _series(tmp_path / "consent", consent)
    assert ActionKind.COLLECTION_WARNING in {d.action for d, _ in agreed}


def test_a_warning_without_a_contact_for_objections_waits(tmp_path: Path) -> None:
    skipped: list[str] = []
    written, _ = _series(tmp_path, {"dispatch_types": "OWN_PRINTER"}, skipped)
    assert ActionKind.COLLECTION_WARNING not in {d.action for d, _ in written}
    assert any("set the tenant option company_email or company_phone" in r for r in skipped)
    # Tripletex's reminder prints the company's bank account: no payment option is asked for.
    assert not any("bank_account" in r for r in skipped)


def test_the_norwegian_series_through_tripletex_keeps_the_law(tmp_path: Path) -> None:
    written, _ = _series(tmp_path)
    by_invoice: dict[str, list[Decision]] = defaultdict(list)
    for decision, _status in written:
        by_invoice[decision.invoice_id].append(decision)
    actions = {d.action for d, _ in written}
    assert {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING, ActionKind.HANDOVER} <= actions
    for invoice_id, steps in by_invoice.items():
        fees = [d for d in steps if d.fee > 0]
        assert len(fees) <= 2, f"invoice {invoice_id}: more than two purregebyr"
        for decision in steps:
            assert decision.fee <= FEE_CAP
            assert decision.currency == "NOK" or decision.fee == 0
            assert any(
                "inkasso" in basis or "forsinkelsesrente" in basis for basis in decision.legal_basis
            )
        warnings = [d for d in steps if d.action is ActionKind.COLLECTION_WARNING]
        for warning in warnings:
            assert warning.deadline is not None
            assert (warning.deadline - warning.date).days >= 14
        for handover in (d for d in steps if d.action is ActionKind.HANDOVER):
            assert warnings, f"invoice {invoice_id}: handed over without an inkassovarsel"
            deadline = warnings[-1].deadline
            assert deadline is not None
            assert handover.date > deadline
        reminders = [d for d in steps if d.action is ActionKind.REMINDER]
        if reminders and warnings:
            # The varsel's fee needs the purring's deadline missed (inkassoforskriften § 1-2).
            assert warnings[0].date > (reminders[0].deadline or reminders[0].date)


def test_every_norwegian_step_is_sent_by_tripletex_once(tmp_path: Path) -> None:
    written, sandbox = _series(tmp_path)
    # The interest Tripletex's reminder cannot carry is invoiced from our order; that invoice
    # belongs to the original claim and is never dunned as a new one.
    charges = {
        ident
        for ident, invoice in sandbox.state["invoices"].items()
        if "Ref. dl-" in str(invoice.get("invoiceComment") or "")
    }
    assert charges
    assert not charges & {d.invoice_id for d, _ in written}
    letters = [d for d, status in written if d.action is not ActionKind.HANDOVER]
    assert letters
    # A customer without an e-mail address gets nothing sent unless the tenant prints and posts
    # reminders itself: this tenant lists OWN_PRINTER (the paper route Norway's warnings need
    # without the debtor's consent), so every letter is issued, the printed ones with a note.
    unreachable = {
        str(c["id"])
        for c in sandbox.state["customers"].values()
        if not (c["overdueNoticeEmail"] or c["invoiceEmail"] or c["email"])
    }
    assert unreachable
    assert "OWN_PRINTER" in COMPLETE["dispatch_types"]
    for d, status in written:
        if d in letters:
            assert status is StepStatus.ISSUED, d
    assert all(count == 1 for count in sandbox.documents_by_key().values())
