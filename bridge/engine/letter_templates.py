"""The letters' templates: where they load from (shipped or the tenant's), filters, environments."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, PackageLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bridge.engine.letter_creditor import group_account
from bridge.engine.template_budget import BoundedEnvironment, ConfinedLoader
from bridge.vocab.domain import ActionKind
from bridge.vocab.languages import AVAILABLE
from bridge.vocab.money import LOCALES, babel_locale
from bridge.vocab.money import money as format_money

_AND: Final[dict[str, str]] = {"da": "og", "nb": "og", "sv": "och", "fi": "ja", "en": "and"}


def _loaders(override: Path | None) -> ChoiceLoader:
    loaders: list[Any] = []
    if override is not None:
        loaders.append(ConfinedLoader(str(override)))  # no link leads out of the folder
    loaders.append(PackageLoader("bridge.engine", "templates/letters"))
    return ChoiceLoader(loaders)


# Dates and rates repeat across a cycle's letters (one deadline, one rate a period) and babel's
# formatting is among the dearest steps of a letter: each is formatted once per language.
@functools.lru_cache(maxsize=4096)
def _long_date(value: date, locale: str) -> str:
    return format_date(value, format="long", locale=babel_locale(locale))


@functools.lru_cache(maxsize=1024)
def _rate(text: str, locale: str) -> str:
    # By the number's text, as money is: 8.00 and 8 keep their own forms.
    return format_decimal(Decimal(text), format="#,##0.00##", locale=babel_locale(locale)) + " %"


def _filters(env: SandboxedEnvironment, lang: str) -> None:
    locale = LOCALES[lang]

    # Amounts go through the one function every command and the report use as well.
    def money(value: Decimal, currency: str) -> str:
        return format_money(value, currency, locale)

    def day(value: date | None) -> str:
        return _long_date(value, locale) if value else ""

    def percent(value: Decimal | None) -> str:
        if value is None:
            return ""
        return _rate(str(value), locale)

    def listing(values: Iterable[Any]) -> str:
        """Join a list the way the language writes one: "1001, 1002 og 1003"."""
        words = [str(v) for v in values]
        if len(words) < 2:
            return "".join(words)
        return f"{', '.join(words[:-1])} {_AND[lang]} {words[-1]}"

    env.filters["money"] = money
    env.filters["listing"] = listing
    env.filters["date"] = day
    env.filters["percent"] = percent
    env.filters["iban"] = group_account


def environment(lang: str, override: Path | None = None) -> SandboxedEnvironment:
    """The sandboxed, strict, bounded environment for text letters in ``lang``."""
    env = BoundedEnvironment(
        loader=_loaders(override),
        undefined=StrictUndefined,
        autoescape=False,  # plain text; the HTML layout escapes on its own
        keep_trailing_newline=True,
        # A tenant's own templates reload when changed; the shipped ones change only with the
        # package (and the daemon restarts), so each include is not checked on disk per letter.
        auto_reload=override is not None,
    )
    _filters(env, lang)
    return env


# Compiling the templates costs far more than rendering them: a cycle writing thousands of
# letters keeps one environment per language and folder (a tenant's reload when changed).
cached_environment = functools.lru_cache(maxsize=64)(environment)


def html_environment(override: Path | None) -> SandboxedEnvironment:
    return BoundedEnvironment(loader=_loaders(override), undefined=StrictUndefined, autoescape=True)


def template_override(options: Mapping[str, str] | None) -> Path | None:
    """The tenant's override folder (option ``templates``), None when unset."""
    value = (options or {}).get("templates", "").strip()
    return Path(value) if value else None


def missing_templates(override: Path | None = None) -> Sequence[str]:
    """List the action/language pairs with no template (doctor and tests use it)."""
    env = environment("en", override)
    names = set(env.list_templates())
    return [
        f"{lang}/{action.value}.txt.j2"
        for lang in AVAILABLE
        for action in ActionKind
        if f"{lang}/{action.value}.txt.j2" not in names
    ]
