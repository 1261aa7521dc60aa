"""`dispute`, `hold`, `promise`, `pending` and `tasks` on the demo: the review loop from the CLI.

Done means: in the demo, booking every draft and then disputing an invoice leaves no pending
draft that would dun it; the sandbox's own documents show it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.infra import retry
from bridge.store import open_store
from bridge.surfaces.cli import app
from bridge.surfaces.workspace import DEMO_TENANT, demo_settings
from bridge.vocab.domain import ActionKind
from tests.bridge.test_withdraw import DEBTOR_BOUND, bookable

runner = CliRunner()
TODAY = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def _accept_all(state: Path, day: date) -> int:
    from bridge.vocab import registry  # noqa: PLC0415

    tenant = demo_settings(state).tenants[DEMO_TENANT]
    assert tenant.sandbox_state is not None
    sandbox = registry.connector(tenant.system).sandbox(tenant.sandbox_state, day)
    booked = sandbox.accept_drafts()
    sandbox.save(tenant.sandbox_state)
    return booked


def _documents(state: Path, day: date) -> dict[str, str]:
    from bridge.vocab import registry  # noqa: PLC0415

    tenant = demo_settings(state).tenants[DEMO_TENANT]
    assert tenant.sandbox_state is not None
    return bookable(
        tenant.system, registry.connector(tenant.system).sandbox(tenant.sandbox_state, day)
    )


@pytest.mark.parametrize("system", ["economic", "dinero", "fortnox", "tripletex"])
def test_booking_every_draft_then_disputing_leaves_no_draft_that_would_dun_it(
    tmp_path: Path, system: str
) -> None:
    state = tmp_path / "demo"
    code, out = _cli(
        "demo", "--state", str(state), "--system", system, "--today", TODAY.isoformat()
    )
    assert code == 0, out
    assert _accept_all(state, TODAY) > 0
    # The next cycle records the bookings and writes the next steps' drafts.
    later = TODAY + timedelta(days=11)
    code, out = _cli("cycle", "--demo", str(state), "--today", later.isoformat())
    assert code == 0, out
    with open_store(state / "state.sqlite3") as store:
        waiting = [
            r
            for r in store.letters(DEMO_TENANT, states={"pending"})
            if r.letter.action in DEBTOR_BOUND
        ]
    assert waiting, "no draft waits after the bookings"
    target = waiting[0].letter.decisions[0]
    dunning = [r.letter.key for r in waiting if target.invoice_id in _ids(r.letter)]
    assert set(dunning) <= set(_documents(state, later))

    code, out = _cli(
        "dispute",
        target.invoice_number,
        "--tenant",
        DEMO_TENANT,
        "--note",
        "the customer says the goods never came",
        "--demo",
        str(state),
        "--today",
        later.isoformat(),
    )

    assert code == 0, out
    assert f"invoice {target.invoice_number}: dispute recorded" in out
    assert "withdrawn, because invoice" in out
    # Each withdrawn step is named in the tenant's words, not by the bridge's internal names.
    for row in waiting:
        if row.letter.key in dunning:
            assert f"{row.letter.action.value} {row.letter.step} for invoice" not in out
    if system in ("economic", "dinero"):  # Danish tenants: rykker, inkassovarsel
        assert "rykker for invoice" in out or "inkassovarsel for invoice" in out
    # The sandbox holds no draft that would dun the disputed invoice any more.
    left = _documents(state, later)
    assert not set(dunning) & set(left)
    with open_store(state / "state.sqlite3") as store:
        for key in dunning:
            row = store.letter(key)
            assert row is not None
            assert (row.state, row.detail[:23]) == ("cancelled", "withdrawn by the bridge")
    code, out = _cli("pending", "--demo", str(state))
    assert code == 0
    # A table cell may wrap where the console is narrow: the words count, not the line breaks.
    assert "withdrawn, because invoice" in " ".join(out.replace("│", " ").split())
    # Booking everything now, and the next cycles, send nothing about it.
    _accept_all(state, later)
    for day in (later + timedelta(days=1), later + timedelta(days=12)):
        code, out = _cli("cycle", "--demo", str(state), "--today", day.isoformat(), "--json")
        assert code == 0, out
    with open_store(state / "state.sqlite3") as store:
        after = [
            r
            for r in store.letters(DEMO_TENANT)
            if target.invoice_id in _ids(r.letter)
            and r.letter.date >= later
            and r.state != "cancelled"
        ]
    assert after == []


def _ids(letter: object) -> set[str]:
    return {d.invoice_id for d in letter.decisions}  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("demo") / "d"
    code, out = _cli("demo", "--state", str(state), "--today", TODAY.isoformat())
    assert code == 0, out
    return state


@pytest.mark.parametrize(
    "args",
    [
        ["dispute", "9999", "--tenant", DEMO_TENANT],
        ["hold", "9999", "--tenant", DEMO_TENANT],
        ["hold", "9999", "--tenant", DEMO_TENANT, "--end"],
        ["promise", "9999", "--amount", "100", "--by", "2026-04-01"],
        ["promise", "--customer", "99999", "--amount", "100", "--by", "2026-04-01"],
    ],
)
def test_a_mark_on_an_invoice_the_tenant_does_not_have_is_refused(
    demo_dir: Path, args: list[str]
) -> None:
    code, out = _cli(*args, "--demo", str(demo_dir), "--today", TODAY.isoformat())
    assert code == 2, out
    assert "error:" in out
    assert "9999" in out
    with open_store(demo_dir / "state.sqlite3") as store:
        assert all(d.invoice_id != "9999" for d in store.disputes(DEMO_TENANT))
        assert all(h.invoice_id != "9999" for h in store.holds(DEMO_TENANT))
        assert all(p.invoice_id != "9999" for p in store.promises(DEMO_TENANT))


def test_a_hold_takes_its_invoice_drafts_back_at_once(demo_dir: Path) -> None:
    with open_store(demo_dir / "state.sqlite3") as store:
        row = next(
            r
            for r in store.letters(DEMO_TENANT, states={"pending"})
            if r.letter.action in DEBTOR_BOUND
        )
    number = row.letter.decisions[0].invoice_number
    code, out = _cli(
        "hold",
        number,
        "--tenant",
        DEMO_TENANT,
        "--reason",
        "credit note coming",
        "--demo",
        str(demo_dir),
        "--today",
        TODAY.isoformat(),
        "--json",
    )
    assert code == 0, out
    import json  # noqa: PLC0415

    # Only the JSON object: an earlier test in this process may have left logging on stdout.
    data, _ = json.JSONDecoder().raw_decode(out[out.index("{\n") :])
    [withdrawn] = [w for w in data["withdrawn"] if w["letter"] == row.letter.key]
    assert withdrawn["state"] == "withdrawn"
    assert "credit note coming" in withdrawn["reason"]
    assert row.letter.key not in _documents(demo_dir, TODAY)


def test_a_task_with_nowhere_to_go_waits_in_the_bridge_until_marked_done(tmp_path: Path) -> None:
    from datetime import UTC, datetime  # noqa: PLC0415
    from decimal import Decimal  # noqa: PLC0415

    from bridge.vocab.domain import Decision, Letter  # noqa: PLC0415

    state = tmp_path / "demo"
    code, out = _cli("demo", "--state", str(state), "--today", TODAY.isoformat())
    assert code == 0, out
    decision = Decision(
        tenant=DEMO_TENANT,
        invoice_id="1",
        invoice_number="1",
        customer_id="1",
        date=TODAY,
        action=ActionKind.TASK,
        step=3,
        currency="DKK",
        outstanding=Decimal("100.00"),
        task="call",
    )
    task = Letter(DEMO_TENANT, "1", ActionKind.TASK, 3, TODAY, "DKK", (decision,))
    with open_store(state / "state.sqlite3") as store:
        assert store.add_task(
            task, "Opgave: ring til kunden", "Ring til kunden.", at=datetime.now(UTC)
        )
    code, out = _cli("pending", "--demo", str(state))
    assert "Tasks for your people" in out
    assert "tasks done TENANT TASK-KEY" in out
    code, out = _cli("tasks", "list", "--demo", str(state))
    assert code == 0
    assert "Ring til kunden." in out
    code, out = _cli("tasks", "done", DEMO_TENANT, "nope", "--demo", str(state))
    assert code == 2
    code, out = _cli("tasks", "done", DEMO_TENANT, task.key[:10], "--demo", str(state))
    assert code == 0, out
    code, out = _cli("tasks", "list", "--demo", str(state))
    assert "No task waits" in out
    code, out = _cli("tasks", "list", "--all", "--json", "--demo", str(state))
    assert task.key in out
