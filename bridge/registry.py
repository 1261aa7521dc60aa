"""Discover connectors through the ``dunning_bridge.connectors`` entry-point group.

The core never imports a connector by name; it asks this registry for a descriptor.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from bridge.connector import ConnectorDescriptor
from bridge.errors import ConfigError

GROUP = "dunning_bridge.connectors"


@cache
def connectors() -> dict[str, ConnectorDescriptor]:
    """Load every registered connector descriptor, checking each one's wiring."""
    found: dict[str, ConnectorDescriptor] = {}
    for ep in entry_points(group=GROUP):
        try:
            obj = ep.load()
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"connector {ep.name!r} cannot be loaded: {exc}") from exc
        if not isinstance(obj, ConnectorDescriptor):
            raise ConfigError(f"entry point {ep.name!r} is not a ConnectorDescriptor")
        if obj.key != ep.name:
            raise ConfigError(f"entry point {ep.name!r} names a connector keyed {obj.key!r}")
        found[ep.name] = obj
    return found


def connector(system: str) -> ConnectorDescriptor:
    """Return the descriptor for ``system`` or raise ConfigError naming the known ones."""
    known = connectors()
    try:
        return known[system]
    except KeyError:
        names = ", ".join(sorted(known)) or "none installed"
        raise ConfigError(f"unknown accounting system {system!r} (installed: {names})") from None
