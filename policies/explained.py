"""An answer a rule gives: an amount or a deadline with the sentence that explains it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bridge.vocab.domain import ZERO


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount the law allows, the sentence that explains it and the rules it rests on."""

    value: Decimal
    note: str = ""
    basis: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Deadline:
    """A payment deadline set in a letter, and why it is that day."""

    day: date
    note: str


# The answer to a step that asks for no fee: it reads neither the law nor the claim's history,
# so callers may give it without gathering either.
NO_FEE_ASKED = Amount(ZERO, "No fee (the step asks for none).")


def short(citation: str) -> str:
    """Return a citation without its parenthesised gloss, for use inside a sentence."""
    return citation.split(" (", 1)[0]


def ordinal(number: int) -> str:
    """Spell 1 as 1st, 2 as 2nd, 11 as 11th."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
