"""The `dunning-bridge` command line (typer): the app, its global options, its commands in order.

The commands live by meaning in cli_cycle, cli_show, cli_marks, cli_review, cli_admin and cli_law
(their shared options in cli_options); heavy imports stay inside the commands.

Exit codes: 0 done, 1 a tenant failed, 2 bad configuration or input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from bridge.surfaces import cli_admin, cli_cycle, cli_law, cli_marks, cli_review, cli_show

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


# The order --help lists them in: running, reading, pausing, reviewing, setting up.
for command in (
    cli_cycle.demo,
    cli_cycle.cycle,
    cli_cycle.plan,
    cli_show.explain,
    cli_show.history,
    cli_show.status,
    cli_show.report,
    cli_show.health,
    cli_marks.dispute,
    cli_marks.hold,
    cli_marks.promise,
    cli_show.customers,
    cli_cycle.simulate,
    cli_show.letter,
    cli_cycle.run,
    cli_review.pending,
    cli_review.confirm,
    cli_review.approve,
    cli_admin.authorize,
    cli_admin.doctor,
    cli_admin.init,
):
    app.command()(command)
app.add_typer(cli_admin.secrets_app, name="secrets")
app.add_typer(cli_review.tasks_app, name="tasks")
app.add_typer(cli_admin.tenants_app, name="tenants")
app.add_typer(cli_law.law_app, name="law")


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
