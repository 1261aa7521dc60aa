"""Where each country's reference rate is published in machine-readable form, and how to read it.

One module per country (``dk``, ``no``, ``se``, ``fi``) names the publication (its URL and
format), reads an answer into dated observations, and derives the rate of a half-year the way
the country's statute defines it. Fetching, checking and writing are
``bridge/surfaces/lawupdate.py``'s.

Nothing here guesses: an answer that is not the expected shape raises SourceError saying what
was wrong, and a half-year the publication does not cover yet reads as None (not published).
"""

from __future__ import annotations

from bridge.surfaces.lawsources import dk, fi, no, se
from bridge.surfaces.lawsources.base import Observation, RateSource, SourceError

__all__ = ["Observation", "RateSource", "SourceError", "source_for"]


def source_for(country: str) -> RateSource:
    """Return the publication of ``country``'s reference rate (DK, NO, SE or FI)."""
    sources: dict[str, RateSource] = {
        "DK": dk.Nationalbanken(),
        "NO": no.NorgesBank(),
        "SE": se.Riksbank(),
        "FI": fi.EcbMro(),
    }
    return sources[country]
