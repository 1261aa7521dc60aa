"""Never twice, never lost inside the bridge's own channels: a crash between the act and its record.

Fast (default suite): the crash is raised in process at the fail point, per channel: the case
folder (``handover.renamed``), an SMTP letter to a customer and a task e-mail (``mail.sent``).
Slow (`make reliability`): the same points as SIGKILLs of a `dunning-bridge cycle` subprocess,
recovered by fresh processes and compared with a clean run (tests/faults/channels.py).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.engine.handover import CaseFile, case_id, deliver_to_folder, find_delivered
from bridge.infra import failpoints, retry
from bridge.store import Store, open_store
from bridge.vocab import registry
from bridge.vocab.domain import ActionKind
from bridge.vocab.settings import TenantSettings
from tests.bridge.smtp_server import Inbox, smtp_server
from tests.faults.channels import (
    AGENCY,
    CHANNEL_POINTS,
    DAY_ONE,
    DAY_TWO,
    TASKS,
    Outcome,
    judge,
    outcome,
    run_days,
)
from tests.faults.matrix import Cell


class Crash(BaseException):
    """The process dies here (in process: nothing after it runs)."""


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _crash_at(monkeypatch: pytest.MonkeyPatch, point: str, nth: int = 1) -> list[str]:
    """Raise Crash the ``nth`` time ``point`` is reached; return the points seen."""
    seen: list[str] = []

    def reached(name: str) -> None:
        seen.append(name)
        if name == point and seen.count(point) == nth:
            raise Crash(point)

    monkeypatch.setattr(failpoints, "reached", reached)
    return seen


# -- the case folder ----------------------------------------------------------------------------


def _bare_case(key: str) -> CaseFile:
    data = {"case_id": case_id(key), "letter_key": key}
    return CaseFile(case_id(key), data, {"case.json": json.dumps(data).encode()})


def test_a_case_renamed_into_place_is_found_by_its_key_even_once_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "dl-" + "a" * 24
    case = _bare_case(key)
    assert find_delivered(tmp_path, key) is None
    _crash_at(monkeypatch, "handover.renamed")
    with pytest.raises(Crash):
        deliver_to_folder(case, tmp_path)
    monkeypatch.undo()
    target = tmp_path / case.case_id
    assert find_delivered(tmp_path, key) == target
    shutil.rmtree(target)  # the agency takes the case before the bridge records it
    assert find_delivered(tmp_path, key) == target
    assert deliver_to_folder(case, tmp_path) == (target, False)
    assert not target.exists(), "a case the agency took was delivered again"
    # Another key's staging folder left by a crash before the rename is not a delivery.
    other = "dl-" + "b" * 24
    monkeypatch.setattr("bridge.engine.handover.os.replace", _die_on_dirs)
    with pytest.raises(Crash):
        deliver_to_folder(_bare_case(other), tmp_path)
    monkeypatch.undo()
    assert find_delivered(tmp_path, other) is None
    assert deliver_to_folder(_bare_case(other), tmp_path)[1]
    assert find_delivered(tmp_path, other) == tmp_path / case_id(other)


def _die_on_dirs(src: object, dst: object) -> None:
    import os  # noqa: PLC0415

    if Path(str(src)).is_dir():
        raise Crash("before the rename")
    os.rename(str(src), str(dst))


# -- whole cycles on the e-conomic sandbox with SMTP ----------------------------------------------


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Inbox]:
    with smtp_server(tmp_path, starttls=False) as server:
        yield server


def _tenant(tmp_path: Path, inbox: Inbox) -> TenantSettings:
    policy = tmp_path / "policy.toml"
    policy.write_text("[pre_due_notice]\nenabled = true\n\n[credit_hold]\nenabled = true\n")
    return TenantSettings(
        system="economic",
        country="DK",
        sandbox_state=tmp_path / "sandbox.json",
        policy_file=policy,
        options={
            "smtp_host": "127.0.0.1",
            "smtp_port": str(inbox.port),
            "smtp_from": "bridge@kontor.example",
            "smtp_starttls": "false",
            "task_email": TASKS,
            "handover_folder": str(tmp_path / "cases"),
            "handover_email": AGENCY,
            # A collection warning names a contact for objections (bridge/engine/letter_checks.py).
            "company_email": "bogholderi@kontor.example",
            "company_phone": "+45 12 34 56 78",
        },
    )


def _run(store: Store, tenant: TenantSettings, day: date) -> TenantOutcome:
    moment = datetime.combine(day, time(7), tzinfo=UTC)
    return run_tenant(store, "t", tenant, CycleOptions(today=day, now=moment))


def _accept(tenant: TenantSettings) -> None:
    assert tenant.sandbox_state is not None
    sandbox = registry.connector("economic").sandbox(tenant.sandbox_state, DAY_TWO)
    sandbox.accept_drafts()
    sandbox.save(tenant.sandbox_state)


def _keys(inbox: Inbox) -> list[str]:
    return [str(m["X-Dunning-Key"]) for m in inbox.messages]


def _mail_crash(
    tmp_path: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch, action: ActionKind
) -> tuple[Store, TenantOutcome, str]:
    """Crash after the server took the first e-mail of ``action``; recover; return the store,
    the recovery's outcome and the interrupted key."""
    tenant = _tenant(tmp_path, inbox)
    store = open_store(tmp_path / "db.sqlite3")
    real_send = Store.intend
    wanted: list[str] = []

    def note(self: Store, letter: object, text: str, *, at: datetime) -> bool:
        if getattr(letter, "action", None) is action and not wanted:
            wanted.append(letter.key)  # type: ignore[attr-defined]
        return real_send(self, letter, text, at=at)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "intend", note)
    seen: list[str] = []

    def reached(name: str) -> None:
        seen.append(name)
        if name == "mail.sent" and wanted and _keys(inbox)[-1:] == wanted:
            raise Crash(name)

    monkeypatch.setattr(failpoints, "reached", reached)
    with pytest.raises(Crash):
        _run(store, tenant, DAY_ONE)
    monkeypatch.undo()
    again = _run(store, tenant, DAY_ONE)
    return store, again, wanted[0]


@pytest.mark.parametrize(
    "action", [ActionKind.PRE_DUE_NOTICE, ActionKind.CREDIT_HOLD], ids=["letter", "task"]
)
def test_an_email_interrupted_after_the_server_took_it_is_never_resent(
    tmp_path: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch, action: ActionKind
) -> None:
    store, again, key = _mail_crash(tmp_path, inbox, monkeypatch, action)
    with store:
        assert _keys(inbox).count(key) == 1
        got = inbox.messages[_keys(inbox).index(key)]
        assert got["Message-ID"] == f"<{key}.t@kontor.example>"
        assert [r.letter.key for r in store.unresolved("t")] == [key]
        told = dict(again.skipped)[key]
        assert "could not confirm" in told
        assert got["Message-ID"] in told
        assert len(set(_keys(inbox))) == len(_keys(inbox))
        # The next cycles say it again and still send nothing for it.
        later = _run(store, _tenant(tmp_path, inbox), DAY_ONE)
        assert "could not confirm" in dict(later.skipped)[key]
        assert _keys(inbox).count(key) == 1
        # The task address is told once, with the letter and the command that settles it.
        assert _keys(inbox).count(f"{key}-unconfirmed") == 1
        told_by_mail = inbox.messages[_keys(inbox).index(f"{key}-unconfirmed")]
        assert told_by_mail["To"] == TASKS
        assert f"dunning-bridge confirm t {key} --sent" in told_by_mail.get_content()


@pytest.mark.parametrize("agency_takes_it", [False, True], ids=["kept", "taken"])
def test_a_case_renamed_into_place_before_the_record_is_not_delivered_twice(
    tmp_path: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch, agency_takes_it: bool
) -> None:
    tenant = _tenant(tmp_path, inbox)
    with open_store(tmp_path / "db.sqlite3") as store:
        _run(store, tenant, DAY_ONE)
        _accept(tenant)
        _crash_at(monkeypatch, "handover.renamed")
        with pytest.raises(Crash):
            _run(store, tenant, DAY_TWO)
        monkeypatch.undo()
        (interrupted,) = store.unresolved("t")
        target = tmp_path / "cases" / case_id(interrupted.letter.key)
        assert (target / "case.json").is_file()
        assert store.handovers("t") == []
        if agency_takes_it:
            shutil.rmtree(target)
        again = _run(store, tenant, DAY_TWO)
        assert store.unresolved("t") == []
        recorded = [r for r in store.handovers("t") if r.letter_key == interrupted.letter.key]
        assert len(recorded) == 1
        assert target.exists() is not agency_takes_it, "the taken case was delivered again"
        # The case's e-mail was never handed to the server: sent now from the folder, or left
        # when the agency has the folder already.
        case_mails = _keys(inbox).count(f"{interrupted.letter.key}-case")
        assert case_mails == (0 if agency_takes_it else 1)
        # Each invoice in one case, once.
        handed = [i for r in store.handovers("t") for i in r.invoices]
        assert len(handed) == len(set(handed))
        journal = list((tmp_path / "cases" / ".delivered").glob("case-*.json"))
        assert len(journal) == len(store.handovers("t"))
        assert not [lt for lt, _ in again.written if lt.key == interrupted.letter.key]
        assert len(set(_keys(inbox))) == len(_keys(inbox))
        # A day later nothing more is handed over for these invoices.
        _run(store, tenant, date(2026, 3, 31))
        handed_later = [i for r in store.handovers("t") for i in r.invoices]
        assert sorted(handed_later) == sorted(handed)


# -- the SIGKILL cells (make reliability) ---------------------------------------------------------


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    root = tmp_path_factory.mktemp("channels-reference")
    with smtp_server(root, starttls=False) as server:
        _runs, note = run_days(root / "run", server)
        assert not note, note
        ref = outcome(root / "run", server)
    assert ref.handed, "the clean run handed nothing over: the cells would prove nothing"
    assert ref.mail_keys, "the clean run sent no e-mail: the cells would prove nothing"
    return ref


_CELLS = [(point, False) for point in CHANNEL_POINTS] + [("handover.renamed:1", True)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "take"),
    [pytest.param(p, t, id=f"{p}{'-taken' if t else ''}".replace(" ", "-")) for p, t in _CELLS],
)
def test_sigkill_in_a_channel(
    tmp_path: Path, point: str, take: bool, clean: Outcome, record: list[Cell]
) -> None:
    label = f"SIGKILL at {point}" + (", case taken" if take else "")
    cell = Cell("economic", label + " (bridge channels)")
    with smtp_server(tmp_path, starttls=False) as server:
        cell.runs, cell.note = run_days(tmp_path / "run", server, point, take_cases=take)
        got = outcome(tmp_path / "run", server)
    judge(cell, got, clean)
    record.append(cell)
    assert not cell.note, cell.note
    assert (cell.duplicates, cell.lost) == (0, 0), (cell, got)
    assert got.unconfirmed == (1 if point.startswith("mail.sent") else 0)


# -- settling an unconfirmed e-mail (dunning-bridge confirm) ----------------------------------


def _env(tmp_path: Path, tenant: TenantSettings) -> Path:
    """The same tenant in an env file, for the commands."""
    lines = [
        f"BRIDGE_DATABASE={tmp_path / 'db.sqlite3'}",
        "BRIDGE_TENANTS__T__SYSTEM=economic",
        "BRIDGE_TENANTS__T__COUNTRY=DK",
        f"BRIDGE_TENANTS__T__SANDBOX_STATE={tenant.sandbox_state}",
        f"BRIDGE_TENANTS__T__POLICY_FILE={tenant.policy_file}",
        *(f"BRIDGE_TENANTS__T__OPTIONS__{k.upper()}={v}" for k, v in tenant.options.items()),
    ]
    path = tmp_path / "bridge.env"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_confirm_sent_settles_an_unconfirmed_email_and_history_shows_it(
    tmp_path: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from bridge.surfaces.cli import app  # noqa: PLC0415

    store, _again, key = _mail_crash(tmp_path, inbox, monkeypatch, ActionKind.CREDIT_HOLD)
    env = _env(tmp_path, _tenant(tmp_path, inbox))
    runner = CliRunner()
    with store:
        message_id = f"<{key}.t@kontor.example>"
        held = store.letter(key)
        assert held is not None
        invoices = {d.invoice_id for d in held.letter.decisions}
        listed = runner.invoke(app, ["pending", "--env-file", str(env)])
        assert listed.exit_code == 0, listed.output
        assert "Could not confirm" in listed.output
        assert f"dunning-bridge confirm t {key}" in listed.output
        assert message_id in listed.output
        as_json = runner.invoke(app, ["pending", "--env-file", str(env), "--json"])
        assert any(
            i.get("state") == "unconfirmed" and i["key"] == key for i in json.loads(as_json.output)
        )
        status = runner.invoke(app, ["status", "--env-file", str(env), "--json"])
        assert json.loads(status.output)[0]["unconfirmed"] == 1
        # An e-mail was sent or not: there is no draft to reject.
        refused = runner.invoke(app, ["confirm", "t", key, "--rejected", "--env-file", str(env)])
        assert refused.exit_code == 2
        assert "--sent or --not-sent" in refused.output
        neither = runner.invoke(app, ["confirm", "t", key, "--env-file", str(env)])
        assert neither.exit_code == 2
        done = runner.invoke(
            app,
            [
                "confirm",
                "t",
                key[:14],
                "--sent",
                "--note",
                "in the sent folder",
                "--env-file",
                str(env),
            ],
        )
        assert done.exit_code == 0, done.output
        assert "recorded as sent" in done.output
        letter = store.letter(key)
        assert letter is not None
        assert (letter.state, letter.document) == ("issued", message_id)
        row = store.mail("t", key)
        assert row is not None
        assert row.state == "sent"
        history = runner.invoke(app, ["history", "--env-file", str(env), "--json"])
        steps = [
            s
            for s in json.loads(history.output)
            if s["invoice"] in invoices and s["action"] == "credit_hold"
        ]
        assert [(s["status"], s["document"]) for s in steps] == [("issued", message_id)]
        again = runner.invoke(app, ["confirm", "t", key, "--sent", "--env-file", str(env)])
        assert again.exit_code == 2  # settled once
        later = _run(store, _tenant(tmp_path, inbox), DAY_ONE)
        assert key not in dict(later.skipped)
        assert _keys(inbox).count(key) == 1


def test_confirm_not_sent_lets_the_next_cycle_send_the_email_again(
    tmp_path: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _again, key = _mail_crash(tmp_path, inbox, monkeypatch, ActionKind.PRE_DUE_NOTICE)
    with store:
        at = datetime.combine(DAY_ONE, time(9), tzinfo=UTC)
        assert store.confirm("t", key, "not-sent", at=at) == ("letter", "cancelled")
        row = store.mail("t", key)
        assert row is not None
        assert row.state == "failed"
        _run(store, _tenant(tmp_path, inbox), DAY_ONE)
        assert _keys(inbox).count(key) == 2  # the accountant said the first never arrived
        assert store.unresolved("t") == []


# -- a task e-mail the accountant says never arrived: sent again once --------------------------


def _not_sent_task(
    tmp_path: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> tuple[Store, str, Path]:
    """A credit-hold task e-mail left unconfirmed by a crash, then settled `--not-sent` through
    the command; return the store, the task's key and the env file."""
    from typer.testing import CliRunner  # noqa: PLC0415

    from bridge.surfaces.cli import app  # noqa: PLC0415

    store, _again, key = _mail_crash(tmp_path, inbox, monkeypatch, ActionKind.CREDIT_HOLD)
    env = _env(tmp_path, _tenant(tmp_path, inbox))
    said = CliRunner().invoke(app, ["confirm", "t", key, "--not-sent", "--env-file", str(env)])
    assert said.exit_code == 0, said.output
    assert "the next cycle sends this e-mail again" in " ".join(said.output.split())
    row = store.mail("t", key)
    assert row is not None
    assert row.state == "failed"
    # Still held for its invoices (nothing new is proposed for them), no longer asked about.
    assert [r.letter.key for r in store.unresolved("t")] == [key]
    assert store.unconfirmed("t") == []
    return store, key, env


def test_confirm_not_sent_on_a_task_email_sends_it_again_exactly_once(
    tmp_path: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, key, _env_file = _not_sent_task(tmp_path, inbox, monkeypatch)
    with store:
        assert _keys(inbox).count(key) == 1
        _run(store, _tenant(tmp_path, inbox), DAY_ONE)
        assert _keys(inbox).count(key) == 2  # the accountant said the first never arrived
        resent = inbox.messages[len(_keys(inbox)) - 1 - _keys(inbox)[::-1].index(key)]
        assert resent["To"] == TASKS
        assert resent["Message-ID"] == f"<{key}.t@kontor.example>"
        letter = store.letter(key)
        assert letter is not None
        assert (letter.state, letter.document) == ("issued", f"<{key}.t@kontor.example>")
        assert store.unresolved("t") == []
        # Later cycles, the same day and the next, send nothing more under the key.
        _run(store, _tenant(tmp_path, inbox), DAY_ONE)
        _run(store, _tenant(tmp_path, inbox), date(2026, 3, 17))
        assert _keys(inbox).count(key) == 2
        assert len([k for k in _keys(inbox) if k == f"{key}-unconfirmed"]) == 1


@pytest.mark.parametrize("point", ["mail.sent", "applied"])
def test_a_crash_during_the_resend_of_a_task_email_never_sends_it_a_third_time(
    tmp_path: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    store, key, _env_file = _not_sent_task(tmp_path, inbox, monkeypatch)
    with store:
        _crash_at(monkeypatch, point)
        with pytest.raises(Crash):
            _run(store, _tenant(tmp_path, inbox), DAY_ONE)
        monkeypatch.undo()
        assert _keys(inbox).count(key) == 2
        again = _run(store, _tenant(tmp_path, inbox), DAY_ONE)
        _run(store, _tenant(tmp_path, inbox), date(2026, 3, 17))
        assert _keys(inbox).count(key) == 2, "a task e-mail was sent a third time"
        letter = store.letter(key)
        assert letter is not None
        if point == "mail.sent":
            # The server took it, the store was not told: could not confirm, asked again.
            assert letter.state == "intended"
            assert "could not confirm" in dict(again.skipped)[key]
            assert [r.letter.key for r in store.unconfirmed("t")] == [key]
        else:
            # Sent and recorded as sent before the crash: read back as issued.
            assert letter.state == "issued"
            assert store.unresolved("t") == []


def test_confirm_help_says_what_not_sent_does_for_a_task_email() -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from bridge.surfaces.cli import app  # noqa: PLC0415

    shown = CliRunner().invoke(app, ["confirm", "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    words = " ".join(shown.output.split())
    assert "task e-mail" in words
    assert "sent again once by the next cycle" in words
