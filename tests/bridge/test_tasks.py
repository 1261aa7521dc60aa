"""Task steps for people: who gets them, by e-mail once, or as a note in the accounting system."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bridge.engine.channels import Channels, Route, salespeople
from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.engine.letter_creditor import Creditor
from bridge.engine.mailer import PASSWORD_SECRET
from bridge.infra import retry
from bridge.store import Store, open_store
from bridge.vocab import registry
from bridge.vocab.domain import ActionKind, StepStatus
from bridge.vocab.secrets import StaticSecrets, TenantSecrets
from bridge.vocab.settings import TenantSettings
from tests.bridge.letter_fixtures import CUSTOMER, letter
from tests.bridge.smtp_server import PASSWORD, Inbox, smtp_server

CALL = letter(ActionKind.TASK, 2)  # "call", for the salesperson
DAY = date(2026, 3, 16)

POLICY = """
[[steps]]
action = "reminder"
days = 3
tone = "friendly"

[[steps]]
action = "task"
task = "call"
to = "salesperson"
days = 2

[[steps]]
action = "collection_warning"
days = 5
fee = 100

[[steps]]
action = "handover"
days = 11
"""


def _channels(store: Store, **options: str) -> Channels:
    base = {
        "smtp_host": "127.0.0.1",
        "smtp_port": "2525",
        "smtp_from": "b@kontor.example",
        **options,
    }
    return Channels(
        store=store,
        tenant="t",
        options=base,
        secrets=StaticSecrets("t", {}),
        creditor=Creditor(name="Kontorhjørnet ApS"),
        system_sends_notices=False,
        today=DAY,
        now=datetime.combine(DAY, time(7), tzinfo=UTC),
    )


def test_the_salesperson_gets_it_from_the_system_then_the_option_then_task_email() -> None:
    with open_store(":memory:") as store:
        channels = _channels(
            store,
            task_email="opgaver@kontor.example",
            salespeople="anna  sælger = anna@kontor.example; Bo=bo@kontor.example",
        )
        known = CUSTOMER.__class__(**{**_fields(CUSTOMER), "salesperson_email": "a@x.example"})
        assert channels.recipient(CALL, known) == "a@x.example"
        assert channels.recipient(CALL, CUSTOMER) == "anna@kontor.example"  # by name, any case
        stranger = CUSTOMER.__class__(**{**_fields(CUSTOMER), "salesperson": "Carl"})
        assert channels.recipient(CALL, stranger) == "opgaver@kontor.example"
        assert channels.route(CALL, stranger) is Route.TASK
        credit_hold = letter(ActionKind.CREDIT_HOLD, 1)
        assert channels.recipient(credit_hold, known) == "opgaver@kontor.example"


def test_a_task_with_nobody_to_tell_waits_in_the_bridge_unless_the_system_keeps_notes() -> None:
    with open_store(":memory:") as store:
        assert _channels(store).route(CALL, CUSTOMER) is Route.LIST
        no_smtp = _channels(store, task_email="opgaver@kontor.example")
        no_smtp.mailer = None
        assert no_smtp.route(CALL, CUSTOMER) is Route.LIST
        hold = letter(ActionKind.CREDIT_HOLD, 1)
        assert no_smtp.route(hold, CUSTOMER) is Route.LIST
        # Dinero's contact notes are internal: a debtor never receives one.
        no_smtp.system_keeps_notes = True
        assert no_smtp.route(CALL, CUSTOMER) is Route.SYSTEM
        assert no_smtp.route(hold, CUSTOMER) is Route.SYSTEM


def test_the_salespeople_option_ignores_what_it_cannot_read() -> None:
    assert salespeople(
        {"salespeople": "Anna=anna@x.dk;junk;=x@y.dk;Bo=no-address\nCe=ce@x.dk"}
    ) == {
        "anna": "anna@x.dk",
        "ce": "ce@x.dk",
    }


def _fields(customer: object) -> dict[str, object]:
    return {name: getattr(customer, name) for name in customer.__slots__}  # type: ignore[attr-defined]


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
    policy.write_text(POLICY)
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
    assert tenant.sandbox_state is not None
    sandbox = registry.connector("economic").sandbox(tenant.sandbox_state, day)
    sandbox.accept_drafts()
    sandbox.save(tenant.sandbox_state)


def _tasks(outcome: TenantOutcome) -> list[tuple[str, StepStatus, str]]:
    return [
        (lt.customer_id, r.status, r.detail)
        for lt, r in outcome.written
        if lt.action is ActionKind.TASK
    ]


def test_a_call_task_is_e_mailed_once_and_the_ladder_goes_on(inbox: Inbox, tmp_path: Path) -> None:
    tenant = _tenant(tmp_path, inbox, task_email="opgaver@kontor.example")
    with open_store(tmp_path / "db.sqlite3") as store:
        first = _run(store, tenant, DAY)
        assert any(lt.action is ActionKind.REMINDER for lt, _ in first.written)
        _accept(tenant, DAY)
        later = _run(store, tenant, date(2026, 3, 18))
        tasks = _tasks(later)
        assert tasks
        assert all(s is StepStatus.ISSUED and d.startswith("e-mailed to ") for _, s, d in tasks)
        mails = [m for m in inbox.messages if m["Subject"].startswith("Opgave: ring til")]
        assert len(mails) == len(tasks)
        body = mails[0].get_body(preferencelist=("plain",)).get_content()
        assert "Åbne poster:" in body
        assert "Hidtil:" in body
        # Again the same day, and again later: never a second e-mail for the same task.
        sent = len(inbox.messages)
        assert _tasks(_run(store, tenant, date(2026, 3, 18))) == []
        # The warning waits until the day after the reminder's deadline (2026-03-26).
        early = _run(store, tenant, date(2026, 3, 26))
        assert not [lt for lt, _ in early.written if lt.action is ActionKind.COLLECTION_WARNING]
        warnings = _run(store, tenant, date(2026, 3, 27))
        assert _tasks(warnings) == []
        assert any(lt.action is ActionKind.COLLECTION_WARNING for lt, _ in warnings.written)
        assert len([m for m in inbox.messages if m["Subject"].startswith("Opgave")]) == len(tasks)
        assert len(inbox.messages) >= sent


def test_without_smtp_a_task_waits_in_the_bridge_never_as_a_draft_that_holds_nothing_up(
    tmp_path: Path,
) -> None:
    tenant = _tenant(tmp_path, None)
    with open_store(tmp_path / "db.sqlite3") as store:
        _run(store, tenant, DAY)
        _accept(tenant, DAY)
        later = _run(store, tenant, date(2026, 3, 18))
        tasks = _tasks(later)
        assert tasks
        assert all(
            s is StepStatus.ISSUED and d.startswith("in the bridge's task list")
            for _, s, d in tasks
        )
        listed = store.tasks("t")
        assert {t.letter_key for t in listed} == {
            lt.key for lt, _ in later.written if lt.action is ActionKind.TASK
        }
        assert all(t.subject.startswith("Opgave") and t.done_at is None for t in listed)
        # Nothing in e-conomic carries a task's key: no draft a debtor could receive.
        assert tenant.sandbox_state is not None
        sandbox = registry.connector("economic").sandbox(tenant.sandbox_state, DAY)
        assert not {t.letter_key for t in listed} & set(sandbox.documents_by_key())
        # Nobody acts on the listed tasks; the warning still comes on time, the day after the
        # reminder's deadline.
        warnings = _run(store, tenant, date(2026, 3, 27))
        assert any(lt.action is ActionKind.COLLECTION_WARNING for lt, _ in warnings.written)


@pytest.mark.parametrize("system", ["economic", "dinero", "fortnox", "tripletex"])
def test_every_system_e_mails_each_task_once_however_often_it_runs(
    inbox: Inbox, tmp_path: Path, system: str
) -> None:
    descriptor = registry.connector(system)
    policy = tmp_path / "policy.toml"
    # A credit hold from the first reminder: a task for every customer that gets one.
    policy.write_text("[credit_hold]\nenabled = true\nafter_step = 1\n")
    tenant = TenantSettings(
        system=system,
        country=descriptor.country,
        sandbox_state=tmp_path / "sandbox.json",
        policy_file=policy,
        options={**inbox.options(), "task_email": "opgaver@kontor.example"},
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        first = _run(store, tenant, DAY)
        tasks = [lt for lt, r in first.written if lt.action is ActionKind.CREDIT_HOLD]
        assert tasks
        sent = list(inbox.messages)
        assert len(sent) >= len(tasks)
        for _ in range(2):
            again = _run(store, tenant, DAY)
            assert [lt for lt, _ in again.written if lt.action is ActionKind.CREDIT_HOLD] == []
        assert len(inbox.messages) == len(sent)
        keys = [m["X-Dunning-Key"] for m in inbox.messages]
        assert len(keys) == len(set(keys))


def test_a_listed_task_read_back_after_a_crash_counts_as_told_and_is_listed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Crash(BaseException):
        pass

    tenant = _tenant(tmp_path, None)
    with open_store(tmp_path / "db.sqlite3") as store:
        _run(store, tenant, DAY)
        _accept(tenant, DAY)
        real = Store.done

        def die_on_tasks(self: Store, key: str, result: object, **kwargs: object) -> None:
            if any(
                r.letter.key == key and r.letter.action is ActionKind.TASK
                for r in self.unresolved("t")
            ):
                raise Crash
            real(self, key, result, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Store, "done", die_on_tasks)
        with pytest.raises(Crash):
            _run(store, tenant, date(2026, 3, 18))
        monkeypatch.undo()
        (open_task,) = store.unresolved("t")
        assert open_task.letter.action is ActionKind.TASK
        _run(store, tenant, date(2026, 3, 18))
        assert store.unresolved("t") == []
        row = store.letter(open_task.letter.key)
        assert row is not None
        assert row.state == "issued"
        assert [t.letter_key for t in store.tasks("t")].count(open_task.letter.key) == 1
    assert tenant.sandbox_state is not None
    documents = registry.connector("economic").sandbox(tenant.sandbox_state, DAY).documents_by_key()
    assert open_task.letter.key not in documents
