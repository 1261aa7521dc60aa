"""Denmark: Danmarks Nationalbank's lending rate (udlånsrente), renteloven § 5 stk. 1.

The reference is the lending rate "as it stands on 1 January / 1 July". Nationalbanken's
official rates are published in Statistics Denmark's Statbank (table DNRENTD, "Rentesatser og
aktieindeks (dagsobservationer)"), read through its open API without a key:

    https://api.statbank.dk/v1/data/DNRENTD/CSV?lang=en&valuePresentation=Code
        &INSTRUMENT=OIRNAA&LAND=DK&OPGOER=E&Tid=>=2026M06D17

``OIRNAA`` is "Nationalbankens rente - Udlån" (the lending rate), ``OPGOER=E`` the day's rate in
percent. The answer is semicolon-separated CSV (a byte-order mark first)::

    INSTRUMENT;LAND;OPGOER;TID;INDHOLD
    OIRNAA;DK;E;2026M06D30;1.75

``..`` in INDHOLD means "not available". The half-year's rate is the latest observation on or
before its first day, once the series reaches that day.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import ClassVar
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

BASE = "https://api.statbank.dk/v1/data/DNRENTD/CSV"
INSTRUMENT = "OIRNAA"  # Nationalbankens rente - Udlån
_COLUMNS = ("INSTRUMENT", "LAND", "OPGOER", "TID", "INDHOLD")
_DAY = re.compile(r"^(\d{4})M(\d{2})D(\d{2})$")
_WHAT = "lending rate"
# Enough days before the first half-year to find the rate standing on it across holidays.
_LEAD = timedelta(days=14)


class Nationalbanken(RateSource):
    """Danmarks Nationalbank's lending rate, daily, from Statbank table DNRENTD."""

    country: ClassVar[str] = "DK"
    publisher: ClassVar[str] = "Danmarks Nationalbank (Statbank DNRENTD, lending rate)"
    grade: ClassVar[Confidence] = "A"
    accept: ClassVar[str] = "text/csv"
    page: ClassVar[str] = "https://www.nationalbanken.dk"
    note: ClassVar[str] = (
        "Nationalbanken's lending rate as it stood on the half-year's first day "
        "(renteloven § 5), read by `law rates update`"
    )

    def url(self, starts: Sequence[date]) -> str:
        first = min(starts) - _LEAD
        query = {
            "lang": "en",
            "valuePresentation": "Code",
            "INSTRUMENT": INSTRUMENT,
            "LAND": "DK",
            "OPGOER": "E",
            "Tid": f">={first.year}M{first.month:02d}D{first.day:02d}",
        }
        return f"{BASE}?{urlencode(query)}"

    def parse(self, body: bytes) -> list[Observation]:
        text = text_of(body, what="Statbank CSV")
        reader = csv.DictReader(io.StringIO(text), delimiter=";")
        missing = [name for name in _COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise SourceError(
                f"not the DNRENTD CSV: column(s) {', '.join(missing)} missing "
                f"(header {reader.fieldnames!r})"
            )
        found: list[Observation] = []
        for line, row in enumerate(reader, start=2):
            if row["INSTRUMENT"] != INSTRUMENT or row["OPGOER"] != "E":
                continue
            raw = (row["INDHOLD"] or "").strip()
            if raw == "..":  # not available (yet)
                continue
            where = f"line {line}"
            found.append(Observation(_day(row["TID"], where), number(raw, where=where)))
        return ordered(found, what="DNRENTD")

    def reading(self, observations: Sequence[Observation], start: date) -> Reading | None:
        return as_on(observations, start, what=_WHAT)


def _day(raw: str | None, where: str) -> date:
    match = _DAY.match((raw or "").strip())
    if match is None:
        raise SourceError(f"{where}: TID {raw!r} is not a day such as 2026M07D01")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise SourceError(f"{where}: TID {raw!r} is not a calendar day") from None
