"""The connector registry: every connector package is registered, loads, and keeps its shape."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bridge.vocab import registry
from bridge.vocab.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
# The file vocabulary every connector shares, so knowing one means knowing all four.
VOCABULARY = (
    "__init__.py",
    "auth.py",
    "client.py",
    "mapping.py",
    "writer.py",
    "session.py",
    "sandbox/__init__.py",
    "sandbox/server.py",
    "sandbox/demo_company.py",
    "QUALITY.toml",
)


# A session in parts names them alike in every connector (docs/architecture.md).
SESSION_PARTS = ("state.py", "fetch.py", "recheck.py", "apply.py", "readback.py", "withdraw.py")


def _declared() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points: dict[str, str] = project["project"]["entry-points"]["dunning_bridge.connectors"]
    return entry_points


def test_every_connector_package_is_declared() -> None:
    packages = {p.name for p in (ROOT / "connectors").iterdir() if (p / "__init__.py").is_file()}
    assert set(_declared()) == packages
    for name, target in _declared().items():
        assert target == f"connectors.{name}:CONNECTOR"


def test_every_declared_connector_loads() -> None:
    assert registry.broken() == {}
    assert set(registry.connectors()) == set(_declared())


@pytest.mark.parametrize("system", sorted(registry.connectors()))
def test_connectors_share_one_file_vocabulary(system: str) -> None:
    folder = ROOT / "connectors" / system
    missing = [name for name in VOCABULARY if not (folder / name).is_file()]
    assert missing == []
    quality = tomllib.loads((folder / "QUALITY.toml").read_text(encoding="utf-8"))
    economic = tomllib.loads(
        (ROOT / "connectors" / "economic" / "QUALITY.toml").read_text(encoding="utf-8")
    )
    assert set(quality["rules"]) == set(economic["rules"])
    for rule in quality["rules"].values():
        assert rule["status"] in {"done", "todo", "exempt"}
        assert rule["why"]


def test_a_session_in_parts_has_every_part() -> None:
    split = [
        s for s in sorted(registry.connectors()) if (ROOT / "connectors" / s / "state.py").is_file()
    ]
    assert {"dinero", "economic", "fortnox", "tripletex"} <= set(split)
    for system in split:
        folder = ROOT / "connectors" / system
        assert [name for name in SESSION_PARTS if not (folder / name).is_file()] == [], system


def test_an_unknown_system_names_the_installed_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown accounting system 'visma-erp'.*economic"):
        registry.connector("visma-erp")
