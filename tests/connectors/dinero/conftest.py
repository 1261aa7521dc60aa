"""Fixtures of the Dinero tests: the demo sandbox, no retry waits, no hints between tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.infra import retry
from connectors.dinero.readback import forget_hints
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import TODAY


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Find the connector even where the installed metadata predates its entry point."""
    from bridge.vocab import registry  # noqa: PLC0415
    from connectors.dinero import CONNECTOR  # noqa: PLC0415

    original = registry.connector
    monkeypatch.setattr(
        registry, "connector", lambda key: CONNECTOR if key == "dinero" else original(key)
    )


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    forget_hints()
    yield
    retry.set_waits(True)
    forget_hints()


@pytest.fixture
def sandbox() -> DineroSandbox:
    return DineroSandbox.demo(TODAY)
