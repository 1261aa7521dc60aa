"""Issue 18, finding 5: read-only commands write nothing, the sandbox's state included.

``plan``, ``explain``, ``letter``, ``report`` and ``customers`` run the cycle dry; on a tenant
backed by a file sandbox (the demo, ``SANDBOX_STATE`` trials) the dry run saved the emulator's
state as it had read it at its start, so a ``plan`` run during a ``cycle`` erased the draft the
cycle had just written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import retry
from bridge.store import open_store
from bridge.vocab.settings import TenantSettings

TODAY = date(2026, 3, 16)
NOW = datetime.combine(TODAY, time(7), tzinfo=UTC)
COUNTRY = {"dinero": "DK", "economic": "DK", "fortnox": "SE", "tripletex": "NO"}


@pytest.fixture(autouse=True)
def _no_waits() -> object:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


@pytest.mark.parametrize("system", sorted(COUNTRY))
def test_a_dry_run_during_a_cycle_leaves_the_cycles_drafts(tmp_path: Path, system: str) -> None:
    state = tmp_path / f"{system}.json"
    tenant = TenantSettings(system=system, country=COUNTRY[system], sandbox_state=state)
    with open_store(tmp_path / "db.sqlite3") as store:
        # A first dry run on a fresh sandbox creates no file.
        run_tenant(store, "t", tenant, CycleOptions(today=TODAY, now=NOW, dry_run=True))
        assert not state.exists()
        after_cycle: list[bytes] = []

        def cycle_meanwhile(tenant_name: str, stage: str, done: int, total: int) -> None:
            # The dry run has loaded the sandbox and is about to read it: a cycle runs now.
            if stage == "reading" and not after_cycle:
                with open_store(tmp_path / "db.sqlite3") as other:
                    outcome = run_tenant(other, "t", tenant, CycleOptions(today=TODAY, now=NOW))
                assert outcome.written, (outcome.error, outcome.skipped)
                after_cycle.append(state.read_bytes())

        dry = CycleOptions(today=TODAY, now=NOW, dry_run=True, progress=cycle_meanwhile)
        outcome = run_tenant(store, "t", tenant, dry)
        assert outcome.error is None, outcome.error
        assert after_cycle
        # The cycle's drafts are still there: the file is as the cycle left it.
        assert state.read_bytes() == after_cycle[0]
        # And a dry run on its own leaves it byte-identical too.
        run_tenant(store, "t", tenant, CycleOptions(today=TODAY, now=NOW, dry_run=True))
        assert state.read_bytes() == after_cycle[0]
