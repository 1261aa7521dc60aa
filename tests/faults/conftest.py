"""Collect the fault matrix's cells and print the table at the end of the run.

Cells are written as JSON lines to one folder, so the table also comes out when pytest-xdist
runs the cells in worker processes; the controller clears the folder first and prints at the end.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.faults.matrix import Cell, table

FOLDER = Path(__file__).resolve().parents[2] / ".pytest_cache" / "fault-matrix"


def _controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


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
