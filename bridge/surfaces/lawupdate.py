"""``dunning-bridge law rates update``: read each country's official publication, add its rows.

For each country the update fetches the official machine-readable publication of its reference
rate (bridge/surfaces/lawsources/), derives the rate of the recent half-years the way the statute
defines it, checks each value, and writes only what is new through ``write_rows`` (atomic: a
refused file changes nothing). What it refuses, and why:

- a half-year whose rate cannot be known yet (DK, NO: from its first day; SE, FI: from the
  last day of the half-year before) is left for later;
- a value outside the rate bounds, or more than ``MAX_JUMP`` points away from the half-year
  before, is refused as implausible;
- a value that differs from a row already in force that is graded A (or graded as well as the
  source) is refused with both values named: an official value is never overwritten silently,
  the operator uses ``law rates set`` on purpose;
- an answer that is not what the publisher sends (not JSON or CSV as expected, missing fields,
  non-numeric values, an HTML error page, empty, a failed status, a timeout) changes nothing.

A value equal to the row in force is left alone; a row graded weaker than the source (a C row
from a secondary page, a U placeholder) is replaced or confirmed by the official value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import httpx
import structlog

from bridge.infra.http import build_client
from bridge.infra.http_bounds import get_capped
from bridge.surfaces.lawrates import NewRow, country_code, write_rows
from bridge.surfaces.lawsources import Observation, RateSource, SourceError, source_for
from bridge.vocab.errors import ConnectorError
from policies.law import UnknownCountry, tables_for
from policies.law.base import Confidence, RateRow
from policies.law.tables import RATE_BOUNDS, LawDataError, half_year_end, half_year_start

__all__ = [
    "LOOKAHEAD",
    "MAX_JUMP",
    "Outcome",
    "run_law_update",
    "update_command",
    "update_country",
]

log = structlog.get_logger("bridge.surfaces.lawupdate")

# A half-year is looked at from this many days before it starts (SE and FI know it by then).
LOOKAHEAD = timedelta(days=31)
# More than this many points from the half-year before is refused as implausible: the largest
# half-year move in the four countries since 2000 was about 2.5 points (2022-2023).
MAX_JUMP = Decimal("5")
# Every request: an overall deadline and a cap on the answer (the series asked for are small).
DEADLINE_SECONDS = 30.0
MAX_BYTES = 512 * 1024

Status = Literal["added", "confirmed", "replaced", "unchanged", "pending", "refused", "failed"]
_WRITES: frozenset[Status] = frozenset({"added", "confirmed", "replaced"})
_RANK: dict[Confidence, int] = {"A": 3, "B": 2, "C": 1, "U": 0}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the update did, or would do, for one country's half-year (or the whole country)."""

    country: str
    status: Status
    message: str
    start: date | None = None
    value: Decimal | None = None
    grade: str = ""
    source: str = ""
    written: bool = False

    @property
    def end(self) -> date | None:
        """The half-year's last day."""
        return half_year_end(self.start) if self.start else None

    @property
    def problem(self) -> bool:
        """Tell whether the operator should look (a refusal or a failure)."""
        return self.status in ("refused", "failed")

    def as_dict(self) -> dict[str, Any]:
        """The outcome as ``--json`` prints it."""
        end = self.end
        return {
            "country": self.country,
            "from": self.start.isoformat() if self.start else None,
            "to": end.isoformat() if end else None,
            "status": self.status,
            "value": str(self.value) if self.value is not None else None,
            "grade": self.grade or None,
            "source": self.source or None,
            "written": self.written,
            "message": self.message,
        }

    def line(self) -> str:
        """The outcome as one line of text."""
        period = (
            f"{self.start.isoformat()}..{self.end.isoformat()}" if self.start and self.end else ""
        )
        value = f" {self.value} % [{self.grade}]" if self.value is not None else ""
        head = f"{self.country} {period}".rstrip()
        return f"{head}: {self.status}{value}: {self.message}"


def candidate_starts(today: date) -> list[date]:
    """The half-years an update looks at: the one before, the current, the next if near."""
    current = half_year_start(today)
    previous = half_year_start(current - timedelta(days=1))
    following = half_year_end(today) + timedelta(days=1)
    starts = [previous, current]
    if following - today <= LOOKAHEAD:
        starts.append(following)
    return starts


def manual_entry(country: str, start: date, source: RateSource) -> str:
    """The command that enters a half-year's rate by hand, read from the publisher's page."""
    return (
        f"dunning-bridge law rates set {country} --from {start.isoformat()} --rate R "
        f"--source {source.page}"
    )


@dataclass
class _Plan:
    """The rows to write for one country and the outcome of each half-year."""

    rows: list[NewRow] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


def update_country(
    country: str,
    directory: Path,
    *,
    today: date,
    dry_run: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> list[Outcome]:
    """Update one country's reference rates in ``directory``; return what was done and why."""
    code = country_code(country)
    source = source_for(code)
    starts = candidate_starts(today)
    plan = _Plan()
    known: list[date] = []
    for start in starts:
        if source.known_from(start) > today:
            plan.outcomes.append(
                Outcome(
                    code,
                    "pending",
                    f"not known before {source.known_from(start).isoformat()}",
                    start=start,
                )
            )
        else:
            known.append(start)
    if not known:
        return plan.outcomes
    url = source.url(known)
    try:
        observations = _fetch(source, url, transport)
    except (SourceError, ConnectorError) as exc:
        first = known[-1]
        return [
            Outcome(
                code,
                "failed",
                f"{source.publisher}: {exc}; nothing changed. Try again later, or enter the "
                f"rate by hand: {manual_entry(code, first, source)}",
                source=url,
            ),
            *plan.outcomes,
        ]
    try:
        in_force = tables_for(code, directory).reference_rates
    except LawDataError as exc:
        return [Outcome(code, "failed", f"{exc}; nothing changed", source=url)]
    derived: dict[date, Decimal] = {}
    for start in known:
        outcome, row = _judge(
            code,
            source,
            url=url,
            observations=observations,
            start=start,
            in_force=in_force,
            derived=derived,
        )
        plan.outcomes.append(outcome)
        if row is not None:
            plan.rows.append(row)
    plan.outcomes.sort(key=lambda item: item.start or date.min)
    if not plan.rows or dry_run:
        if dry_run:
            plan.outcomes = [
                replace(o, message=f"{o.message} (dry run: not written)")
                if o.status in _WRITES
                else o
                for o in plan.outcomes
            ]
        return plan.outcomes
    try:
        path = write_rows(directory, code, plan.rows)
    except LawDataError as exc:
        return [
            _refuse(o, f"the file would not be usable, nothing changed: {exc}")
            if o.status in _WRITES
            else o
            for o in plan.outcomes
        ]
    return [
        replace(o, message=f"{o.message} -> {path}", written=True) if o.status in _WRITES else o
        for o in plan.outcomes
    ]


def _fetch(
    source: RateSource, url: str, transport: httpx.BaseTransport | None
) -> list[Observation]:
    """Fetch and read the publication; raise SourceError or ConnectorError saying why not."""
    origin = httpx.URL(url)
    base = f"{origin.scheme}://{origin.netloc.decode('ascii')}"
    with build_client(
        base_url=base, auth=None, transport=transport, timeout=DEADLINE_SECONDS
    ) as client:
        response = get_capped(
            client, url, deadline=DEADLINE_SECONDS, max_bytes=MAX_BYTES, accept=source.accept
        )
    if response.status_code != 200:
        raise SourceError(f"the publisher answered HTTP {response.status_code}")
    observations = source.parse(response.content)
    if not observations:
        raise SourceError("the series is empty: the answer has no observations")
    return observations


def _judge(
    code: str,
    source: RateSource,
    *,
    url: str,
    observations: Sequence[Observation],
    start: date,
    in_force: Sequence[RateRow],
    derived: dict[date, Decimal],
) -> tuple[Outcome, NewRow | None]:
    """Decide one half-year: the outcome, and the row to write when there is one."""
    end = half_year_end(start)
    try:
        reading = source.reading(observations, start)
    except SourceError as exc:
        return Outcome(code, "failed", f"{source.publisher}: {exc}", start=start, source=url), None
    if reading is None:
        return (
            Outcome(
                code,
                "pending",
                f"{source.publisher} has not published it yet; try again later",
                start=start,
                source=url,
            ),
            None,
        )
    value = reading.value
    outcome = Outcome(code, "added", "", start=start, value=value, grade=source.grade, source=url)
    enter = manual_entry(code, start, source)
    low, high = RATE_BOUNDS
    if not low <= value <= high:
        return _refuse(
            outcome,
            f"{value} % is outside {low}..{high} % ({reading.evidence}); not a reference rate in "
            f"percent per year. Check the publication; to enter a rate on purpose: {enter}",
        ), None
    previous = derived.get(half_year_start(start - timedelta(days=1)))
    if previous is None:
        before = _covering(in_force, start - timedelta(days=1))
        previous = before.reference_rate if before is not None else None
    if previous is not None and abs(value - previous) > MAX_JUMP:
        return _refuse(
            outcome,
            f"implausible: {value} % after {previous} % for the half-year before, a move of "
            f"more than {MAX_JUMP} points ({reading.evidence}). Check the publication; to "
            f"enter it on purpose: {enter}",
        ), None
    derived[start] = value
    existing = [row for row in in_force if row.valid_from <= end and row.valid_to >= start]
    row = NewRow(
        "reference_rate",
        start,
        end,
        value,
        url,
        source.grade,
        note=f"{source.note}: {reading.evidence}",
    )
    if not existing:
        return _with(outcome, "added", f"new ({reading.evidence})"), row
    ours = _RANK[source.grade]
    weakest = min(existing, key=lambda r: _RANK[r.confidence])
    different = [r for r in existing if r.reference_rate != value]
    if not different:
        if _RANK[weakest.confidence] >= ours:
            return _with(outcome, "unchanged", f"already {value} % [{weakest.confidence}]"), None
        return _with(
            outcome,
            "confirmed",
            f"{value} % as in force, now from {source.publisher} (was grade "
            f"{weakest.confidence}: {weakest.source})",
        ), row
    strongest = max(different, key=lambda r: _RANK[r.confidence])
    if strongest.confidence == "A" or _RANK[strongest.confidence] >= ours:
        origin = "shipped" if strongest.origin == "shipped" else f"operator: {strongest.origin}"
        return _refuse(
            outcome,
            f"{source.publisher} says {value} % but the row in force says "
            f"{strongest.reference_rate} % [{strongest.confidence}] ({origin}; "
            f"{strongest.source}); not overwritten. If the publication is right, enter it on "
            f"purpose: dunning-bridge law rates set {code} --from {start.isoformat()} "
            f"--rate {value} --source {url}",
        ), None
    return _with(
        outcome,
        "replaced",
        f"{value} % replaces {strongest.reference_rate} % [{strongest.confidence}] "
        f"({reading.evidence})",
    ), row


def _covering(rows: Sequence[RateRow], day: date) -> RateRow | None:
    return next((row for row in rows if row.valid_from <= day <= row.valid_to), None)


def _with(outcome: Outcome, status: Status, message: str) -> Outcome:
    return replace(outcome, status=status, message=message)


def _refuse(outcome: Outcome, message: str) -> Outcome:
    return replace(outcome, status="refused", message=message)


def run_law_update(
    directory: Path,
    countries: Sequence[str],
    *,
    today: date,
    transport: httpx.BaseTransport | None = None,
) -> list[Outcome]:
    """The daemon's job: update each country; a failure is logged, never raised."""
    outcomes: list[Outcome] = []
    for country in countries:
        try:
            found = update_country(country, directory, today=today, transport=transport)
        except Exception as exc:  # the scheduled update must never stop the daemon
            log.error("law.update_failed", country=country, error=f"{type(exc).__name__}: {exc}")
            continue
        for item in found:
            event = log.warning if item.problem else log.info
            event("law.update", **item.as_dict())
        outcomes.extend(found)
    return outcomes


def update_command(
    directory: Path,
    country: str | None,
    *,
    today: date,
    dry_run: bool,
    as_json: bool,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """`law rates update`: 0 nothing refused or failed, 1 something was, 2 bad input."""
    import json  # noqa: PLC0415

    import typer  # noqa: PLC0415

    from policies.law import SUPPORTED_COUNTRIES  # noqa: PLC0415

    try:
        countries = [country_code(country)] if country else list(SUPPORTED_COUNTRIES)
    except UnknownCountry as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    outcomes: list[Outcome] = []
    for code in countries:
        outcomes.extend(
            update_country(code, directory, today=today, dry_run=dry_run, transport=transport)
        )
    if as_json:
        typer.echo(json.dumps([o.as_dict() for o in outcomes], indent=2, ensure_ascii=False))
    else:
        for item in outcomes:
            typer.echo(item.line(), err=item.problem)
        fi = next((o for o in outcomes if o.country == "FI" and o.value is not None), None)
        if fi is not None and fi.start is not None:
            typer.echo(
                "note: FI is computed from the ECB's MRO rate (korkolaki § 12; Suomen Pankki "
                "publishes the viitekorko without a machine-readable feed), graded B; to "
                "record Suomen Pankki's published figure: dunning-bridge law rates set FI "
                f"--from {fi.start.isoformat()} --rate R --source URL"
            )
    return 1 if any(o.problem for o in outcomes) else 0
