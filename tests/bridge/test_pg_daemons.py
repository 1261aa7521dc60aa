"""Several daemons over one PostgreSQL database: each tenant worked by one at a time, a dead
daemon's tenant taken over, and nothing written twice (the issue's "done means").

Each tenant is an e-conomic sandbox of its own (a small company in its own state file), so the
documents each "vendor" holds can be counted per letter key afterwards.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import bridge.infra.failpoints
import bridge.surfaces.daemon
from bridge.engine.cycle import CycleOptions, TenantOutcome
from bridge.store import Store, open_store
from bridge.surfaces.daemon import Leasing, round_start, run_all
from bridge.vocab.settings import Settings, TenantSettings
from connectors.economic.sandbox.server import EconomicSandbox
from tests.pg import pg_server, pg_url  # noqa: F401  (fixtures)

NOW = datetime(2026, 3, 2, 7, 0, 5, tzinfo=UTC)
TODAY = NOW.date()
BIN = Path(sys.executable).parent / "dunning-bridge"


def small_company(path: Path, today: date, customers: int = 2) -> None:
    """A sandbox with a few customers, each with one invoice 20 days overdue: one letter each."""
    sandbox = EconomicSandbox(today)
    for n in range(customers):
        number = sandbox.add_customer(f"Kunde {n} ApS", cvr=f"3100000{n}", email=f"k{n}@x.dk")
        sandbox.add_invoice(
            number, today - timedelta(days=50), today - timedelta(days=20), Decimal("1250.00")
        )
    sandbox.save(path)


def documents(path: Path) -> dict[str, int]:
    return EconomicSandbox.load_or_demo(path, TODAY).documents_by_key()


def tenants_settings(url: str, folder: Path, count: int, **extra: object) -> Settings:
    tenants = {}
    for n in range(count):
        state = folder / f"sandbox-{n:02d}.json"
        small_company(state, TODAY)
        tenants[f"t{n:02d}"] = TenantSettings(system="economic", sandbox_state=state)
    return Settings(database=url, tenants=tenants, **extra)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Interval:
    tenant: str
    holder: str
    start: float
    end: float


@pytest.fixture
def intervals(monkeypatch: pytest.MonkeyPatch) -> list[Interval]:
    """Record when each tenant's cycle ran, and for which daemon (by its store)."""
    seen: list[Interval] = []
    real = bridge.surfaces.daemon.run_tenant

    def recording(
        store: Store, name: str, tenant: TenantSettings, opts: CycleOptions
    ) -> TenantOutcome:
        start = time.monotonic()
        try:
            return real(store, name, tenant, opts)
        finally:
            seen.append(Interval(name, getattr(store, "holder", "?"), start, time.monotonic()))

    monkeypatch.setattr(bridge.surfaces.daemon, "run_tenant", recording)
    return seen


def test_two_daemons_work_50_tenants_once_each_and_write_nothing_twice(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
    intervals: list[Interval],
) -> None:
    settings = tenants_settings(pg_url, tmp_path, 50, max_parallel_tenants=4)
    stores = {holder: open_store(pg_url) for holder in ("d1", "d2")}
    outcomes: dict[str, list[TenantOutcome]] = {}
    gate = threading.Barrier(2)

    def daemon(holder: str) -> None:
        store = stores[holder]
        store.holder = holder  # type: ignore[attr-defined]  (read by the recorder)
        gate.wait()
        outcomes[holder] = run_all(
            settings, store, NOW, leasing=Leasing(holder=holder, poll_seconds=0.05)
        )

    threads = [threading.Thread(target=daemon, args=(h,)) for h in stores]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    # Every tenant worked exactly once, by one of the two, and both took a share.
    worked = Counter(i.tenant for i in intervals)
    assert worked == Counter(dict.fromkeys(settings.tenants, 1)), worked
    by_holder = Counter(i.holder for i in intervals)
    assert set(by_holder) == {"d1", "d2"}, by_holder
    assert sum(len(o) for o in outcomes.values()) == 50
    failed = [(o.tenant, o.error) for out in outcomes.values() for o in out if o.status != "ok"]
    assert failed == []
    # No tenant worked twice at once (trivially true with one cycle each; kept as the rule).
    per_tenant: dict[str, list[Interval]] = defaultdict(list)
    for i in intervals:
        per_tenant[i.tenant].append(i)
    for spans in per_tenant.values():
        spans.sort(key=lambda i: i.start)
        assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    # No duplicate write: each letter key is on its vendor exactly once, and the outbox agrees.
    store = stores["d1"]
    for n, name in enumerate(sorted(settings.tenants)):
        docs = documents(tmp_path / f"sandbox-{n:02d}.json")
        assert docs, name
        assert set(docs.values()) == {1}, (name, docs)
        recorded = {row.letter.key for row in store.letters(name)}
        assert recorded == set(docs), name
    assert store.leases() == []  # every lease given back
    assert len(store.runs(limit=200)) == 50
    for s in stores.values():
        s.close()
    print(f"two daemons, 50 tenants: {elapsed:.1f} s, shares {dict(by_holder)}")


def test_a_second_round_by_either_daemon_writes_nothing_new(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    settings = tenants_settings(pg_url, tmp_path, 4)
    with open_store(pg_url) as one, open_store(pg_url) as two:
        first = run_all(settings, one, NOW, leasing=Leasing(holder="d1"))
        assert len(first) == 4
        # The same round again, from the other daemon: already worked, left alone.
        assert run_all(settings, two, NOW, leasing=Leasing(holder="d2")) == []
        # The next round (a day later) works every tenant again; nothing is due again yet.
        later = run_all(settings, two, NOW + timedelta(days=1), leasing=Leasing(holder="d2"))
        assert [o.tenant for o in later] == sorted(settings.tenants)
        assert all(not o.written for o in later)
    for n in range(4):
        assert set(documents(tmp_path / f"sandbox-{n:02d}.json").values()) == {1}


def test_a_tenant_leased_elsewhere_waits_and_the_stop_event_ends_the_wait(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    settings = tenants_settings(pg_url, tmp_path, 2)
    stop = threading.Event()
    with open_store(pg_url) as other, open_store(pg_url) as mine:
        assert other.acquire_lease("t00", "busy", ttl=timedelta(minutes=5)) is not None
        timer = threading.Timer(0.5, stop.set)
        timer.start()
        started = time.monotonic()
        done = run_all(settings, mine, NOW, stop, leasing=Leasing(holder="d1", poll_seconds=0.1))
        timer.join()
        assert time.monotonic() - started < 5
        assert [o.tenant for o in done] == ["t01"]  # t00 is left for the next round
        assert [(x.tenant, x.holder) for x in mine.leases()] == [("t00", "busy")]


DOOMED = """
import sys
from datetime import datetime, timedelta
from pathlib import Path
from bridge.surfaces.daemon import Leasing, run_all
from bridge.vocab.settings import Settings, TenantSettings
from bridge.store import open_store
url, state, now = sys.argv[1:4]
settings = Settings(
    database=url,
    tenants={"acme": TenantSettings(system="economic", sandbox_state=Path(state))},
)
store = open_store(settings.database)
run_all(
    settings, store, datetime.fromisoformat(now),
    leasing=Leasing(holder="doomed", ttl=timedelta(seconds=1.5)),
)
"""


def test_a_dead_daemons_tenant_is_taken_over_without_a_duplicate_write(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    state = tmp_path / "acme.json"
    small_company(state, TODAY, customers=4)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    # Killed the moment the vendor accepted letter 2, before the outbox recorded it.
    env["DUNNING_BRIDGE_FAILPOINT"] = "applied:2"
    doomed = subprocess.run(
        [sys.executable, "-c", DOOMED, pg_url, str(state), NOW.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert doomed.returncode == -signal.SIGKILL, doomed.stderr[-2000:]
    assert sorted(documents(state).values()) == [1, 1]  # letters 1 and 2 are at the vendor
    settings = Settings(
        database=pg_url,  # type: ignore[arg-type]
        tenants={"acme": TenantSettings(system="economic", sandbox_state=state)},
    )
    with open_store(pg_url) as store:
        [lease] = store.leases()
        assert lease.holder == "doomed"  # still held: the dead daemon never gave it back
        assert [o.letter.key for o in store.unresolved("acme")]  # letter 2's outcome unknown
        started = time.monotonic()
        [outcome] = run_all(settings, store, NOW, leasing=Leasing(holder="heir", poll_seconds=0.1))
        waited = time.monotonic() - started
        assert outcome.status == "ok", outcome.error
        assert store.unresolved("acme") == []
        docs = documents(state)
        assert len(docs) == 4
        assert set(docs.values()) == {1}, docs  # letter 2 read back, not written again
        assert {row.letter.key for row in store.letters("acme")} == set(docs)
        events = [r.event for r in store.audit_log("acme", limit=500)]
        assert "lease.taken_over" in events
        assert store.leases() == []
        runs = store.runs("acme")
        assert [r.status for r in runs] == ["ok", "running"]  # the heir's, the dead one's
    assert waited < 10


def test_the_round_starts_at_the_last_fire_time_within_the_grace() -> None:
    settings = Settings(schedule="0 7 * * mon-fri", timezone="Europe/Copenhagen")
    monday_7 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Copenhagen (CET)
    assert round_start(settings, monday_7 + timedelta(minutes=3)) == monday_7
    assert round_start(settings, monday_7) == monday_7
    assert round_start(settings, monday_7 + timedelta(minutes=59)) == monday_7
    # Outside the grace (or a manual run at another time): the round starts now.
    late = monday_7 + timedelta(hours=2)
    assert round_start(settings, late) == late
    frequent = Settings(schedule="*/15 * * * *")
    assert round_start(frequent, monday_7 + timedelta(minutes=20)) == monday_7 + timedelta(
        minutes=15
    )


def _wait_for(proc: subprocess.Popen[str], needle: str, timeout: float = 20.0) -> str:
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen += line
        if needle in line:
            return seen
        if proc.poll() is not None and not line:
            break
    raise AssertionError(f"{needle!r} not seen; stderr: {seen}")


def test_two_daemon_processes_share_the_database_and_a_manual_cycle_waits(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    password = "never-in-the-logs-0042"  # trust auth: the server never asks for it
    url = pg_url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@")
    env_file = tmp_path / "bridge.env"
    small_company(tmp_path / "sandbox.json", TODAY)
    env_file.write_text(
        f"BRIDGE_DATABASE={url}\n"
        "BRIDGE_SCHEDULE=0 3 1 1 *\n"
        "BRIDGE_LOG_FORMAT=json\n"
        "BRIDGE_TENANTS__DEMO__SYSTEM=economic\n"
        f"BRIDGE_TENANTS__DEMO__SANDBOX_STATE={tmp_path}/sandbox.json\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    argv = [str(BIN), "run", "--env-file", str(env_file)]
    daemons = [
        subprocess.Popen(
            argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
        )
        for _ in range(2)
    ]
    logs = ""
    try:
        for proc in daemons:
            logs += _wait_for(proc, "daemon.started")
        manual = subprocess.run(
            [str(BIN), "cycle", "--env-file", str(env_file)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert manual.returncode == 2
        said = " ".join((manual.stdout + manual.stderr).split())  # the console wraps lines
        assert "is held by daemon (pid" in said
        assert "postgresql://postgres:***@" in said
        logs += manual.stdout + manual.stderr
        for proc in daemons:
            proc.send_signal(signal.SIGTERM)
        for proc in daemons:
            assert proc.wait(timeout=20) == 0
            assert proc.stderr is not None
            logs += proc.stderr.read()
    finally:
        for proc in daemons:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=20)
            if proc.stderr is not None:
                proc.stderr.close()
    assert '"database": "postgresql"' in logs
    assert password not in logs


def test_a_daemon_that_loses_its_lease_stops_after_the_letter_in_hand(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = tmp_path / "acme.json"
    small_company(state, TODAY, customers=3)
    settings = Settings(
        database=pg_url,  # type: ignore[arg-type]
        tenants={"acme": TenantSettings(system="economic", sandbox_state=state)},
    )
    # Hold the cycle just after the vendor accepted letter 1, while the lease is taken away.
    monkeypatch.setenv("DUNNING_BRIDGE_FAILPOINT", "applied:1:pause=0.8")
    monkeypatch.setattr(bridge.infra.failpoints, "_seen", Counter())
    outcomes: list[TenantOutcome] = []
    with open_store(pg_url) as store, open_store(pg_url) as thief:
        leasing = Leasing(holder="d1", ttl=timedelta(seconds=0.3))  # renewed every 0.1 s
        worker = threading.Thread(
            target=lambda: outcomes.extend(run_all(settings, store, NOW, leasing=leasing))
        )
        worker.start()
        deadline = time.monotonic() + 10
        while not thief.letters("acme") and time.monotonic() < deadline:
            time.sleep(0.02)  # letter 1 is intended; the vendor accepts it, then the pause
        conn = thief._conn
        assert conn is not None
        # As if d1 had stalled past its lease and another daemon had taken the tenant.
        conn.execute("UPDATE leases SET holder = 'd2' WHERE tenant = 'acme'")
        worker.join(timeout=30)
        [outcome] = outcomes
        assert outcome.status == "partial"
        assert len(outcome.written) == 1  # the letter in hand was finished and recorded
        assert store.unresolved("acme") == []
        assert [(x.tenant, x.holder) for x in store.leases()] == [("acme", "d2")]
    assert list(documents(state).values()) == [1]
