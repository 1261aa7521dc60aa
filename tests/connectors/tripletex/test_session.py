"""The Tripletex session end to end against the sandbox: read, propose, approve, send once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bridge.engine import proposals
from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import retry
from bridge.store import open_store
from bridge.vocab.connector import CAP_DRAFT, CAP_INCREMENTAL, CAP_SEND, Pending, TenantContext
from bridge.vocab.domain import ActionKind, Decision, Letter, Mode, StepStatus
from bridge.vocab.errors import AuthError, RejectedRequest, SecretMissing, Transient
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from connectors.tripletex import CONNECTOR
from connectors.tripletex.auth import SESSION_EXPIRES, SESSION_TOKEN
from connectors.tripletex.sandbox.server import Fault, TripletexSandbox
from connectors.tripletex.session import TripletexSession

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Find the connector even where the installed entry points predate it (.venv metadata)."""
    from bridge.vocab import registry  # noqa: PLC0415

    original = registry.connector
    monkeypatch.setattr(
        registry, "connector", lambda key: CONNECTOR if key == "tripletex" else original(key)
    )


@pytest.fixture
def sandbox() -> TripletexSandbox:
    return TripletexSandbox.demo(TODAY)


def _open(
    sandbox: TripletexSandbox,
    mode: Mode = Mode.REVIEW,
    secrets: StaticSecrets | None = None,
    today: date = TODAY,
    **options: str,
) -> TripletexSession:
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=mode,
        secrets=secrets or StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
        options=options,
    )
    return TripletexSession(ctx, today=lambda: today)


def _letter(
    invoice_id: str,
    customer: str,
    action: ActionKind = ActionKind.REMINDER,
    fee: str = "0.00",
    step: int = 1,
    day: date = TODAY,
) -> Letter:
    decision = Decision(
        tenant="t",
        invoice_id=invoice_id,
        invoice_number=f"1000{invoice_id}",
        customer_id=customer,
        date=day,
        action=action,
        step=step,
        currency="NOK",
        outstanding=Decimal("1000.00"),
        fee=Decimal(fee),
    )
    return Letter("t", customer, action, step, day, "NOK", (decision,))


def _invoice(
    sandbox: TripletexSandbox, days_overdue: int = 20, email: bool = True
) -> tuple[int, int]:
    customer = sandbox.add_customer("Test AS", email="a@b.no" if email else None)
    due = TODAY - timedelta(days=days_overdue)
    return customer, sandbox.add_invoice(
        customer, Decimal("1000"), issued=due - timedelta(14), due=due
    )


def test_descriptor_and_registry() -> None:
    from connectors import tripletex  # noqa: PLC0415

    assert tripletex.CONNECTOR.key == "tripletex"
    assert 'tripletex = "connectors.tripletex:CONNECTOR"' in (
        Path(__file__).parents[3] / "pyproject.toml"
    ).read_text(encoding="utf-8")
    assert CONNECTOR.can(CAP_DRAFT)
    assert CONNECTOR.can(CAP_SEND)
    assert not CONNECTOR.can(CAP_INCREMENTAL)
    assert CONNECTOR.sandbox_secrets == {
        "consumer_token": TripletexSandbox.CONSUMER_TOKEN,
        "employee_token": TripletexSandbox.EMPLOYEE_TOKEN,
    }
    assert isinstance(CONNECTOR.sandbox(None, TODAY), TripletexSandbox)


def test_missing_token_says_how_to_store_it(sandbox: TripletexSandbox) -> None:
    with pytest.raises(SecretMissing, match="dunning-bridge secrets set t employee_token"):
        _open(sandbox, secrets=StaticSecrets("t", {"consumer_token": "x"}))


def test_fetch_filters_locally_and_expands_in_one_call(sandbox: TripletexSandbox) -> None:
    session = _open(sandbox)
    snap = session.fetch(TODAY, None)
    # 1 session token + 1 read of the open ledger posts (payments on no invoice) + 2 yearly
    # windows of GET /invoice + 1 read of our orders.
    assert session.request_count == 5
    numbers = {i.number for i in snap.invoices}
    assert all(i.outstanding > 0 for i in snap.invoices)
    assert all(i.due_date <= TODAY + timedelta(days=5) for i in snap.invoices)
    assert len(numbers) == 14
    paused = [i for i in snap.invoices if i.paused_until and i.paused_until >= TODAY]
    assert len(paused) == 1
    reasons = {c.name: c.do_not_dun_reason for c in snap.customers.values()}
    assert "factoring" in (reasons["Nordic Factoring Kunde AS"] or "")
    assert "inactive" in (reasons["Avviklet Handel AS"] or "")
    kinds = {c.name: c.kind.value for c in snap.customers.values()}
    assert kinds["Kari Nordmann"] == "consumer"
    assert kinds["Bakeriet på Torget AS"] == "business"
    assert len(snap.steps) == 3
    assert {s.source for s in snap.steps} == {"tripletex"}
    assert session.company_fee == Decimal("35.00")  # learned from the charged reminder


def test_open_posts_strategy_reads_the_same_invoices(sandbox: TripletexSandbox) -> None:
    windows = _open(sandbox).fetch(TODAY, None)
    posts = _open(sandbox, read_strategy="openposts")
    snap = posts.fetch(TODAY, None)
    assert {i.id for i in snap.invoices} == {i.id for i in windows.invoices}
    assert any(p.startswith("/ledger/posting/openPost") for _, p in sandbox.requests)


def test_session_token_is_stored_reused_and_renewed_before_midnight(
    sandbox: TripletexSandbox,
) -> None:
    secrets = StaticSecrets("t", CONNECTOR.sandbox_secrets)
    first = _open(sandbox, secrets=secrets)
    first.fetch(TODAY, None)
    assert first.auth.minted == 1
    assert secrets.get(SESSION_EXPIRES) == (TODAY + timedelta(days=2)).isoformat()
    again = _open(sandbox, secrets=secrets)
    again.fetch(TODAY, None)
    assert again.auth.minted == 0  # the stored token is reused
    tomorrow = _open(sandbox, secrets=secrets, today=TODAY + timedelta(days=1))
    tomorrow.client.customer(1)
    assert tomorrow.auth.minted == 1  # its last day began: renewed before it dies
    assert secrets.get(SESSION_TOKEN) != ""


def test_a_401_mints_once_and_retries(sandbox: TripletexSandbox) -> None:
    session = _open(sandbox)
    session.client.customer(1)
    sandbox.expire_sessions()
    session.client.customer(1)
    assert session.auth.minted == 2


def test_revoked_employee_token_is_an_auth_error_naming_the_fix(sandbox: TripletexSandbox) -> None:
    session = _open(sandbox)
    session.client.customer(1)
    sandbox.revoke_grant()
    with pytest.raises(AuthError, match="secrets set t employee_token") as caught:
        session.client.customer(1)
    assert TripletexSandbox.EMPLOYEE_TOKEN not in str(caught.value)


def test_fetch_rides_out_429_and_5xx(sandbox: TripletexSandbox) -> None:
    sandbox.inject(Fault("status", "/invoice", status=429, retry_after=1))
    sandbox.inject(Fault("status", "/order", status=503))
    assert len(_open(sandbox).fetch(TODAY, None).invoices) == 14


def test_rate_limit_headers_pace_the_client() -> None:
    clock = [datetime(2026, 3, 2, 8, tzinfo=UTC)]
    sandbox = TripletexSandbox.demo(TODAY)
    sandbox._rate_limit = (3, 60.0)  # a tiny budget
    sandbox._clock = lambda: clock[0]
    session = _open(sandbox)
    slept: list[float] = []
    session.paced._sleep = lambda s: (
        slept.append(s),
        clock.__setitem__(0, clock[0] + timedelta(seconds=s)),
    )  # type: ignore[assignment]
    for _ in range(4):
        session.client.customer(1)
    assert slept  # paced by the headers instead of refused with 429s


def test_review_mode_writes_an_order_and_sends_nothing(sandbox: TripletexSandbox) -> None:
    customer, invoice = _invoice(sandbox)
    session = _open(sandbox)
    session.fetch(TODAY, None)
    letter = _letter(str(invoice), str(customer), fee="35.00")
    before = list(sandbox.dispatched)
    result = session.apply(letter, "Purring")
    assert result.status is StepStatus.PENDING
    assert sandbox.dispatched == before
    found = session.find(letter.key)
    assert found is not None
    assert found.status is StepStatus.PENDING
    assert found.document == result.document
    assert sandbox.documents_by_key() == {letter.key: 1}


def test_approve_sends_the_reminder_once_even_when_repeated(sandbox: TripletexSandbox) -> None:
    customer, invoice = _invoice(sandbox)
    session = _open(sandbox)
    session.fetch(TODAY, None)
    letter = _letter(str(invoice), str(customer), fee="35.00")
    written = session.apply(letter, "Purring")
    item = Pending(letter.key, written.document, TODAY)
    before = len(sandbox.dispatched)
    result = session.approve(item)
    assert result.status is StepStatus.ISSUED
    assert sandbox.dispatched[before:] == [(invoice, "SOFT_REMINDER", ("EMAIL",))]
    # Tripletex's fee (35) is within the lawful 35: charged on the reminder, not the order.
    assert sandbox.reminders_of(invoice)[0]["charge"] == Decimal("35.00")
    again = _open(sandbox).approve(item)
    assert again.status is StepStatus.ISSUED
    assert again.document == result.document
    assert len(sandbox.dispatched) == before + 1
    assert sandbox.documents_by_key() == {letter.key: 1}


def test_a_company_fee_above_the_lawful_fee_is_not_used(sandbox: TripletexSandbox) -> None:
    customer, invoice = _invoice(sandbox)
    session = _open(sandbox, Mode.AUTONOMOUS, reminder_fee="70")
    session.fetch(TODAY, None)
    result = session.apply(_letter(str(invoice), str(customer), fee="35.00"), "Purring")
    assert result.status is StepStatus.ISSUED
    assert sandbox.reminders_of(invoice)[0]["charge"] == Decimal("0.00")
    assert any("exceeds the lawful" in w for w in session.warnings)
    assert "charges sent as invoice" in result.detail  # the lawful 35 went on the order


def test_autonomous_mode_follows_tripletex_sequence(sandbox: TripletexSandbox) -> None:
    customer, invoice = _invoice(sandbox)
    steps = (
        (ActionKind.REMINDER, 1, 0),
        (ActionKind.REMINDER, 2, 10),
        (ActionKind.COLLECTION_WARNING, 3, 20),
    )
    for action, step, later in steps:
        day = TODAY + timedelta(days=later)
        session = _open(sandbox, Mode.AUTONOMOUS, today=day)
        session.fetch(day, None)
        session.apply(_letter(str(invoice), str(customer), action, step=step, day=day), "x")
    kinds = [r["type"] for r in sandbox.reminders_of(invoice)]
    assert kinds == ["SOFT_REMINDER", "REMINDER", "NOTICE_OF_DEBT_COLLECTION"]


def test_a_timeout_after_the_send_is_read_back_not_repeated(sandbox: TripletexSandbox) -> None:
    customer, invoice = _invoice(sandbox)
    session = _open(sandbox, Mode.AUTONOMOUS)
    session.fetch(TODAY, None)
    letter = _letter(str(invoice), str(customer))
    sandbox.inject(Fault("timeout_after_commit", f"/invoice/{invoice}/:createReminder"))
    with pytest.raises(Transient, match="outcome unknown"):
        session.apply(letter, "Purring")
    assert len(sandbox.reminders_of(invoice)) == 1
    fresh = _open(sandbox, Mode.AUTONOMOUS)
    found = fresh.find(letter.key)
    assert found is not None
    assert found.status is StepStatus.ISSUED
    assert len(sandbox.reminders_of(invoice)) == 1
    assert sandbox.documents_by_key() == {letter.key: 1}


def test_reminder_without_an_email_is_not_printed_silently(sandbox: TripletexSandbox) -> None:
    customer, invoice = _invoice(sandbox, email=False)
    session = _open(sandbox, Mode.AUTONOMOUS)
    session.fetch(TODAY, None)
    result = session.apply(_letter(str(invoice), str(customer)), "Purring")
    assert result.status is StepStatus.PENDING
    assert sandbox.reminders_of(invoice) == []
    chosen = _open(sandbox, Mode.AUTONOMOUS, dispatch_types="EMAIL,OWN_PRINTER")
    chosen.fetch(TODAY, None)
    chosen.apply(_letter(str(invoice), str(customer), day=TODAY), "Purring")
    assert sandbox.dispatched[-1] == (invoice, "SOFT_REMINDER", ("OWN_PRINTER",))


def test_reconcile_follows_the_accountant(sandbox: TripletexSandbox) -> None:
    customer, invoice = _invoice(sandbox)
    other_customer, other = _invoice(sandbox)
    session = _open(sandbox)
    session.fetch(TODAY, None)
    kept = _letter(str(invoice), str(customer))
    dropped = _letter(str(other), str(other_customer))
    a = session.apply(kept, "x")
    b = session.apply(dropped, "y")
    waiting = [Pending(kept.key, a.document, TODAY), Pending(dropped.key, b.document, TODAY)]
    assert {r.status for r in _open(sandbox).reconcile(waiting)} == {StepStatus.PENDING}
    sandbox.invoice_order(int(a.document))  # the accountant approves by invoicing the order
    sandbox.delete_order(int(b.document))  # and rejects the other
    fresh = _open(sandbox)
    fresh.fetch(TODAY, None)
    results = {r.letter_key: r for r in fresh.reconcile(waiting)}
    assert results[kept.key].status is StepStatus.ISSUED
    assert results[dropped.key].status is StepStatus.REJECTED
    assert [r["type"] for r in sandbox.reminders_of(invoice)] == ["SOFT_REMINDER"]
    assert sandbox.reminders_of(other) == []


def test_recheck_sees_payments_remarks_and_reminders_since_the_fetch(
    sandbox: TripletexSandbox,
) -> None:
    _customer, paid = _invoice(sandbox)
    _, paused = _invoice(sandbox)
    _, reminded = _invoice(sandbox)
    _, untouched = _invoice(sandbox)
    session = _open(sandbox)
    session.fetch(TODAY, None)
    sandbox.pay(paid, Decimal("1000"))
    sandbox.set_remark(paused, TODAY + timedelta(days=3))
    sandbox.send_reminder(reminded, "SOFT_REMINDER", TODAY)
    result = session.recheck([str(paid), str(paused), str(reminded), str(untouched), "99999"])
    assert result[str(paid)] == "paid"
    assert "postponed" in (result[str(paused)] or "")
    assert "reminder was sent" in (result[str(reminded)] or "")
    assert result[str(untouched)] is None
    assert result["99999"] == "not found in Tripletex"


def test_refused_reminder_is_a_rejected_request(sandbox: TripletexSandbox) -> None:
    customer, invoice = _invoice(sandbox)
    session = _open(sandbox, Mode.AUTONOMOUS, dispatch_types="SMS")
    session.fetch(TODAY, None)
    with pytest.raises(RejectedRequest, match="SMS er ikke aktivert"):
        session.apply(_letter(str(invoice), str(customer)), "x")


# --- whole cycles -----------------------------------------------------------------------------


def _tenant(mode: Mode = Mode.REVIEW) -> TenantSettings:
    # The Norwegian law pack is written separately; the cycle runs under Danish law here.
    return TenantSettings(system="tripletex", country="DK", mode=mode)


def _run(store: object, sandbox: TripletexSandbox, day: date, mode: Mode = Mode.REVIEW):  # type: ignore[no-untyped-def]
    opts = CycleOptions(
        today=day,
        now=datetime.combine(day, time(7), tzinfo=UTC),
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
    )
    return run_tenant(store, "t", _tenant(mode), opts)  # type: ignore[arg-type]


def test_two_review_cycles_write_once(sandbox: TripletexSandbox) -> None:
    store = open_store(":memory:")
    first = _run(store, sandbox, TODAY)
    assert first.status == "ok", first.error
    assert first.written
    assert all(r.status is StepStatus.PENDING for _, r in first.written)
    dispatched = len(sandbox.dispatched)
    second = _run(store, sandbox, TODAY)
    assert second.status == "ok", second.error
    assert second.written == []
    assert len(sandbox.dispatched) == dispatched  # review mode sent nothing
    assert all(n == 1 for n in sandbox.documents_by_key().values())
    assert len(proposals.pending(store, "t")) == len(first.written)


def test_approve_from_the_pending_list(sandbox: TripletexSandbox) -> None:
    store = open_store(":memory:")
    _run(store, sandbox, TODAY)
    waiting = proposals.pending(store, "t")
    reminders = [p for p in waiting if p.action == "reminder"]
    assert reminders
    before = len(sandbox.dispatched)
    session = _open(sandbox)
    results = proposals.approve(
        store, session, "t", [reminders[0].key[:12]], at=datetime(2026, 3, 2, 9, tzinfo=UTC)
    )
    assert results[0].status is StepStatus.ISSUED
    assert len(sandbox.dispatched) == before + len(reminders[0].invoices)
    assert store.letter(reminders[0].key).state == "issued"  # type: ignore[union-attr]
    assert any(a.event == "letter.approved" for a in store.audit_log("t"))
    with pytest.raises(proposals.ProposalError, match="no pending letter"):
        proposals.approve(store, session, "t", [reminders[0].key], at=datetime.now(UTC))


def test_a_crash_after_the_vendor_acted_is_found_by_key(sandbox: TripletexSandbox) -> None:
    store = open_store(":memory:")
    sandbox.inject(Fault("timeout_after_commit", "/order", method="POST"))
    first = _run(store, sandbox, TODAY)
    assert first.status == "partial"
    unresolved = store.unresolved("t")
    assert len(unresolved) == 1
    key = unresolved[0].letter.key
    second = _run(store, sandbox, TODAY)
    assert second.status == "ok", second.error
    assert store.letter(key).state == "pending"  # type: ignore[union-attr]
    assert all(n == 1 for n in sandbox.documents_by_key().values())


def test_autonomous_cycles_send_each_reminder_once(sandbox: TripletexSandbox) -> None:
    store = open_store(":memory:")
    sandbox.inject(Fault("timeout_after_commit", "/invoice/", method="PUT"))
    first = _run(store, sandbox, TODAY, Mode.AUTONOMOUS)
    assert first.status == "partial"
    second = _run(store, sandbox, TODAY, Mode.AUTONOMOUS)
    third = _run(store, sandbox, TODAY, Mode.AUTONOMOUS)
    assert second.status == third.status == "ok"
    assert third.written == []
    counts = sandbox.documents_by_key()
    assert counts
    assert all(n == 1 for n in counts.values())
    sent = [(i, k) for i, k, _ in sandbox.dispatched]
    assert len(sent) == len(set(sent))


def test_sandbox_state_round_trips(tmp_path: Path, sandbox: TripletexSandbox) -> None:
    path = tmp_path / "tripletex.json"
    sandbox.save(path)
    again = TripletexSandbox.load_or_demo(path, TODAY)
    assert again.state == sandbox.state
    assert isinstance(httpx.Client(transport=again.transport()), httpx.Client)
