"""Secrets never reach logs, errors, --json output, the database, process arguments or tracebacks.

A full cycle runs against the e-conomic sandbox with known, distinctive token values read from a
file keyring (the headless-server backend); then every place a secret could leak is searched.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra.http import build_client
from bridge.infra.logs import configure
from bridge.store import open_store
from bridge.surfaces.commands import outcome_dict
from bridge.vocab.errors import ConfigError
from bridge.vocab.redact import forget_secrets
from bridge.vocab.secrets import TenantSecrets
from bridge.vocab.settings import TenantSettings
from connectors.economic.auth import AGREEMENT_GRANT, APP_SECRET
from connectors.economic.sandbox.server import EconomicSandbox
from connectors.economic.session import EconomicSession

TODAY = date(2026, 3, 16)
APP = "app-7f3a9c1e5b2d4a6f8e0c"
GRANT = "grant-2b4d6f8a0c1e3a5b7d9f"
BIN = Path(sys.executable).parent / "dunning-bridge"


@pytest.fixture
def file_keyring(tmp_path: Path) -> PlaintextKeyring:
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)
    return ring


def _sandbox() -> EconomicSandbox:
    sandbox = EconomicSandbox.demo(TODAY)
    sandbox.APP_SECRET = APP  # type: ignore[misc]  # this sandbox takes our test tokens
    sandbox.GRANT = GRANT  # type: ignore[misc]
    return sandbox


def _run(tmp_path: Path, sandbox: EconomicSandbox) -> tuple[str, str]:
    """One cycle with keyring secrets; return (its --json output, the database bytes)."""
    tenant = TenantSettings(system="economic", country="DK")
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = run_tenant(
            store,
            "kontor",
            tenant,
            CycleOptions(
                today=TODAY,
                now=datetime.combine(TODAY, time(7), tzinfo=UTC),
                transport=sandbox.transport(),
            ),
        )
        output = json.dumps(outcome_dict(outcome))
    database = b"".join(p.read_bytes() for p in tmp_path.glob("db.sqlite3*"))
    return output, database.decode("latin-1")


def _assert_clean(*texts: str) -> None:
    for text in texts:
        assert APP not in text
        assert GRANT not in text


@pytest.fixture(autouse=True)
def _forget() -> None:
    forget_secrets()


def test_a_full_cycle_leaks_no_secret(
    tmp_path: Path, file_keyring: PlaintextKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    secrets = TenantSecrets("kontor")
    secrets.set(APP_SECRET, APP)
    secrets.set(AGREEMENT_GRANT, GRANT)
    configure("json", "debug")
    output, database = _run(tmp_path, _sandbox())
    logs = capsys.readouterr()
    assert json.loads(output)["written"], "the cycle must have done real work"
    assert "http.request" in logs.err
    _assert_clean(output, database, logs.out, logs.err)
    # The token file and the database are the owner's alone.
    assert stat.S_IMODE(Path(file_keyring.file_path).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "db.sqlite3").stat().st_mode) == 0o600


def test_rejected_tokens_and_crashes_leak_nothing(
    tmp_path: Path,
    file_keyring: PlaintextKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secrets = TenantSecrets("kontor")
    secrets.set(APP_SECRET, APP)
    secrets.set(AGREEMENT_GRANT, "grant-that-the-sandbox-refuses-0001")
    configure("json", "debug")
    output, _ = _run(tmp_path / "refused", _sandbox())
    assert json.loads(output)["status"] == "error"
    # A bug whose message quotes a token: the traceback in the log is scrubbed too.
    secrets.set(AGREEMENT_GRANT, GRANT)

    def explode(self: EconomicSession, today: date, since: datetime | None) -> None:
        raise RuntimeError(f"unexpected answer for grant {GRANT} and app {APP}")

    monkeypatch.setattr(EconomicSession, "fetch", explode)
    output, database = _run(tmp_path / "crash", _sandbox())
    logs = capsys.readouterr()
    assert "cycle.crashed" in logs.err
    assert "Traceback" in logs.err
    assert "RuntimeError" in output
    _assert_clean(output, database, logs.out, logs.err)
    assert "grant-that-the-sandbox-refuses-0001" not in logs.err + output


def test_secrets_set_takes_the_value_on_stdin_not_in_arguments(tmp_path: Path) -> None:
    """`secrets set` never needs the value as an argument, so it never shows in `ps`."""
    env_file = tmp_path / "bridge.env"
    env_file.write_text(
        f"BRIDGE_DATABASE={tmp_path}/db.sqlite3\n"
        "BRIDGE_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring\n"
        "BRIDGE_TENANTS__KONTOR__SYSTEM=economic\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(BIN), "secrets", "set", "kontor", APP_SECRET, "--stdin", "--env-file", str(env_file)],
        input=APP + "\n",
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    _assert_clean(done.stdout, done.stderr)
    stored = list(tmp_path.rglob("keyring_pass.cfg"))
    assert stored, "the file keyring holds the value"
    assert stat.S_IMODE(stored[0].stat().st_mode) == 0o600


def test_tls_cannot_be_bypassed_with_plain_http() -> None:
    with pytest.raises(ConfigError, match="https"):
        build_client(base_url="http://restapi.e-conomic.com", auth=None)
    build_client(base_url="http://127.0.0.1:8080", auth=None).close()  # a local test server
