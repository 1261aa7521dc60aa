"""Finland: the viitekorko, korkolaki § 12, computed from the ECB's published MRO rate.

§ 12: the reference rate is the rate the ECB applied in its last main refinancing operation
before the first calendar day of the half-year, rounded UP to the next half percentage point;
Suomen Pankki publishes it (§ 12 a), but as a press release only: no machine-readable feed of
the viitekorko was found. So ``update`` reads the ECB's own series of the MRO fixed rate from
the ECB Data Portal (SDMX, CSV) and applies the statute's rounding:

    https://data-api.ecb.europa.eu/service/data/FM/B.U2.EUR.4F.KR.MRR_FR.LEV?format=csvdata

The series has one row per change of the rate, dated the day it took effect::

    KEY,FREQ,REF_AREA,CURRENCY,PROVIDER_FM,INSTRUMENT_FM,PROVIDER_FM_ID,DATA_TYPE_FM,
    TIME_PERIOD,OBS_VALUE,OBS_STATUS,...,TITLE,...
    FM.B.U2.EUR.4F.KR.MRR_FR.LEV,B,U2,EUR,4F,KR,MRR_FR,LEV,2025-06-11,2.15,A,...

The rate of the last operation before the half-year is the latest change dated before its first
day. The row is graded B, like the computed rows shipped in policies/law/data/fi.toml: the input
is official, the value is our application of the statute, not Suomen Pankki's publication.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_CEILING, Decimal
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
)
from policies.law.base import Confidence

KEY = "FM.B.U2.EUR.4F.KR.MRR_FR.LEV"
URL = f"https://data-api.ecb.europa.eu/service/data/FM/{KEY.removeprefix('FM.')}?format=csvdata"
_COLUMNS = ("KEY", "TIME_PERIOD", "OBS_VALUE")
_HALF = Decimal("0.5")


class EcbMro(RateSource):
    """The ECB's main refinancing operations fixed rate, rounded up by korkolaki § 12."""

    country: ClassVar[str] = "FI"
    publisher: ClassVar[str] = "ECB Data Portal (FM/B.U2.EUR.4F.KR.MRR_FR.LEV, MRO rate)"
    grade: ClassVar[Confidence] = "B"
    accept: ClassVar[str] = "text/csv"
    page: ClassVar[str] = "https://www.suomenpankki.fi"
    note: ClassVar[str] = (
        "Computed by `law rates update` from the ECB's published MRO rate with korkolaki § 12's "
        "rounding (up to the next half point); Suomen Pankki publishes the viitekorko itself "
        "(no machine-readable feed), so graded B"
    )

    def url(self, starts: Sequence[date]) -> str:
        return URL

    def parse(self, body: bytes) -> list[Observation]:
        text = text_of(body, what="ECB SDMX CSV")
        reader = csv.DictReader(io.StringIO(text))
        missing = [name for name in _COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise SourceError(
                f"not the ECB's SDMX CSV: column(s) {', '.join(missing)} missing "
                f"(header {reader.fieldnames!r})"
            )
        found: list[Observation] = []
        for line, row in enumerate(reader, start=2):
            if row["KEY"] != KEY:
                continue
            where = f"line {line}"
            raw = (row["OBS_VALUE"] or "").strip()
            try:
                day = date.fromisoformat((row["TIME_PERIOD"] or "").strip())
            except ValueError:
                raise SourceError(
                    f"{where}: TIME_PERIOD {row['TIME_PERIOD']!r} is not a day"
                ) from None
            found.append(Observation(day, number(raw, where=where)))
        return ordered(found, what=KEY)

    def reading(self, observations: Sequence[Observation], start: date) -> Reading | None:
        before = [item for item in observations if item.day < start]
        if not before:
            raise SourceError(f"no MRO rate before {start.isoformat()} in the answer")
        last = before[-1]
        value = viitekorko(last.value)
        return Reading(
            value,
            f"MRO rate {last.value} % from {last.day.isoformat()}, rounded up to {value} %",
        )

    def known_from(self, start: date) -> date:
        # The last operation before the half-year is known by the half-year's eve.
        return day_before(start)


def viitekorko(mro: Decimal) -> Decimal:
    """Round the MRO rate up to the next half percentage point (korkolaki § 12)."""
    return (mro / _HALF).to_integral_value(rounding=ROUND_CEILING) * _HALF
