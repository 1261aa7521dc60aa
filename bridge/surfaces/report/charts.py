"""The report's charts: matplotlib figures rendered to inline SVG, nothing fetched to view them.

No pyplot (no global figure state, no GUI backend): each chart is a ``Figure`` drawn by the SVG
canvas. Text is drawn as paths (``svg.fonttype = path``), so the page needs no font; the ids
inside each SVG get a per-chart prefix so several charts live in one HTML document without
clashing, and the output is deterministic (fixed hash salt, no date in the metadata).

Amounts are plotted in the tenant's home currency; other currencies are in the tables.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

import matplotlib
from babel.dates import format_date
from babel.numbers import format_decimal
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bridge.surfaces.report.data import TenantReport
from bridge.surfaces.report.words import words

INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#e4e7eb"
PALETTE = ("#2f6f9f", "#4f9d69", "#d9a441", "#d9653b", "#a23b3b", "#6b4c9a", "#8d99ae")
AGE_COLOURS = ("#4f9d69", "#a3c45a", "#d9a441", "#d9653b", "#b5473a", "#7a2e2e")
# Any: matplotlib types rc keys as a Literal union a plain dict cannot meet.
_STYLE: Any = {
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(xlink:href="#|href="#|url\(#)([^")]+)')


def _svg(figure: Figure, name: str, title: str) -> str:
    """Render a figure to an SVG element ready to inline (no XML prolog, unique ids)."""
    FigureCanvasSVG(figure)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = _ID.sub(lambda m: f'id="{name}-{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", text)
    label = title.replace('"', "'").replace("&", "and").replace("<", "").replace(">", "")
    return text.replace(
        "<svg ", f'<svg class="chart" role="img" aria-label="{label}" data-chart="{name}" ', 1
    )


def _figure(width: float = 6.4, height: float = 2.8) -> Figure:
    return Figure(figsize=(width, height), dpi=100)


def _money_axis(locale: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: format_decimal(round(value), locale=locale))


def _words(report: TenantReport) -> dict[str, str]:
    """The chart words in the tenant's language: the one its amounts are written in, as the
    page's headings (bridge/surfaces/report/html.py)."""
    return words(report.locale.split("_", 1)[0])


def _invoices(value: int, w: dict[str, str]) -> str:
    return w["invoice_one" if value == 1 else "invoice_many"].format(n=value)


def receivables_chart(report: TenantReport) -> str:
    """Open amounts (home currency) per age bucket, each bar labelled with its invoice count."""
    w = _words(report)
    title = f"{w['receivables']} ({report.currency})"
    with matplotlib.rc_context(_STYLE):
        figure = _figure()
        ax = figure.subplots()
        labels = [b.label for b in report.receivables]
        values = [float(b.amounts.get(report.currency)) for b in report.receivables]
        bars = ax.bar(labels, values, color=AGE_COLOURS[: len(labels)], width=0.65)
        ax.bar_label(
            bars,
            labels=[_invoices(b.invoices, w) for b in report.receivables],
            color=MUTED,
            fontsize=8,
            padding=2,
        )
        ax.yaxis.set_major_formatter(_money_axis(report.locale))
        ax.set_ylabel(report.currency)
        ax.grid(axis="y", color=GRID)
        ax.set_axisbelow(True)
        ax.margins(y=0.15)
        return _svg(figure, f"{_slug(report.tenant)}-receivables", title)


def pipeline_chart(report: TenantReport) -> str:
    """Open amounts (home currency) per dunning step reached, labelled with invoice counts."""
    w = _words(report)
    title = f"{w['pipeline']} ({report.currency})"
    stages = report.pipeline
    with matplotlib.rc_context(_STYLE):
        figure = _figure(height=max(1.6, 0.42 * len(stages) + 0.8))
        ax = figure.subplots()
        labels = [s.label for s in stages] or [w["nothing_open"]]
        values = [float(s.amounts.get(report.currency)) for s in stages] or [0.0]
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(labels))]
        bars = ax.barh(labels, values, color=colours, height=0.6)
        ax.bar_label(
            bars,
            labels=[
                _invoices(s.invoices, w)
                + (
                    f", {s.awaiting_review} {w['awaiting_review'].lower()}"
                    if s.awaiting_review
                    else ""
                )
                for s in stages
            ]
            or [""],
            color=MUTED,
            fontsize=8,
            padding=3,
        )
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(_money_axis(report.locale))
        ax.set_xlabel(report.currency)
        ax.grid(axis="x", color=GRID)
        ax.set_axisbelow(True)
        ax.margins(x=0.35)
        return _svg(figure, f"{_slug(report.tenant)}-pipeline", title)


def recovery_chart(report: TenantReport) -> str:
    """Per step: invoices sent it, paid in full after it, partly paid; rate and median days."""
    w = _words(report)
    title = w["chart_recovery"]
    rows = report.recovery
    with matplotlib.rc_context(_STYLE):
        figure = _figure()
        ax = figure.subplots()
        labels = [r.label.replace(": ", "\n") for r in rows] or [w["no_steps"]]
        spots = list(range(len(labels)))
        width = 0.26
        series = (
            (w["sent"], [r.reached for r in rows] or [0], "#8d99ae"),
            (w["paid_in_full"], [r.paid for r in rows] or [0], "#4f9d69"),
            (w["partly_paid"], [r.partly_paid for r in rows] or [0], "#d9a441"),
        )
        for offset, (name, values, colour) in zip((-1, 0, 1), series, strict=True):
            ax.bar([x + offset * width for x in spots], values, width, label=name, color=colour)
        tops = [max(r.reached, 1) for r in rows] or [1]
        for x, r, top in zip(spots, rows, tops, strict=False):
            note = w["rate_paid"].format(rate=f"{r.rate:g}") if r.rate is not None else ""
            if r.median_days is not None:
                note += ", " + w["median"].format(days=f"{r.median_days:g}")
            ax.annotate(
                note,
                (x, top),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                color=MUTED,
                fontsize=8,
            )
        ax.set_xticks(spots, labels)
        ax.set_ylabel(w["invoices"].lower())
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.margins(y=0.2)
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.grid(axis="y", color=GRID)
        ax.set_axisbelow(True)
        return _svg(figure, f"{_slug(report.tenant)}-recovery", title)


def upcoming_chart(report: TenantReport) -> str:
    """Forecast actions per day, stacked by step."""
    w = _words(report)
    title = w["chart_upcoming"].format(days=report.forecast_days)
    days = sorted({r.date for r in report.upcoming})
    kinds = sorted({r.label for r in report.upcoming})
    counts = Counter((r.date, r.label) for r in report.upcoming)
    with matplotlib.rc_context(_STYLE):
        figure = _figure()
        ax = figure.subplots()
        names = [format_date(d, "d MMM", locale=report.locale) for d in days] or [w["none"]]
        bottom = [0] * len(names)
        for index, kind in enumerate(kinds):
            heights = [counts[(d, kind)] for d in days]
            ax.bar(
                names,
                heights,
                bottom=bottom,
                label=kind,
                color=PALETTE[index % len(PALETTE)],
                width=0.6,
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        if not kinds:
            ax.bar(names, [0], color=PALETTE[0])
        else:
            ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylabel(w["actions"])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color=GRID)
        ax.set_axisbelow(True)
        return _svg(figure, f"{_slug(report.tenant)}-upcoming", title)


def charts(report: TenantReport) -> dict[str, str]:
    """Every chart of one tenant, by section name."""
    return {
        "receivables": receivables_chart(report),
        "pipeline": pipeline_chart(report),
        "recovery": recovery_chart(report),
        "upcoming": upcoming_chart(report),
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tenant"
