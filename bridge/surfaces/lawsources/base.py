"""What every country's reference-rate publication shares: observations, readings, errors.

The country modules (``dk``, ``no``, ``se``, ``fi``) build on it; the package names them.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from bridge.vocab.errors import BridgeError
from policies.law.base import Confidence
from policies.law.tables import half_year_end

__all__ = [
    "Observation",
    "RateSource",
    "Reading",
    "SourceError",
    "as_on",
    "number",
    "text_of",
]


class SourceError(BridgeError):
    """A publication's answer cannot be used; the message says why (nothing is written)."""


@dataclass(frozen=True, slots=True, order=True)
class Observation:
    """One published value of a series: the rate (percent per year) on ``day``."""

    day: date
    value: Decimal


@dataclass(frozen=True, slots=True)
class Reading:
    """A half-year's reference rate as derived from a publication, with how it was read."""

    value: Decimal
    evidence: str  # e.g. "lending rate 2.00 % on 2026-06-30", for the note and the report


class RateSource(ABC):
    """One country's official machine-readable publication of its reference rate."""

    country: ClassVar[str]
    publisher: ClassVar[str]
    # The grade of a row read from this publication (policies/law/tables.py GRADES).
    grade: ClassVar[Confidence]
    # What the answer is (the Accept header) and the page a person reads to enter it by hand.
    accept: ClassVar[str]
    page: ClassVar[str]
    # Said with every row written from this source (the data file's ``note``).
    note: ClassVar[str] = ""

    @abstractmethod
    def url(self, starts: Sequence[date]) -> str:
        """Return the URL that answers for the half-years starting on ``starts``."""

    @abstractmethod
    def parse(self, body: bytes) -> list[Observation]:
        """Read an answer into observations, oldest first; raise SourceError if malformed."""

    @abstractmethod
    def reading(self, observations: Sequence[Observation], start: date) -> Reading | None:
        """Derive the half-year's rate; None when the publication does not cover it yet."""

    def known_from(self, start: date) -> date:
        """The first day the half-year's rate can be known (the day it is fixed)."""
        return start


_HTML = re.compile(rb"^\s*(<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)


def text_of(body: bytes, *, what: str) -> str:
    """Decode an answer as UTF-8 text; raise SourceError for an empty body or an HTML page."""
    if not body.strip():
        raise SourceError(f"the answer is empty (expected {what})")
    if _HTML.match(body[:200]):
        raise SourceError(f"the answer is an HTML page, not {what} (an error or maintenance page?)")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"the answer is not UTF-8 text (byte {exc.start})") from None


def number(raw: object, *, where: str) -> Decimal:
    """Read a published rate (a JSON number or a text such as "2.00" or "2,00") exactly."""
    if isinstance(raw, bool) or raw is None:
        raise SourceError(f"{where}: {raw!r} is not a number")
    if isinstance(raw, float):  # never produced by our JSON reading; refuse rather than round
        raise SourceError(f"{where}: {raw!r} was read as a float")
    text = str(raw).strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise SourceError(f"{where}: {raw!r} is not a number") from None
    if not value.is_finite():
        raise SourceError(f"{where}: {raw!r} is not a number")
    return value


def ordered(observations: Iterable[Observation], *, what: str) -> list[Observation]:
    """Sort observations by day; raise SourceError when one day has two different values."""
    by_day: dict[date, Decimal] = {}
    for item in observations:
        seen = by_day.setdefault(item.day, item.value)
        if seen != item.value:
            raise SourceError(
                f"{what}: two different values for {item.day.isoformat()} ({seen}, {item.value})"
            )
    return [Observation(day, value) for day, value in sorted(by_day.items())]


def as_on(observations: Sequence[Observation], start: date, *, what: str) -> Reading | None:
    """The value as it stands on ``start``: the latest observation on or before that day.

    None until the series has an observation on or after ``start`` (a change taking effect
    that very day would otherwise be missed).
    """
    if not any(item.day >= start for item in observations):
        return None
    before = [item for item in observations if item.day <= start]
    if not before:
        raise SourceError(
            f"no {what} on or before {start.isoformat()} in the answer (the series starts "
            f"{observations[0].day.isoformat()})"
        )
    latest = before[-1]
    return Reading(latest.value, f"{what} {latest.value} % on {latest.day.isoformat()}")


def within_half_year(
    observations: Sequence[Observation], start: date, *, what: str
) -> Reading | None:
    """The value published for the half-year itself: every observation in it must agree."""
    end = half_year_end(start)
    inside = [item for item in observations if start <= item.day <= end]
    if not inside:
        return None
    values = sorted({item.value for item in inside})
    if len(values) > 1:
        shown = ", ".join(str(v) for v in values)
        raise SourceError(
            f"the {what} changes within {start.isoformat()}..{end.isoformat()} ({shown}); "
            "it is fixed per half-year, so the answer is not what we expect"
        )
    first = inside[0]
    return Reading(first.value, f"{what} {first.value} % from {first.day.isoformat()}")


def day_before(day: date) -> date:
    """Return the day before ``day``."""
    return day - timedelta(days=1)
