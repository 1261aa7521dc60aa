"""The e-conomic session end to end against the sandbox: fetch, recheck, write, read back."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bridge.infra import retry
from bridge.infra.http_json import dump_json
from bridge.infra.ratelimit import RateLimitedTransport
from bridge.vocab.connector import CAP_DRAFT, CAP_INCREMENTAL, CAP_SEND, Pending, TenantContext
from bridge.vocab.domain import ActionKind, Decision, Letter, Mode, Snapshot, StepStatus
from bridge.vocab.errors import (
    AuthError,
    ConfigError,
    MalformedResponse,
    RejectedRequest,
    SecretMissing,
    Transient,
)
from bridge.vocab.registry import connector
from bridge.vocab.secrets import StaticSecrets, TenantSecrets
from connectors.economic import CONNECTOR
from connectors.economic.sandbox.server import EconomicSandbox, Fault
from connectors.economic.session import EconomicSession
from connectors.economic.writer import choose_terms as _choose_terms

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.fixture
def sandbox() -> EconomicSandbox:
    return EconomicSandbox.demo(TODAY)


def _ctx(
    transport: httpx.BaseTransport,
    mode: Mode = Mode.REVIEW,
    options: dict[str, str] | None = None,
) -> TenantContext:
    return TenantContext(
        tenant="demo",
        country="DK",
        mode=mode,
        secrets=StaticSecrets("demo", CONNECTOR.sandbox_secrets),
        transport=transport,
        options=options or {},
    )


def _open(sandbox: EconomicSandbox, mode: Mode = Mode.REVIEW, **options: str) -> EconomicSession:
    session = CONNECTOR.open(_ctx(sandbox.transport(), mode, options))
    assert isinstance(session, EconomicSession)
    return session


def _letter(snapshot: Snapshot, *invoice_ids: str, fee: str = "100.00") -> Letter:
    invoices = {i.id: i for i in snapshot.invoices}
    decisions = tuple(
        Decision(
            tenant="demo",
            invoice_id=i,
            invoice_number=invoices[i].number,
            customer_id=invoices[i].customer_id,
            date=TODAY,
            action=ActionKind.REMINDER,
            step=1,
            currency=invoices[i].currency,
            outstanding=invoices[i].outstanding,
            fee=Decimal(fee) if n == 0 else Decimal("0.00"),
            deadline=TODAY + timedelta(days=10),
        )
        for n, i in enumerate(invoice_ids)
    )
    first = invoices[invoice_ids[0]]
    return Letter(
        "demo", first.customer_id, ActionKind.REMINDER, 1, TODAY, first.currency, decisions
    )


def _overdue_of_one_customer(snapshot: Snapshot, count: int = 1) -> list[str]:
    by_customer: dict[str, list[str]] = {}
    for invoice in snapshot.invoices:
        if invoice.due_date < TODAY and invoice.currency == "DKK":
            customer = snapshot.customers[invoice.customer_id]
            if not customer.barred:
                by_customer.setdefault(invoice.customer_id, []).append(invoice.id)
    return next(ids[:count] for ids in by_customer.values() if len(ids) >= count)


# -- descriptor -------------------------------------------------------------------------------


def test_descriptor() -> None:
    assert CONNECTOR.key == "economic"
    assert CONNECTOR.country == "DK"
    assert CONNECTOR.auth_kind == "static-headers"
    assert CONNECTOR.base_url == "https://restapi.e-conomic.com"
    assert CONNECTOR.can(CAP_DRAFT)
    assert CONNECTOR.can(CAP_SEND)
    assert not CONNECTOR.can(CAP_INCREMENTAL)
    assert CONNECTOR.secret_names == ("app_secret_token", "agreement_grant_token")
    assert any(
        limit.requests == 50_000 and limit.seconds == 86_400 for limit in CONNECTOR.rate_limits
    )


def test_sandbox_secrets_are_the_sandbox_tokens() -> None:
    assert CONNECTOR.sandbox_secrets == {
        "app_secret_token": EconomicSandbox.APP_SECRET,
        "agreement_grant_token": EconomicSandbox.GRANT,
    }


def test_sandbox_factory_builds_the_demo_company() -> None:
    sandbox = CONNECTOR.sandbox(None, TODAY)
    assert isinstance(sandbox, EconomicSandbox)


def test_registry_finds_the_connector() -> None:
    assert connector("economic") is CONNECTOR


def test_missing_secret_stops_the_tenant_with_a_fix() -> None:
    ctx = replace(
        _ctx(httpx.MockTransport(lambda r: httpx.Response(500))), secrets=TenantSecrets("acme")
    )
    with pytest.raises(SecretMissing, match="dunning-bridge secrets set acme"):
        CONNECTOR.open(ctx)


def test_the_vendor_is_paced_but_the_sandbox_is_not(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox)
    assert not isinstance(session.http._transport, RateLimitedTransport)
    session.close()
    vendor = CONNECTOR.open(replace(_ctx(sandbox.transport()), transport=None))
    assert isinstance(vendor, EconomicSession)
    assert isinstance(vendor.http._transport, RateLimitedTransport)
    vendor.close()


# -- fetch --------------------------------------------------------------------------------------


def test_fetch_reads_the_demo_company(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    assert snapshot.tenant == "demo"
    assert snapshot.fetched_at.tzinfo is not None
    assert snapshot.invoices
    for invoice in snapshot.invoices:
        assert invoice.outstanding > 0
        assert invoice.due_date <= TODAY + timedelta(days=5)
        assert invoice.customer_id in snapshot.customers
        assert isinstance(invoice.outstanding, Decimal)
    assert any(i.outstanding < i.amount for i in snapshot.invoices)  # partly paid
    assert snapshot.payments
    assert all(p.amount > 0 for p in snapshot.payments)
    assert snapshot.steps
    assert all(s.source == "economic" for s in snapshot.steps)
    for invoice in snapshot.settled:
        assert invoice.paid_date is not None
        assert invoice.paid_date > invoice.due_date
        assert invoice.outstanding == 0
    assert any(c.barred for c in snapshot.customers.values())
    session.close()


def test_fetch_costs_a_handful_of_requests_and_no_per_invoice_reads(
    sandbox: EconomicSandbox,
) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    paths = [p for _, p in sandbox.requests]
    assert session.request_count == len(paths) <= 8
    assert not [p for p in paths if re.match(r"^/(invoices/booked|customers)/\d+", p)]
    assert len(snapshot.invoices) > len(paths)


def test_pre_due_days_option(sandbox: EconomicSandbox) -> None:
    wide = _open(sandbox, pre_due_days="30").fetch(TODAY, None)
    narrow = _open(sandbox, pre_due_days="0").fetch(TODAY, None)
    assert all(i.due_date <= TODAY for i in narrow.invoices)
    assert len(wide.invoices) > len(narrow.invoices)


def test_incremental_fetch_reads_changed_and_missing_customers(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox)
    full = session.fetch(TODAY, None)
    sandbox.requests.clear()
    later = session.fetch(TODAY, datetime.now(UTC) + timedelta(days=1))
    customer_calls = [p for _, p in sandbox.requests if p.startswith("/customers")]
    assert any("lastUpdated$gt:" in p for p in customer_calls)
    assert any("customerNumber$in:[" in p for p in customer_calls)
    assert {i.customer_id for i in later.invoices} <= set(later.customers)
    assert len(later.invoices) == len(full.invoices)


def test_a_failed_page_fails_the_fetch(sandbox: EconomicSandbox) -> None:
    sandbox.inject(Fault("status", path_prefix="/accounting-years/", status=503, times=50))
    with pytest.raises(Transient):
        _open(sandbox).fetch(TODAY, None)


def test_fetch_rides_out_429_and_5xx(sandbox: EconomicSandbox) -> None:
    sandbox.inject(Fault("status", path_prefix="/invoices/unpaid", status=429, retry_after=2))
    sandbox.inject(Fault("status", path_prefix="/customers", status=502, times=2))
    snapshot = _open(sandbox).fetch(TODAY, None)
    assert snapshot.invoices
    unpaid = [p for _, p in sandbox.requests if p.startswith("/invoices/unpaid")]
    assert len(unpaid) == 2


def test_a_truncated_page_fails_the_fetch_clearly(sandbox: EconomicSandbox) -> None:
    sandbox.inject(Fault("truncated", path_prefix="/invoices/unpaid"))
    with pytest.raises(MalformedResponse, match="truncated JSON"):
        _open(sandbox).fetch(TODAY, None)


def test_revoked_grant_is_an_auth_error(sandbox: EconomicSandbox) -> None:
    sandbox.revoke_grant()
    with pytest.raises(AuthError, match="secrets set demo agreement_grant_token"):
        _open(sandbox).fetch(TODAY, None)


def test_one_malformed_invoice_is_skipped_while_the_others_map(sandbox: EconomicSandbox) -> None:
    def corrupting(request: httpx.Request) -> httpx.Response:
        response = sandbox.handle(request)
        if request.url.path != "/invoices/unpaid":
            return response
        body = json.loads(response.content, parse_float=Decimal)
        victim = body["collection"][0]
        victim["remainder"] = "not a number"
        return httpx.Response(200, content=dump_json(body), headers=response.headers)

    clean = _open(sandbox).fetch(TODAY, None)
    session = CONNECTOR.open(_ctx(httpx.MockTransport(corrupting)))
    assert isinstance(session, EconomicSession)
    snapshot = session.fetch(TODAY, None)
    assert len(snapshot.invoices) == len(clean.invoices) - 1
    assert len(session.skipped) == 1
    assert "'remainder' is not a number" in session.skipped[0]


# -- recheck ------------------------------------------------------------------------------------


def test_recheck_reports_payments_with_one_call_for_up_to_200_invoices(
    sandbox: EconomicSandbox,
) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    ids = _overdue_of_one_customer(snapshot, 2)
    other = next(i for i in snapshot.invoices if i.customer_id != snapshot.invoices[0].customer_id)
    first = next(i for i in snapshot.invoices if i.id == ids[0])
    sandbox.pay(int(ids[0]), Decimal("10.00"), TODAY)
    sandbox.pay(
        int(ids[1]), next(i for i in snapshot.invoices if i.id == ids[1]).outstanding, TODAY
    )
    sandbox.requests.clear()
    result = session.recheck([*ids, other.id])
    assert (
        result[ids[0]]
        == f"payment arrived (remainder {first.outstanding} -> {first.outstanding - 10})"
    )
    assert result[ids[1]] == "paid"
    assert result[other.id] is None
    assert len(sandbox.requests) == 1  # three invoices of two customers, one $in list
    assert "bookedInvoiceNumber$in:[" in sandbox.requests[0][1]


def test_recheck_without_a_fetch_reads_the_invoice(sandbox: EconomicSandbox) -> None:
    snapshot = _open(sandbox).fetch(TODAY, None)
    fresh = _open(sandbox)
    target = snapshot.invoices[0].id
    assert fresh.recheck([target, "999999"]) == {target: None, "999999": "not found in e-conomic"}


# -- writing and reading back -------------------------------------------------------------------


def test_review_mode_writes_a_draft_that_find_reads_back(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot, 2))
    assert session.find(letter.key) is None
    result = session.apply(letter, "Kære kunde,\n\nVi har endnu ikke modtaget betaling.")
    assert result.status is StepStatus.PENDING
    assert result.letter_key == letter.key
    found = session.find(letter.key)
    assert found is not None
    assert (found.status, found.document) == (StepStatus.PENDING, result.document)
    draft = _draft(sandbox, int(result.document))
    assert draft["references"]["other"] == letter.key
    assert draft["notes"]["heading"].startswith("Rykker 1 - faktura ")
    assert [line["product"]["productNumber"] for line in draft["lines"]] == ["RYK", "RYK"]


def _draft(sandbox: EconomicSandbox, number: int) -> dict[str, Any]:
    """Read a draft back through the API, as the accountant's e-conomic shows it."""
    draft: dict[str, Any] = _open(sandbox).client.draft(number)
    return draft


def _drafts(sandbox: EconomicSandbox) -> list[Any]:
    return list(_open(sandbox).client.drafts())


def test_a_replayed_write_does_not_write_twice(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    first = session.apply(letter, "Tekst")
    again = session.apply(letter, "Tekst")
    assert first.document == again.document
    assert len(_drafts(sandbox)) == 1


def test_a_timeout_after_the_draft_was_made_is_retried_safely(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    sandbox.inject(Fault("timeout_after_commit", path_prefix="/invoices/drafts", method="POST"))
    result = session.apply(letter, "Tekst")
    assert result.status is StepStatus.PENDING
    assert len(_drafts(sandbox)) == 1


# e-conomic documents that a replayed Idempotency-Key returns the first answer, but no recording
# shows it (docs/connectors/economic.md): a write whose answer was lost is read back by its key,
# never sent again on the strength of the replay. These sandboxes do not replay at all.


def _without_replay() -> EconomicSandbox:
    sandbox = EconomicSandbox.demo(TODAY)
    sandbox.idempotency = False
    return sandbox


def _posts(sandbox: EconomicSandbox, path: str) -> int:
    return sum(1 for method, seen in sandbox.requests if method == "POST" and seen == path)


def test_a_lost_draft_answer_is_read_back_not_posted_again_without_replay() -> None:
    sandbox = _without_replay()
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    sandbox.inject(Fault("timeout_after_commit", path_prefix="/invoices/drafts", method="POST"))
    result = session.apply(letter, "Tekst")
    drafts = _drafts(sandbox)
    assert len(drafts) == 1
    assert _posts(sandbox, "/invoices/drafts") == 1
    assert (result.status, result.document) == (
        StepStatus.PENDING,
        str(drafts[0]["draftInvoiceNumber"]),
    )


def test_an_unreadable_draft_answer_is_read_back_not_posted_again() -> None:
    sandbox = _without_replay()
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    sandbox.inject(Fault("truncated", path_prefix="/invoices/drafts", method="POST"))
    result = session.apply(letter, "Tekst")
    assert _posts(sandbox, "/invoices/drafts") == 1
    assert len(_drafts(sandbox)) == 1
    assert result.status is StepStatus.PENDING


def test_a_draft_post_that_failed_with_nothing_written_is_left_unknown_not_repeated() -> None:
    sandbox = _without_replay()
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    sandbox.inject(Fault("status", path_prefix="/invoices/drafts", method="POST", status=503))
    with pytest.raises(Transient):
        session.apply(letter, "Tekst")
    # The cycle reads it back at its next start (bridge/cycle.py _resolve_unknown).
    assert _posts(sandbox, "/invoices/drafts") == 1
    assert session.find(letter.key) is None
    assert _drafts(sandbox) == []


def test_a_lost_booking_answer_is_not_posted_again_and_reads_back_as_issued() -> None:
    sandbox = _without_replay()
    session = _open(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    sandbox.inject(Fault("timeout_after_commit", path_prefix="/invoices/booked", method="POST"))
    result = session.apply(letter, "Tekst")
    assert _posts(sandbox, "/invoices/booked") == 1
    assert result.status is StepStatus.PENDING
    found = session.find(letter.key)
    assert found is not None
    assert found.status is StepStatus.ISSUED
    assert not _drafts(sandbox)


def test_a_lost_draft_answer_in_autonomous_mode_books_the_draft_read_back() -> None:
    sandbox = _without_replay()
    session = _open(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    sandbox.inject(Fault("timeout_after_commit", path_prefix="/invoices/drafts", method="POST"))
    result = session.apply(letter, "Tekst")
    assert _posts(sandbox, "/invoices/drafts") == 1
    assert result.status is StepStatus.ISSUED
    assert not _drafts(sandbox)


def test_autonomous_mode_books_and_sends(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    result = session.apply(letter, "Tekst")
    assert result.status is StepStatus.ISSUED
    assert "booked as invoice" in result.detail
    assert "e-mail" in result.detail or "EAN" in result.detail
    found = session.find(letter.key)
    assert found is not None
    assert (found.status, found.document) == (StepStatus.ISSUED, result.document)
    assert not _drafts(sandbox)


def test_autonomous_mode_leaves_proposals_as_drafts(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot), fee="0.00")
    letter = replace(letter, action=ActionKind.HANDOVER, key="")
    assert session.apply(letter, "Overdragelse foreslået").status is StepStatus.PENDING


def _task_letter(snapshot: Snapshot) -> Letter:
    """A task for the creditor's own people: no charges, one decision, never for the debtor."""
    invoice = next(i for i in snapshot.invoices if i.id == _overdue_of_one_customer(snapshot)[0])
    decision = Decision(
        tenant="demo",
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        date=TODAY,
        action=ActionKind.TASK,
        step=4,
        currency=invoice.currency,
        outstanding=invoice.outstanding,
        task="call",
        assignee="salesperson",
    )
    return Letter(
        "demo", invoice.customer_id, ActionKind.TASK, 4, TODAY, invoice.currency, (decision,)
    )


TASK_TEXT = "Ring til kunden om faktura {number}: den er 30 dage over forfald."


@pytest.mark.parametrize("mode", [Mode.REVIEW, Mode.AUTONOMOUS])
@pytest.mark.parametrize("action", [ActionKind.TASK, ActionKind.CREDIT_HOLD])
def test_a_task_is_never_written_as_a_draft_invoice(
    sandbox: EconomicSandbox, mode: Mode, action: ActionKind
) -> None:
    """A draft invoice is addressed to the debtor: booking one by mistake would send it."""
    session = _open(sandbox, mode)
    snapshot = session.fetch(TODAY, None)
    letter = replace(_task_letter(snapshot), action=action, key="")
    text = TASK_TEXT.format(number=letter.decisions[0].invoice_number)
    sandbox.requests.clear()
    with pytest.raises(RejectedRequest, match="never written as a draft invoice"):
        session.apply(letter, text)
    assert [m for m, _ in sandbox.requests if m != "GET"] == []
    assert letter.key not in sandbox.documents_by_key()


def test_too_long_a_letter_is_rejected_before_any_write(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    sandbox.requests.clear()
    with pytest.raises(RejectedRequest, match="cannot be written"):
        session.apply(letter, "ord " * 600)
    assert not [m for m, _ in sandbox.requests if m == "POST"]


def test_reconcile_follows_what_the_accountant_did(sandbox: EconomicSandbox) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    customers: dict[str, list[str]] = {}
    for invoice in snapshot.invoices:
        if invoice.due_date < TODAY and not snapshot.customers[invoice.customer_id].barred:
            customers.setdefault(invoice.customer_id, []).append(invoice.id)
    ids = [v[0] for v in customers.values()][:3]
    letters = [_letter(snapshot, i) for i in ids]
    results = [session.apply(letter, "Tekst") for letter in letters]
    booked = sandbox.book_draft(int(results[0].document))
    sandbox.delete_draft(int(results[1].document))
    pending = [Pending(r.letter_key, r.document, TODAY) for r in results]
    outcome = {r.letter_key: r for r in session.reconcile(pending)}
    assert outcome[letters[0].key].status is StepStatus.ISSUED
    assert outcome[letters[0].key].document == str(booked)
    assert outcome[letters[1].key].status is StepStatus.REJECTED
    assert outcome[letters[2].key].status is StepStatus.PENDING
    assert list(session.reconcile([])) == []


def test_apply_without_a_fetch_reads_the_customer(sandbox: EconomicSandbox) -> None:
    snapshot = _open(sandbox).fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    fresh = _open(sandbox, layout="21", payment_terms="5")
    result = fresh.apply(letter, "Tekst")
    draft = _draft(sandbox, int(result.document))
    assert draft["layout"]["layoutNumber"] == 21
    assert draft["paymentTerms"]["paymentTermsNumber"] == 5


def test_the_draft_is_due_on_the_letters_deadline_not_the_customers_terms(
    sandbox: EconomicSandbox,
) -> None:
    session = _open(sandbox)
    snapshot = session.fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    # A deadline moved off a weekend: the customer's own terms would give another day.
    monday = date(2026, 3, 16)
    letter = replace(letter, decisions=tuple(replace(d, deadline=monday) for d in letter.decisions))
    draft = _draft(sandbox, int(session.apply(letter, "Tekst").document))
    assert draft["dueDate"] == monday.isoformat() == letter.deadline.isoformat()
    # The agreement's terms of type dueDate ("Forfaldsdato"), the only ones that keep the date.
    assert draft["paymentTerms"]["paymentTermsNumber"] == 5
    assert draft["paymentTerms"]["paymentTermsType"] == "dueDate"
    booked = sandbox.book_draft(draft["draftInvoiceNumber"])
    assert session.client.booked_invoice(booked)["dueDate"] == monday.isoformat()


def test_payment_terms_that_compute_the_due_date_are_refused(sandbox: EconomicSandbox) -> None:
    snapshot = _open(sandbox).fetch(TODAY, None)
    letter = _letter(snapshot, *_overdue_of_one_customer(snapshot))
    with pytest.raises(ConfigError, match=r"payment terms 2 .* of type 'net'.*Forfaldsdato"):
        _open(sandbox, payment_terms="2").apply(letter, "Tekst")
    with pytest.raises(ConfigError, match="no payment terms 99"):
        _open(sandbox, payment_terms="99").apply(letter, "Tekst")


def test_the_drafts_terms_are_the_agreements_due_date_terms() -> None:
    # The demo agreement's terms as recorded (payment_terms.json): 7 is its dueDate terms.
    recorded = [(1, "net"), (4, "invoiceMonth"), (7, "dueDate"), (8, "prepaid")]
    assert _choose_terms(recorded, None) == (7, "dueDate")
    assert _choose_terms(recorded, 7) == (7, "dueDate")
    with pytest.raises(ConfigError, match="no payment terms of type 'dueDate'"):
        _choose_terms([(1, "net"), (4, "invoiceMonth")], None)
