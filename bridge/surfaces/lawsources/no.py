"""Norway: Norges Bank's policy rate (styringsrenten), forsinkelsesrenteloven § 3.

The forsinkelsesrente is set per half-year by regulation as the policy rate on 1 January /
1 July plus 8 points; the reference we keep is the policy rate itself. Norges Bank publishes it
through its open SDMX API (dataflow IR, key ``B.KPRA.SD.R``: business-daily key policy rate,
the sight deposit rate), read as SDMX-JSON:

    https://data.norges-bank.no/api/data/IR/B.KPRA.SD.R?format=sdmx-json
        &startPeriod=2026-06-17&locale=en

The answer carries one series under ``data.dataSets[0].series`` whose ``observations`` map an
index into ``data.structure.dimensions.observation`` (TIME_PERIOD) to ``["4.25", ...]``. The
half-year's rate is the latest observation on or before its first day, once the series reaches
that day.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode

from bridge.surfaces.lawsources.base import (
    Observation,
    RateSource,
    Reading,
    SourceError,
    as_on,
    number,
    ordered,
    text_of,
)
from policies.law.base import Confidence

BASE = "https://data.norges-bank.no/api/data/IR/B.KPRA.SD.R"
_WHAT = "policy rate"
_LEAD = timedelta(days=14)
# The series key's dimensions and the values that make it the key policy rate.
_EXPECTED = {"INSTRUMENT_TYPE": "KPRA", "TENOR": "SD"}


class NorgesBank(RateSource):
    """Norges Bank's key policy rate, business-daily, from its SDMX API (IR/B.KPRA.SD.R)."""

    country: ClassVar[str] = "NO"
    publisher: ClassVar[str] = "Norges Bank (SDMX IR/B.KPRA.SD.R, policy rate)"
    grade: ClassVar[Confidence] = "A"
    accept: ClassVar[str] = "application/json"
    page: ClassVar[str] = "https://www.norges-bank.no"
    note: ClassVar[str] = (
        "Norges Bank's policy rate on the half-year's first day (forsinkelsesrenteloven § 3; "
        "the regulation sets the forsinkelsesrente at this + 8), read by `law rates update`"
    )

    def url(self, starts: Sequence[date]) -> str:
        first = min(starts) - _LEAD
        query = {"format": "sdmx-json", "startPeriod": first.isoformat(), "locale": "en"}
        return f"{BASE}?{urlencode(query)}"

    def parse(self, body: bytes) -> list[Observation]:
        text = text_of(body, what="SDMX-JSON")
        try:
            document = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise SourceError(f"not JSON: {exc.msg} at character {exc.pos}") from None
        data = _field(document, "data", "the document")
        structure = _field(data, "structure", "data")
        dimensions = _field(structure, "dimensions", "data.structure")
        series_dims = _list(dimensions, "series", "data.structure.dimensions")
        times = _time_periods(_list(dimensions, "observation", "data.structure.dimensions"))
        datasets = _list(data, "dataSets", "data")
        if not datasets:
            raise SourceError("the answer has no data set (data.dataSets is empty)")
        series = _field(datasets[0], "series", "data.dataSets[0]")
        found: list[Observation] = []
        for key, item in series.items():
            _check_key(str(key), series_dims)
            observations = _field(item, "observations", f"series {key}")
            for index, values in observations.items():
                where = f"observation {index}"
                try:
                    day = times[int(index)]
                except (ValueError, IndexError):
                    raise SourceError(f"{where}: no TIME_PERIOD at index {index!r}") from None
                if not isinstance(values, list) or not values:
                    raise SourceError(f"{where}: expected a list of values, got {values!r}")
                found.append(Observation(day, number(values[0], where=where)))
        return ordered(found, what="IR/B.KPRA.SD.R")

    def reading(self, observations: Sequence[Observation], start: date) -> Reading | None:
        return as_on(observations, start, what=_WHAT)


def _field(container: object, name: str, where: str) -> Mapping[str, Any]:
    value = container.get(name) if isinstance(container, Mapping) else None
    if not isinstance(value, Mapping):
        raise SourceError(f"not Norges Bank's SDMX-JSON: {where} has no object {name!r}")
    return value


def _list(container: Mapping[str, Any], name: str, where: str) -> list[Any]:
    value = container.get(name)
    if not isinstance(value, list):
        raise SourceError(f"not Norges Bank's SDMX-JSON: {where} has no list {name!r}")
    return value


def _time_periods(observation_dims: list[Any]) -> list[date]:
    """The days of the TIME_PERIOD dimension, in index order."""
    for dim in observation_dims:
        if isinstance(dim, Mapping) and dim.get("id") == "TIME_PERIOD":
            days: list[date] = []
            for value in dim.get("values") or []:
                raw = value.get("id") if isinstance(value, Mapping) else None
                try:
                    days.append(date.fromisoformat(str(raw)))
                except ValueError:
                    raise SourceError(f"TIME_PERIOD {raw!r} is not a day (YYYY-MM-DD)") from None
            return days
    raise SourceError("not Norges Bank's SDMX-JSON: no TIME_PERIOD dimension")


def _check_key(key: str, series_dims: list[Any]) -> None:
    """Refuse a series that is not the key policy rate (a changed or wrong key)."""
    positions = key.split(":")
    for position, dim in enumerate(series_dims):
        if not isinstance(dim, Mapping) or dim.get("id") not in _EXPECTED:
            continue
        try:
            chosen = dim["values"][int(positions[position])]["id"]
        except (KeyError, IndexError, TypeError, ValueError):
            raise SourceError(f"series {key}: cannot read its {dim.get('id')}") from None
        if chosen != _EXPECTED[dim["id"]]:
            raise SourceError(
                f"series {key} is {dim['id']}={chosen}, not the key policy rate "
                f"({dim['id']}={_EXPECTED[dim['id']]})"
            )
