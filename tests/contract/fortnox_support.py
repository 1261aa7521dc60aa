"""Fixtures the Fortnox contract tests share with tests/connectors/fortnox (imported by name)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.infra import retry
from bridge.vocab import registry
from bridge.vocab.connector import ConnectorDescriptor
from connectors.fortnox import CONNECTOR, auth, memory


@pytest.fixture(autouse=True)
def fortnox_clean_state() -> Iterator[None]:
    """No retry waits, and no token or remembered read carried over from another test."""
    retry.set_waits(False)
    auth.forget_tokens()
    memory.forget_memory()
    yield
    retry.set_waits(True)
    auth.forget_tokens()
    memory.forget_memory()


def register(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the registry find this connector even where the installed metadata predates it."""
    real = registry.connector

    def connector(system: str) -> ConnectorDescriptor:
        return CONNECTOR if system == "fortnox" else real(system)

    monkeypatch.setattr(registry, "connector", connector)


@pytest.fixture
def fortnox_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry knows this connector for the test."""
    register(monkeypatch)
