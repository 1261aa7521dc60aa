"""Reading a tenant's connector options (`BRIDGE_TENANTS__<NAME>__OPTIONS__<KEY>`): text in the
env file, typed here once for the core and every connector."""

from __future__ import annotations

from collections.abc import Mapping

from bridge.vocab.errors import ConfigError


def whole_number(options: Mapping[str, str], name: str) -> int | None:
    """The option as an int, None when unset or blank; anything else is a clear ConfigError."""
    value = options.get(name)
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"tenant option {name!r} must be a whole number, not {value!r}") from None
