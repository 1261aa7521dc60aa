"""Exactly-once under faults, per connector: no duplicate and no lost decision.

The in-process HTTP faults run in `make test`; the SIGKILL matrix spawns two to five processes per
cell and runs in `make faults` (marked slow), except one representative cell per connector.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.infra import retry
from bridge.vocab import registry
from tests.faults.matrix import (
    HTTP_FAULTS,
    KILL_POINTS,
    Cell,
    deleted_cell,
    http_cell,
    kill_cell,
    reference,
    systems,
)

SYSTEMS = systems()


@pytest.fixture(autouse=True)
def no_waits() -> None:
    retry.set_waits(False)


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    root = tmp_path_factory.mktemp("reference")
    return {k: reference(root / k, registry.connector(k)) for k in SYSTEMS}


@pytest.mark.parametrize("fault", list(HTTP_FAULTS))
@pytest.mark.parametrize("system", SYSTEMS)
def test_http_fault(
    tmp_path: Path, system: str, fault: str, expected: dict[str, set[str]], record: list[Cell]
) -> None:
    assert expected[system], "the reference run wrote nothing: the matrix would prove nothing"
    cell = http_cell(tmp_path, registry.connector(system), fault, expected[system])
    record.append(cell)
    assert (cell.duplicates, cell.lost) == (0, 0), cell


def _kill_params() -> list[object]:
    params: list[object] = []
    for system in SYSTEMS:
        for point in KILL_POINTS:
            marks = [] if point == "applied:3" else [pytest.mark.slow]
            params.append(pytest.param(system, point, marks=marks, id=f"{system}-{point}"))
    return params


@pytest.mark.parametrize(("system", "point"), _kill_params())
def test_sigkill(
    tmp_path: Path, system: str, point: str, expected: dict[str, set[str]], record: list[Cell]
) -> None:
    descriptor = registry.connector(system)
    cell = kill_cell(tmp_path, descriptor, point, expected[system])
    record.append(cell)
    assert not cell.note, cell.note
    assert (cell.duplicates, cell.lost) == (0, 0), cell
    # Killed after the request was marked as leaving but before it left, the vendor has
    # nothing: only inside an idempotency window (e-conomic, one hour) may it be sent again;
    # elsewhere the letter waits for the accountant. Every other point leaves nothing unsure.
    unsure = point == "attempted:1" and not descriptor.idempotency_window
    assert cell.unconfirmed == (1 if unsure else 0), cell


# What the read-back makes of a letter whose draft the accountant deleted after the kill at
# `applied`, before the next cycle (docs/reliability.md § Could not confirm): e-conomic is still
# inside its one-hour idempotency window, so the same key is sent again, its first answer is
# replayed and the missing draft is reconciled as rejected; Fortnox keeps a cancelled invoice,
# which the read-back finds and records as rejected; Dinero and Tripletex show nothing, and
# absence cannot tell "never created" from "deleted", so the letter waits for the accountant.
DELETED_OUTCOME = {
    "dinero": "could not confirm",
    "economic": "rejected",
    "fortnox": "rejected",
    "tripletex": "could not confirm",
}


@pytest.mark.slow
@pytest.mark.parametrize("system", SYSTEMS)
def test_sigkill_at_applied_then_the_accountant_deletes_the_draft(
    tmp_path: Path, system: str, expected: dict[str, set[str]], record: list[Cell]
) -> None:
    cell, fate = deleted_cell(tmp_path, registry.connector(system), expected[system])
    record.append(cell)
    assert not cell.note, cell.note
    assert (cell.duplicates, cell.lost) == (0, 0), (cell, fate)
    assert fate.documents_after == fate.documents_before, "the deleted letter was written again"
    got = "could not confirm" if fate.unconfirmed else fate.state
    assert got == DELETED_OUTCOME[system], fate
    assert cell.unconfirmed == (1 if got == "could not confirm" else 0), cell
