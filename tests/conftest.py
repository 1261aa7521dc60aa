"""Shared fixtures: every test runs with an in-memory keyring and no BRIDGE_ settings leaking in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import keyring
import pytest
import structlog
from hypothesis import HealthCheck, settings

from bridge.vocab.secrets import MemoryKeyring
from tests.ci import in_ci, missing_in_ci

# Hypothesis profiles. "dev" (the default) keeps Hypothesis' 100 examples and random draws, so
# each run tries new examples; "ci" (chosen when CI=true) doubles them and derandomizes, so a
# CI run is repeatable: the same commit draws the same examples. HYPOTHESIS_PROFILE picks one by
# name ("mutants" is scripts/law_mutants.py's). A test that sets max_examples itself keeps it;
# the property suites scale theirs with the profile (tests/policies/boundaries.py examples()).
# docs/testing.md describes them.
settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=200,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "mutants",
    deadline=None,
    max_examples=375,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
)


def pytest_configure(config: pytest.Config) -> None:
    """Under CI, stop at once when the PostgreSQL server or ../shared is missing.

    Without them 66 store tests and 231 contract tests would skip and the run still pass;
    CI provides both, so their absence is a broken set-up, not a reason to skip.
    """
    if in_ci() and not hasattr(config, "workerinput"):  # once, in the controlling process
        # The rotating slow fault cell (tests/faults/conftest.py): the same day in every worker.
        os.environ.setdefault("FAULT_ROTATION", str(date.today().toordinal()))
        missing = missing_in_ci()
        if missing:
            raise pytest.UsageError(
                "CI=true and the tests would skip for lack of: "
                + "; ".join(missing)
                + " (docs/testing.md, 'What CI refuses to skip')"
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
