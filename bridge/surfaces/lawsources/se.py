"""Sweden: Sveriges Riksbank's reference rate (referensräntan), räntelagen 9 §.

The Riksbank fixes the reference rate per calendar half-year (the policy rate at the end of the
previous half-year, rounded up to half a point) and publishes it itself; its open SWEA API
serves the series ``SECBREFEFF`` ("Referensränta") without a key:

    https://api.riksbank.se/swea/v1/Observations/SECBREFEFF/2026-06-17

The answer is a JSON array, oldest first::

    [{"date": "2026-07-01", "value": 2.0}, ...]

The half-year's rate is the value published for its days; they must all agree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from bridge.surfaces.lawsources.base import (
    Observation,
    RateSource,
    Reading,
    SourceError,
    day_before,
    number,
    ordered,
    text_of,
    within_half_year,
)
from policies.law.base import Confidence

BASE = "https://api.riksbank.se/swea/v1/Observations/SECBREFEFF"
_LEAD = timedelta(days=14)


class Riksbank(RateSource):
    """Sveriges Riksbank's reference rate, from its SWEA API (series SECBREFEFF)."""

    country: ClassVar[str] = "SE"
    publisher: ClassVar[str] = "Sveriges Riksbank (SWEA SECBREFEFF, referensränta)"
    grade: ClassVar[Confidence] = "A"
    accept: ClassVar[str] = "application/json"
    page: ClassVar[str] = (
        "https://www.riksbank.se/sv/statistik/rantor-och-valutakurser/referensranta/"
    )
    note: ClassVar[str] = (
        "The Riksbank's published referensränta for the half-year (räntelagen 9 §), "
        "read by `law rates update`"
    )

    def url(self, starts: Sequence[date]) -> str:
        return f"{BASE}/{(min(starts) - _LEAD).isoformat()}"

    def parse(self, body: bytes) -> list[Observation]:
        text = text_of(body, what="SWEA JSON")
        try:
            document = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise SourceError(f"not JSON: {exc.msg} at character {exc.pos}") from None
        if not isinstance(document, list):
            raise SourceError(
                f"not the SWEA observations: expected a JSON array, got {type(document).__name__}"
            )
        found: list[Observation] = []
        for index, item in enumerate(document):
            where = f"observation {index}"
            if not isinstance(item, Mapping) or "date" not in item or "value" not in item:
                raise SourceError(f"{where}: expected {{date, value}}, got {item!r}")
            try:
                day = date.fromisoformat(str(item["date"])[:10])
            except ValueError:
                raise SourceError(f"{where}: date {item['date']!r} is not a day") from None
            found.append(Observation(day, number(item["value"], where=where)))
        return ordered(found, what="SECBREFEFF")

    def reading(self, observations: Sequence[Observation], start: date) -> Reading | None:
        return within_half_year(observations, start, what="referensränta")

    def known_from(self, start: date) -> date:
        # Fixed from the policy rate at the end of the previous half-year.
        return day_before(start)
