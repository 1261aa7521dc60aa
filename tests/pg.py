"""A real PostgreSQL server for the store's tests, started by the test set-up, not a mock.

``pg_server`` (session scope, so once per xdist worker) runs ``initdb`` and ``pg_ctl`` from
/usr/lib/postgresql/*/bin in a fresh temporary folder, listening only on a unix socket inside
that folder with trust authentication, and stops and deletes it at the end. PostgreSQL refuses
to run as root, so under root the cluster belongs to the ``postgres`` system user (``runuser``).
Where the binaries, the driver or the user are missing, or the server will not start, every
test that needs it is skipped with the reason; under CI (CI=true) it fails instead
(tests/ci.py, docs/testing.md).

``pg_url`` gives each test its own schema (``search_path`` in the URL), dropped afterwards: a
schema costs milliseconds where a database costs a file copy.

Import the fixtures into a test module: ``from tests.pg import pg_server, pg_url``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.ci import skip_or_fail

_PORT = 5432  # only names the socket file: nothing listens on TCP


@dataclass(frozen=True)
class PgServer:
    """A running test cluster reachable through its unix socket."""

    socket_dir: Path
    port: int = _PORT

    def url(self, dbname: str = "postgres", *, schema: str | None = None) -> str:
        """A ``postgresql://`` URL for the database (and schema) as the superuser."""
        url = f"postgresql://postgres@/{dbname}?host={quote(str(self.socket_dir))}&port={self.port}"
        if schema is not None:
            url += "&options=" + quote(f"-csearch_path={schema}")
        return url


def _bindir() -> Path | None:
    explicit = os.environ.get("BRIDGE_TEST_PG_BIN")
    candidates = [explicit] if explicit else sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    for folder in reversed([c for c in candidates if c]):
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def _as_server_user(argv: list[str]) -> list[str]:
    """Run as ``postgres`` when we are root (the server refuses root), else as ourselves."""
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


def server_missing() -> str | None:
    """The reason no test server can run here (driver, binaries, user), or None."""
    try:
        import psycopg  # noqa: F401, PLC0415
    except ImportError:
        return "psycopg is not installed (pip install 'dunning-bridge[postgres]')"
    if _bindir() is None:
        return "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl)"
    if os.geteuid() == 0:
        import pwd  # noqa: PLC0415

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def _start(root: Path) -> PgServer | str:
    """Start a cluster under ``root``; return it, or the reason it cannot run here."""
    missing = server_missing()
    if missing is not None:
        return missing
    bindir = _bindir()
    assert bindir is not None
    if os.geteuid() == 0:
        import pwd  # noqa: PLC0415

        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    data = root / "data"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    steps = [
        [
            *(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"),
            *("-E", "UTF8", "--no-sync", "--no-instructions"),
        ],
        [
            *(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w"),
            *("-t", "30", "-o", _server_options(root), "start"),
        ],
    ]
    for argv in steps:
        done = subprocess.run(
            _as_server_user(argv), capture_output=True, text=True, env=env, check=False
        )
        if done.returncode != 0:
            log = root / "server.log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            return f"{Path(argv[0]).name} failed: {done.stderr.strip()[-800:]} {tail}".strip()
    return PgServer(socket_dir=root)


def _server_options(root: Path) -> str:
    # Unix socket only, in our own folder; durability off: a test cluster is thrown away.
    return (
        f"-c listen_addresses='' -k {root} -p {_PORT} -F"
        " -c full_page_writes=off -c synchronous_commit=off -c max_connections=200"
    )


def _stop(root: Path) -> None:
    bindir = _bindir()
    if bindir is not None and (root / "data" / "postmaster.pid").exists():
        subprocess.run(
            _as_server_user(
                [str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "stop"]
            ),
            capture_output=True,
            check=False,
            timeout=60,
        )
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for this test session (skips with the reason when it cannot run)."""
    root = Path(tempfile.mkdtemp(prefix="bridge-pg-"))
    try:
        started = _start(root)
        if isinstance(started, str):
            skip_or_fail(f"PostgreSQL tests skipped: {started}")
        yield started
    finally:
        _stop(root)


def admin(server: PgServer):  # type: ignore[no-untyped-def]
    """An autocommit superuser connection to the server's ``postgres`` database."""
    import psycopg  # noqa: PLC0415

    return psycopg.connect(server.url(), autocommit=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A URL whose ``search_path`` is a schema of this test's own, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with admin(pg_server) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield pg_server.url(schema=schema)
    with admin(pg_server) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
