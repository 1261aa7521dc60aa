"""The commands that show what the bridge did and would do, and why."""

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
    fail,
    interactive_settings,
    parse_day,
    parse_today,
    settings_of,
)


def explain(
    invoice: Annotated[
        str, typer.Argument(help="invoice id/number as the accounting system shows it")
    ],
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Explain one invoice: its history, today's decision and every amount's rule."""
    from bridge.surfaces.commands import explain_command  # noqa: PLC0415

    settings = interactive_settings(env_file, demo, tenants=True)
    raise typer.Exit(
        explain_command(settings, tenant, invoice, parse_today(today), as_json=as_json)
    )


def history(
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    invoice: Annotated[str | None, typer.Option(help="only this invoice")] = None,
    as_json: AsJson = False,
) -> None:
    """List the steps taken: drafts pending, issued, rejected."""
    from bridge.surfaces.commands import history_command  # noqa: PLC0415

    raise typer.Exit(
        history_command(settings_of(env_file, demo, tenants=True), tenant, invoice, as_json=as_json)
    )


def status(env_file: EnvFile = None, demo: Demo = None, as_json: AsJson = False) -> None:
    """Summarise each tenant: last cycle, its result, pending reviews, errors."""
    from bridge.surfaces.commands import status_command  # noqa: PLC0415

    raise typer.Exit(status_command(settings_of(env_file, demo), as_json=as_json))


def report(
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    start: Annotated[
        str | None, typer.Option("--from", help="first day of the period (default: 90 days back)")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="last day of the period (default: today)")
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="write the HTML page here")] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="write each table as a CSV file in this folder")
    ] = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Write the accountant's report: receivables, pipeline, recovery, forecast, actions."""
    from bridge.surfaces.report.command import report_command  # noqa: PLC0415

    settings = interactive_settings(env_file, demo, tenants=True)
    code = report_command(
        settings,
        tenant,
        parse_today(today),
        start=parse_day("--from", start),
        end=parse_day("--to", end),
        html=html,
        as_json=as_json,
        csv=csv,
    )
    raise typer.Exit(code)


def health(
    env_file: EnvFile = None,
    demo: Demo = None,
    max_age: Annotated[
        float | None,
        typer.Option(
            "--max-age", help="hours a last cycle may be old (default: from the schedule)"
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Exit 0 when every tenant's last cycle succeeded on schedule, 1 if not (for monitoring)."""
    from datetime import timedelta  # noqa: PLC0415

    from bridge.surfaces.status import health_command  # noqa: PLC0415

    limit = timedelta(hours=max_age) if max_age is not None else None
    raise typer.Exit(health_command(settings_of(env_file, demo), max_age=limit, as_json=as_json))


def customers(
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Each customer's record: invoices that went late, the step they paid at, letters, charges."""
    from bridge.surfaces.customers import customers_command  # noqa: PLC0415

    settings = interactive_settings(env_file, demo, tenants=True)
    raise typer.Exit(customers_command(settings, tenant, parse_today(today), as_json=as_json))


def letter(
    invoice: Annotated[str, typer.Argument(help="invoice id/number, or 'all' with --scenario")],
    step: Annotated[
        int | None,
        typer.Option(help="this ladder step: as written, else as decided the day it is reached"),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="the letter as the cycle would decide it on this date"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, html or pdf")] = "text",
    lang: Annotated[str | None, typer.Option(help="da, nb, sv, fi or en")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here")] = None,
    scenario: Annotated[
        Path | None, typer.Option(help="write a scenario's whole series of letters instead")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="folder for --scenario")] = None,
    option: Annotated[
        list[str] | None, typer.Option(help="tenant option NAME=VALUE for --scenario")
    ] = None,
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    today: Today = None,
) -> None:
    """Show an invoice's letter as written, or as the cycle would write it (text, HTML, PDF).

    A draft waiting for review is shown as written; otherwise the next letter the cycle
    would write, on the day it would. With --scenario: a scenario's whole letter series.
    """
    from bridge.surfaces import letter_preview  # noqa: PLC0415

    if scenario is not None:
        if step is not None or on is not None:
            raise fail("--step and --on preview one invoice's letter; not with --scenario")
        only = None if invoice == "all" else invoice
        raise typer.Exit(
            letter_preview.series_command(
                scenario, out, fmt=fmt, only=only, options=option or [], lang=lang
            )
        )
    settings = interactive_settings(env_file, demo, tenants=True)
    raise typer.Exit(
        letter_preview.preview_command(
            settings,
            invoice,
            tenant=tenant,
            today=parse_today(today),
            step=step,
            fmt=fmt,
            output=output,
            lang=lang,
            on=parse_day("--on", on),
        )
    )
