"""The commands of the accountant's review: pending letters, tasks, confirm and approve."""

from __future__ import annotations

from typing import Annotated

import typer

from bridge.surfaces.cli_options import (
    AsJson,
    Demo,
    EnvFile,
    Tenant,
    Today,
    fail,
    interactive_settings,
    parse_today,
    settings_of,
)

tasks_app = typer.Typer(
    help="Tasks for your people that wait in the bridge (no e-mail, no internal note)."
)


def pending(
    env_file: EnvFile = None, demo: Demo = None, tenant: Tenant = None, as_json: AsJson = False
) -> None:
    """List the letters waiting for review, those not to book, and tasks waiting in the bridge."""
    from bridge.surfaces.review import pending_command  # noqa: PLC0415

    settings = settings_of(env_file, demo, tenants=True)
    raise typer.Exit(pending_command(settings, tenant, as_json=as_json))


@tasks_app.command("list")
def tasks_list(
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    show_all: Annotated[bool, typer.Option("--all", help="those done too")] = False,
    as_json: AsJson = False,
) -> None:
    """List the tasks waiting in the bridge, with their text."""
    from bridge.surfaces.review import tasks_command  # noqa: PLC0415

    settings = settings_of(env_file, demo, tenants=True)
    raise typer.Exit(tasks_command(settings, tenant, show_all=show_all, as_json=as_json))


@tasks_app.command("done")
def tasks_done(
    tenant: Annotated[str, typer.Argument(help="tenant name from the env file")],
    keys: Annotated[list[str], typer.Argument(help="task keys (a unique prefix will do)")],
    note: Annotated[str, typer.Option(help="what was done")] = "",
    env_file: EnvFile = None,
    demo: Demo = None,
) -> None:
    """Mark tasks done: they leave `pending` and the report."""
    from bridge.surfaces.review import task_done_command  # noqa: PLC0415

    raise typer.Exit(
        task_done_command(settings_of(env_file, demo, tenants=True), tenant, keys, note)
    )


def confirm(
    tenant: Annotated[str, typer.Argument(help="tenant name from the env file")],
    key: Annotated[str, typer.Argument(help="the key `pending` shows (a unique prefix will do)")],
    sent: Annotated[bool, typer.Option("--sent", help="it arrived: record it as sent")] = False,
    rejected: Annotated[
        bool, typer.Option("--rejected", help="written as a draft, then deleted by you")
    ] = False,
    not_sent: Annotated[
        bool,
        typer.Option(
            "--not-sent",
            help="it never arrived: the next cycle writes it again "
            "(a task e-mail: sent again once by the next cycle)",
        ),
    ] = False,
    note: Annotated[str, typer.Option(help="how you know, for the audit log")] = "",
    env_file: EnvFile = None,
    demo: Demo = None,
    as_json: AsJson = False,
) -> None:
    """Settle a write the bridge could not confirm (listed by `pending`).

    --not-sent on a letter: cancelled, and the next cycle writes it again. On a task e-mail
    (a credit hold or task for your own people): the same e-mail is sent again once by the
    next cycle; should that run stop mid-send, it is asked about again, never sent a third time.
    """
    from bridge.surfaces.confirm import confirm_command  # noqa: PLC0415

    chosen = [v for v, on in (("sent", sent), ("rejected", rejected), ("not-sent", not_sent)) if on]
    if len(chosen) != 1:
        raise fail("say exactly one of --sent, --rejected, --not-sent")
    settings = settings_of(env_file, demo, tenants=True)
    raise typer.Exit(confirm_command(settings, tenant, key, chosen[0], note, as_json=as_json))


def approve(
    tenant: Annotated[str, typer.Argument(help="tenant name from the env file")],
    keys: Annotated[list[str], typer.Argument(help="letter keys (a unique prefix will do)")],
    env_file: EnvFile = None,
    demo: Demo = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Approve proposals the accounting system cannot hold as drafts (Tripletex): send them."""
    from bridge.surfaces.review import approve_command  # noqa: PLC0415

    settings = interactive_settings(env_file, demo, tenants=True)
    raise typer.Exit(approve_command(settings, tenant, keys, parse_today(today), as_json=as_json))
