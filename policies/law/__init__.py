"""Law packs per country: ``for_country("DK")`` returns Denmark's tables and rules.

Norway, Sweden and Finland have packs of the same shape (``for_country("NO" | "SE" | "FI")``).
Given the operator's law data directory (``BRIDGE_LAW_DATA``), its rows take precedence over
the shipped tables; a change to its files is seen by the next call, without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from policies.law import dk, fi, no, se
from policies.law.base import LawPack, PlaceholderRate, RateUnavailable
from policies.law.tables import (
    LawDataError,
    Tables,
    operator_file,
    operator_tables,
    overlay,
    shipped,
)

__all__ = [
    "SUPPORTED_COUNTRIES",
    "LawDataError",
    "LawPack",
    "PlaceholderRate",
    "RateUnavailable",
    "UnknownCountry",
    "build",
    "for_country",
    "tables_for",
    "use_data_dir",
]

_PACKS: dict[str, LawPack] = {"DK": dk.LAW, "FI": fi.LAW, "NO": no.LAW, "SE": se.LAW}
_BUILDERS: dict[str, Callable[[Tables], LawPack]] = {
    "DK": dk.build,
    "FI": fi.build,
    "NO": no.build,
    "SE": se.build,
}
SUPPORTED_COUNTRIES: tuple[str, ...] = tuple(sorted(_PACKS))
# The operator's law data directory for this process (set once from the settings, like the
# log configuration): for_country reads its rows unless a call names another directory.
_data_dir: Path | None = None


def use_data_dir(path: Path | None) -> None:
    """Make ``path`` the operator's law data directory for every later ``for_country``."""
    global _data_dir  # noqa: PLW0603 (process-wide, set once from the settings)
    _data_dir = path


class UnknownCountry(ValueError):
    """No law pack exists for the country asked for."""

    def __init__(self, code: object) -> None:
        self.code = code
        supported = ", ".join(SUPPORTED_COUNTRIES)
        super().__init__(f"unknown country {code!r}: law packs exist for {supported}")


def _code(code: object) -> str:
    """Return the upper-case code of a supported country or raise UnknownCountry."""
    found = code.strip().upper() if isinstance(code, str) else None
    if found is None or found not in _PACKS:
        raise UnknownCountry(code)
    return found


def for_country(code: str, data_dir: Path | None = None) -> LawPack:
    """Return the law pack for an ISO country code (case-insensitive) or raise UnknownCountry.

    With ``data_dir``, the operator's rows for the country take precedence over the shipped
    ones; a malformed operator file raises LawDataError naming the file and the row.
    """
    country = _code(code)
    directory = data_dir if data_dir is not None else _data_dir
    if directory is None:
        return _PACKS[country]
    path = operator_file(directory, country)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return _PACKS[country]
    except OSError as exc:
        raise LawDataError(f"{path}: cannot read: {exc}") from None
    return _with_operator_rows(country, directory, stat.st_mtime_ns, stat.st_size)


def build(code: str, tables: Tables) -> LawPack:
    """Return the country's law pack over ``tables`` (raises ValueError for unusable rows)."""
    return _BUILDERS[_code(code)](tables)


def tables_for(code: str, data_dir: Path | None = None) -> Tables:
    """Return the country's tables as in force: shipped rows under the operator's."""
    country = _code(code)
    directory = data_dir if data_dir is not None else _data_dir
    extra = operator_tables(directory, country) if directory is not None else None
    return overlay(shipped(country), extra)


@lru_cache(maxsize=32)
def _with_operator_rows(country: str, data_dir: Path, _mtime: int, _size: int) -> LawPack:
    """Build the pack over the operator's file; cached per file version (mtime and size)."""
    return _BUILDERS[country](tables_for(country, data_dir))
