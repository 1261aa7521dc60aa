"""The daemon starts from an env file, holds the database lock, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bridge.store import open_store
from bridge.surfaces.daemon import build_scheduler, longest_first, run_all, update_law_rates
from bridge.vocab.settings import Settings, TenantSettings

BIN = Path(sys.executable).parent / "dunning-bridge"


def _env_file(tmp_path: Path) -> Path:
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={tmp_path}/state.sqlite3\n"
        "BRIDGE_SCHEDULE=0 3 1 1 *\n"
        "BRIDGE_LOG_FORMAT=json\n"
        "BRIDGE_TENANTS__DEMO__SYSTEM=economic\n"
        f"BRIDGE_TENANTS__DEMO__SANDBOX_STATE={tmp_path}/sandbox.json\n",
        encoding="utf-8",
    )
    return env


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


def test_sigterm_stops_the_daemon_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    proc = subprocess.Popen(
        [str(BIN), "run", "--env-file", str(_env_file(tmp_path))],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        _wait_for(proc, "daemon.started")
        # A second daemon on the same database is refused while the first holds the lock.
        second = subprocess.run(
            [str(BIN), "run", "--env-file", str(_env_file(tmp_path))],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=False,
        )
        assert second.returncode == 2
        assert "daemon.locked" in second.stderr
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert proc.stderr is not None
        assert "daemon.stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=20)
        if proc.stderr is not None:
            proc.stderr.close()


def test_run_all_isolates_tenants(tmp_path: Path) -> None:
    """A tenant without secrets fails with a clear message; the sandbox tenant still runs."""
    settings = Settings(
        database=tmp_path / "state.sqlite3",
        tenants={
            "broken": TenantSettings(system="economic"),
            "demo": TenantSettings(system="economic", sandbox_state=tmp_path / "sandbox.json"),
        },
    )
    store = open_store(settings.database)
    try:
        outcomes = {o.tenant: o for o in run_all(settings, store, datetime.now(UTC))}
    finally:
        store.close()
    assert outcomes["broken"].status == "error"
    assert "dunning-bridge secrets set broken" in (outcomes["broken"].error or "")
    assert outcomes["demo"].status == "ok", outcomes["demo"].error
    assert outcomes["demo"].written


def test_sigterm_mid_cycle_finishes_the_write_and_leaves_no_unknown_outcome(
    tmp_path: Path,
) -> None:
    """SIGTERM while a letter is written: it is recorded, the rest waits, a restart goes on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    env["DUNNING_BRIDGE_FAILPOINT"] = "applied:2:pause=4"  # the vendor accepted letter 2; hold
    proc = subprocess.Popen(
        [str(BIN), "run", "--now", "--env-file", str(_env_file(tmp_path))],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        _wait_for(proc, "daemon.started")
        time.sleep(2.5)  # inside the pause: letter 2 is written at the vendor, not yet recorded
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=20)
        if proc.stderr is not None:
            proc.stderr.close()
    with open_store(tmp_path / "state.sqlite3") as store:
        assert store.unresolved("demo") == []
        written = store.letters("demo", states={"pending"})
        assert len(written) == 2, "the letter in flight was finished, nothing after it started"
        (run,) = store.runs("demo")
        assert run.status == "partial"
    # A restart picks up where it stopped.
    env.pop("DUNNING_BRIDGE_FAILPOINT")
    done = subprocess.run(
        [str(BIN), "cycle", "--env-file", str(_env_file(tmp_path)), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with open_store(tmp_path / "state.sqlite3") as store:
        assert len(store.letters("demo", states={"pending"})) > 2


def test_the_slowest_tenants_start_first(tmp_path: Path) -> None:
    settings = Settings(
        database=tmp_path / "state.sqlite3",
        tenants={
            "a-economic": TenantSettings(system="economic"),
            "b-dinero": TenantSettings(system="dinero"),
            "c-fortnox": TenantSettings(system="fortnox", country="SE"),
            "d-tripletex": TenantSettings(system="tripletex", country="NO"),
        },
    )
    names = sorted(settings.tenants)
    with open_store(settings.database) as store:
        # Never run: the strictest vendor limit first (Dinero, 100 requests a minute).
        assert longest_first(settings, store, names)[0] == "b-dinero"
        # With history: the last cycle's requests at the vendor's limit.
        at = datetime(2026, 3, 16, 7, tzinfo=UTC)
        for name, requests in (("a-economic", 900_000), ("b-dinero", 50), ("c-fortnox", 60)):
            run = store.start_run(name, dry_run=False, started_at=at)
            store.finish_run(run, status="ok", finished_at=at, summary={"requests": requests})
        order = longest_first(settings, store, names)
    assert order[0] == "a-economic"
    assert set(order) == set(names)


def _scheduled(settings: Settings, tmp_path: Path) -> list[str]:
    store = open_store(tmp_path / "state.sqlite3")
    try:
        scheduler = build_scheduler(settings, store, threading.Event())
        return sorted(job.id for job in scheduler.get_jobs())
    finally:
        store.close()


def test_the_law_update_is_scheduled_only_when_set(tmp_path: Path) -> None:
    off = Settings(database=tmp_path / "state.sqlite3", law_data=tmp_path / "law")
    assert _scheduled(off, tmp_path) == ["cycle"]
    on = Settings(
        database=tmp_path / "state.sqlite3",
        law_data=tmp_path / "law",
        law_update_schedule="15 6 * * *",
        timezone="Europe/Oslo",
    )
    store = open_store(on.database)
    try:
        job = build_scheduler(on, store, threading.Event()).get_job("law-update")
    finally:
        store.close()
    assert job is not None
    assert job.func is update_law_rates
    moment = datetime(2027, 1, 5, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    fire = job.trigger.get_next_fire_time(None, moment)
    assert fire == datetime(2027, 1, 6, 6, 15, tzinfo=ZoneInfo("Europe/Oslo"))


def test_the_scheduled_law_update_never_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing update is logged; the job returns, so the daemon and its cycles go on."""
    import bridge.surfaces.lawupdate  # noqa: PLC0415

    seen: list[tuple[Path, list[str]]] = []

    def broken(directory: Path, countries: list[str], **_kwargs: object) -> list[object]:
        seen.append((directory, countries))
        raise RuntimeError("publisher exploded")

    monkeypatch.setattr(bridge.surfaces.lawupdate, "run_law_update", broken)
    settings = Settings(
        database=tmp_path / "state.sqlite3",
        law_data=tmp_path / "law",
        law_update_schedule="15 6 * * *",
        tenants={
            "a": TenantSettings(system="economic", country="SE"),
            "b": TenantSettings(system="economic", country="DK"),
            "c": TenantSettings(system="economic", country="FI", enabled=False),
        },
    )
    update_law_rates(settings)  # must not raise
    assert seen == [(tmp_path / "law", ["DK", "SE"])]
