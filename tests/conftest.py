"""Shared fixtures: every test runs with an in-memory keyring and no BRIDGE_ settings leaking in."""

from __future__ import annotations

import os
from collections.abc import Iterator

import keyring
import pytest
import structlog
from hypothesis import HealthCheck, settings

from bridge.secrets import MemoryKeyring

# Hypothesis profiles. "dev" (the default) is quick and random, so each run tries new examples;
# "ci" (chosen when CI=true) tries more and derandomizes, so a CI run is repeatable: the same
# commit draws the same examples. HYPOTHESIS_PROFILE picks one by name (scripts/law_mutants.py
# uses "mutants"). Suites that leave max_examples to the profile get these numbers; a test that
# sets its own keeps it. docs/testing.md describes them.
settings.register_profile("dev", deadline=None, max_examples=30)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=80,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "mutants",
    deadline=None,
    max_examples=150,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Install a fresh in-memory keyring: tests never touch the OS keychain."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop BRIDGE_* and credential variables from the environment of each test."""
    for name in list(os.environ):
        if name.startswith("BRIDGE_") or name == "CREDENTIALS_DIRECTORY":
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def fresh_logging() -> Iterator[None]:
    """Undo a test's logging set-up: a logger bound to a closed capture stream breaks the next."""
    yield
    structlog.reset_defaults()


@pytest.fixture(autouse=True)
def _no_operator_law_data() -> Iterator[None]:
    """Each test starts with the shipped law tables only (a test may point at its own rows)."""
    from policies.law import use_data_dir  # noqa: PLC0415

    use_data_dir(None)
    yield
    use_data_dir(None)
