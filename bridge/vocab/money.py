"""Amounts as people read them: one babel formatter for letters, the CLI and the report.

The vocabulary's place for it, so the engine's letters and the operator's screens share it
without the engine reaching up into the presentation.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Final

from babel import Locale
from babel.numbers import format_currency

# The locale of each language the letters are written in; any other language reads English.
LOCALES: Final[dict[str, str]] = {
    "da": "da_DK",
    "en": "en_GB",
    "nb": "nb_NO",
    "sv": "sv_SE",
    "fi": "fi_FI",
}
_CODE_GLUED: Final = re.compile(r"^(-?[A-Z]{3})(\d)")


@functools.lru_cache(maxsize=16)
def babel_locale(locale: str) -> Locale:
    """The parsed locale: babel parses a locale's name again on every call given the name."""
    return Locale.parse(locale)


@functools.lru_cache(maxsize=8192)
def _money(text: str, currency: str, locale: str) -> str:
    # English names the currency by its code ("EUR 249.00", never "€249.00"): its readers are
    # in four countries. babel writes "DKK10,000.00"; a no-break space reads better and never
    # splits a line.
    pattern = "\u00a4\u00a4#,##0.00" if locale.startswith("en") else None
    shown = format_currency(Decimal(text), currency, format=pattern, locale=babel_locale(locale))
    return _CODE_GLUED.sub("\\1\u00a0\\2", shown)


def money(value: Decimal, currency: str, locale: str) -> str:
    """One amount the way ``locale`` writes it: ``6.250,00 kr.`` (da_DK), ``DKK 6,250.00`` (en).

    Every amount a person reads goes through here: CLI tables and prose, the report, letters.
    Remembered by the number's text (formatting is the dearest part of a letter, and fees,
    totals and zeros repeat), so 0.00 and -0.00 keep their own forms.
    """
    return _money(str(value), currency, locale)
