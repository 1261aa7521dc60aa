"""Hand-over to collection, tasks and the bridge's own e-mail: preconditions, case file, once.

The cycle tests run the e-conomic sandbox with a real SMTP server on loopback: a hand-over
becomes a case file (never a draft invoice), a credit hold an e-mailed task, a pre-due notice an
e-mail to the customer, and every one of them happens exactly once however often the cycle runs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.engine.handover import (
    CASE_FILES,
    HandoverNotReady,
    build_case,
    case_id,
    deliver_to_folder,
    preconditions,
)
from bridge.engine.mailer import PASSWORD_SECRET
from bridge.infra import retry
from bridge.store import Store, open_store
from bridge.surfaces.letter_preview import letter_series
from bridge.surfaces.scenario import load_scenario
from bridge.vocab import registry
from bridge.vocab.domain import ActionKind, Dispute, Mode, StepStatus
from bridge.vocab.secrets import TenantSecrets
from bridge.vocab.settings import TenantSettings
from tests.bridge.letter_fixtures import CUSTOMER, INVOICES, creditor, history, letter
from tests.bridge.smtp_server import PASSWORD, Inbox, smtp_server

SCENARIOS = Path(__file__).parents[1] / "scenarios"
WARNED = date(2026, 2, 11)  # the fixtures' collection warning, deadline 21 February
HANDOVER = letter(ActionKind.HANDOVER, 4)


# -- preconditions -------------------------------------------------------------------------------


def test_the_day_after_the_deadline_is_the_first_day_to_hand_over() -> None:
    deadline = WARNED + timedelta(days=10)
    blocked = preconditions(HANDOVER, history(), (), deadline)
    assert blocked == [
        f"invoice {n}: the warning's deadline {deadline.isoformat()} has not passed"
        for n in ("1001", "1002")
    ]
    assert preconditions(HANDOVER, history(), (), deadline + timedelta(days=1)) == []


def test_no_hand_over_without_an_issued_warning() -> None:
    steps = [s for s in history() if s.action is not ActionKind.COLLECTION_WARNING]
    assert preconditions(HANDOVER, steps, (), date(2026, 3, 30)) == [
        "invoice 1001: no collection warning was sent",
        "invoice 1002: no collection warning was sent",
    ]
    pending = [
        replace(s, status=StepStatus.PENDING) if s.action is ActionKind.COLLECTION_WARNING else s
        for s in history()
    ]
    assert (
        "no collection warning was sent"
        in preconditions(HANDOVER, pending, (), date(2026, 3, 30))[0]
    )


def test_an_open_dispute_blocks_and_a_settled_one_does_not() -> None:
    day = date(2026, 3, 30)
    open_ = [Dispute("1002", date(2026, 3, 1))]
    assert preconditions(HANDOVER, history(), open_, day) == ["invoice 1002 is disputed"]
    settled = [Dispute("1002", date(2026, 3, 1), date(2026, 3, 29))]
    assert preconditions(HANDOVER, history(), settled, day) == []
    ends_today = [Dispute("1002", date(2026, 3, 1), day)]
    assert preconditions(HANDOVER, history(), ends_today, day) == ["invoice 1002 is disputed"]


@pytest.mark.parametrize(
    ("start", "blocks"),
    [
        (date(2026, 2, 20), True),  # the day before the deadline 2026-02-21
        (date(2026, 2, 21), True),  # the deadline day
        (date(2026, 2, 22), False),  # the day after: the deadline was missed before it
    ],
)
def test_no_hand_over_on_a_warning_deadline_that_ran_during_a_dispute(
    start: date, blocks: bool
) -> None:
    ended = [Dispute("1002", start, date(2026, 3, 6))]
    problems = preconditions(HANDOVER, history(), ended, date(2026, 3, 30))
    if blocks:
        assert problems == [
            "invoice 1002: the warning's deadline 2026-02-21 ran while the claim was disputed "
            f"({start.isoformat()} to 2026-03-06); a renewed warning with a new deadline goes "
            "first"
        ]
    else:
        assert problems == []


def test_an_invoice_is_handed_over_only_once() -> None:
    blocked = preconditions(HANDOVER, history(), (), date(2026, 3, 30), handed_over=["1001"])
    assert blocked == ["invoice 1001 was already handed over"]


# -- the case file -------------------------------------------------------------------------------


def _case(**kwargs: object) -> object:
    return build_case(
        HANDOVER,
        customer=CUSTOMER,
        invoices=INVOICES,
        history=history(),
        disputes=[Dispute("1002", date(2026, 2, 2), date(2026, 2, 5))],
        creditor=creditor("DK"),
        today=date(2026, 2, 24),
        cover="Overdragelse til inkasso",
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_case_holds_identity_invoices_letters_and_disputes() -> None:
    case = _case()
    data = case.data  # type: ignore[attr-defined]
    assert data["case_id"] == case_id(HANDOVER.key)
    assert data["debtor"]["org_number"] == "12345678"
    assert data["debtor"]["address"] == "Savværksvej 3, 8600 Silkeborg"
    assert data["creditor"]["agency"] == "Dansk Kreditor Service"
    first, second = data["invoices"]
    assert (first["principal"], first["fees"], first["total"]) == ("10000.00", "200.00", "10200.00")
    assert (second["principal"], second["fees"]) == ("1250.25", "0.00")
    assert data["totals"]["total"] == "11450.25"
    assert [(s["action"], s["step"], s["deadline"]) for s in data["letters"][::2]] == [
        ("reminder", 1, "2026-02-01"),
        ("reminder", 2, "2026-02-11"),
        ("collection_warning", 3, "2026-02-21"),
    ]
    assert data["disputes"] == [{"invoice": "1002", "from": "2026-02-02", "to": "2026-02-05"}]
    assert data["promises"] == []


def test_interest_to_date_comes_from_the_accrual() -> None:
    from bridge.vocab.domain import InterestCharge, InterestPeriod  # noqa: PLC0415

    def accrue(invoice: object, steps: object) -> InterestCharge:
        period = InterestPeriod(
            date(2026, 2, 12), date(2026, 2, 24), Decimal("9.75"), 13, 365, Decimal(1), Decimal(1)
        )
        return InterestCharge(
            date(2026, 2, 12), date(2026, 2, 24), Decimal("12.34"), (period,), "actual/365"
        )

    data = _case(accrue=accrue).data  # type: ignore[attr-defined]
    row = data["invoices"][0]
    assert (row["interest_accrued"], row["interest_accrued_from"], row["interest_rate"]) == (
        "12.34",
        "2026-02-12",
        "9.75",
    )
    assert data["totals"]["interest_accrued"] == "24.68"


def test_the_case_names_each_interest_period(monkeypatch: pytest.MonkeyPatch) -> None:
    from bridge.engine import handover  # noqa: PLC0415
    from bridge.vocab.domain import InterestCharge, InterestPeriod  # noqa: PLC0415

    def accrue(invoice: object, steps: object) -> InterestCharge:
        periods = (
            InterestPeriod(
                date(2026, 6, 20),
                date(2026, 6, 30),
                Decimal("9.75"),
                11,
                365,
                Decimal("10000.00"),
                Decimal("29.38"),
            ),
            InterestPeriod(
                date(2026, 7, 1),
                date(2026, 7, 10),
                Decimal("10.25"),
                10,
                365,
                Decimal("10000.00"),
                Decimal("28.08"),
            ),
        )
        return InterestCharge(
            date(2026, 6, 20), date(2026, 7, 10), Decimal("57.46"), periods, "actual/365"
        )

    shown: list[object] = []
    real = handover.table_pdf

    def capture(title: str, sections: object, tables: object, *, when: date) -> bytes:
        shown.append(tables)
        return real(title, sections, tables, when=when)  # type: ignore[arg-type]

    monkeypatch.setattr(handover, "table_pdf", capture)
    data = _case(accrue=accrue).data  # type: ignore[attr-defined]
    assert data["invoices"][0]["interest_periods"] == [
        {
            "from": "2026-06-20",
            "to": "2026-06-30",
            "rate": "9.75",
            "days": 11,
            "principal": "10000.00",
        },
        {
            "from": "2026-07-01",
            "to": "2026-07-10",
            "rate": "10.25",
            "days": 10,
            "principal": "10000.00",
        },
    ]
    [tables] = shown
    periods = next(t for t in tables if t[0] == "Interest not yet charged, by period")  # type: ignore[attr-defined]
    assert periods[1] == ["Invoice", "From", "To", "Rate %", "Days", "Principal"]
    # The summary is for people: dates and amounts in the language's own form (en_GB here).
    assert periods[2][:2] == [
        ["1001", "20/06/2026", "30/06/2026", "9.75", "11", "10,000.00"],
        ["1001", "01/07/2026", "10/07/2026", "10.25", "10", "10,000.00"],
    ]


def test_the_files_are_json_csv_and_pdf() -> None:
    files = _case().files  # type: ignore[attr-defined]
    assert tuple(files) == CASE_FILES
    assert json.loads(files["case.json"])["format"] == 1
    rows = list(csv.DictReader(io.StringIO(files["invoices.csv"].decode())))
    assert [r["Invoice"] for r in rows] == ["1001", "1002"]
    letters = list(csv.DictReader(io.StringIO(files["letters.csv"].decode())))
    assert len(letters) == 6
    assert files["summary.pdf"].startswith(b"%PDF-")
    assert _case().files == files  # reproducible  # type: ignore[attr-defined]


def test_an_invoice_missing_from_the_snapshot_stops_the_case() -> None:
    with pytest.raises(HandoverNotReady, match="1002"):
        build_case(
            HANDOVER,
            customer=CUSTOMER,
            invoices={"1001": INVOICES["1001"]},
            history=history(),
            disputes=(),
            creditor=creditor("DK"),
            today=date(2026, 2, 24),
        )


def test_a_folder_delivery_happens_once_and_replaces_a_half_written_one(tmp_path: Path) -> None:
    case = _case()
    (tmp_path / f".{case.case_id}.partial").mkdir()  # type: ignore[attr-defined]
    (tmp_path / f".{case.case_id}.partial" / "case.json").write_text("{")  # type: ignore[attr-defined]
    target, fresh = deliver_to_folder(case, tmp_path)  # type: ignore[arg-type]
    assert fresh
    assert sorted(p.name for p in target.iterdir()) == sorted(CASE_FILES)
    (target / "note.txt").write_text("the agency's own note")
    again, fresh_again = deliver_to_folder(case, tmp_path)  # type: ignore[arg-type]
    assert (again, fresh_again) == (target, False)
    assert (target / "note.txt").exists()
    assert not list(tmp_path.glob(".*.partial"))


# -- whole cycles on the e-conomic sandbox --------------------------------------------------------


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Inbox]:
    with smtp_server(tmp_path) as server:
        TenantSecrets("t").set(PASSWORD_SECRET, PASSWORD)
        yield server


def _tenant(tmp_path: Path, inbox: Inbox | None, **options: str) -> TenantSettings:
    policy = tmp_path / "policy.toml"
    policy.write_text("[pre_due_notice]\nenabled = true\n\n[credit_hold]\nenabled = true\n")
    base = inbox.options() if inbox else {}
    return TenantSettings(
        system="economic",
        country="DK",
        sandbox_state=tmp_path / "sandbox.json",
        policy_file=policy,
        options={
            **base,
            "handover_folder": str(tmp_path / "cases"),
            "company_email": "debitor@kontor.example",
            **options,
        },
    )


def _run(store: Store, tenant: TenantSettings, day: date) -> TenantOutcome:
    outcome = run_tenant(
        store, "t", tenant, CycleOptions(today=day, now=datetime.combine(day, time(7), tzinfo=UTC))
    )
    assert outcome.status == "ok", outcome.error
    return outcome


def _accept(tenant: TenantSettings, day: date) -> None:
    """The accountant books every draft (the warnings become issued)."""
    assert tenant.sandbox_state is not None
    sandbox = registry.connector("economic").sandbox(tenant.sandbox_state, day)
    sandbox.accept_drafts()
    sandbox.save(tenant.sandbox_state)


def _documents(tenant: TenantSettings) -> dict[str, int]:
    assert tenant.sandbox_state is not None
    sandbox = registry.connector("economic").sandbox(tenant.sandbox_state, date(2026, 3, 16))
    return sandbox.documents_by_key()


def _by_action(outcome: TenantOutcome, action: ActionKind) -> list[str]:
    return [r.detail for letter, r in outcome.written if letter.action is action]


def test_hand_over_task_and_notice_go_by_the_bridge_once(inbox: Inbox, tmp_path: Path) -> None:
    tenant = _tenant(
        tmp_path,
        inbox,
        task_email="saelger@kontor.example",
        handover_email="sager@inkasso.example",
        collection_agency="Dansk Kreditor Service",
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        first = _run(store, tenant, date(2026, 3, 16))
        notices = _by_action(first, ActionKind.PRE_DUE_NOTICE)
        tasks = _by_action(first, ActionKind.CREDIT_HOLD)
        assert notices
        assert all(d.startswith("e-mailed to ") for d in notices)
        assert tasks == ["e-mailed to saelger@kontor.example"]
        _accept(tenant, date(2026, 3, 30))
        later = _run(store, tenant, date(2026, 3, 30))
        handovers = [(lt, r) for lt, r in later.written if lt.action is ActionKind.HANDOVER]
        assert handovers
        for handed, result in handovers:
            assert result.status is StepStatus.ISSUED
            assert result.document == case_id(handed.key)
            assert (tmp_path / "cases" / result.document / "case.json").is_file()
        sent = len(inbox.messages)
        _accept(tenant, date(2026, 3, 30))
        repeated = _run(store, tenant, date(2026, 3, 30))
        assert repeated.written == []
        assert len(inbox.messages) == sent, "a repeated run e-mailed again"
        # A hand-over is never a document in the accounting system, and nothing is doubled.
        documents = _documents(tenant)
        assert not {lt.key for lt, _ in handovers} & set(documents)
        assert set(documents.values()) == {1}
        keys = [m["X-Dunning-Key"] for m in inbox.messages]
        assert len(keys) == len(set(keys))
        cases = [m for m in inbox.messages if m["To"] == "sager@inkasso.example"]
        assert len(cases) == len(handovers)
        names = {p.get_filename() for p in cases[0].iter_attachments()}
        assert names == set(CASE_FILES)
        recorded = store.handovers("t")
        assert [r.letter_key for r in recorded] == [lt.key for lt, _ in handovers]
        assert all(r.channel == "email" for r in recorded)
        # The handed-over invoices are not dunned again.
        handed_invoices = {d.invoice_id for lt, _ in handovers for d in lt.decisions}
        assert not handed_invoices & {d.invoice_id for d in repeated.plan}


@pytest.mark.slow
def test_without_smtp_tasks_and_notices_stay_in_the_accounting_system(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, None)
    with open_store(tmp_path / "db.sqlite3") as store:
        first = _run(store, tenant, date(2026, 3, 16))
        for letter, result in first.written:
            if letter.action in {ActionKind.TASK, ActionKind.CREDIT_HOLD}:
                # Without e-mail a task waits in the bridge's own list, never as a draft a
                # debtor could receive (docs/handover.md).
                assert result.status is StepStatus.ISSUED
                continue
            assert result.status is StepStatus.PENDING
            assert result.detail.startswith("draft")
        _accept(tenant, date(2026, 3, 30))
        later = _run(store, tenant, date(2026, 3, 30))
        handovers = _by_action(later, ActionKind.HANDOVER)
        assert handovers
        assert all(d.startswith("case ") for d in handovers)
        assert {r.channel for r in store.handovers("t")} == {"folder"}


@pytest.mark.slow
def test_a_hand_over_with_nowhere_to_go_waits(tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, None)
    tenant = tenant.model_copy(
        update={"options": {k: v for k, v in tenant.options.items() if k != "handover_folder"}}
    )
    with open_store(":memory:") as store:
        _run(store, tenant, date(2026, 3, 16))
        _accept(tenant, date(2026, 3, 30))
        later = _run(store, tenant, date(2026, 3, 30))
        assert _by_action(later, ActionKind.HANDOVER) == []
        reasons = [why for _, why in later.skipped]
        assert any("no hand-over destination" in why for why in reasons)
        assert store.handovers("t") == []


@pytest.mark.slow
def test_a_crash_after_delivery_is_read_back_not_delivered_twice(
    inbox: Inbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = _tenant(tmp_path, inbox, handover_email="sager@inkasso.example")

    class Crash(BaseException):
        pass

    with open_store(tmp_path / "db.sqlite3") as store:
        _run(store, tenant, date(2026, 3, 16))
        _accept(tenant, date(2026, 3, 30))
        real = Store.record_handover

        def die(self: Store, row: object) -> bool:
            real(self, row)  # type: ignore[arg-type]
            raise Crash

        monkeypatch.setattr(Store, "record_handover", die)
        with pytest.raises(Crash):
            _run(store, tenant, date(2026, 3, 30))
        monkeypatch.undo()
        assert len(store.unresolved("t")) == 1
        cases_before = len([m for m in inbox.messages if m["To"] == "sager@inkasso.example"])
        again = _run(store, tenant, date(2026, 3, 30))
        assert store.unresolved("t") == []
        cases_after = len([m for m in inbox.messages if m["To"] == "sager@inkasso.example"])
        assert cases_after - cases_before == len(_by_action(again, ActionKind.HANDOVER))
        keys = [m["X-Dunning-Key"] for m in inbox.messages]
        assert len(keys) == len(set(keys))


# -- the full series of a stubborn customer, per country -------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "lang", "warning"),
    [
        ("dk_b2b", "da", "inkassoloven § 10"),
        ("no_b2b", "nb", "INKASSOVARSEL"),
        ("se_b2b", "sv", "INKASSOKRAV"),
        ("fi_b2b", "fi", "MAKSUKEHOTUS"),
    ],
)
def test_a_stubborn_customer_gets_the_whole_series_and_a_case_file(
    tmp_path: Path, scenario: str, lang: str, warning: str
) -> None:
    items = letter_series(load_scenario(SCENARIOS / f"{scenario}.json"), tmp_path)
    actions = [i.action for i in items]
    assert ActionKind.REMINDER in actions
    assert ActionKind.COLLECTION_WARNING in actions
    assert ActionKind.HANDOVER in actions
    assert {i.lang for i in items} == {lang}
    warnings = [i.path for i in items if i.action is ActionKind.COLLECTION_WARNING]
    assert warning in warnings[0].read_text(encoding="utf-8")
    cases = [i.path for i in items if i.path.is_dir()]
    assert cases
    for folder in cases:
        assert sorted(p.name for p in folder.iterdir()) == sorted(CASE_FILES)
        data = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        assert data["invoices"]
        assert any(s["action"] == "collection_warning" for s in data["letters"])
        # The agency needs to know who the debtor is: registration number, address, contact.
        debtor = data["debtor"]
        assert debtor["org_number"]
        assert debtor["address"]
        assert debtor["phone"]


# -- a collection service in the accounting system (Fortnox Finans) -------------------------------


def _fortnox_handovers(tmp_path: Path, **options: str) -> list[tuple[str, str, str]]:
    """Run the Fortnox sandbox in autonomous mode until hand-overs happen; return them."""
    tenant = TenantSettings(
        system="fortnox",
        country="SE",
        mode=Mode.AUTONOMOUS,
        sandbox_state=tmp_path / "sandbox.json",
        options={
            "handover_folder": str(tmp_path / "cases"),
            "company_email": "ekonomi@nordkontor.example",
            **options,
        },
    )
    found: list[tuple[str, str, str]] = []
    with open_store(tmp_path / "db.sqlite3") as store:
        day = date(2026, 3, 16)
        for _ in range(4):
            outcome = _run(store, tenant, day)
            found += [
                (lt.currency, r.status.value, r.detail)
                for lt, r in outcome.written
                if lt.action is ActionKind.HANDOVER
            ]
            day += timedelta(days=12)
    return found


@pytest.mark.slow
def test_fortnox_finans_takes_sek_hand_overs_when_chosen_and_the_agency_the_rest(
    tmp_path: Path,
) -> None:
    chosen = _fortnox_handovers(tmp_path / "finans", handover_via="system")
    assert chosen
    for currency, status, detail in chosen:
        assert status == "issued"
        if currency == "SEK":
            # Finans takes a SEK claim that carries none of our fees; one that does goes to the
            # agency's case file, since Finans would charge its own fees on top (fortnox.md).
            assert detail.startswith(("handed to Fortnox Finans (REMINDER, ", "case "))
        else:
            assert detail.startswith("case ")
    assert {c for c, _, _ in chosen} >= {"SEK", "EUR"}
    # Not chosen: every hand-over is a case file for the agency, never Fortnox Finans.
    default = _fortnox_handovers(tmp_path / "agency")
    assert default
    assert all(detail.startswith("case ") for _, _, detail in default)


def test_the_case_file_accrual_runs_through_a_part_payment_day() -> None:
    # Interest runs through the payment day (../shared/reference/law.md § 6): DKK 10 000 due
    # 2026-01-19, 6 000 paid on 2026-02-10, interest last charged through 2026-02-05. On
    # 2026-02-20: 6 - 10 Feb (5 days) on 10 000 and 11 - 20 Feb (10 days) on 4 000 at 9.75 %,
    # 13.356... + 10.684... = 24.04.
    from bridge.engine.handover import interest_accrual  # noqa: PLC0415
    from bridge.vocab.domain import Customer, CustomerKind, Invoice, Payment  # noqa: PLC0415
    from policies.ladder import TenantPolicy  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415
    from tests.policies.factories import record  # noqa: PLC0415

    inv = Invoice(
        "1001",
        "1001",
        "C1",
        date(2026, 1, 5),
        date(2026, 1, 19),
        "DKK",
        Decimal("10000.00"),
        Decimal("4000.00"),
    )
    customers = {"C1": Customer(id="C1", name="C1", kind=CustomerKind.BUSINESS)}
    payments = [Payment("1001", date(2026, 2, 10), Decimal("6000.00"))]
    accrued = interest_accrual(
        for_country("DK"), TenantPolicy.default("DK"), customers, payments, date(2026, 2, 20)
    )
    steps = [
        record(
            "1001",
            ActionKind.COLLECTION_WARNING,
            3,
            date(2026, 2, 5),
            interest="1.00",
            interest_to=date(2026, 2, 5),
        )
    ]
    charge = accrued(inv, steps)
    assert charge is not None
    assert [(p.start, p.end, p.principal) for p in charge.periods] == [
        (date(2026, 2, 6), date(2026, 2, 10), Decimal("10000.00")),
        (date(2026, 2, 11), date(2026, 2, 20), Decimal("4000.00")),
    ]
    assert charge.amount == Decimal("24.04")


@pytest.mark.parametrize(
    ("lang", "heading", "principal", "day"),
    [
        ("da", "Skyldner", "10.000,00", "19.01.2026"),
        ("nb", "Skyldner", "10\u00a0000,00", "19.01.2026"),
        ("sv", "Gäldenär", "10\u00a0000,00", "2026-01-19"),
        ("fi", "Velallinen", "10\u00a0000,00", "19.1.2026"),
        ("en", "Debtor", "10,000.00", "19/01/2026"),
    ],
)
def test_the_summary_is_in_the_tenants_language(
    monkeypatch: pytest.MonkeyPatch, lang: str, heading: str, principal: str, day: str
) -> None:
    from bridge.engine import handover  # noqa: PLC0415

    shown: list[tuple[str, object, object]] = []
    real = handover.table_pdf

    def capture(title: str, sections: object, tables: object, *, when: date) -> bytes:
        shown.append((title, sections, tables))
        return real(title, sections, tables, when=when)  # type: ignore[arg-type]

    monkeypatch.setattr(handover, "table_pdf", capture)
    case = _case(lang=lang)
    [(title, sections, tables)] = shown
    assert title.endswith(f"({case.case_id})")  # type: ignore[attr-defined]
    assert sections[0][0] == heading  # type: ignore[index]
    creditor_lines = sections[1][1]  # type: ignore[index]
    assert creditor_lines[0] == "Kontorhjørnet ApS"
    assert any("87654321" in line for line in creditor_lines)
    invoices = tables[0]  # type: ignore[index]
    assert invoices[2][0][1:3] == [day, principal]
    assert case.data["language"] == lang  # type: ignore[attr-defined]
    # The machine-readable files stay as they were: ISO dates, amounts with a dot.
    assert case.data["invoices"][0]["principal"] == "10000.00"  # type: ignore[attr-defined]
