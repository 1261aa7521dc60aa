"""Render the report as one self-contained HTML page (jinja2, autoescaped).

Everything the page needs is inside it: the styles, the charts as inline SVG and a few lines of
script that only check, after load, that each chart was laid out (the browser test reads the
result from the DOM). No link, image, font or script is fetched from anywhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bridge.surfaces.present import Voice
from bridge.surfaces.report.charts import charts
from bridge.surfaces.report.data import Report, TenantReport
from bridge.surfaces.report.money import Amounts, format_amounts, format_money
from bridge.surfaces.report.words import WORDS, words


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bridge.surfaces.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def amounts(value: Amounts, t: TenantReport) -> str:
        return format_amounts(value, t.locale, t.currency)

    def money(value: Decimal | None, currency: str, t: TenantReport) -> str:
        return "" if value is None else format_money(value, currency, t.locale)

    def day(value: date | None, t: TenantReport) -> str:
        return "" if value is None else format_date(value, format="medium", locale=t.locale)

    def stage(row: Any, t: TenantReport) -> str:
        # Step names as the letters say them in the tenant's language; a row without a step
        # (an interest invoice, a credit hold) reads by its kind alone.
        voice = _voice(t)
        action, step = getattr(row, "action", None), getattr(row, "step", None)
        if not action:
            return str(row.label)
        if action in _CHASING and step:
            return f"{step}. {voice.action(action)}"
        return voice.action(action)

    env.filters["stage"] = stage
    env.filters["amounts"] = amounts
    env.filters["money"] = money
    env.filters["day"] = day
    return env


def render_html(report: Report) -> str:
    """The whole report as an HTML document."""
    template = _environment().get_template("report.html.j2")
    # The SVG is matplotlib's own output for our figures; every text in it is drawn as paths
    # and the one attribute we add is sanitised in charts.py, so it is safe to inline as is.
    drawn = {
        t.tenant: {k: Markup(v) for k, v in charts(t).items()}  # noqa: S704
        for t in report.tenants
    }
    words_by = {t.tenant: words(_voice(t).lang) for t in report.tenants}
    lang = _voice(report.tenants[0]).lang if report.tenants else "en"
    if lang not in WORDS:
        lang = "en"
    return template.render(
        report=report, charts=drawn, words=words_by, page_words=words(lang), lang=lang
    )


_CHASING = {"pre_due_notice", "reminder", "collection_warning", "handover"}


def _voice(t: TenantReport) -> Voice:
    """The tenant's language, from the locale the report writes its amounts in."""
    return Voice(lang=t.locale.split("_", 1)[0], country=t.country)
