"""Warnings about the law's dated tables, before they stop a tenant's interest.

A table in use ends (the reference rates run out at the end of the last half-year entered), or
the value in force today is weakly sourced (grade C: public repositories only; U: a placeholder
carried forward). ``doctor``, ``status`` and the metrics say so from 30 days before the end,
with the command that fixes it (docs/law.md, "Keeping the rates current").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bridge.vocab.settings import Settings
from policies.law import LawDataError, UnknownCountry, for_country
from policies.law.base import RateUnavailable, rate_fix

__all__ = [
    "WARN_DAYS",
    "LawWarning",
    "countries_in_use",
    "law_warnings",
    "table_days_left",
    "warnings_by_country",
]

# How long before a table ends the operator hears of it: about a month, enough to enter the
# next half-year's rate, which each country publishes around the turn of the half-year.
WARN_DAYS = 30


@dataclass(frozen=True, slots=True)
class LawWarning:
    """One thing about a country's law tables an operator should act on."""

    country: str
    message: str


def table_days_left(country: str, today: date) -> int:
    """Return the days from ``today`` through the reference-rate table's last day (< 0: past)."""
    _first, last = for_country(country).rate_table_span
    return (last - today).days


def law_warnings(country: str, today: date) -> list[LawWarning]:
    """Return the warnings for ``country``'s tables as seen on ``today`` (none: all is well)."""
    try:
        law = for_country(country)
    except LawDataError as exc:
        return [LawWarning(country, f"the operator's law data cannot be read: {exc}")]
    warnings: list[LawWarning] = []
    _first, last = law.rate_table_span
    left = (last - today).days
    after = date.fromordinal(last.toordinal() + 1)
    if left < 0:
        warnings.append(
            LawWarning(
                country,
                f"the {law.reference_rate_name} table ended on {last.isoformat()}: interest "
                f"steps wait until the rate is entered: {rate_fix(country, today)}",
            )
        )
    elif left <= WARN_DAYS:
        warnings.append(
            LawWarning(
                country,
                f"the {law.reference_rate_name} table ends in {left} days "
                f"({last.isoformat()}); from {after.isoformat()} interest steps wait until the "
                f"next rate is entered: {rate_fix(country, after)}",
            )
        )
    try:
        # Look at the row itself, placeholder or not: the warning says what it means.
        row = replace(law, allow_placeholders=True).reference_row(today)
    except RateUnavailable:
        return warnings  # said above (the table ended) or a gap the cycle reports per step
    if row.confidence in ("C", "U"):
        kind = (
            "a placeholder (grade U): interest on these days waits unless the policy allows "
            "placeholders"
            if row.confidence == "U"
            else "graded C (public repositories only)"
        )
        warnings.append(
            LawWarning(
                country,
                f"the {law.reference_rate_name} in use for {row.valid_from.isoformat()}.."
                f"{row.valid_to.isoformat()} ({row.reference_rate} %) is {kind}; confirm it "
                f"at the official source: {rate_fix(country, today)}",
            )
        )
    return warnings


def countries_in_use(settings: Settings) -> list[str]:
    """The countries whose law the enabled tenants use: the tables doctor, status and the
    metrics watch."""
    return sorted({t.country.upper() for t in settings.tenants.values() if t.enabled})


def warnings_by_country(settings: Settings, today: date) -> dict[str, list[LawWarning]]:
    """The warnings per country in use (an unknown country is the tenant's own problem)."""
    found: dict[str, list[LawWarning]] = {}
    for country in countries_in_use(settings):
        try:
            found[country] = law_warnings(country, today)
        except UnknownCountry:
            continue
    return found
