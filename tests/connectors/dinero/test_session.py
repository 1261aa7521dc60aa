"""The Dinero session end to end against the sandbox: fetch, recheck, write, read back."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bridge.infra.ratelimit import RateLimitedTransport
from bridge.vocab import registry
from bridge.vocab.connector import (
    CAP_DRAFT,
    CAP_INCREMENTAL,
    CAP_SEND,
    CAP_VENDOR_REMINDERS,
    Pending,
)
from bridge.vocab.domain import ActionKind, CustomerKind, Mode, StepStatus
from bridge.vocab.errors import (
    AuthError,
    ConfigError,
    MalformedResponse,
    RejectedRequest,
    SecretMissing,
    Transient,
)
from bridge.vocab.faults import Fault
from bridge.vocab.secrets import StaticSecrets
from connectors.dinero import CONNECTOR
from connectors.dinero.readback import forget_hints
from connectors.dinero.sandbox.server import DineroSandbox
from connectors.dinero.session import DineroSession
from connectors.dinero.state import _only_organization
from tests.connectors.dinero.support import (
    TODAY,
    ctx,
    decision,
    letter,
    open_session,
    overdue_without_reminders,
)

# -- descriptor -------------------------------------------------------------------------------


def test_descriptor() -> None:
    assert CONNECTOR.key == "dinero"
    assert CONNECTOR.country == "DK"
    assert CONNECTOR.base_url == "https://api.dinero.dk"
    assert CONNECTOR.can(CAP_DRAFT)
    assert CONNECTOR.can(CAP_SEND)
    assert CONNECTOR.can(CAP_VENDOR_REMINDERS)
    assert not CONNECTOR.can(CAP_INCREMENTAL)
    assert CONNECTOR.secret_names == ("client_id", "client_secret", "refresh_token")
    assert [(r.requests, r.seconds) for r in CONNECTOR.rate_limits] == [(100, 60.0)]


def test_sandbox_secrets_are_the_sandbox_credentials() -> None:
    assert CONNECTOR.sandbox_secrets == {
        "client_id": DineroSandbox.CLIENT_ID,
        "client_secret": DineroSandbox.CLIENT_SECRET,
        "refresh_token": DineroSandbox.REFRESH_TOKEN,
    }


def test_registry_and_sandbox_factory() -> None:

    project = tomllib.loads(
        (Path(__file__).resolve().parents[3] / "pyproject.toml").read_text(encoding="utf-8")
    )
    group = project["project"]["entry-points"]["dunning_bridge.connectors"]
    assert group["dinero"] == "connectors.dinero:CONNECTOR"
    assert registry.connector("dinero") is CONNECTOR
    built = CONNECTOR.sandbox(None, TODAY)
    assert isinstance(built, DineroSandbox)
    assert len(built.state.invoices) == 41


def test_missing_secret_stops_the_tenant_with_a_fix(sandbox: DineroSandbox) -> None:
    store = StaticSecrets("demo", {"client_id": "x", "client_secret": "y"})
    with pytest.raises(SecretMissing, match="secrets set demo refresh_token"):
        CONNECTOR.open(ctx(sandbox.transport(), store=store))


def test_the_vendor_is_paced_but_the_sandbox_is_not(sandbox: DineroSandbox) -> None:

    session = open_session(sandbox)
    assert not isinstance(session.http._transport, RateLimitedTransport)
    real = DineroSession(ctx(sandbox.transport()), limits=CONNECTOR.rate_limits)
    assert isinstance(real.http._transport, RateLimitedTransport)


# -- reading ----------------------------------------------------------------------------------


def test_fetch_reads_the_demo_company(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    assert session.skipped == []
    assert len(snapshot.customers) == 24
    numbers = {i.number for i in snapshot.invoices}
    # Overdue and due within five days are read; later ones and the draft are not.
    assert "2048" in numbers  # due in 2 days
    assert "2071" not in numbers  # due in 8 days
    assert all(i.outstanding > 0 for i in snapshot.invoices)
    part = next(i for i in snapshot.invoices if i.number == "2047")
    assert part.amount == Decimal("31250.00")
    assert part.outstanding == Decimal("21250.00")
    bankrupt = next(c for c in snapshot.customers.values() if c.name.startswith("Haveliv"))
    assert bankrupt.do_not_dun_reason
    assert "bankruptcy" in bankrupt.do_not_dun_reason
    dissolved = next(c for c in snapshot.customers.values() if c.name.startswith("Bistro"))
    assert dissolved.do_not_dun_reason
    assert "dissolved" in dissolved.do_not_dun_reason
    person = next(c for c in snapshot.customers.values() if c.name == "Mette Kjær")
    assert person.kind is CustomerKind.CONSUMER
    assert person.do_not_dun_reason is None
    english = next(c for c in snapshot.customers.values() if c.name == "Sara Lund")
    assert english.language == "en"


def test_fetch_reads_dinero_reminders_and_late_payments(sandbox: DineroSandbox) -> None:
    snapshot = open_session(sandbox).fetch(TODAY, None)
    by_invoice: dict[str, list[int]] = {}
    for step in snapshot.steps:
        assert step.source == "dinero"
        assert step.status is StepStatus.ISSUED
        by_invoice.setdefault(step.invoice_id, []).append(step.step)
    assert sorted(len(v) for v in by_invoice.values()) == [1, 2, 3]
    late = {i.number: i for i in snapshot.settled}
    assert set(late) == {"2057", "2069", "2076"}  # 2070 was paid on time, 2079 on the day
    assert late["2057"].paid_date == late["2057"].due_date + timedelta(days=12)
    assert {p.invoice_id for p in snapshot.payments} >= {i.id for i in snapshot.settled}


def test_fetch_request_budget(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, organization_id=sandbox.organization)
    snapshot = session.fetch(TODAY, None)
    overdue = [i for i in snapshot.invoices if i.due_date < TODAY]
    not_due = len(snapshot.invoices) - len(overdue)
    # token + open list + payments per open invoice + reminders per overdue one + paid list
    # + payments per recently paid invoice (5) + contacts + the sales list (one page: which
    # contacts have a credit note; the demo's have none, so no state of account is read)
    # + the OverPaid list (none in the demo).
    assert session.request_count == (
        1 + 1 + len(snapshot.invoices) + len(overdue) + 1 + 5 + 1 + 1 + 1
    )
    assert not_due == 4  # due today and in 1, 2 and 4 days
    assert ("GET", "/v1/organizations?fields=Name,Id,IsPro") not in sandbox.requests


def test_the_only_organization_is_found_without_an_option(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    session.fetch(TODAY, None)
    assert session.client.organization == sandbox.organization
    with pytest.raises(ConfigError, match="organization_id"):
        _only_organization([{"Id": 1}, {"Id": 2}], "demo")


def test_incremental_fetch_reads_only_recent_payers(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)

    session.fetch(TODAY, datetime(2099, 1, 1, tzinfo=UTC))
    paid_lists = [p for m, p in sandbox.requests if "statusFilter=Paid" in p]
    assert paid_lists
    assert "changesSince=2098-12-31T23:50:00Z" in paid_lists[-1]


def test_fetch_rides_out_429_and_5xx(sandbox: DineroSandbox) -> None:
    sandbox.inject(Fault("status", status=429, retry_after=1, times=2, path_prefix="/v1/"))
    sandbox.inject(Fault("status", status=503, times=2, path_prefix="/v2/"))
    snapshot = open_session(sandbox).fetch(TODAY, None)
    assert len(snapshot.invoices) > 20


def test_a_truncated_page_fails_the_fetch(sandbox: DineroSandbox) -> None:

    sandbox.inject(Fault("truncated", path_prefix=f"/v1/{sandbox.organization}/contacts"))
    with pytest.raises(MalformedResponse, match="cannot read the vendor's answer"):
        open_session(sandbox).fetch(TODAY, None)


def test_one_unreadable_invoice_is_skipped(sandbox: DineroSandbox) -> None:
    guid = next(iter(sandbox.state.invoices))
    sandbox.state.invoices[guid]["ContactGuid"] = None
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    assert guid not in {i.id for i in snapshot.invoices}
    assert len(session.skipped) == 1
    assert "ContactGuid" in session.skipped[0]
    assert len(snapshot.invoices) > 20


def test_revoked_grant_is_an_auth_error_naming_the_fix(sandbox: DineroSandbox) -> None:
    sandbox.revoke_grant()
    with pytest.raises(AuthError, match="dunning-bridge authorize demo"):
        open_session(sandbox).fetch(TODAY, None)


def test_an_expired_token_is_refreshed_once_mid_session(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    session.fetch(TODAY, None)
    sandbox.expire_access_tokens()
    session.fetch(TODAY, None)
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]


# -- just before a write ----------------------------------------------------------------------


def test_recheck_sees_payments(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    first, second, third = overdue_without_reminders(sandbox, snapshot)[:3]
    sandbox.pay(first, Decimal("100.00"), TODAY)
    outstanding = next(i.outstanding for i in snapshot.invoices if i.id == second)
    sandbox.pay(second, outstanding, TODAY)
    result = session.recheck([first, second, third])
    assert result[first] is not None
    assert result[first].startswith("payment arrived")
    assert result[second] == "paid"
    assert result[third] is None
    assert session.recheck(["00000000-0000-0000-0000-000000000000"]) == {
        "00000000-0000-0000-0000-000000000000": "not found in Dinero"
    }


# -- writing ----------------------------------------------------------------------------------


def test_review_mode_writes_a_native_draft_that_find_reads_back(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    one = letter(decision(snapshot, invoice))
    result = session.apply(one, "Kære kunde\n\nVi mangler betaling.")
    assert result.status is StepStatus.PENDING
    [(guid, draft)] = sandbox.drafts()
    assert guid == invoice
    assert draft["Title"] == "Rykker 1"
    assert draft["Description"].endswith(f"Ref. {one.key}")
    assert not any(draft[f] for f in ("WithFee", "WithInterestFee", "WithCompensationFee"))
    assert result.document == f"{invoice}/{draft['Id']}"
    assert session.differences == []
    forget_hints()
    found = open_session(sandbox).find(one.key)
    assert found is not None
    assert found.document == result.document
    assert found.status is StepStatus.PENDING


def test_flags_follow_the_decision_and_equal_amounts_pass(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    business = next(
        i
        for i in overdue_without_reminders(sandbox, snapshot)
        if snapshot.customers[next(x for x in snapshot.invoices if x.id == i).customer_id].kind
        is CustomerKind.BUSINESS
    )
    made = decision(
        snapshot,
        business,
        action=ActionKind.COLLECTION_WARNING,
        step=3,
        fee="100.00",
        compensation="310.00",
    )
    result = session.apply(letter(made), "Inkassovarsel")
    [(_, draft)] = sandbox.drafts()
    assert draft["WithDebtCollectionWarning"]
    assert draft["WithFee"]
    assert draft["WithCompensationFee"]
    assert not draft["WithInterestFee"]
    assert draft["Title"] == "Inkassovarsel"
    assert result.status is StepStatus.PENDING
    assert "differ" not in result.detail


def test_differing_amounts_keep_the_draft_and_leave_a_note(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    made = decision(snapshot, invoice, step=2, fee="100.00", interest="1.00")
    result = session.apply(letter(made), "Rykker")
    assert result.status is StepStatus.PENDING
    assert "Dinero's amounts differ" in result.detail
    assert "interest" in result.detail
    assert [d.what for d in session.differences] == ["interest"]
    contact = made.customer_id
    [note] = sandbox.state.notes[contact]
    assert "differ" in note["Text"]
    assert "bridge 1.00" in note["Text"]
    assert "dl-" not in note["Text"]  # the note is not the letter: find() must not take it


def test_autonomous_mode_never_books_a_draft_whose_amounts_differ(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    session.apply(letter(decision(snapshot, invoice, fee="75.00")), "Rykker")
    assert len(sandbox.drafts()) == 1
    assert not sandbox.state.mailouts.get(invoice)


def test_autonomous_mode_books_and_emails(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    result = session.apply(letter(decision(snapshot, invoice, fee="100.00")), "Rykker")
    assert result.status is StepStatus.ISSUED
    assert "e-mailed" in result.detail
    assert sandbox.drafts() == []
    assert [m["Type"] for m in sandbox.state.mailouts[invoice]] == ["Reminder"]


def test_autonomous_mode_without_an_email_books_only(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    invoice = next(
        i
        for i in overdue_without_reminders(sandbox, snapshot)
        if snapshot.customers[next(x for x in snapshot.invoices if x.id == i).customer_id].email
        is None
    )
    result = session.apply(letter(decision(snapshot, invoice)), "Rykker")
    assert result.status is StepStatus.ISSUED
    assert "no e-mail" in result.detail
    assert not sandbox.state.mailouts.get(invoice)


def test_dinero_limits_are_checked_before_calling(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    recent, full = overdue_without_reminders(sandbox, snapshot)[:2]
    sandbox.add_reminder(recent, TODAY - timedelta(days=9))
    for days in (40, 30, 20):
        sandbox.add_reminder(full, TODAY - timedelta(days=days))
    posts_before = sum(1 for m, _ in sandbox.requests if m == "POST")
    with pytest.raises(RejectedRequest, match="10 days between reminders"):
        session.apply(letter(decision(snapshot, recent)), "x")
    with pytest.raises(RejectedRequest, match="at most 3 reminders"):
        session.apply(letter(decision(snapshot, full)), "x")
    assert sum(1 for m, _ in sandbox.requests if m == "POST") == posts_before


def test_ten_days_after_the_last_reminder_is_allowed(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    sandbox.add_reminder(invoice, TODAY - timedelta(days=10))
    result = session.apply(letter(decision(snapshot, invoice, step=2)), "x")
    assert result.status is StepStatus.PENDING


def test_a_stale_timestamp_is_rejected_and_decided_again(sandbox: DineroSandbox) -> None:
    def racing(request: httpx.Request) -> httpx.Response:
        response = sandbox.handle(request)
        parts = request.url.path.split("/")
        if request.method == "GET" and len(parts) == 5 and parts[3] == "invoices":
            sandbox.touch_invoice(parts[4])  # the accountant edits it right after our read
        return response

    session = DineroSession(ctx(httpx.MockTransport(racing)))
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    with pytest.raises(RejectedRequest, match="changed in Dinero") as caught:
        session.apply(letter(decision(snapshot, invoice)), "x")
    assert caught.value.vendor_code == "58"
    assert sandbox.drafts() == []


def test_a_letter_over_several_invoices_is_undone_when_one_is_refused(
    sandbox: DineroSandbox,
) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    by_customer: dict[str, list[str]] = {}
    for invoice_id in overdue_without_reminders(sandbox, snapshot):
        owner = next(i.customer_id for i in snapshot.invoices if i.id == invoice_id)
        by_customer.setdefault(owner, []).append(invoice_id)
    first, second = next(ids for ids in by_customer.values() if len(ids) >= 2)[:2]
    sandbox.add_reminder(second, TODAY - timedelta(days=2))
    both = letter(decision(snapshot, first, fee="100.00"), decision(snapshot, second))
    with pytest.raises(RejectedRequest):
        session.apply(both, "x")
    assert sandbox.drafts() == []


def test_a_letter_over_several_invoices_is_one_reminder_each(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    by_customer: dict[str, list[str]] = {}
    for invoice_id in overdue_without_reminders(sandbox, snapshot):
        owner = next(i.customer_id for i in snapshot.invoices if i.id == invoice_id)
        by_customer.setdefault(owner, []).append(invoice_id)
    first, second = next(ids for ids in by_customer.values() if len(ids) >= 2)[:2]
    both = letter(decision(snapshot, first, fee="100.00"), decision(snapshot, second))
    result = session.apply(both, "x")
    drafts = dict(sandbox.drafts())
    assert set(drafts) == {first, second}
    assert drafts[first]["WithFee"]
    assert not drafts[second]["WithFee"]
    assert result.document.count(",") == 1
    # A replay creates nothing new: the reminders carrying the key are found first.
    again = session.apply(both, "x")
    assert again.document == result.document
    assert len(sandbox.drafts()) == 2


def test_proposals_become_notes_and_deleting_one_rejects_it(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    handover = letter(decision(snapshot, invoice, action=ActionKind.HANDOVER, step=4))
    result = session.apply(handover, "Sagen overdrages til inkasso.")
    assert result.status is StepStatus.PENDING
    assert result.document.startswith("note:")
    contact = handover.customer_id
    [note] = sandbox.state.notes[contact]
    assert "hand the claim over to debt collection" in note["Text"]
    assert note["Text"].endswith(f"Ref. {handover.key}")
    pending = [Pending(handover.key, result.document, TODAY)]
    assert [r.status for r in session.reconcile(pending)] == [StepStatus.PENDING]
    sandbox.delete_note(contact, note["Id"])
    assert [r.status for r in session.reconcile(pending)] == [StepStatus.REJECTED]


def test_pre_due_notice_uses_dinero_pre_reminder_when_overdue(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    notice = letter(decision(snapshot, invoice, action=ActionKind.PRE_DUE_NOTICE))
    result = session.apply(notice, "Venlig påmindelse")
    assert result.status is StepStatus.ISSUED
    assert [m["Type"] for m in sandbox.state.mailouts[invoice]] == ["PreReminder"]


def test_pre_due_notice_before_the_due_date_is_a_note(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox, Mode.AUTONOMOUS)
    snapshot = session.fetch(TODAY, None)
    not_due = next(i for i in snapshot.invoices if i.due_date > TODAY)
    notice = letter(decision(snapshot, not_due.id, action=ActionKind.PRE_DUE_NOTICE))
    result = session.apply(notice, "Venlig påmindelse")
    assert result.status is StepStatus.PENDING
    assert not sandbox.state.mailouts.get(not_due.id)
    assert "only once an invoice is overdue" in sandbox.state.notes[not_due.customer_id][0]["Text"]


# -- reading back -----------------------------------------------------------------------------


def test_reconcile_follows_what_the_accountant_did(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    a, b, c = overdue_without_reminders(sandbox, snapshot)[:3]
    results = [session.apply(letter(decision(snapshot, i)), "x") for i in (a, b, c)]
    pending = [Pending(r.letter_key, r.document, TODAY) for r in results]
    ids = {guid: int(r["Id"]) for guid, r in sandbox.drafts()}
    sandbox.book_reminder(a, ids[a])
    sandbox.delete_reminder(b, ids[b])
    states = [r.status for r in open_session(sandbox).reconcile(pending)]
    assert states == [StepStatus.ISSUED, StepStatus.REJECTED, StepStatus.PENDING]


def test_our_own_reminders_are_not_counted_twice(sandbox: DineroSandbox) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    session.apply(letter(decision(snapshot, invoice, fee="100.00")), "x")
    sandbox.accept_drafts()
    again = open_session(sandbox).fetch(TODAY, None)
    assert invoice not in {s.invoice_id for s in again.steps}


def test_find_scans_after_a_restart_and_answers_none_when_nothing_was_written(
    sandbox: DineroSandbox,
) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    one = letter(decision(snapshot, invoice))
    written = session.apply(one, "x")
    sandbox.accept_drafts()
    forget_hints()
    found = open_session(sandbox).find(one.key)
    assert found is not None
    assert found.status is StepStatus.ISSUED
    assert found.document == written.document
    assert open_session(sandbox).find("dl-" + "0" * 24) is None


def test_a_timeout_after_the_create_is_not_retried(sandbox: DineroSandbox) -> None:

    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    sandbox.inject(Fault("timeout_after_commit", method="POST", path_prefix="/v1/"))
    one = letter(decision(snapshot, invoice))
    with pytest.raises(Transient, match="outcome unknown"):
        session.apply(one, "x")
    assert len(sandbox.drafts()) == 1
    found = session.find(one.key)
    assert found is not None
    assert found.status is StepStatus.PENDING
    assert date.fromisoformat(sandbox.drafts()[0][1]["Date"]) == TODAY


def test_a_reminder_booked_after_the_re_check_found_the_invoice_unchanged_is_still_seen(
    sandbox: DineroSandbox,
) -> None:
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    assert session.recheck([invoice]) == {invoice: None}
    # Booked from Dinero's screens: the invoice's UpdatedAt moves, the next re-check lists it.
    sandbox.add_reminder(invoice, TODAY - timedelta(days=9), booked=True)
    assert session.recheck([invoice]) == {invoice: None}  # still unpaid
    posts_before = sum(1 for m, _ in sandbox.requests if m == "POST")
    with pytest.raises(RejectedRequest, match="10 days between reminders"):
        session.apply(letter(decision(snapshot, invoice)), "x")
    assert sum(1 for m, _ in sandbox.requests if m == "POST") == posts_before


def test_an_invoice_the_re_check_found_unchanged_costs_no_second_reminders_read() -> None:
    # The company was last changed an hour before the fetch, beyond the clock-skew margin.
    shift = {"by": timedelta(hours=-1)}
    sandbox = DineroSandbox.demo(TODAY, clock=lambda: datetime.now(UTC) + shift["by"])
    shift["by"] = timedelta(0)
    session = open_session(sandbox)
    snapshot = session.fetch(TODAY, None)
    invoice = overdue_without_reminders(sandbox, snapshot)[0]
    session.recheck([invoice])
    sandbox.requests.clear()
    session.apply(letter(decision(snapshot, invoice)), "x")
    assert not [p for m, p in sandbox.requests if m == "GET" and p.endswith("/reminders")]
