"""The Fortnox session end to end against the sandbox: fetch, recheck, write, read back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bridge.infra.ratelimit import RateLimitedTransport, SlidingWindowLimiter
from bridge.vocab.connector import (
    CAP_DRAFT,
    CAP_INCREMENTAL,
    CAP_SEND,
    CAP_VENDOR_REMINDERS,
    Pending,
    RateLimit,
)
from bridge.vocab.domain import (
    ActionKind,
    CustomerKind,
    Decision,
    InterestCharge,
    Letter,
    Mode,
    Snapshot,
    StepStatus,
)
from bridge.vocab.errors import MalformedResponse, RejectedRequest, Transient
from bridge.vocab.faults import Fault
from connectors.fortnox import CONNECTOR
from connectors.fortnox.client import RATE_LIMITS
from connectors.fortnox.sandbox import demo_company
from connectors.fortnox.sandbox.server import FortnoxSandbox
from connectors.fortnox.session import FortnoxSession
from tests.connectors.fortnox.conftest import TODAY, context, open_on

LISTS = 5  # overdue, unpaid (pre-due), fully paid, payments, plus the token


def _letter(
    snapshot: Snapshot,
    *invoice_ids: str,
    action: ActionKind = ActionKind.REMINDER,
    fee: str = "60.00",
    step: int = 1,
) -> Letter:
    invoices = {i.id: i for i in (*snapshot.invoices, *snapshot.settled)}
    decisions = tuple(
        Decision(
            tenant="t",
            invoice_id=i,
            invoice_number=invoices[i].number,
            customer_id=invoices[i].customer_id,
            date=TODAY,
            action=action,
            step=step,
            currency=invoices[i].currency,
            outstanding=invoices[i].outstanding,
            fee=Decimal(fee) if n == 0 else Decimal("0.00"),
            deadline=TODAY + timedelta(days=10),
        )
        for n, i in enumerate(invoice_ids)
    )
    first = decisions[0]
    return Letter(
        tenant="t",
        customer_id=first.customer_id,
        action=action,
        step=step,
        date=TODAY,
        currency=first.currency,
        decisions=decisions,
    )


def _fetched(
    sandbox: FortnoxSandbox, mode: Mode = Mode.REVIEW, **options: str
) -> tuple[FortnoxSession, Snapshot]:
    session = open_on(sandbox, mode, **options)
    return session, session.fetch(TODAY, None)


# -- descriptor ---------------------------------------------------------------------------------


def test_descriptor() -> None:
    assert CONNECTOR.key == "fortnox"
    assert CONNECTOR.country == "SE"
    assert CONNECTOR.rate_limits == (RateLimit(25, 5.0),)
    assert {CAP_DRAFT, CAP_SEND, CAP_INCREMENTAL, CAP_VENDOR_REMINDERS} <= CONNECTOR.capabilities
    assert "tenant_id" in CONNECTOR.secret_names
    assert "refresh_token" in CONNECTOR.secret_names
    assert isinstance(CONNECTOR.sandbox(None, TODAY), FortnoxSandbox)


def test_fortnox_is_paced_but_the_sandbox_is_not(sandbox: FortnoxSandbox) -> None:
    paced = CONNECTOR.open(context(sandbox.transport()))
    assert isinstance(paced, FortnoxSession)
    assert not isinstance(paced.http._transport, RateLimitedTransport)
    real = FortnoxSession(context(sandbox.transport()), limits=RATE_LIMITS)
    transport = real.http._transport
    assert isinstance(transport, RateLimitedTransport)
    assert transport.limiter.limits == (RateLimit(25, 5.25),)


# -- reading ------------------------------------------------------------------------------------


def test_fetch_reads_the_demo_company(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox)
    ids = {i.id for i in snapshot.invoices}
    assert "18" not in ids
    assert session.left_alone["18"].startswith("handed to Fortnox Finans")
    assert "25" not in ids  # cancelled
    assert "2" in ids
    assert "1" not in ids
    assert {i.id for i in snapshot.settled} == {"13", "14"}  # 15 was paid on time
    assert next(i for i in snapshot.settled if i.id == "14").paid_date == date(2026, 3, 4)
    assert snapshot.customers["1"].kind is CustomerKind.BUSINESS
    assert snapshot.customers["6"].kind is CustomerKind.CONSUMER
    assert snapshot.customers["24"].do_not_dun_reason == "inactive in Fortnox"
    assert snapshot.customers["6"].email == "anna.lindqvist@example.se"
    assert snapshot.customers["19"].country == "NO"
    euro = next(i for i in snapshot.invoices if i.id == "27")
    assert euro.currency == "EUR"
    partly = next(i for i in snapshot.invoices if i.id == "11")
    assert (partly.amount, partly.outstanding) == (Decimal("15600.00"), Decimal("10000.00"))
    assert [p.amount for p in snapshot.payments if p.invoice_id == "11"] == [Decimal("5600.00")]
    reminders = [s for s in snapshot.steps if s.invoice_id == "17"]
    assert [(s.step, s.date, s.source) for s in reminders] == [
        (1, date(2026, 2, 26), "fortnox"),
        (2, date(2026, 2, 26), "fortnox"),
    ]
    assert session.skipped == []


def test_fetch_reads_identity_and_salesperson_without_extra_requests(
    sandbox: FortnoxSandbox,
) -> None:
    _session, snapshot = _fetched(sandbox)
    customers = snapshot.customers
    first = customers["1"]
    assert (first.org_number, first.address, first.phone) == (
        "556677-1234",
        "Fyrisvallsgatan 4, 752 28 Uppsala, Sverige",
        "070-174 06 05",
    )
    assert (first.salesperson, first.salesperson_email) == ("Maria Holmgren", None)
    assert customers["19"].address == "Karl Johans gate 22, 0159 Oslo, Norge"
    assert all(c.address and c.phone for c in customers.values())
    businesses = [c for c in customers.values() if c.kind is CustomerKind.BUSINESS]
    assert all(c.org_number for c in businesses)
    consumers = [c for c in customers.values() if c.kind is CustomerKind.CONSUMER]
    assert all(c.salesperson is None for c in consumers)
    named = {c.salesperson for c in customers.values()} - {None}
    # Some salespeople have an e-mail the tenant can give the bridge; Lena Sund has none.
    assert named & set(demo_company.SALESPEOPLE)
    assert "Lena Sund" in named
    assert all(c.salesperson_email is None for c in customers.values())
    customer_reads = [r for r in sandbox.requests if r[1].startswith("/3/customers")]
    assert len(customer_reads) == len(customers)  # one full read each, no other resource


def test_fetch_reads_each_overdue_invoice_and_customer_once(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox)
    overdue = [i for i in snapshot.invoices if i.due_date < TODAY]
    full = [r for r in sandbox.requests if r[1].startswith("/3/invoices/")]
    customers = [r for r in sandbox.requests if r[1].startswith("/3/customers/")]
    # Each overdue invoice (its reminders) and each invoice paid late (was it credited?) once.
    assert len(full) == len(overdue) + len(snapshot.settled) == len({r[1] for r in full})
    assert len(customers) == len({i.customer_id for i in (*snapshot.invoices, *snapshot.settled)})
    assert session.request_count == LISTS + len(full) + len(customers)


def test_reminders_can_be_left_unread(sandbox: FortnoxSandbox) -> None:
    _session, snapshot = _fetched(sandbox, vendor_reminders="ignore")
    assert snapshot.steps == ()
    settled = {f"/3/invoices/{i.id}" for i in snapshot.settled}
    assert not [
        r for r in sandbox.requests if r[1].startswith("/3/invoices/") and r[1] not in settled
    ]


def test_fortnox_reminder_fee_option_is_recorded_on_vendor_steps(sandbox: FortnoxSandbox) -> None:
    _, snapshot = _fetched(sandbox, fortnox_reminder_fee="60")
    assert {s.fee for s in snapshot.steps} == {Decimal("60.00")}


def test_pre_due_days_option(sandbox: FortnoxSandbox) -> None:
    _, snapshot = _fetched(sandbox, pre_due_days="0")
    assert "2" not in {i.id for i in snapshot.invoices}
    assert not [r for r in sandbox.requests if "filter=unpaid&" in r[1]]


def test_an_incremental_fetch_reads_only_what_changed() -> None:
    seeded = datetime(2026, 3, 14, 7, tzinfo=UTC)
    clock = {"now": seeded}
    sandbox = FortnoxSandbox.demo(TODAY, clock=lambda: clock["now"])
    transport = sandbox.transport()  # one company, one transport: what was read is remembered
    clock["now"] = datetime(2026, 3, 15, 7, tzinfo=UTC)
    sandbox.today = date(2026, 3, 12)
    first = FortnoxSession(context(transport), clock=lambda: clock["now"])
    first.fetch(sandbox.today, None)
    first.close()
    clock["now"] = datetime(2026, 3, 16, 6, tzinfo=UTC)
    sandbox.remind("9", TODAY)
    sandbox.set_customer("6", Type="COMPANY")
    sandbox.requests.clear()
    sandbox.today = TODAY
    clock["now"] = datetime(2026, 3, 16, 7, tzinfo=UTC)
    second = FortnoxSession(context(transport), clock=lambda: clock["now"])
    snapshot = second.fetch(TODAY, datetime(2026, 3, 15, 7, tzinfo=UTC))
    full = sorted(
        r[1] for r in sandbox.requests if r[1].startswith(("/3/invoices/", "/3/customers/"))
    )
    # Invoice 3 fell due since (new), 9 was reminded, customer 6 changed type and 2 is new
    # (its invoice entered the pre-due window).
    assert full == ["/3/customers/2", "/3/customers/6", "/3/invoices/3", "/3/invoices/9"]
    assert [s.step for s in snapshot.steps if s.invoice_id == "9"] == [1]
    assert snapshot.customers["6"].kind is CustomerKind.BUSINESS
    changed = [r[1] for r in sandbox.requests if "lastmodified=2026-03-15+07:50" in r[1]]
    assert len(changed) == 2  # overdue invoices and customers changed since the last fetch


def test_incremental_option_off_reads_everything_again(sandbox: FortnoxSandbox) -> None:
    transport = sandbox.transport()
    open_on(sandbox, transport=transport, incremental="off").fetch(TODAY, None)
    sandbox.requests.clear()
    open_on(sandbox, transport=transport, incremental="off").fetch(
        TODAY, datetime(2026, 3, 16, tzinfo=UTC)
    )
    assert len([r for r in sandbox.requests if r[1].startswith("/3/invoices/")]) > 20


def test_a_failed_page_fails_the_fetch(sandbox: FortnoxSandbox) -> None:
    sandbox.inject(Fault("status", path_prefix="/3/invoicepayments", status=503, times=10))
    with pytest.raises(Transient):
        open_on(sandbox).fetch(TODAY, None)


def test_fetch_rides_out_429_and_5xx(sandbox: FortnoxSandbox) -> None:
    sandbox.inject(Fault("status", path_prefix="/3/invoices", status=429, times=2))
    sandbox.inject(Fault("status", path_prefix="/3/customers", status=502, times=1))
    sandbox.inject(Fault("drop", path_prefix="/3/invoicepayments", times=1))
    snapshot = open_on(sandbox).fetch(TODAY, None)
    assert len(snapshot.invoices) == 25


def test_a_truncated_page_fails_the_fetch_clearly(sandbox: FortnoxSandbox) -> None:
    sandbox.inject(Fault("truncated", path_prefix="/3/invoices", times=5))
    with pytest.raises(MalformedResponse, match="cannot read the vendor's answer"):
        open_on(sandbox).fetch(TODAY, None)


def test_one_malformed_invoice_is_skipped_while_the_others_map(sandbox: FortnoxSandbox) -> None:
    sandbox._state["invoices"]["5"]["InvoiceDate"] = "last week"
    session, snapshot = _fetched(sandbox)
    assert "5" not in {i.id for i in snapshot.invoices}
    assert len(snapshot.invoices) == 24
    assert any("invoice 5" in s and "InvoiceDate" in s for s in session.skipped)


def test_paced_at_the_real_limit_a_cycle_meets_no_429() -> None:
    clock = {"t": 0.0}
    base = datetime(2026, 3, 16, 7, tzinfo=UTC)

    def sleep(seconds: float) -> None:
        clock["t"] += seconds

    sandbox = FortnoxSandbox.demo(
        TODAY, rate_limit=(25, 5.0), clock=lambda: base + timedelta(seconds=clock["t"])
    )
    limiter = SlidingWindowLimiter(RATE_LIMITS, clock=lambda: clock["t"], sleep=sleep)
    session = open_on(sandbox, transport=RateLimitedTransport(sandbox.transport(), limiter))
    session.fetch(TODAY, None)
    assert sandbox.throttled == 0
    api = len([r for r in sandbox.requests if r[1].startswith("/3/")])
    assert api > 50
    assert clock["t"] >= (api - 25) / 5  # never faster than Fortnox allows


def test_unpaced_the_sandbox_answers_429() -> None:
    sandbox = FortnoxSandbox.demo(TODAY, rate_limit=(25, 5.0))
    with pytest.raises(Transient):
        open_on(sandbox).fetch(TODAY, None)
    assert sandbox.throttled > 0


# -- just before a write ------------------------------------------------------------------------


def test_recheck_reports_payments_and_hand_overs_from_one_lastmodified_list(
    sandbox: FortnoxSandbox,
) -> None:
    session, _ = _fetched(sandbox)
    sandbox.pay("4", Decimal("8990.00"), TODAY)
    sandbox.pay("5", Decimal("450.00"), TODAY)
    sandbox.hand_to_finans("9")
    sandbox.requests.clear()
    result = session.recheck(["4", "5", "30", "9", "14", "999"])
    assert result["4"] == "paid"
    assert result["5"] == "payment arrived (balance 21450.00 -> 21000.00)"
    assert result["30"] is None
    assert result["9"] == "handed to Fortnox Finans, which does the dunning"
    assert result["14"] is None  # settled: an interest invoice is about that
    assert result["999"] == "not found in Fortnox"
    lists = [r for r in sandbox.requests if r[1].startswith("/3/invoices?")]
    assert len(lists) == 1  # what changed since the fetch, for every invoice asked about
    assert "lastmodified=" in lists[0][1]


# -- writing ------------------------------------------------------------------------------------


def test_review_mode_writes_an_unbooked_invoice_that_find_reads_back(
    sandbox: FortnoxSandbox,
) -> None:
    session, snapshot = _fetched(sandbox)
    letter = _letter(snapshot, "5", "30")
    result = session.apply(letter, "Hej!\n\nVi har inte fått betalt.")
    assert result.status is StepStatus.PENDING
    written = sandbox.invoice(result.document)
    assert written["Booked"] is False
    assert written["InvoiceType"] == "INVOICE"
    assert written["ExternalInvoiceReference1"] == letter.key
    assert written["ExternalInvoiceReference2"] == "faktura 5, 30"
    assert written["Remarks"].startswith("Hej!")
    assert written["Total"] == Decimal("60.00")  # VAT 0 on the fee
    assert [r["Price"] for r in written["InvoiceRows"]] == [Decimal("60.00"), Decimal("0")]
    found = session.find(letter.key)
    assert found is not None
    assert (found.document, found.status) == (result.document, StepStatus.PENDING)
    assert session.find("dl-000000000000000000000000") is None


def test_an_interest_letter_becomes_an_interest_invoice(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox)
    letter = _letter(snapshot, "14", action=ActionKind.INTEREST_INVOICE, fee="0")
    charge = InterestCharge(
        start=date(2026, 1, 6),
        end=date(2026, 3, 3),
        amount=Decimal("643.40"),
        periods=(),
        day_count="actual/365",
    )
    decision = letter.decisions[0]
    letter = Letter(
        tenant="t",
        customer_id=letter.customer_id,
        action=letter.action,
        step=1,
        date=TODAY,
        currency="SEK",
        decisions=(Decision(**{**_fields(decision), "interest": charge}),),
    )
    result = session.apply(letter, "Räntefaktura")
    written = sandbox.invoice(result.document)
    assert written["InvoiceType"] == "INTRESTINVOICE"
    assert written["Total"] == Decimal("643.40")
    assert written["InvoiceRows"][0]["AccountNumber"] == 8313


def _fields(decision: Decision) -> dict[str, object]:
    return {name: getattr(decision, name) for name in Decision.__dataclass_fields__}


def test_a_timeout_after_the_write_is_found_by_key_not_written_again(
    sandbox: FortnoxSandbox,
) -> None:
    session, snapshot = _fetched(sandbox)
    letter = _letter(snapshot, "4")
    sandbox.inject(Fault("timeout_after_commit", path_prefix="/3/invoices", method="POST"))
    with pytest.raises(Transient, match="outcome unknown"):
        session.apply(letter, "text")
    assert [r for r in sandbox.requests if r[0] == "POST" and r[1] == "/3/invoices"] == [
        ("POST", "/3/invoices")
    ]
    found = session.find(letter.key)
    assert found is not None
    assert found.status is StepStatus.PENDING
    assert sandbox.documents_by_key() == {letter.key: 1}


def test_autonomous_mode_books_and_sends_by_the_customers_channel(
    sandbox: FortnoxSandbox,
) -> None:
    session, snapshot = _fetched(sandbox, Mode.AUTONOMOUS)
    by_email = session.apply(_letter(snapshot, "5"), "text")
    assert by_email.status is StepStatus.ISSUED
    assert "e-mail" in by_email.detail
    assert sandbox.invoice(by_email.document)["Sent"] is True
    by_post = session.apply(_letter(snapshot, "4"), "text")
    assert "print service" in by_post.detail
    printed = session.apply(_letter(snapshot, "7"), "text")  # PRINT: we cannot send it
    assert printed.status is StepStatus.PENDING  # until Fortnox shows it printed
    assert "print and post it" in printed.detail
    assert sandbox.invoice(printed.document.removeprefix("print:"))["Sent"] is False


def test_autonomous_hand_over_goes_to_fortnox_finans_in_sek_only(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox, Mode.AUTONOMOUS)
    handed = session.apply(_letter(snapshot, "21", "32", action=ActionKind.HANDOVER, fee="0"), "t")
    assert handed.status is StepStatus.ISSUED
    assert handed.document == "finans:21, 32"
    assert sandbox.invoice("21")["NoxFinans"] is True
    assert sandbox.state()["finans"]["32"]["Service"] == "REMINDER"
    euro = session.apply(_letter(snapshot, "27", action=ActionKind.HANDOVER, fee="0"), "t")
    assert euro.status is StepStatus.PENDING  # a proposal for the accountant
    assert sandbox.invoice("27")["NoxFinans"] is False


def test_review_mode_hand_over_is_a_proposal(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox)
    result = session.apply(_letter(snapshot, "21", action=ActionKind.HANDOVER, fee="0"), "t")
    assert result.status is StepStatus.PENDING
    assert sandbox.invoice("21")["NoxFinans"] is False
    assert "Förslag" in sandbox.invoice(result.document)["Comments"]


def _task(snapshot: Snapshot, invoice_id: str) -> Letter:
    """A task step ("call the customer") about one invoice: no fee, no deadline, no amounts."""
    base = _letter(snapshot, invoice_id, action=ActionKind.TASK, fee="0")
    decision = Decision(
        **{**_fields(base.decisions[0]), "deadline": None, "task": "call", "assignee": "tasks"}
    )
    return Letter(
        tenant="t",
        customer_id=base.customer_id,
        action=ActionKind.TASK,
        step=1,
        date=TODAY,
        currency=base.currency,
        decisions=(decision,),
    )


TASK_TEXT = "Ring Skolmaterial Norr AB om faktura 5: 21 450,00 kr obetalt sedan tre veckor."
# What would book a draft, send it to the debtor or hand it over.
_DEBTOR_BOUND = ("/bookkeep", "/email", "/eprint", "/einvoice", "/noxfinansinvoices")


@pytest.mark.parametrize("mode", [Mode.REVIEW, Mode.AUTONOMOUS])
@pytest.mark.parametrize("action", [ActionKind.TASK, ActionKind.CREDIT_HOLD])
def test_a_task_is_never_written_as_an_invoice(
    sandbox: FortnoxSandbox, mode: Mode, action: ActionKind
) -> None:
    """An unbooked invoice is addressed to the debtor: booking it by mistake would send it."""
    session, snapshot = _fetched(sandbox, mode)
    letter = replace(_task(snapshot, "5"), action=action, key="")
    before = len(sandbox.unbooked())
    sandbox.requests.clear()
    with pytest.raises(RejectedRequest, match="never written as an invoice"):
        session.apply(letter, TASK_TEXT)
    assert [r for r in sandbox.requests if r[0] != "GET"] == []
    assert len(sandbox.unbooked()) == before


def test_too_long_a_letter_is_rejected_before_any_write(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox)
    sandbox.requests.clear()
    with pytest.raises(RejectedRequest, match="cannot be written whole"):
        session.apply(_letter(snapshot, "4"), ("ord " * 60 + "\n") * 40)
    assert sandbox.requests == []


def test_reconcile_follows_what_the_accountant_did(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox)
    letters = [_letter(snapshot, n) for n in ("4", "5", "30")]
    results = [session.apply(letter, "text") for letter in letters]
    sandbox.book(results[0].document)
    sandbox.reject_draft(results[1].document)
    pending = [Pending(r.letter_key, r.document, TODAY) for r in results]
    outcome = {r.letter_key: r.status for r in session.reconcile(pending)}
    assert outcome == {
        letters[0].key: StepStatus.ISSUED,
        letters[1].key: StepStatus.REJECTED,
        letters[2].key: StepStatus.PENDING,
    }
    assert list(session.reconcile([])) == []
