"""What a CI run refuses to skip: the PostgreSQL server and ../shared (docs/testing.md).

On a developer's machine a test whose PostgreSQL server or vendor specs are missing is skipped
with the reason. In CI (``CI=true``) both are provided (.ci/run, scripts/ensure_postgres.sh and
the copy of shared/ beside the clone), so a missing one means the run would pass while checking
nothing: ``skip_or_fail`` fails the test instead, and tests/conftest.py stops the session at
its start when either is absent.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The research and vendor specs beside the clone; DUNNING_BRIDGE_SHARED names another place.
SHARED = Path(os.environ.get("DUNNING_BRIDGE_SHARED", ROOT.parent / "shared"))


def in_ci() -> bool:
    """Tell whether this run is CI's (CI=true), which must not skip for a missing service."""
    return os.environ.get("CI", "").strip().lower() == "true"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the calling test with ``reason``; fail it instead under CI."""
    __tracebackhide__ = True  # report the caller's line, not this one
    if in_ci():
        pytest.fail(f"{reason}; CI=true refuses to skip this (docs/testing.md)", pytrace=False)
    pytest.skip(reason)


def missing_in_ci() -> list[str]:
    """What CI needs and this machine lacks: ../shared, the PostgreSQL server binaries."""
    from tests import pg  # noqa: PLC0415

    missing = []
    for part in ("reference/law.md", "vendor-specs"):
        if not (SHARED / part).exists():
            missing.append(f"{SHARED / part} (../shared beside the clone)")
    if pg.server_missing() is not None:
        missing.append(f"PostgreSQL: {pg.server_missing()} (scripts/ensure_postgres.sh)")
    return missing
