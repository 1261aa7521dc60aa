"""Render the report as one self-contained HTML page (jinja2, autoescaped).

Everything the page needs is inside it: the styles, the charts as inline SVG and a few lines of
script that only check, after load, that each chart was laid out (the browser test reads the
result from the DOM). No link, image, font or script is fetched from anywhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bridge.report.charts import charts
from bridge.report.data import Report, TenantReport
from bridge.report.money import Amounts, format_amounts, format_money


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bridge.report", "templates"),
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
    return template.render(report=report, charts=drawn)
