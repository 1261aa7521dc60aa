"""The `law` commands: the dunning law in force per country and its dated tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bridge.surfaces.cli_options import (
    AsJson,
    EnvFile,
    Today,
    fail,
    parse_today,
)

law_app = typer.Typer(help="The dunning law per country: parameters, sources, confidence.")


rates_app = typer.Typer(
    help="The law's dated tables (reference rates, Norway's sats): list, set, update."
)


law_app.add_typer(rates_app, name="rates")


LawData = Annotated[
    Path | None,
    typer.Option(
        "--law-data",
        help="the operator's law data folder (default: BRIDGE_LAW_DATA from the env file)",
    ),
]


def _law_data(explicit: Path | None, env_file: Path | None, *, required: bool) -> Path | None:
    """The operator's law data folder: --law-data, else the setting; use it for the law packs."""
    from bridge.vocab.errors import ConfigError  # noqa: PLC0415
    from bridge.vocab.settings import load_settings  # noqa: PLC0415
    from policies.law import use_data_dir  # noqa: PLC0415

    folder = explicit
    if folder is None:
        try:
            folder = load_settings(env_file).law_data
        except ConfigError as exc:
            if required:
                raise fail(str(exc)) from None
    if folder is None and required:
        raise fail(
            "no law data folder: set BRIDGE_LAW_DATA in the env file (e.g. "
            "/var/lib/dunning-bridge/law) or pass --law-data DIR"
        )
    use_data_dir(folder)
    return folder


@law_app.command("show")
def law_show(
    country: Annotated[str, typer.Argument(help="DK, NO, SE or FI")],
    on: Annotated[
        str | None, typer.Option("--date", help="the day to show (YYYY-MM-DD; default today)")
    ] = None,
    as_json: AsJson = False,
    law_data: LawData = None,
    env_file: EnvFile = None,
) -> None:
    """Show the law parameters in force on a day, with their sources and confidence."""
    from bridge.surfaces.lawshow import law_show_command  # noqa: PLC0415

    _law_data(law_data, env_file, required=False)
    raise typer.Exit(law_show_command(country, parse_today(on), as_json=as_json))


@rates_app.command("list")
def law_rates_list(
    country: Annotated[str, typer.Argument(help="DK, NO, SE or FI")],
    as_json: AsJson = False,
    law_data: LawData = None,
    env_file: EnvFile = None,
) -> None:
    """List every row of the country's dated tables, with its grade, source and origin."""
    from bridge.surfaces.lawrates import list_rates_command  # noqa: PLC0415

    folder = _law_data(law_data, env_file, required=False)
    raise typer.Exit(list_rates_command(country, folder, as_json=as_json))


@rates_app.command("set")
def law_rates_set(
    country: Annotated[str, typer.Argument(help="DK, NO, SE or FI")],
    start: Annotated[str, typer.Option("--from", help="first day (1 January or 1 July)")],
    source: Annotated[str, typer.Option("--source", help="where the value was read")],
    rate: Annotated[
        str | None, typer.Option("--rate", help="the reference rate, percent per year")
    ] = None,
    inkassosats: Annotated[
        str | None, typer.Option("--inkassosats", help="Norway: the inkassosats in NOK")
    ] = None,
    compensation: Annotated[
        str | None,
        typer.Option("--compensation", help="Norway: standardkompensasjon in NOK (by due date)"),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="last day (default: the end of the half-year)")
    ] = None,
    grade: Annotated[
        str, typer.Option("--grade", help="A official page, B secondary, C, U placeholder")
    ] = "A",
    law_data: LawData = None,
    env_file: EnvFile = None,
) -> None:
    """Add or correct a row: it takes precedence over the shipped table for its days."""
    from bridge.surfaces.lawrates import set_rate_command  # noqa: PLC0415

    folder = _law_data(law_data, env_file, required=True)
    assert folder is not None
    raise typer.Exit(
        set_rate_command(
            folder,
            country,
            start=start,
            end=end,
            values={"rate": rate, "inkassosats": inkassosats, "compensation": compensation},
            source=source,
            grade=grade,
        )
    )


@rates_app.command("update")
def law_rates_update(
    country: Annotated[
        str | None, typer.Argument(help="DK, NO, SE or FI (default: all four)")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="fetch and check, but write nothing")
    ] = False,
    as_json: AsJson = False,
    today: Today = None,
    law_data: LawData = None,
    env_file: EnvFile = None,
) -> None:
    """Read each country's official publication and add the reference rates it lacks."""
    from bridge.surfaces.lawupdate import update_command  # noqa: PLC0415

    folder = _law_data(law_data, env_file, required=True)
    assert folder is not None
    raise typer.Exit(
        update_command(folder, country, today=parse_today(today), dry_run=dry_run, as_json=as_json)
    )
