"""Settings from an env file and the environment (pydantic-settings), validated at start-up.

Everything is prefixed ``BRIDGE_``; tenants are nested with ``__``::

    BRIDGE_DATABASE=/var/lib/dunning-bridge/state.sqlite3   # or postgresql://bridge@db/bridge
    BRIDGE_SCHEDULE=0 7 * * mon-fri
    BRIDGE_TENANTS__KONTOR__SYSTEM=economic
    BRIDGE_TENANTS__KONTOR__COUNTRY=DK
    BRIDGE_TENANTS__KONTOR__MODE=review
    BRIDGE_TENANTS__KONTOR__POLICY_FILE=/etc/dunning-bridge/kontor.toml

Secrets never live here: they are read through the keyring (bridge/secrets.py).
"""

from __future__ import annotations

import os
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

from bridge.domain import Mode
from bridge.dsn import DatabaseUrl, database_target
from bridge.errors import ConfigError
from bridge.safenames import is_safe_name
from bridge.startcheck import schedule_problem

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
        # start-up, not a letter the debtor cannot pay with (bridge/payref.py).
        from bridge.payref import check_options  # noqa: PLC0415  (schwifty loads when asked)

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
    # these delays (bridge/cycle_retry.py): "15m,1h,3h" by default; "off" for none.
    retry_failed: str = "15m,1h,3h"

    @field_validator("retry_failed")
    @classmethod
    def _retry_delays(cls, value: str) -> str:
        from bridge.cycle_retry import parse_delays  # noqa: PLC0415

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
            known = ", ".join(sorted(self.tenants)) or "none configured"
            raise ConfigError(f"unknown tenant {name!r} (known: {known})") from None


def env_file_path(explicit: Path | None) -> Path | None:
    """Choose the env file: the explicit one, $BRIDGE_ENV_FILE, or the default if it exists."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get("BRIDGE_ENV_FILE")
    if from_env:
        return Path(from_env)
    return DEFAULT_ENV_FILE if DEFAULT_ENV_FILE.is_file() else None


def _unknown_names(path: Path | None) -> list[str]:
    """List BRIDGE_ variables (env file and environment) that name no setting: likely typos."""
    from dotenv import dotenv_values  # noqa: PLC0415

    names = set(os.environ)
    if path is not None:
        names.update(dotenv_values(path))
    fields = {name.upper() for name in Settings.model_fields}
    unknown = []
    for name in sorted(names):
        if not name.upper().startswith("BRIDGE_") or name.upper() == "BRIDGE_ENV_FILE":
            continue
        top = name.upper().removeprefix("BRIDGE_").split("__", 1)[0]
        if top not in fields:
            unknown.append(name)
    return unknown


def load_settings(env_file: Path | None = None) -> Settings:
    """Read and validate the settings; every problem becomes one clear ConfigError."""
    path = env_file_path(env_file)
    if path is not None and not path.is_file():
        raise ConfigError(f"env file {path} does not exist")
    try:
        unknown = _unknown_names(path)
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"cannot read env file {path}: {exc}") from None
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(unknown)}; see docs/configuration.md")
    try:
        return Settings(_env_file=path)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        where = f" in {path}" if path else ""
        raise ConfigError(f"invalid settings{where}: {problems}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"cannot read env file {path}: {exc}") from None
