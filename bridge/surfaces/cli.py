"""The `dunning-bridge` command line (typer). Heavy imports stay inside the commands.

Exit codes: 0 done, 1 a tenant failed, 2 bad configuration or input.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

# What a value looks like in --help, by option: a word a bookkeeper reads, never <str>.
_METAVARS = {
    "--today": "YYYY-MM-DD",
    "--from": "YYYY-MM-DD",
    "--to": "YYYY-MM-DD",
    "--until": "YYYY-MM-DD",
    "--on": "YYYY-MM-DD",
    "--date": "YYYY-MM-DD",
    "--by": "YYYY-MM-DD",
    "--tenant": "TENANT",
    "--invoice": "INVOICE",
    "--customer": "CUSTOMER",
    "--amount": "AMOUNT",
    "--currency": "CURRENCY",
    "--format": "FORMAT",
    "--csv": "DIR",
    "--lang": "LANG",
    "--system": "SYSTEM",
    "--option": "KEY=VALUE",
    "--end": "ID",
    "--max-age": "HOURS",
    "--step": "N",
}


def _plain_metavars(command: Any) -> None:
    """Flags show no placeholder, values a word (DATE, TENANT, PATH), for every command."""
    for param in getattr(command, "params", []):
        if not isinstance(param, TyperOption) or param.metavar is not None:
            continue
        if param.is_flag:
            param.metavar = ""
        else:
            names = [o for o in param.opts if o.startswith("--")]
            word = next((_METAVARS[n] for n in names if n in _METAVARS), None)
            if word is None:
                kind = param.type_descriptor.annotation
                word = "PATH" if kind is Path or param.type_descriptor.is_path else "TEXT"
            param.metavar = word
    for sub in getattr(command, "commands", {}).values():
        _plain_metavars(sub)


def _no_placeholder(param: Any, ctx: Any) -> str | None:
    """Flags (--help too) and arguments show no type placeholder; their help says it all."""
    if isinstance(param, TyperOption):
        if param.metavar is not None:
            return str(param.metavar) or None
        if param.is_flag:
            return None
        return "TEXT"
    return None


# typer shows <bool> for every flag (--help included) and <str> for arguments; its only other
# way is a metavar per option, which --help (made by typer) and arguments cannot take.
TyperOption.display_type_rich = _no_placeholder  # type: ignore[method-assign,assignment]
TyperArgument.display_type_rich = _no_placeholder  # type: ignore[method-assign,assignment]


class _Group(TyperGroup):
    """The command group, its options' placeholders made plain for --help."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _plain_metavars(self)


app = typer.Typer(
    name="dunning-bridge",
    help="Lawful, unattended dunning for e-conomic, Dinero, Fortnox and Tripletex.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_Group,
)
secrets_app = typer.Typer(help="Store and check the credentials of each tenant (keyring).")
app.add_typer(secrets_app, name="secrets")
tasks_app = typer.Typer(
    help="Tasks for your people that wait in the bridge (no e-mail, no internal note)."
)
app.add_typer(tasks_app, name="tasks")
tenants_app = typer.Typer(help="Tenants in the store: move a renamed tenant's history.")
app.add_typer(tenants_app, name="tenants")
law_app = typer.Typer(help="The dunning law per country: parameters, sources, confidence.")
app.add_typer(law_app, name="law")
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


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _today(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).astimezone().date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--today {value!r} is not a date (YYYY-MM-DD)") from None


def _show_version(value: bool) -> None:
    if value:
        from bridge import __version__  # noqa: PLC0415

        typer.echo(f"dunning-bridge {__version__}")
        raise typer.Exit(0)


@app.callback()
def _masked_output(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Every command's output passes the redactor (bridge/vocab/redact.py), whatever prints it."""
    from bridge.vocab.redact import redact_output  # noqa: PLC0415

    redact_output()


def _emit_json(data: Any) -> None:
    from bridge.vocab.redact import redact_strings  # noqa: PLC0415

    # Masked per value as well as per line: a value is whole here, whatever its length.
    typer.echo(json.dumps(redact_strings(data), indent=2, ensure_ascii=False))


def _settings(env_file: Path | None, demo: Path | None, *, tenants: bool = False) -> Any:
    """The settings, every problem said at once; ``tenants``: the command needs a tenant."""
    from bridge.surfaces.workspace import resolve  # noqa: PLC0415
    from bridge.vocab.errors import ConfigError  # noqa: PLC0415
    from bridge.vocab.secrets import use_backend  # noqa: PLC0415
    from bridge.vocab.settings import no_tenants_message  # noqa: PLC0415

    try:
        settings = resolve(env_file, demo)
        use_backend(settings.keyring_backend)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    if tenants and not settings.tenants:
        # An empty plan, report or "invoice not found" would hide the real cause.
        raise _fail(no_tenants_message(env_file))
    return settings


def _logs(settings: Any, *, interactive: bool) -> None:
    from bridge.infra.logs import configure  # noqa: PLC0415

    configure(
        settings.log_format if not interactive else "console", settings.log_level, quiet=interactive
    )


@app.command()
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
        run_demo(state, _today(today), system=system, as_json=as_json, verbose=verbose)
    )


@app.command()
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

    settings = _settings(env_file, demo, tenants=True)
    _logs(settings, interactive=True)
    raise typer.Exit(
        run_cycle_command(
            settings, tenant, _today(today), dry_run=dry_run, as_json=as_json, verbose=verbose
        )
    )


@app.command()
def plan(
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    today: Today = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Show what the next cycle would do and why (a dry run)."""
    from bridge.surfaces.commands import run_cycle_command  # noqa: PLC0415

    settings = _settings(env_file, demo, tenants=True)
    _logs(settings, interactive=True)
    raise typer.Exit(
        run_cycle_command(
            settings, tenant, _today(today), dry_run=True, as_json=as_json, verbose=verbose
        )
    )


@app.command()
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

    settings = _settings(env_file, demo, tenants=True)
    _logs(settings, interactive=True)
    raise typer.Exit(explain_command(settings, tenant, invoice, _today(today), as_json=as_json))


@app.command()
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
        history_command(_settings(env_file, demo, tenants=True), tenant, invoice, as_json=as_json)
    )


@app.command()
def status(env_file: EnvFile = None, demo: Demo = None, as_json: AsJson = False) -> None:
    """Summarise each tenant: last cycle, its result, pending reviews, errors."""
    from bridge.surfaces.commands import status_command  # noqa: PLC0415

    raise typer.Exit(status_command(_settings(env_file, demo), as_json=as_json))


@app.command()
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

    settings = _settings(env_file, demo, tenants=True)
    _logs(settings, interactive=True)
    code = report_command(
        settings,
        tenant,
        _today(today),
        start=_day_option("--from", start),
        end=_day_option("--to", end),
        html=html,
        as_json=as_json,
        csv=csv,
    )
    raise typer.Exit(code)


@app.command()
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
    raise typer.Exit(health_command(_settings(env_file, demo), max_age=limit, as_json=as_json))


def _day_option(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


@app.command()
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

    settings = _settings(env_file, demo, tenants=True)
    if show:
        from bridge.surfaces.holds import marks_list_command  # noqa: PLC0415

        raise typer.Exit(marks_list_command(settings, tenant, "disputes", as_json=as_json))
    if invoice is None or tenant is None:
        raise _fail("name the invoice and --tenant (or --list the disputes)")
    day = _today(today) if today is not None else None
    raise typer.Exit(dispute_command(settings, tenant, invoice, note, end=end, today=day))


@app.command()
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

    settings, last = _settings(env_file, demo, tenants=True), _day_option("--until", until)
    if show:
        raise typer.Exit(marks_list_command(settings, tenant, "holds", as_json=as_json))
    if invoice is None or tenant is None:
        raise _fail("name the invoice and --tenant (or --list the holds)")
    raise typer.Exit(
        hold_command(
            settings,
            tenant,
            invoice,
            until=last,
            reason=reason,
            end=end,
            today=_today(today),
            as_json=as_json,
        )
    )


@app.command()
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

    dates = [_day_option("--by", d) or date.min for d in by or []]
    raise typer.Exit(
        promise_command(
            _settings(env_file, demo, tenants=True),
            tenant,
            invoice,
            customer=customer,
            amounts=amount or [],
            dates=dates,
            currency=currency,
            note=note,
            end=end,
            show=show,
            today=_today(today),
            as_json=as_json,
        )
    )


@app.command()
def customers(
    env_file: EnvFile = None,
    demo: Demo = None,
    tenant: Tenant = None,
    today: Today = None,
    as_json: AsJson = False,
) -> None:
    """Each customer's record: invoices that went late, the step they paid at, letters, charges."""
    from bridge.surfaces.customers import customers_command  # noqa: PLC0415

    settings = _settings(env_file, demo, tenants=True)
    _logs(settings, interactive=True)
    raise typer.Exit(customers_command(settings, tenant, _today(today), as_json=as_json))


@app.command()
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


@app.command()
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
            raise _fail("--step and --on preview one invoice's letter; not with --scenario")
        only = None if invoice == "all" else invoice
        raise typer.Exit(
            letter_preview.series_command(
                scenario, out, fmt=fmt, only=only, options=option or [], lang=lang
            )
        )
    settings = _settings(env_file, demo, tenants=True)
    _logs(settings, interactive=True)
    raise typer.Exit(
        letter_preview.preview_command(
            settings,
            invoice,
            tenant=tenant,
            today=_today(today),
            step=step,
            fmt=fmt,
            output=output,
            lang=lang,
            on=_day_option("--on", on),
        )
    )


@app.command()
def run(
    env_file: EnvFile = None,
    now: Annotated[
        bool, typer.Option("--now", help="run a cycle at start, then on the schedule")
    ] = False,
) -> None:
    """Run the daemon: cycles on the schedule from the settings until SIGTERM."""
    from bridge.surfaces.daemon import run_daemon  # noqa: PLC0415

    settings = _settings(env_file, None)
    _logs(settings, interactive=False)
    raise typer.Exit(run_daemon(settings, now=now))


@app.command()
def pending(
    env_file: EnvFile = None, demo: Demo = None, tenant: Tenant = None, as_json: AsJson = False
) -> None:
    """List the letters waiting for review, those not to book, and tasks waiting in the bridge."""
    from bridge.surfaces.review import pending_command  # noqa: PLC0415

    settings = _settings(env_file, demo, tenants=True)
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

    settings = _settings(env_file, demo, tenants=True)
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

    raise typer.Exit(task_done_command(_settings(env_file, demo, tenants=True), tenant, keys, note))


@app.command()
def confirm(
    tenant: Annotated[str, typer.Argument(help="tenant name from the env file")],
    key: Annotated[str, typer.Argument(help="the key `pending` shows (a unique prefix will do)")],
    sent: Annotated[bool, typer.Option("--sent", help="it arrived: record it as sent")] = False,
    rejected: Annotated[
        bool, typer.Option("--rejected", help="written as a draft, then deleted by you")
    ] = False,
    not_sent: Annotated[
        bool, typer.Option("--not-sent", help="it never arrived: the next cycle writes it again")
    ] = False,
    note: Annotated[str, typer.Option(help="how you know, for the audit log")] = "",
    env_file: EnvFile = None,
    demo: Demo = None,
    as_json: AsJson = False,
) -> None:
    """Settle a write the bridge could not confirm (listed by `pending`)."""
    from bridge.surfaces.confirm import confirm_command  # noqa: PLC0415

    chosen = [v for v, on in (("sent", sent), ("rejected", rejected), ("not-sent", not_sent)) if on]
    if len(chosen) != 1:
        raise _fail("say exactly one of --sent, --rejected, --not-sent")
    settings = _settings(env_file, demo, tenants=True)
    raise typer.Exit(confirm_command(settings, tenant, key, chosen[0], note, as_json=as_json))


@tenants_app.command("rename")
def tenants_rename(
    old: Annotated[str, typer.Argument(help="the tenant's name the store knows it by")],
    new: Annotated[str, typer.Argument(help="its new name in the env file")],
    env_file: EnvFile = None,
    demo: Demo = None,
) -> None:
    """Move every row of tenant OLD to NEW, after renaming it in the env file."""
    from bridge.surfaces.rename import rename_command  # noqa: PLC0415

    raise typer.Exit(rename_command(_settings(env_file, demo, tenants=True), old, new))


@app.command()
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

    settings = _settings(env_file, demo, tenants=True)
    _logs(settings, interactive=True)
    raise typer.Exit(approve_command(settings, tenant, keys, _today(today), as_json=as_json))


@app.command()
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

    settings = _settings(env_file, None)
    _logs(settings, interactive=True)
    raise typer.Exit(authorize_command(settings, tenant, option or []))


@app.command()
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

    settings = _settings(env_file, demo)
    _logs(settings, interactive=True)
    raise typer.Exit(run_doctor(settings, as_json=as_json, today=_today(today), start=start))


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

    settings = _settings(env_file, None)
    value = sys.stdin.readline().strip() if stdin else typer.prompt(f"{name}", hide_input=True)
    raise typer.Exit(secrets_set_command(settings, tenant, name, value))


@secrets_app.command("check")
def secrets_check(
    tenant: Annotated[str | None, typer.Argument(help="only this tenant")] = None,
    env_file: EnvFile = None,
    as_json: AsJson = False,
) -> None:
    """Tell which secrets each tenant still lacks (values are never shown)."""
    from bridge.surfaces.commands import secrets_check_command  # noqa: PLC0415

    raise typer.Exit(secrets_check_command(_settings(env_file, None), tenant, as_json=as_json))


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
                raise _fail(str(exc)) from None
    if folder is None and required:
        raise _fail(
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
    raise typer.Exit(law_show_command(country, _today(on), as_json=as_json))


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
        update_command(folder, country, today=_today(today), dry_run=dry_run, as_json=as_json)
    )


@app.command()
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
        raise _fail(str(exc)) from None
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo("next: edit the env file and the policy; docs/operations.md installs them")


@app.command()
def version() -> None:
    """Print the version."""
    from bridge import __version__  # noqa: PLC0415

    typer.echo(__version__)


def main() -> None:
    """Entry point of the console script.

    A BridgeError that reaches this far (bad settings, a demo folder of another system) is a
    message for the operator, not a crash: print it and exit 2, with no traceback.
    """
    from bridge.vocab.errors import BridgeError  # noqa: PLC0415

    try:
        app()
    except BridgeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
