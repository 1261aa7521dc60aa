"""The commands that run cycles: demo, cycle, plan, simulate and run (the daemon)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bridge.surfaces.cli_options import (
    AsJson,
    Demo,
    EnvFile,
    Tenant,
    Today,
    Verbose,
    interactive_settings,
    parse_today,
    settings_of,
    start_logs,
)


def demo(
    state: Annotated[Path, typer.Option(help="folder for the demo's database and sandbox")] = Path(
        ".demo"
    ),
    system: Annotated[
        str | None,
        typer.Option(help="accounting system whose sandbox to run (default: e-conomic)"),
    ] = None,
    today: Today = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Run one full cycle against an embedded sandbox and show what it did."""
    from bridge.surfaces.demo import run_demo  # noqa: PLC0415

    raise typer.Exit(
        run_demo(state, parse_today(today), system=system, as_json=as_json, verbose=verbose)
    )


def cycle(
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="decide and show, write nothing")
    ] = False,
    today: Today = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Run one cycle now for every tenant (or one)."""
    from bridge.surfaces.commands import run_cycle_command  # noqa: PLC0415

    settings = interactive_settings(env_file, demo, tenants=True)
    raise typer.Exit(
        run_cycle_command(
            settings, tenant, parse_today(today), dry_run=dry_run, as_json=as_json, verbose=verbose
        )
    )


def plan(
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    today: Today = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Show what the next cycle would do and why (a dry run)."""
    cycle(env_file, demo, tenant, dry_run=True, today=today, as_json=as_json, verbose=verbose)


def simulate(
    scenario: Annotated[Path, typer.Argument(help="scenario JSON file (docs/scenario.md)")],
    as_json: AsJson = False,
    letters: Annotated[
        Path | None,
        typer.Option(help="also write every letter and hand-over case file into this folder"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="letters as text, html or pdf")] = "text",
) -> None:
    """Replay a scenario day by day and print the timeline of decisions."""
    from bridge.surfaces.commands import simulate_command  # noqa: PLC0415

    code = simulate_command(scenario, as_json=as_json)
    if code == 0 and letters is not None:
        from bridge.surfaces import letter_preview  # noqa: PLC0415

        code = letter_preview.series_command(scenario, letters, fmt=fmt, only=None, options=[])
    raise typer.Exit(code)


def run(
    env_file: EnvFile = None,
    now: Annotated[
        bool, typer.Option("--now", help="run a cycle at start, then on the schedule")
    ] = False,
) -> None:
    """Run the daemon: cycles on the schedule from the settings until SIGTERM."""
    from bridge.surfaces.daemon import run_daemon  # noqa: PLC0415

    settings = settings_of(env_file, None)
    start_logs(settings, interactive=False)
    raise typer.Exit(run_daemon(settings, now=now))
