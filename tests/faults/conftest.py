"""Collect the fault matrix's cells and print the table at the end of the run.

Cells are written as JSON lines to one folder, so the table also comes out when pytest-xdist
runs the cells in worker processes; the controller clears the folder first and prints at the end.

Under CI (CI=true), or when FAULT_ROTATION is set, one of the slow SIGKILL cells runs with the
rest of the suite: cell number FAULT_ROTATION modulo their count (default: today's day number),
so successive days' CI runs walk the whole matrix (docs/testing.md). A cell takes 10-45 s.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.ci import in_ci
from tests.faults.matrix import Cell, table

FOLDER = Path(__file__).resolve().parents[2] / ".pytest_cache" / "fault-matrix"


def _controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def rotation() -> int | None:
    """Which slow SIGKILL cell this run adds (None: none); the same in every xdist worker
    (tests/conftest.py pins the day in FAULT_ROTATION before the workers start)."""
    chosen = os.environ.get("FAULT_ROTATION", "").strip()
    if chosen:
        return int(chosen)
    return date.today().toordinal() if in_ci() else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Unmark one slow SIGKILL cell, chosen by the rotation, so `-m "not slow"` keeps it."""
    turn = rotation()
    if turn is None:
        return
    cells = [
        item
        for item in items
        if item.nodeid.startswith("tests/faults/test_matrix.py::test_sigkill[")
        and item.get_closest_marker("slow") is not None
    ]
    if not cells:
        return
    cells.sort(key=lambda item: item.nodeid)
    chosen = cells[turn % len(cells)]
    chosen.own_markers = [m for m in chosen.own_markers if m.name != "slow"]
    chosen.add_marker(pytest.mark.rotating)


def pytest_sessionstart(session: pytest.Session) -> None:
    if _controller(session.config):
        shutil.rmtree(FOLDER, ignore_errors=True)


@pytest.fixture
def record() -> list[Cell]:
    """Append cells here; they are saved when the test ends."""
    cells: list[Cell] = []
    yield cells  # type: ignore[misc]
    FOLDER.mkdir(parents=True, exist_ok=True)
    with (FOLDER / f"{os.getpid()}.jsonl").open("a", encoding="utf-8") as out:
        for cell in cells:
            out.write(json.dumps(dataclasses.asdict(cell)) + "\n")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _controller(terminalreporter.config) or not FOLDER.is_dir():
        return
    cells = [
        Cell(**json.loads(line))
        for path in sorted(FOLDER.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    if cells:
        terminalreporter.write_sep("=", "fault matrix: runs / duplicates / lost")
        terminalreporter.write_line(table(sorted(cells, key=lambda c: (c.fault, c.connector))))
