"""Settings from an env file and the environment (pydantic-settings), validated at start-up.

Everything is prefixed ``BRIDGE_``; tenants are nested with ``__``::

    BRIDGE_DATABASE=/var/lib/dunning-bridge/state.sqlite3   # or postgresql://bridge@db/bridge
    BRIDGE_SCHEDULE=0 7 * * mon-fri
    BRIDGE_TENANTS__KONTOR__SYSTEM=economic
    BRIDGE_TENANTS__KONTOR__COUNTRY=DK
    BRIDGE_TENANTS__KONTOR__MODE=review
    BRIDGE_TENANTS__KONTOR__POLICY_FILE=/etc/dunning-bridge/kontor.toml

Secrets never live here: they are read through the keyring (bridge/vocab/secrets.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bridge.vocab.domain import Mode
from bridge.vocab.dsn import DatabaseUrl, database_target
from bridge.vocab.errors import ConfigError
from bridge.vocab.option_names import known_options, suggestion
from bridge.vocab.safenames import is_safe_name
from bridge.vocab.schedules import schedule_problem

DEFAULT_ENV_FILE = Path("/etc/dunning-bridge/bridge.env")
KNOWN_COUNTRIES = ("DK", "NO", "SE", "FI")


class TenantSettings(BaseModel):
    """One accounting agreement/company the bridge duns for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str = Field(description="connector key: economic, dinero, fortnox, tripletex")
    country: str = Field(default="DK", description="whose law applies: DK, NO, SE, FI")
    mode: Mode = Mode.REVIEW
    policy_file: Path | None = None
    base_url: str | None = None
    enabled: bool = True
    # Run against the connector's embedded sandbox (state kept in this file) instead of the
    # vendor: for trials and the demo.
    sandbox_state: Path | None = None
    options: dict[str, str] = Field(default_factory=dict)

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in KNOWN_COUNTRIES:
            raise ValueError(
                f"unknown country {value!r}; expected one of {', '.join(KNOWN_COUNTRIES)}"
            )
        return code

    @field_validator("options")
    @classmethod
    def _payment_options(cls, value: dict[str, str]) -> dict[str, str]:
        # IBAN, BIC and the reference options print on every letter: a typo must stop the
        # start-up, not a letter the debtor cannot pay with (bridge/vocab/payref.py).
        from bridge.vocab.payref import check_options  # noqa: PLC0415  (schwifty loads when asked)

        check_options(value)
        return value

    @field_validator("system")
    @classmethod
    def _lower_system(cls, value: str) -> str:
        return value.strip().lower()

    @field_validator("policy_file")
    @classmethod
    def _policy_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"policy file {value} does not exist")
        return value


class Settings(BaseSettings):
    """The daemon's settings."""

    model_config = SettingsConfigDict(
        env_prefix="BRIDGE_",
        env_nested_delimiter="__",
        # Other variables may share the env file (systemd's EnvironmentFile, keyring's own);
        # misspelt BRIDGE_ names are caught by _unknown_names instead.
        extra="ignore",
        frozen=True,
        arbitrary_types_allowed=True,  # DatabaseUrl
    )

    # A SQLite file, or a PostgreSQL URL for several daemons sharing one database (its password
    # is masked wherever the setting is shown; see docs/configuration.md).
    database: DatabaseUrl | Path = Path("/var/lib/dunning-bridge/state.sqlite3")
    schedule: str = Field(default="0 7 * * mon-fri", description="cron expression (5 fields)")
    timezone: str = "Europe/Copenhagen"
    log_format: Literal["json", "console"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # Which keyring backend to use (a class path); empty = keyring's own choice.
    keyring_backend: str = ""
    max_parallel_tenants: int = Field(default=4, ge=1, le=64)
    tenants: dict[str, TenantSettings] = Field(default_factory=dict)
    # Operator metrics (docs/metrics.md), both off unless set: a /metrics endpoint the daemon
    # serves on 127.0.0.1 only, and a file rewritten after every cycle for node_exporter.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_textfile: Path | None = None
    # The operator's law data (docs/law.md): dated rows (reference rates, Norway's inkassosats
    # and compensation) that take precedence over the tables shipped with the package; written
    # by `dunning-bridge law rates set|update`, read again by every cycle.
    law_data: Path | None = None
    # When the daemon runs `law rates update` for the countries of the enabled tenants: a cron
    # expression (5 fields, in ``timezone``). Unset or empty: never (run it by hand).
    law_update_schedule: str | None = None
    # A failed cycle is tried again the same day, for the failed tenants only, after each of
    # these delays (bridge/engine/cycle_retry.py): "15m,1h,3h" by default; "off" for none.
    retry_failed: str = "15m,1h,3h"

    @field_validator("retry_failed")
    @classmethod
    def _retry_delays(cls, value: str) -> str:
        from bridge.vocab.schedules import parse_delays  # noqa: PLC0415

        parse_delays(value)
        return value.strip()

    @field_validator("tenants")
    @classmethod
    def _safe_tenant_names(cls, value: dict[str, TenantSettings]) -> dict[str, TenantSettings]:
        # A tenant name becomes folder and file names (hand-overs, credentials): never a path.
        bad = sorted(name for name in value if not is_safe_name(name))
        if bad:
            raise ValueError(
                f"tenant name(s) {', '.join(map(repr, bad))} not allowed: use 1 to 64 letters, "
                "digits, '_', '.' or '-', starting with a letter or digit"
            )
        return value

    @field_validator("database", mode="before")
    @classmethod
    def _database_url(cls, value: object) -> object:
        # A URL must not become a Path: Path("postgresql://h/db") folds the "//" away, and a
        # URL with a mistyped scheme must not become folders named after its password.
        if isinstance(value, str):
            return database_target(value)
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        # Read as APScheduler will, and one that never fires (0 0 31 2 *) is an error.
        problem = schedule_problem("schedule", value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("law_update_schedule")
    @classmethod
    def _optional_cron(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        text = value.strip()
        problem = schedule_problem("law_update_schedule", text)
        if problem:
            raise ValueError(problem)
        return text

    @model_validator(mode="after")
    def _update_needs_a_folder(self) -> Settings:
        if self.law_update_schedule is not None and self.law_data is None:
            raise ValueError(
                "law_update_schedule needs law_data: set BRIDGE_LAW_DATA to the folder the "
                "update writes to (e.g. /var/lib/dunning-bridge/law)"
            )
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def tenant(self, name: str) -> TenantSettings:
        """Return one tenant's settings or raise ConfigError naming the known ones."""
        try:
            return self.tenants[name]
        except KeyError:
            if not self.tenants:
                raise ConfigError(f"unknown tenant {name!r}: {no_tenants_message()}") from None
            known = ", ".join(sorted(self.tenants))
            raise ConfigError(f"unknown tenant {name!r} (known: {known})") from None


def no_tenants_message(env_file: Path | None = None) -> str:
    """Why there is nothing to work on, and how to try the bridge on the demo instead."""
    path = env_file_path(env_file)
    where = (
        f"{path} names no tenant"
        if path is not None
        else f"no env file was found (--env-file, $BRIDGE_ENV_FILE or {DEFAULT_ENV_FILE})"
    )
    return (
        f"no tenant is configured: {where}. Add one (BRIDGE_TENANTS__<NAME>__SYSTEM=economic, "
        "see docs/configuration.md), or try the bridge on the demo: run `dunning-bridge demo`, "
        "then add `--demo .demo` to this command"
    )


def env_file_path(explicit: Path | None) -> Path | None:
    """Choose the env file: the explicit one, $BRIDGE_ENV_FILE, or the default if it exists."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get("BRIDGE_ENV_FILE")
    if from_env:
        return Path(from_env)
    return DEFAULT_ENV_FILE if DEFAULT_ENV_FILE.is_file() else None


def _names_and_origins(path: Path | None) -> dict[str, tuple[str, str]]:
    """Every BRIDGE_ variable set: its value and where it comes from (env file, environment)."""
    from dotenv import dotenv_values  # noqa: PLC0415

    found: dict[str, tuple[str, str]] = {}
    if path is not None:
        found.update((k, (v or "", str(path))) for k, v in dotenv_values(path).items())
    found.update((k, (v, "environment")) for k, v in os.environ.items())  # the environment wins
    return {
        name: value
        for name, value in found.items()
        if name.upper().startswith("BRIDGE_") and name.upper() != "BRIDGE_ENV_FILE"
    }


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the settings: where it was set, which setting, what is wrong."""

    origin: str  # the env file, "environment", or "settings" for a default
    setting: str  # BRIDGE_... as set
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.setting}: {self.message}"


def _setting_name(loc: tuple[int | str, ...]) -> str:
    return "__".join(["BRIDGE_" + str(loc[0]).upper(), *(str(p).upper() for p in loc[1:])])


Origins = dict[str, tuple[str, str]]


def _origin(setting: str, origins: Origins) -> tuple[str, str]:
    """The setting as spelt where it was set, and where: (name, origin)."""
    for name, (_value, origin) in origins.items():
        if name.upper() == setting.upper():
            return name, origin
    # A nested value (tenants, options) or a default: its nearest set parent.
    for name, (_value, origin) in origins.items():
        if name.upper().startswith(setting.upper() + "__"):
            return setting, origin
    return setting, "settings"


def _unknown_names(origins: Origins) -> list[Problem]:
    """BRIDGE_ variables that name no setting (likely typos), with the nearest setting."""
    fields = {name.upper() for name in Settings.model_fields}
    known = sorted(f"BRIDGE_{name}" for name in fields)
    problems = []
    for name, (_value, origin) in sorted(origins.items()):
        top = name.upper().removeprefix("BRIDGE_").split("__", 1)[0]
        if top not in fields:
            hint = suggestion(f"BRIDGE_{top}", known)
            problems.append(Problem(origin, name, f"unknown setting{hint}"))
    return problems


def _validation_problems(exc: ValidationError, origins: Origins) -> list[Problem]:
    tenant_fields = sorted(name.upper() for name in TenantSettings.model_fields)
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if not loc:
            problems.append(Problem("settings", "settings", str(err["msg"])))
            continue
        message = str(err["msg"]).removeprefix("Value error, ")
        setting = _setting_name(loc)
        named = re.search(r"tenant option '(\w+)'", message)
        if loc[-1] == "options" and named:  # the one option at fault, as set
            setting += "__" + named.group(1).upper()
        name, origin = _origin(setting, origins)
        if err["type"] == "extra_forbidden" and len(loc) == 3 and loc[0] == "tenants":
            message = "unknown tenant setting" + suggestion(str(loc[2]).upper(), tenant_fields)
        elif err["type"] == "missing" and len(loc) == 3 and loc[0] == "tenants":
            message = "required (the tenant's accounting system: economic, dinero, ...)"
        problems.append(Problem(origin, name, message))
    return problems


def _tenant_problems(origins: Origins) -> list[Problem]:
    """Unknown systems and option names no one reads, each with the nearest known name.

    Read from the variables as set, so they are found beside any other problem.
    """
    from bridge.vocab import registry  # noqa: PLC0415

    systems: dict[str, tuple[str, str, str]] = {}  # tenant: (system, setting, origin)
    options: dict[str, list[tuple[str, str, str]]] = {}  # tenant: [(option, setting, origin)]
    for name, (value, origin) in origins.items():
        parts = name.upper().split("__")
        if parts[0] != "BRIDGE_TENANTS" or len(parts) < 3:
            continue
        tenant = parts[1].lower()
        if parts[2] == "SYSTEM" and len(parts) == 3:
            systems[tenant] = (value.strip().lower(), name, origin)
        elif parts[2] == "OPTIONS" and len(parts) == 4:
            options.setdefault(tenant, []).append((parts[3].lower(), name, origin))
    installed, broken = registry.connectors(), registry.broken()
    problems = []
    for tenant, (system, setting, origin) in sorted(systems.items()):
        descriptor = installed.get(system)
        if descriptor is None:
            if system in broken:
                problems.append(Problem(origin, setting, broken[system]))
                continue
            hint = suggestion(system, installed)
            names = ", ".join(sorted(installed)) or "none installed"
            message = f"unknown accounting system {system!r}{hint} (installed: {names})"
            problems.append(Problem(origin, setting, message))
            continue
        known = known_options(system, descriptor.option_names)
        for option, name, where in sorted(options.get(tenant, [])):
            if option not in known:
                problems.append(
                    Problem(
                        where,
                        name,
                        f"unknown option {option!r} for {descriptor.display_name}"
                        + suggestion(option, known),
                    )
                )
    return problems


def settings_problems(env_file: Path | None) -> tuple[Settings | None, list[Problem]]:
    """Read the settings and find every problem at once: names, values, systems, options."""
    path = env_file_path(env_file)
    if path is not None and not path.is_file():
        raise ConfigError(f"env file {path} does not exist")
    try:
        origins = _names_and_origins(path)
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"cannot read env file {path}: {exc}") from None
    problems = _unknown_names(origins) + _tenant_problems(origins)
    try:
        settings = Settings(_env_file=path)
    except ValidationError as exc:
        return None, problems + _validation_problems(exc, origins)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"cannot read env file {path}: {exc}") from None
    return settings, problems


def load_settings(env_file: Path | None = None) -> Settings:
    """Read and validate the settings; every problem, each with its file and setting, in one
    ConfigError (see docs/configuration.md)."""
    settings, problems = settings_problems(env_file)
    problems.sort(key=lambda p: (p.origin, p.setting))
    if problems:
        count = f"{len(problems)} problems" if len(problems) > 1 else "a problem"
        lines = "\n".join(f"  {p}" for p in problems)
        raise ConfigError(f"{count} in the settings (see docs/configuration.md):\n{lines}")
    assert settings is not None
    return settings
