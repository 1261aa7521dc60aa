"""The options and helpers every command of the command line shares."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

EnvFile = Annotated[
    Path | None,
    typer.Option(
        "--env-file", help="env file (default $BRIDGE_ENV_FILE or /etc/dunning-bridge/bridge.env)"
    ),
]


Demo = Annotated[
    Path | None,
    typer.Option("--demo", help="work on the demo's folder (e.g. .demo) instead of the env file"),
]


Tenant = Annotated[str | None, typer.Option("--tenant", "-t", help="only this tenant")]


AsJson = Annotated[bool, typer.Option("--json", help="machine-readable output")]


Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="list each letter read back, not only the count")
]


Today = Annotated[
    str | None, typer.Option("--today", help="pretend today is this date (YYYY-MM-DD)")
]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def parse_today(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).astimezone().date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"--today {value!r} is not a date (YYYY-MM-DD)") from None


def parse_day(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def emit_json(data: Any) -> None:
    from bridge.vocab.redact import redact_strings  # noqa: PLC0415

    # Masked per value as well as per line: a value is whole here, whatever its length.
    typer.echo(json.dumps(redact_strings(data), indent=2, ensure_ascii=False))


def settings_of(env_file: Path | None, demo: Path | None, *, tenants: bool = False) -> Any:
    """The settings, every problem said at once; ``tenants``: the command needs a tenant."""
    from bridge.surfaces.workspace import resolve  # noqa: PLC0415
    from bridge.vocab.errors import ConfigError  # noqa: PLC0415
    from bridge.vocab.secrets import use_backend  # noqa: PLC0415
    from bridge.vocab.settings import no_tenants_message  # noqa: PLC0415

    try:
        settings = resolve(env_file, demo)
        use_backend(settings.keyring_backend)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    if tenants and not settings.tenants:
        # An empty plan, report or "invoice not found" would hide the real cause.
        raise fail(no_tenants_message(env_file))
    return settings


def interactive_settings(env_file: Path | None, demo: Path | None, *, tenants: bool = False) -> Any:
    """The settings of a command a person runs at a terminal, its logs started for them."""
    settings = settings_of(env_file, demo, tenants=tenants)
    start_logs(settings, interactive=True)
    return settings


def start_logs(settings: Any, *, interactive: bool) -> None:
    from bridge.infra.logs import configure  # noqa: PLC0415

    configure(
        settings.log_format if not interactive else "console", settings.log_level, quiet=interactive
    )
