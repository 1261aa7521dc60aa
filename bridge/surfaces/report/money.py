"""Sums of money per currency, and the locale each country's accountant reads them in.

A tenant may invoice in several currencies (the demo company has a German customer in EUR);
amounts in different currencies are never added together, so every total is a small mapping
from currency to Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from babel.numbers import format_currency

from bridge.vocab.domain import ZERO

HOME_CURRENCY = {"DK": "DKK", "NO": "NOK", "SE": "SEK", "FI": "EUR"}
LOCALE = {"DK": "da_DK", "NO": "nb_NO", "SE": "sv_SE", "FI": "fi_FI"}


class Amounts:
    """Money per currency; adding keeps currencies apart."""

    __slots__ = ("_by",)

    def __init__(self, items: Mapping[str, Decimal] | None = None) -> None:
        self._by: dict[str, Decimal] = dict(items or {})

    def add(self, currency: str, value: Decimal) -> None:
        """Add ``value`` in ``currency``."""
        self._by[currency] = self._by.get(currency, ZERO) + value

    def merge(self, other: Amounts) -> None:
        """Add every currency of ``other``."""
        for currency, value in other.items():
            self.add(currency, value)

    def get(self, currency: str) -> Decimal:
        """The sum in one currency (0.00 when none)."""
        return self._by.get(currency, ZERO)

    def items(self) -> Iterator[tuple[str, Decimal]]:
        """Currencies and sums, by currency code."""
        return iter(sorted(self._by.items()))

    def currencies(self) -> list[str]:
        """The currencies present, by code."""
        return sorted(self._by)

    def __bool__(self) -> bool:
        return any(v != ZERO for v in self._by.values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Amounts):
            return NotImplemented
        mine = {k: v for k, v in self._by.items() if v != ZERO}
        theirs = {k: v for k, v in other._by.items() if v != ZERO}
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]  # mutable while a report is built

    def __repr__(self) -> str:
        return f"Amounts({self.json()})"

    def json(self) -> dict[str, str]:
        """``{"DKK": "1234.50"}``: two decimals as strings, like every amount the CLI prints."""
        return {currency: f"{value:.2f}" for currency, value in self.items()}


def total(values: Iterable[tuple[str, Decimal]]) -> Amounts:
    """Sum (currency, amount) pairs."""
    out = Amounts()
    for currency, value in values:
        out.add(currency, value)
    return out


def format_money(value: Decimal, currency: str, locale: str) -> str:
    """One amount as the locale writes it, e.g. ``1.234,50 kr.`` in Danish."""
    return format_currency(value, currency, locale=locale)


def format_amounts(amounts: Amounts, locale: str, home: str) -> str:
    """Every currency of a sum, the home currency first; ``0,00 kr.`` when empty."""
    parts = [(c, v) for c, v in amounts.items() if v != ZERO]
    if not parts:
        return format_money(ZERO, home, locale)
    parts.sort(key=lambda cv: (cv[0] != home, cv[0]))
    return " + ".join(format_money(v, c, locale) for c, v in parts)
