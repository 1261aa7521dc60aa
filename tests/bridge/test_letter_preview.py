"""`letter INVOICE` shows what the cycle writes: the draft as written, or the letter of a later day.

The demo is run on 2026-03-16 (cycles 33, 22 and 11 days earlier replayed with every draft
booked). Its drafts of that day are compared with the preview, and a copy of the demo is run on
through the following cycle days (the accountant booking every draft each morning) to compare
the letters written then with the previews made on 2026-03-16.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.store import open_store
from bridge.store.outbox import OutboxLetter
from bridge.surfaces.cli import app
from bridge.surfaces.demo import run_demo
from bridge.surfaces.letter_preview import (
    NoPreview,
    Preview,
    find_invoice,
    find_preview,
    read_tenant,
)
from bridge.surfaces.report.gather import schedule_days
from bridge.surfaces.workspace import DEMO_TENANT, demo_settings
from bridge.vocab import registry
from bridge.vocab.domain import ActionKind, Letter
from connectors.economic.writer import fit_text

TODAY = date(2026, 3, 16)
# Far enough for each case's later step: every next step waits for the previous letter's
# deadline (10 days), so a reminder 1 of TODAY reaches step 3 in April.
LAST = date(2026, 4, 30)
# The coming days whose letters are all compared with their previews (invoices falling due
# later are not read today, so the comparison stays within the first fortnight).
SOON = date(2026, 3, 27)

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's folder as `dunning-bridge demo --today 2026-03-16` leaves it."""
    state = tmp_path_factory.mktemp("preview") / "demo"
    assert run_demo(state, TODAY, system="economic") == 0
    return state


@pytest.fixture(scope="module")
def later(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo run on through every cycle day to LAST, each draft booked daily."""
    state = tmp_path_factory.mktemp("later") / "demo"
    shutil.copytree(demo, state)
    settings = demo_settings(state)
    tenant = settings.tenants[DEMO_TENANT]
    assert tenant.sandbox_state is not None
    descriptor = registry.connector(tenant.system)
    days = schedule_days(settings, TODAY + timedelta(days=1), (LAST - TODAY).days)
    with open_store(settings.database) as store:
        for day in days:
            sandbox = descriptor.sandbox(tenant.sandbox_state, day)
            sandbox.accept_drafts()
            sandbox.save(tenant.sandbox_state)
            moment = datetime.combine(day, time(7), tzinfo=UTC)
            outcome = run_tenant(store, DEMO_TENANT, tenant, CycleOptions(today=day, now=moment))
            assert outcome.status == "ok", outcome.error
    return state


def _outbox(state: Path) -> list[OutboxLetter]:
    with open_store(demo_settings(state).database) as store:
        return store.letters(DEMO_TENANT, states={"pending", "issued"})


def _letter(
    state: Path, *, day: date, invoice: str, step: int | None = None
) -> Iterator[OutboxLetter]:
    for row in _outbox(state):
        numbers = {d.invoice_number for d in row.letter.decisions}
        if row.letter.date == day and invoice in numbers and step in {None, row.letter.step}:
            yield row


def _preview(state: Path, invoice: str, *args: str) -> tuple[str, str]:
    result = runner.invoke(
        app, ["letter", invoice, "--demo", str(state), "--today", TODAY.isoformat(), *args]
    )
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def _cases(demo: Path) -> dict[str, Letter]:
    """The drafts the three reported cases are about, found by what makes them one."""
    waiting = [r.letter for r in _outbox(demo) if r.letter.date == TODAY]
    foreign = next(x for x in waiting if x.currency != "DKK")  # 1014 (EUR)
    combined = next(x for x in waiting if len(x.decisions) > 1)  # 1020 with 1021, 1022
    warning = next(  # 1026: a collection warning for one invoice
        x
        for x in waiting
        if x.action is ActionKind.COLLECTION_WARNING and x not in {foreign, combined}
    )
    return {"foreign": foreign, "combined": combined, "warning": warning}


# -- a draft waiting for review is shown as written ---------------------------------------------


@pytest.mark.parametrize("case", ["foreign", "combined", "warning"])
def test_a_waiting_draft_is_shown_as_written(demo: Path, case: str) -> None:
    letter = _cases(demo)[case]
    row = next(r for r in _outbox(demo) if r.letter.key == letter.key)
    for decision in letter.decisions:  # whichever of its invoices is asked for
        text, said = _preview(demo, decision.invoice_number)
        assert text == row.text
        assert said.startswith(f"pending draft {row.document} written {TODAY.isoformat()}")
    # The draft in the accounting system carries that very text in its notes.
    state = demo_settings(demo).tenants[DEMO_TENANT].sandbox_state
    assert state is not None
    sandbox = registry.connector("economic").sandbox(state, TODAY).state()
    draft = next(d for d in sandbox["drafts"] if d["references"]["other"] == letter.key)
    line1, line2 = fit_text(text)
    assert draft["notes"]["textLine1"] == line1
    assert draft["notes"].get("textLine2") == line2


def test_the_reported_cases_differ_from_a_ladder_layout(demo: Path) -> None:
    cases = _cases(demo)
    # The EUR warning carries no fee (the ladder's DKK 100 is not asked in euros) ...
    assert all(d.fee == 0 for d in cases["foreign"].decisions)
    foreign, _ = _preview(demo, cases["foreign"].decisions[0].invoice_number)
    assert "100" not in foreign.split("Total")[0].split("Principal")[1]
    # ... and the combined reminder names every invoice, with its interest and compensation.
    combined, _ = _preview(demo, cases["combined"].decisions[0].invoice_number, "--step", "2")
    for decision in cases["combined"].decisions:
        assert f"Faktura {decision.invoice_number}" in combined
    assert combined.count("Kompensationsbeløb") == len(cases["combined"].decisions)


def test_other_formats_lay_out_the_written_text(demo: Path, tmp_path: Path) -> None:
    letter = _cases(demo)["warning"]
    number = letter.decisions[0].invoice_number
    html, _ = _preview(demo, number, "--format", "html")
    assert "<html" in html
    assert "inkassoloven § 10" in html
    pdf = tmp_path / "warning.pdf"
    _preview(demo, number, "--format", "pdf", "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_a_step_already_written_is_shown_as_written(demo: Path) -> None:
    number = _cases(demo)["foreign"].decisions[0].invoice_number
    first = next(
        r
        for r in _outbox(demo)
        if r.letter.step == 1 and number in {d.invoice_number for d in r.letter.decisions}
    )
    text, said = _preview(demo, number, "--step", "1")
    assert text == first.text
    assert said.startswith(f"issued document {first.document} written {first.letter.date}")


def test_another_language_renders_the_stored_decisions_anew_and_says_so(demo: Path) -> None:
    number = _cases(demo)["warning"].decisions[0].invoice_number
    text, said = _preview(demo, number, "--lang", "en")
    assert text.startswith("DEBT COLLECTION WARNING")
    assert "rendered anew in en" in said
    assert "written in da" in said


# -- a later step is what the cycle writes on the day it is reached -----------------------------


def _day_of(said: str) -> date:
    found = re.search(r"as it would be decided on (?:today, )?(\d{4}-\d{2}-\d{2})", said)
    assert found is not None, said
    return date.fromisoformat(found.group(1))


@pytest.mark.parametrize(("case", "step"), [("combined", 3), ("foreign", 4), ("warning", 4)])
def test_a_later_step_is_what_the_cycle_writes_that_day(
    demo: Path, later: Path, case: str, step: int
) -> None:
    number = _cases(demo)[case].decisions[0].invoice_number
    text, said = _preview(demo, number, "--step", str(step))
    assert said.startswith("preview of ")
    assert "is booked" in said  # the draft waiting today is taken as booked
    day = _day_of(said)
    [written] = _letter(later, day=day, invoice=number, step=step)
    assert text == written.text


def test_every_letter_of_the_coming_days_is_previewed_as_written(demo: Path, later: Path) -> None:
    """Each letter the cycle wrote after TODAY, previewed on TODAY with --on its day."""
    view = read_tenant(demo_settings(demo), DEMO_TENANT, TODAY)
    assert view is not None
    written = [r for r in _outbox(later) if TODAY < r.letter.date <= SOON]
    assert len(written) > 20
    unseen = []
    for row in written:
        for decision in row.letter.decisions:
            match = find_invoice(view, decision.invoice_id)
            if match is None:
                # Not read today: the system is read for invoices due within 5 days only.
                unseen.append(decision.invoice_id)
                continue
            found = find_preview(view, match, today=TODAY, step=None, on=row.letter.date, lang=None)
            assert isinstance(found, Preview), (decision.invoice_number, found)
            assert found.letter.key == row.letter.key
            assert found.rendered.text == row.text, decision.invoice_number
    assert len(unseen) < len(written) / 5


def test_the_next_letter_is_shown_when_none_waits(demo: Path, later: Path) -> None:
    waiting = {
        d.invoice_id for r in _outbox(demo) if r.state == "pending" for d in r.letter.decisions
    }
    row = next(
        r
        for r in sorted(_outbox(later), key=lambda r: r.letter.date)
        if r.letter.date > TODAY
        and r.letter.action is ActionKind.REMINDER
        and not waiting & {d.invoice_id for d in r.letter.decisions}
    )
    number = row.letter.decisions[0].invoice_number
    text, said = _preview(demo, number)
    assert _day_of(said) == row.letter.date
    assert text == row.text
    on, _ = _preview(demo, number, "--on", row.letter.date.isoformat())
    assert on == text


# -- steps that will not come ---------------------------------------------------------------------


def test_a_step_the_ladder_does_not_have_is_refused(demo: Path) -> None:
    number = _cases(demo)["warning"].decisions[0].invoice_number
    result = runner.invoke(
        app, ["letter", number, "--demo", str(demo), "--today", TODAY.isoformat(), "--step", "9"]
    )
    assert result.exit_code == 2
    assert "the ladder has 4 steps, not a step 9" in result.stderr


def test_a_barred_customer_never_reaches_a_step_and_says_why(demo: Path) -> None:
    view = read_tenant(demo_settings(demo), DEMO_TENANT, TODAY)
    assert view is not None
    barred = next(
        i for i in view.snapshot.invoices if view.snapshot.customers[i.customer_id].barred
    )
    found = find_preview(view, barred, today=TODAY, step=1, on=None, lang=None)
    assert isinstance(found, NoPreview)
    assert found.code == 1
    assert f"step 1 will not be reached for invoice {barred.number}" in found.reason
    assert "barred from dunning" in found.reason


def test_a_day_without_a_letter_says_what_comes_instead(demo: Path) -> None:
    number = _cases(demo)["foreign"].decisions[0].invoice_number
    result = runner.invoke(
        app,
        ["letter", number, "--demo", str(demo), "--today", TODAY.isoformat(), "--on", "2026-03-20"],
    )
    assert result.exit_code == 1
    assert f"no letter for invoice {number} on 2026-03-20" in result.stderr
    assert "Step 3 is due from 2026-03-27" in result.stderr  # after step 2's deadline
    past = runner.invoke(
        app,
        ["letter", number, "--demo", str(demo), "--today", TODAY.isoformat(), "--on", "2026-03-01"],
    )
    assert past.exit_code == 2


# -- a scenario's series honours --lang ---------------------------------------------------------


def test_a_scenarios_series_is_written_in_the_language_asked(tmp_path: Path) -> None:
    scenario = Path(__file__).parents[1] / "scenarios" / "dk_b2b.json"
    args = ["letter", "all", "--scenario", str(scenario), "--out", str(tmp_path)]
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    letters = sorted(tmp_path.glob("*.txt"))
    assert letters
    assert all("Kind regards" in p.read_text(encoding="utf-8") for p in letters)
    wrong = runner.invoke(app, [*args, "--lang", "de"])
    assert wrong.exit_code == 2
    assert "--lang must be one of" in wrong.stderr


def test_a_finnish_series_is_finnish_unless_english_is_asked(tmp_path: Path) -> None:
    scenario = Path(__file__).parents[1] / "scenarios" / "fi_consumer.json"
    args = ["letter", "all", "--scenario", str(scenario)]
    own = runner.invoke(app, [*args, "--out", str(tmp_path / "fi")])
    assert own.exit_code == 0, own.output
    english = runner.invoke(app, [*args, "--out", str(tmp_path / "en"), "--lang", "en"])
    assert english.exit_code == 0, english.output
    finnish = sorted((tmp_path / "fi").glob("*.txt"))
    translated = sorted((tmp_path / "en").glob("*.txt"))
    assert [p.name for p in finnish] == [p.name for p in translated]
    assert finnish
    assert not any("Kind regards" in p.read_text(encoding="utf-8") for p in finnish)
    assert all("Kind regards" in p.read_text(encoding="utf-8") for p in translated)


def test_what_the_preview_shows_is_named_as_the_letters_name_it(demo: Path) -> None:
    """The line on stderr names the step as a Danish bookkeeper reads it ("3 inkassovarsel"),
    not by the engine's internal name."""
    letter = _cases(demo)["warning"]
    _text, said = _preview(demo, letter.decisions[0].invoice_number)
    assert f"3 inkassovarsel for invoice {letter.decisions[0].invoice_number}" in said
    assert "collection_warning" not in said
    combined = _cases(demo)["combined"]
    _text, later = _preview(demo, combined.decisions[0].invoice_number, "--step", "4")
    assert later.startswith("preview of 4 ")
    assert "for invoices " in later
    assert "_" not in later.split(" for ")[0]
