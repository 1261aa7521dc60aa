"""Law packs per country: ``for_country("DK")`` returns Denmark's tables and rules.

Norway, Sweden and Finland have packs of the same shape (``for_country("NO" | "SE" | "FI")``).
"""

from __future__ import annotations

from policies.law import dk, fi, no, se
from policies.law.base import LawPack, RateUnavailable

__all__ = ["SUPPORTED_COUNTRIES", "LawPack", "RateUnavailable", "UnknownCountry", "for_country"]

_PACKS: dict[str, LawPack] = {"DK": dk.LAW, "FI": fi.LAW, "NO": no.LAW, "SE": se.LAW}
SUPPORTED_COUNTRIES: tuple[str, ...] = tuple(sorted(_PACKS))


class UnknownCountry(ValueError):
    """No law pack exists for the country asked for."""

    def __init__(self, code: object) -> None:
        self.code = code
        supported = ", ".join(SUPPORTED_COUNTRIES)
        super().__init__(f"unknown country {code!r}: law packs exist for {supported}")


def for_country(code: str) -> LawPack:
    """Return the law pack for an ISO country code (case-insensitive) or raise UnknownCountry."""
    pack = _PACKS.get(code.strip().upper()) if isinstance(code, str) else None
    if pack is None:
        raise UnknownCountry(code)
    return pack
