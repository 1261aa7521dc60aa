"""The commands that set up and look after an installation: init, doctor, secrets, tenants."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bridge.surfaces.cli_options import (
    AsJson,
    Demo,
    EnvFile,
    Today,
    fail,
    interactive_settings,
    parse_today,
    settings_of,
)

secrets_app = typer.Typer(help="Store and check the credentials of each tenant (keyring).")


tenants_app = typer.Typer(help="Tenants in the store: move a renamed tenant's history.")


def init(
    folder: Annotated[
        Path, typer.Option("--dir", help="the folder to write into (created when missing)")
    ] = Path(),
    force: Annotated[bool, typer.Option("--force", help="replace files that exist")] = False,
) -> None:
    """Write the example env file, policy and systemd unit for this installation.

    The unit starts this installation's executable; install the files as docs/operations.md
    shows. Existing files are kept unless --force.
    """
    from bridge.surfaces.starter import write_examples  # noqa: PLC0415
    from bridge.vocab.errors import ConfigError  # noqa: PLC0415

    try:
        written = write_examples(folder, force=force)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo("next: edit the env file and the policy; docs/operations.md installs them")


def doctor(
    env_file: EnvFile = None,
    demo: Demo = None,
    as_json: AsJson = False,
    today: Today = None,
    start: Annotated[
        bool,
        typer.Option(
            "--start",
            help="before the daemon starts (ExecStartPre): fail only on the daemon's own "
            "problems, not on one tenant's",
        ),
    ] = False,
) -> None:
    """Check configuration, secrets, database and connectivity; exit 1 if anything is wrong.

    The daemon's own problems (database, schedule, no tenant) are listed first; a tenant's
    problem stops only that tenant, and with --start does not fail the check. Law tables that
    end within 30 days or weakly sourced rates in use are warnings (exit 0).
    """
    from bridge.surfaces.doctor import run_doctor  # noqa: PLC0415

    settings = interactive_settings(env_file, demo)
    raise typer.Exit(run_doctor(settings, as_json=as_json, today=parse_today(today), start=start))


def authorize(
    tenant: Annotated[str, typer.Argument(help="tenant name from the env file")],
    option: Annotated[
        list[str] | None,
        typer.Option("--option", help="connector option KEY=VALUE, e.g. client_id=..."),
    ] = None,
    env_file: EnvFile = None,
) -> None:
    """One-time OAuth consent (Dinero): open the printed address, paste the code back."""
    from bridge.surfaces.authorize import authorize_command  # noqa: PLC0415

    settings = interactive_settings(env_file, None)
    raise typer.Exit(authorize_command(settings, tenant, option or []))


@secrets_app.command("set")
def secrets_set(
    tenant: Annotated[str, typer.Argument(help="tenant name from the env file")],
    name: Annotated[str, typer.Argument(help="secret name, e.g. agreement_grant_token")],
    stdin: Annotated[
        bool, typer.Option("--stdin", help="read the value from standard input")
    ] = False,
    env_file: EnvFile = None,
) -> None:
    """Store a secret in the keyring (prompted without echo, or from stdin)."""
    from bridge.surfaces.commands import secrets_set_command  # noqa: PLC0415

    settings = settings_of(env_file, None)
    value = sys.stdin.readline().strip() if stdin else typer.prompt(f"{name}", hide_input=True)
    raise typer.Exit(secrets_set_command(settings, tenant, name, value))


@secrets_app.command("rotate-store-key")
def secrets_rotate_store_key(
    stdin: Annotated[
        bool,
        typer.Option(
            "--stdin",
            help="read the new key from standard input (to store the same on other machines)",
        ),
    ] = False,
    env_file: EnvFile = None,
) -> None:
    """Make a new store key and re-seal every token the database keeps (stop the daemons)."""
    from bridge.surfaces.rekey import rotate_command  # noqa: PLC0415

    settings = settings_of(env_file, None)
    value = sys.stdin.readline().strip() if stdin else None
    raise typer.Exit(rotate_command(settings, value))


@secrets_app.command("check")
def secrets_check(
    tenant: Annotated[str | None, typer.Argument(help="only this tenant")] = None,
    env_file: EnvFile = None,
    as_json: AsJson = False,
) -> None:
    """Tell which secrets each tenant still lacks (values are never shown)."""
    from bridge.surfaces.commands import secrets_check_command  # noqa: PLC0415

    raise typer.Exit(secrets_check_command(settings_of(env_file, None), tenant, as_json=as_json))


@tenants_app.command("rename")
def tenants_rename(
    old: Annotated[str, typer.Argument(help="the tenant's name the store knows it by")],
    new: Annotated[str, typer.Argument(help="its new name in the env file")],
    env_file: EnvFile = None,
    demo: Demo = None,
) -> None:
    """Move every row of tenant OLD to NEW, after renaming it in the env file."""
    from bridge.surfaces.rename import rename_command  # noqa: PLC0415

    raise typer.Exit(rename_command(settings_of(env_file, demo, tenants=True), old, new))
