"""Discover connectors through the ``dunning_bridge.connectors`` entry-point group.

The core never imports a connector by name; it asks this registry for a descriptor. A connector
that fails to load stops only the tenants that use it: the error is kept and raised when (and
only when) that system is asked for.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from bridge.vocab.connector import ConnectorDescriptor
from bridge.vocab.errors import ConfigError

GROUP = "dunning_bridge.connectors"


@cache
def _load() -> tuple[dict[str, ConnectorDescriptor], dict[str, str]]:
    found: dict[str, ConnectorDescriptor] = {}
    broken: dict[str, str] = {}
    for ep in entry_points(group=GROUP):
        try:
            obj = ep.load()
        except (ImportError, AttributeError) as exc:
            broken[ep.name] = f"connector {ep.name!r} cannot be loaded: {exc}"
            continue
        if not isinstance(obj, ConnectorDescriptor):
            broken[ep.name] = f"entry point {ep.name!r} is not a ConnectorDescriptor"
        elif obj.key != ep.name:
            broken[ep.name] = f"entry point {ep.name!r} names a connector keyed {obj.key!r}"
        else:
            found[ep.name] = obj
    return found, broken


def connectors() -> dict[str, ConnectorDescriptor]:
    """Every connector descriptor that loaded, by system key."""
    return dict(_load()[0])


def broken() -> dict[str, str]:
    """Registered connectors that failed to load, with the reason (shown by `doctor`)."""
    return dict(_load()[1])


def connector(system: str) -> ConnectorDescriptor:
    """Return the descriptor for ``system`` or raise ConfigError saying why there is none."""
    known, failed = _load()
    if system in known:
        return known[system]
    if system in failed:
        raise ConfigError(failed[system])
    names = ", ".join(sorted(known)) or "none installed"
    raise ConfigError(f"unknown accounting system {system!r} (installed: {names})")
