"""The connector conformance suite: every registered connector passes the same tests.

Each test runs against the connector's own sandbox through the same cycle the daemon runs.
Exactly-once across crashes and HTTP faults is proven per connector in tests/bridge/test_cycle.py
and the fault matrix (tests/faults/); the connector-specific details (pagination blocks, error
bodies, token flows) in tests/connectors/<system>/ and tests/contract/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.infra import retry
from bridge.infra.logs import configure
from bridge.infra.persisting import PersistingTransport
from bridge.store import Store, open_store
from bridge.vocab import registry
from bridge.vocab.connector import ConnectorDescriptor, Sandbox
from bridge.vocab.domain import StepStatus
from bridge.vocab.faults import Fault
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings

TODAY = date(2026, 3, 16)
SYSTEMS = sorted(registry.connectors())
# Where each vendor's API lives, apart from its OAuth token endpoint (faults aim at the API);
# Tripletex mints its session token with a POST under the same prefix: aim at its order writes.
API_PREFIX = {"dinero": "/v1", "fortnox": "/3", "tripletex": "/order"}


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _setup(system: str) -> tuple[ConnectorDescriptor, Sandbox]:
    descriptor = registry.connector(system)
    return descriptor, descriptor.sandbox(None, TODAY)


def _cycle(
    store: Store,
    descriptor: ConnectorDescriptor,
    sandbox: Sandbox,
    folder: Path,
    day: date = TODAY,
    name: str = "t",
) -> TenantOutcome:
    path = folder / f"{name}-sandbox.json"
    return run_tenant(
        store,
        name,
        TenantSettings(system=descriptor.key, country=descriptor.country),
        CycleOptions(
            today=day,
            now=datetime.combine(day, time(7), tzinfo=UTC),
            transport=PersistingTransport(sandbox.transport(), lambda: sandbox.save(path)),
            secrets=StaticSecrets(name, descriptor.sandbox_secrets),
        ),
    )


@pytest.mark.parametrize("system", SYSTEMS)
def test_descriptor_is_complete(system: str) -> None:
    descriptor = registry.connector(system)
    assert descriptor.key == system
    assert descriptor.country in {"DK", "NO", "SE", "FI"}
    assert descriptor.base_url.startswith("https://")
    assert descriptor.rate_limits, "every vendor limits requests; the limit must be declared"
    assert descriptor.secret_names
    assert set(descriptor.sandbox_secrets) <= set(descriptor.secret_names)
    assert descriptor.review_hint


@pytest.mark.parametrize("system", SYSTEMS)
def test_booked_drafts_are_reconciled_as_issued(tmp_path: Path, system: str) -> None:
    descriptor, sandbox = _setup(system)
    with open_store(tmp_path / "db.sqlite3") as store:
        first = _cycle(store, descriptor, sandbox, tmp_path)
        assert first.status == "ok", first.error
        pending = [r for _, r in first.written if r.status is StepStatus.PENDING]
        assert pending, "review mode writes something for the accountant to review"
        assert sandbox.accept_drafts() >= 1
        later = _cycle(store, descriptor, sandbox, tmp_path, TODAY + timedelta(days=1))
        assert later.status == "ok", later.error
        issued = {r.letter_key for r in later.reconciled if r.status is StepStatus.ISSUED}
        assert issued
        assert issued <= {r.letter_key for r in pending}
        for key in issued:
            row = store.letter(key)
            assert row is not None
            assert row.state == "issued"


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_refused_write_is_not_retried(tmp_path: Path, system: str) -> None:
    """A 4xx on a write is the vendor saying no: the letter is cancelled, never sent again."""
    descriptor, clean = _setup(system)
    with open_store(tmp_path / "clean.sqlite3") as store:
        baseline = len(_cycle(store, descriptor, clean, tmp_path / "clean").written)
    descriptor, sandbox = _setup(system)
    sandbox.inject(
        Fault("status", status=422, method="POST", path_prefix=API_PREFIX.get(system), times=1)
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = _cycle(store, descriptor, sandbox, tmp_path)
        refused = [why for _, why in outcome.skipped if "rejected" in why or "refused" in why]
        assert refused, outcome.skipped
        assert len(outcome.written) == baseline - 1, "the refused write was retried"
        assert outcome.status in {"ok", "partial"}, outcome.error


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_revoked_grant_stops_only_that_tenant(tmp_path: Path, system: str) -> None:
    descriptor, sandbox = _setup(system)
    sandbox.revoke_grant()  # type: ignore[attr-defined]
    _, healthy = _setup(system)
    with open_store(tmp_path / "db.sqlite3") as store:
        stopped = _cycle(store, descriptor, sandbox, tmp_path, name="revoked")
        fine = _cycle(store, descriptor, healthy, tmp_path, name="healthy")
    assert stopped.status == "error"
    assert stopped.error is not None
    assert "authentication failed" in stopped.error
    assert stopped.written == []
    assert fine.status == "ok", fine.error
    assert fine.written


@pytest.mark.parametrize("system", SYSTEMS)
def test_no_secret_reaches_the_logs(
    tmp_path: Path, system: str, capsys: pytest.CaptureFixture[str]
) -> None:
    descriptor, sandbox = _setup(system)
    configure("json", "debug")
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = _cycle(store, descriptor, sandbox, tmp_path)
    logs = capsys.readouterr()
    assert outcome.written
    assert "http.request" in logs.err
    for value in descriptor.sandbox_secrets.values():
        assert value not in logs.err + logs.out
