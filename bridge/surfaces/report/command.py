"""`dunning-bridge report`: the accountant's report as an HTML page or JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bridge.store import open_store
from bridge.surfaces import present
from bridge.surfaces.progress import steps_progress
from bridge.surfaces.report.facts import report_json
from bridge.surfaces.report.gather import gather
from bridge.surfaces.report.html import render_html
from bridge.surfaces.report.steps import Period
from bridge.vocab.errors import BridgeError, ConfigError
from bridge.vocab.settings import Settings

DEFAULT_PERIOD = timedelta(days=90)

err = present.console(stderr=True)


def period_of(today: date, start: date | None, end: date | None) -> Period:
    """The period asked for: by default the 90 days up to ``today``; refuses end < start."""
    last = end or today
    first = start or (last - DEFAULT_PERIOD)
    if last < first:
        raise ConfigError(f"--from {first} is after --to {last}")
    return Period(first, last)


def report_command(
    settings: Settings,
    tenant: str | None,
    today: date,
    *,
    start: date | None = None,
    end: date | None = None,
    html: Path | None = None,
    as_json: bool = False,
    csv: Path | None = None,
) -> int:
    """Build the report for the selected tenants; write HTML to ``html`` and/or JSON to stdout."""
    try:
        if html is None and csv is None and not as_json:
            raise ConfigError("say where the report goes: --html FILE, --csv DIR or --json")
        period = period_of(today, start, end)
        if tenant is not None:
            settings.tenant(tenant)
            names = [tenant]
        else:
            names = [n for n, t in sorted(settings.tenants.items()) if t.enabled]
    except ConfigError as exc:
        err.print(f"error: {exc}")
        return 2
    store = open_store(settings.database)
    try:
        with steps_progress("report", len(names), enabled=not as_json) as advance:
            report = gather(
                settings, store, names, today, period, now=datetime.now(UTC), advance=advance
            )
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    finally:
        store.close()
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(render_html(report), encoding="utf-8")
        if not as_json:
            err.print(f"report written to {html}")
    if csv is not None:
        from bridge.surfaces.report.csvexport import write_csv  # noqa: PLC0415

        files = write_csv(report, csv)
        if not as_json:
            err.print(f"{len(files)} CSV table(s) written to {csv}")
    if as_json:
        print(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    return 1 if any(t.error for t in report.tenants) else 0
