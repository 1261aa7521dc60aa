"""The commands that pause dunning on an invoice: dispute, hold and promise."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from bridge.surfaces.cli_options import (
    AsJson,
    Demo,
    EnvFile,
    Tenant,
    Today,
    fail,
    parse_day,
    parse_today,
    settings_of,
)


def dispute(
    invoice: Annotated[str | None, typer.Argument(help="invoice id")] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t", help="the tenant")] = None,
    note: Annotated[str, typer.Option(help="why the customer disputes it")] = "",
    end: Annotated[bool, typer.Option("--end", help="the dispute is settled: dun again")] = False,
    show: Annotated[bool, typer.Option("--list", help="list the disputes")] = False,
    env_file: EnvFile = None,
    demo: Demo = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Mark an invoice as disputed (no dunning at all until --end), or --list the disputes.

    Drafts already waiting for review on the invoice are withdrawn.
    """
    from bridge.surfaces.commands import dispute_command  # noqa: PLC0415

    settings = settings_of(env_file, demo, tenants=True)
    if show:
        from bridge.surfaces.holds import marks_list_command  # noqa: PLC0415

        raise typer.Exit(marks_list_command(settings, tenant, "disputes", as_json=as_json))
    if invoice is None or tenant is None:
        raise fail("name the invoice and --tenant (or --list the disputes)")
    day = parse_today(today) if today is not None else None
    raise typer.Exit(dispute_command(settings, tenant, invoice, note, end=end, today=day))


def hold(
    invoice: Annotated[str | None, typer.Argument(help="invoice id")] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t", help="the tenant")] = None,
    until: Annotated[str | None, typer.Option(help="last day held (default: until --end)")] = None,
    reason: Annotated[str, typer.Option(help="why the invoice is held")] = "",
    end: Annotated[bool, typer.Option("--end", help="lift the hold: dun again")] = False,
    show: Annotated[bool, typer.Option("--list", help="list the holds")] = False,
    env_file: EnvFile = None,
    demo: Demo = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Put an invoice on hold (no step, no fee) until a date or until lifted with --end.

    Drafts already waiting for review on the invoice are withdrawn. --list shows the holds.
    """
    from bridge.surfaces.holds import hold_command, marks_list_command  # noqa: PLC0415

    settings, last = settings_of(env_file, demo, tenants=True), parse_day("--until", until)
    if show:
        raise typer.Exit(marks_list_command(settings, tenant, "holds", as_json=as_json))
    if invoice is None or tenant is None:
        raise fail("name the invoice and --tenant (or --list the holds)")
    raise typer.Exit(
        hold_command(
            settings,
            tenant,
            invoice,
            until=last,
            reason=reason,
            end=end,
            today=parse_today(today),
            as_json=as_json,
        )
    )


def promise(
    invoice: Annotated[str | None, typer.Argument(help="invoice id (or use --customer)")] = None,
    customer: Annotated[str | None, typer.Option(help="every invoice of a customer")] = None,
    amount: Annotated[
        list[str] | None, typer.Option(help="promised amount (repeat: a plan)")
    ] = None,
    by: Annotated[list[str] | None, typer.Option(help="date for each --amount")] = None,
    currency: Annotated[str | None, typer.Option(help="default: the tenant's")] = None,
    note: Annotated[str, typer.Option(help="a note for the accountant")] = "",
    end: Annotated[str | None, typer.Option("--end", help="withdraw promise #ID")] = None,
    show: Annotated[bool, typer.Option("--list", help="list the promises")] = False,
    tenant: Tenant = None,
    env_file: EnvFile = None,
    demo: Demo = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Record a promise to pay or a payment plan: dunning pauses while it is kept.

    Reminder drafts already waiting for review on what it covers are withdrawn.
    """
    from bridge.surfaces.promises import promise_command  # noqa: PLC0415

    dates = [parse_day("--by", d) or date.min for d in by or []]
    raise typer.Exit(
        promise_command(
            settings_of(env_file, demo, tenants=True),
            tenant,
            invoice,
            customer=customer,
            amounts=amount or [],
            dates=dates,
            currency=currency,
            note=note,
            end=end,
            show=show,
            today=parse_today(today),
            as_json=as_json,
        )
    )
