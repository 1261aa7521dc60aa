"""Progress of long operations: a bar on a terminal, nothing when piped, in JSON or the daemon."""

from __future__ import annotations

import io
import sys

import pytest

from bridge.surfaces import progress
from bridge.surfaces.simulate import simulate

SCENARIO = {
    "country": "DK",
    "start": "2026-01-01",
    "end": "2026-01-10",
    "customers": [{"id": "C1", "name": "Kontor ApS", "type": "business"}],
    "invoices": [
        {
            "id": "1",
            "customer": "C1",
            "issue_date": "2025-12-01",
            "due_date": "2025-12-20",
            "currency": "DKK",
            "amount": "100.00",
        }
    ],
}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_when_not_on_a_terminal_or_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress.steps_progress("report", 10) as advance:
        advance("a")
    assert sys.stderr.getvalue() == ""
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with progress.steps_progress("report", 10, enabled=False) as advance:
        assert advance is progress._quiet
    with progress.steps_progress("report", 1) as advance:  # one step needs no bar
        assert advance is progress._quiet


def test_a_terminal_gets_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with progress.steps_progress("report", 3) as advance:
        assert advance is not progress._quiet
        for name in ("a", "b", "c"):
            advance(name)


def test_simulate_reports_each_day() -> None:
    days: list[str] = []
    result = simulate(SCENARIO, days.append)
    assert days[0] == "2026-01-01"
    assert days[-1] == "2026-01-10"
    assert len(days) == 10
    assert result == simulate(SCENARIO)  # watching changes nothing


def test_simulate_command_counts_the_scenario_days() -> None:
    from bridge.surfaces.commands import _days  # noqa: PLC0415

    assert _days(SCENARIO) == 10
    assert _days({"start": "2026-01-01", "end": "2025-01-01"}) == 0
    assert _days({"start": "soon"}) == 0
