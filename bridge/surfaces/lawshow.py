"""``dunning-bridge law show COUNTRY``: the law parameters in force on a day, with their sources.

Every figure comes from the country's law pack (policies/law/) with its citation and the
confidence grade of its source (A official, B reputable secondary, C public repositories only,
U unconfirmed placeholder); weak figures (C, U) are listed again at the end so nobody misses them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Final

from bridge.vocab.domain import CustomerKind
from policies.law import UnknownCountry, for_country
from policies.law.base import CompensationRule, FeeRule, LawPack, RateUnavailable
from policies.law.tables import SHIPPED

__all__ = ["law_show", "law_show_command", "render"]

WEAK: Final[frozenset[str]] = frozenset({"C", "U"})
_UNGRADED: Final[str] = "ungraded"
_RELATION_WORDS: Final[dict[str, str]] = {
    "add": "added on top of reminder fees",
    "offset": "offset against reminder fees (fees and compensation never both in full)",
    "replace": "replaces reminder and collection fees up to its amount",
}


def law_show(country: str, day: date) -> dict[str, Any]:
    """Return the parameters of ``country``'s law in force on ``day`` (raises UnknownCountry).

    The operator's rows (BRIDGE_LAW_DATA) are shown where they take precedence, with their
    file as origin; a placeholder rate is shown as one (it prices interest only where a
    tenant's policy allows it).
    """
    law = replace(for_country(country), allow_placeholders=True)
    data: dict[str, Any] = {
        "country": law.country,
        "currency": law.currency,
        "date": day.isoformat(),
        "interest": _interest(law, day),
        "rate_table": _rate_table(law, day),
        "reminder_fees": [
            _fee(rule) for rule in law.fee_rules if rule.covers(day) and _current_claims(rule, day)
        ],
        "compensation": _compensation(law.compensation_rule(day), law),
        "collection_warning": {
            "min_days": law.collection_warning_min_days,
            "min_banking_days_after_receipt": law.collection_warning_min_banking_days or None,
            "citation": law.citations.collection_warning,
            "notice": law.collection_warning_notice or None,
        },
        "regimes": [
            {
                "name": regime.name,
                "in_force": regime.in_force.isoformat() if regime.in_force else None,
                "active": regime.active(day),
                "effect": regime.effect,
                "policy_key": f"law.{regime.policy_key}",
                "citation": regime.citation,
                "confidence": regime.confidence,
            }
            for regime in law.regimes
        ],
        "banking_days": {
            "library": "holidays",
            "categories": list(law.calendar.categories),
            "pinned_closed": [f"{m:02d}-{d:02d}" for m, d in law.calendar.extra_closed],
            "closed_day_after": list(law.calendar.closed_day_after),
            "closed_weekdays": _closed_weekdays(law, day.year),
        },
        "sources": [
            {"what": what, "source": source, "confidence": confidence}
            for what, source, confidence in law.sources
        ],
    }
    data["weak"] = _weak(data)
    return data


def _closed_weekdays(law: LawPack, year: int) -> list[str]:
    """List the weekdays of ``year`` on which banks are closed (holidays and pinned days)."""
    day, closed = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and not law.is_banking_day(day):
            closed.append(day.isoformat())
        day += timedelta(days=1)
    return closed


def _current_claims(rule: FeeRule, day: date) -> bool:
    """Keep the rules for claims falling due on ``day`` (older claims keep older fractions)."""
    if rule.claims_due_from is not None and day < rule.claims_due_from:
        return False
    return rule.claims_due_to is None or day <= rule.claims_due_to


def _interest(law: LawPack, day: date) -> dict[str, Any]:
    """The reference rate in force on ``day`` and the statutory rate per debtor kind."""
    kinds = sorted({row.kind.value if row.kind else "all" for row in law.surcharges})
    try:
        row = law.reference_row(day)
    except RateUnavailable as exc:
        return {"reference_rate_name": law.reference_rate_name, "error": str(exc)}
    rates = []
    for kind in ("business", "consumer"):
        rate = law.annual_rate(day, day, CustomerKind(kind))
        rates.append(
            {
                "debtor": kind,
                "rate": str(rate.rate),
                "points": str(rate.points),
                "citation": rate.citation,
            }
        )
    return {
        "reference_rate_name": law.reference_rate_name,
        "reference_rate": str(row.reference_rate),
        "period": [row.valid_from.isoformat(), row.valid_to.isoformat()],
        "source": row.source,
        "confidence": row.confidence,
        "origin": row.origin,
        "placeholder": row.placeholder,
        "note": row.note or None,
        "statutory_rates": rates,
        "surcharge_kinds": kinds,
        "default_day_count": law.default_day_count,
        "citation": law.citations.interest_start,
    }


def _rate_table(law: LawPack, day: date) -> dict[str, Any]:
    """The reference-rate table's span, its operator rows and how long it lasts from ``day``."""
    first, last = law.rate_table_span
    return {
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "days_left": (last - day).days,
        "operator_rows": [
            {
                "period": [row.valid_from.isoformat(), row.valid_to.isoformat()],
                "reference_rate": str(row.reference_rate),
                "source": row.source,
                "confidence": row.confidence,
                "origin": row.origin,
            }
            for row in law.reference_rates
            if row.origin != SHIPPED
        ],
    }


def _fee(rule: FeeRule) -> dict[str, Any]:
    """One reminder-fee rule with its limits."""
    return {
        "letters": sorted(a.value for a in rule.actions) if rule.actions else "all",
        "debtor": rule.kind.value if rule.kind else "all",
        "cap": str(rule.cap),
        "derivation": rule.derivation or None,
        "max_count": rule.max_count,
        "final_fee": (
            {
                "name": rule.final_name,
                "cap": str(rule.final_cap),
                "derivation": rule.final_derivation or None,
                "citation": rule.final_citation,
            }
            if rule.final_cap is not None
            else None
        ),
        "min_spacing_days": rule.min_spacing_days,
        "spacing_from": (
            "letter of any kind" if rule.spacing_from_any_letter else "fee-bearing letter"
        ),
        "first_fee_days_after_due": rule.earliest_days_after_due,
        # True: the days must have passed in full, the day of the event not counted (Finland).
        "full_days": rule.full_days,
        "missed_deadline_days": rule.missed_deadline_days or None,
        "requires_agreement": rule.requires_agreement,
        "invoice_notice_days": rule.invoice_notice_days or None,
        "valid_from": rule.valid_from.isoformat(),
        "citation": rule.citation,
        "source": rule.source or None,
        "confidence": rule.confidence or _UNGRADED,
    }


def _compensation(rule: CompensationRule | None, law: LawPack) -> dict[str, Any] | None:
    """The B2B compensation for claims falling due on the day, if any."""
    if rule is None:
        return None
    return {
        "amount": str(rule.amount),
        "currency": law.currency,
        "relation_to_fees": "add" if rule.stacks_with_fees else rule.relation,
        "tenant_may_stack": rule.may_stack,
        "citation": rule.citation,
        "source": rule.source or None,
        "confidence": rule.confidence or _UNGRADED,
    }


def _weak(data: dict[str, Any]) -> list[str]:
    """Name every figure whose source is graded C or U."""
    weak: list[str] = []
    interest = data["interest"]
    if interest.get("confidence") in WEAK:
        weak.append(
            f"reference rate {interest['reference_rate']} % ({interest['confidence']}): "
            f"{interest['source']}"
        )
    for fee in data["reminder_fees"]:
        if fee["confidence"] in WEAK:
            weak.append(f"reminder fee cap {fee['cap']} ({fee['confidence']}): {fee['source']}")
    compensation = data["compensation"]
    if compensation and compensation["confidence"] in WEAK:
        weak.append(
            f"compensation {compensation['amount']} ({compensation['confidence']}): "
            f"{compensation['source']}"
        )
    for regime in data["regimes"]:
        if regime["confidence"] in WEAK:
            weak.append(f"regime {regime['name']} ({regime['confidence']}): {regime['citation']}")
    for item in data["sources"]:
        if item["confidence"] in WEAK:
            weak.append(f"{item['what']} ({item['confidence']}): {item['source']}")
    return weak


def render(data: dict[str, Any]) -> str:
    """Render ``law_show``'s result as plain text, one parameter per line."""
    lines = [f"Law in force in {data['country']} on {data['date']} (amounts in {data['currency']})"]
    for section in (_interest_lines, _fee_lines, _compensation_lines, _other_lines):
        lines.append("")
        lines.extend(section(data))
    if data["weak"]:
        lines.append("")
        lines.append("Weak sources (C: public repositories only, U: unconfirmed placeholder)")
        lines.extend(f"  {item}" for item in data["weak"])
    return "\n".join(lines)


def _interest_lines(data: dict[str, Any]) -> list[str]:
    """The reference rate and the statutory rates."""
    interest = data["interest"]
    lines = ["Late interest"]
    if "error" in interest:
        table = data["rate_table"]
        return [
            *lines,
            f"  {interest['error']}",
            f"  the table covers {table['first_day']}..{table['last_day']}",
        ]
    lines.append(
        f"  {interest['reference_rate_name']}: {interest['reference_rate']} % for "
        f"{interest['period'][0]}..{interest['period'][1]} [{interest['confidence']}] "
        f"{interest['source']}"
    )
    lines.append(f"    from: {_origin(interest['origin'])}")
    if interest["placeholder"]:
        lines.append(
            "    a placeholder: it prices interest only where a tenant's policy allows it "
            "([law] allow_placeholder_rates); elsewhere those steps wait for the published rate"
        )
    lines.extend(
        f"  {rate['debtor']}: {rate['rate']} % (+{rate['points']} points) - {rate['citation']}"
        for rate in interest["statutory_rates"]
    )
    lines.append(f"  day count: {interest['default_day_count']}; start: {interest['citation']}")
    table = data["rate_table"]
    lines.append(
        f"  the table covers {table['first_day']}..{table['last_day']} "
        f"({table['days_left']} days left from {data['date']})"
    )
    for row in table["operator_rows"]:
        lines.append(
            f"  operator row {row['period'][0]}..{row['period'][1]}: {row['reference_rate']} % "
            f"[{row['confidence']}] {row['source']} ({row['origin']})"
        )
    return lines


def _origin(origin: str) -> str:
    """Say where a row comes from."""
    return (
        "the tables shipped with this version" if origin == SHIPPED else f"operator file {origin}"
    )


def _fee_lines(data: dict[str, Any]) -> list[str]:
    """The reminder-fee rules for claims falling due on the day."""
    lines = ["Reminder fees (claims falling due on this day)"]
    if not data["reminder_fees"]:
        lines.append("  none")
    for fee in data["reminder_fees"]:
        letters = fee["letters"] if isinstance(fee["letters"], str) else ", ".join(fee["letters"])
        lines.append(
            f"  letters {letters}, debtor {fee['debtor']}: at most {fee['cap']} "
            f"[{fee['confidence']}]"
        )
        if fee["derivation"]:
            lines.append(f"    cap: {fee['derivation']}")
        if fee["final_fee"]:
            final = fee["final_fee"]
            lines.append(
                f"    then one {final['name']} fee of at most {final['cap']}"
                + (f" ({final['derivation']})" if final["derivation"] else "")
            )
        full = fee.get("full_days")
        first = fee["first_fee_days_after_due"]
        timing = f"    at most {fee['max_count']} per claim; first from due date + " + (
            f"{first + 1} days ({first} full days must have passed, the due date not counted)"
            if full
            else f"{first} days"
        )
        if fee["min_spacing_days"]:
            spacing = fee["min_spacing_days"]
            timing += (
                f"; {spacing} full days after the previous {fee['spacing_from']} "
                f"(from its day + {spacing + 1})"
                if full
                else f"; at least {spacing} days after the previous {fee['spacing_from']}"
            )
        lines.append(timing)
        if fee["missed_deadline_days"]:
            lines.append(
                f"    a further fee only after a missed deadline of at least "
                f"{fee['missed_deadline_days']} days"
            )
        if fee["requires_agreement"]:
            lines.append("    only if the customer agreed to the fee in advance")
        if fee["invoice_notice_days"]:
            lines.append(
                f"    only if the invoice was issued at least {fee['invoice_notice_days']} days "
                "before its due date"
            )
        lines.append(f"    {fee['citation']}")
        if fee["source"]:
            lines.append(f"    source: {fee['source']}")
    return lines


def _compensation_lines(data: dict[str, Any]) -> list[str]:
    """The B2B compensation for claims falling due on the day."""
    compensation = data["compensation"]
    lines = ["B2B compensation (claims falling due on this day)"]
    if compensation is None:
        return [*lines, "  none known"]
    stack = "; the tenant may stack fees on it" if compensation["tenant_may_stack"] else ""
    relation = _RELATION_WORDS[compensation["relation_to_fees"]]
    lines.append(
        f"  {compensation['amount']} {compensation['currency']}, {relation}{stack} "
        f"[{compensation['confidence']}]"
    )
    lines.append(f"    {compensation['citation']}")
    if compensation["source"]:
        lines.append(f"    source: {compensation['source']}")
    return lines


def _other_lines(data: dict[str, Any]) -> list[str]:
    """The collection warning, pending changes of law and the banking calendar."""
    warning = data["collection_warning"]
    lines = [f"Collection warning: deadline at least {warning['min_days']} days"]
    if warning["min_banking_days_after_receipt"]:
        lines[0] += (
            f", and {warning['min_banking_days_after_receipt']} banking days after the "
            "presumed receipt (the first banking day after sending)"
        )
    lines.append(f"  {warning['citation']}")
    if warning["notice"]:
        lines.append(f"  {warning['notice']}")
    if data["regimes"]:
        lines.append("Pending changes of law")
        for regime in data["regimes"]:
            state = (
                f"in force from {regime['in_force']}"
                if regime["in_force"]
                else f"off (set {regime['policy_key']} in the policy once the date is known)"
            )
            lines.append(f"  {regime['name']}: {state} [{regime['confidence']}]")
            lines.append(f"    {regime['effect']}")
    banking = data["banking_days"]
    after = "".join(f"; the day after {name}" for name in banking["closed_day_after"])
    lines.append(
        f"Banking days: weekdays except holidays ({banking['library']} categories "
        f"{', '.join(banking['categories'])}; pinned closed {', '.join(banking['pinned_closed'])}"
        f"{after})"
    )
    lines.append(f"  closed weekdays this year: {', '.join(banking['closed_weekdays'])}")
    return lines


def law_show_command(country: str, day: date, *, as_json: bool) -> int:
    """Print the law in force; 2 for an unknown country."""
    import typer  # noqa: PLC0415

    try:
        data = law_show(country, day)
    except UnknownCountry as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        typer.echo(render(data))
    return 0
