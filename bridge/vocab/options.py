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


# Invoices not yet due but due within this many days are read, for the pre-due notices.
DEFAULT_PRE_DUE_DAYS = 5


def pre_due_days(options: Mapping[str, str]) -> int:
    """The tenant option ``pre_due_days`` (default 5), the same for every connector."""
    found = whole_number(options, "pre_due_days")
    return DEFAULT_PRE_DUE_DAYS if found is None else found
