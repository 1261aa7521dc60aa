"""One value of the tenant's policy file read and checked, naming its key on every error.

The scalar readers the policy's sections share (``policies.ladder`` reads the sections): a flag,
a count, a date, a text, an amount (never through float), an action, a tone, a day count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from bridge.vocab.domain import ActionKind
from policies.daycount import DAY_COUNTS, DayCount
from policies.steps import LADDER_ACTIONS, TONES, Tone
from policies.text import written


class PolicyError(ValueError):
    """A policy value is missing, mistyped or cannot be applied; ``key`` names where."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"policy {key}: {message}")


@dataclass(frozen=True, slots=True)
class Values:
    """Reads typed values from a loose mapping; ``strict`` rejects keys the policy does not know."""

    strict: bool

    def section(self, key: str, raw: Any, known: frozenset[str]) -> Mapping[str, Any]:
        """Accept a table or a bare boolean that switches the section on or off."""
        if isinstance(raw, bool):
            return {"enabled": raw}
        if not isinstance(raw, Mapping):
            raise PolicyError(key, "must be a table/object or true/false")
        self.known(key, raw, known)
        return raw

    def known(self, key: str, raw: Mapping[str, Any], known: frozenset[str]) -> None:
        """Reject keys the policy does not know (a typo must not pass silently)."""
        if not self.strict:
            return
        for name in raw:
            if name not in known:
                where = f"{key}.{name}" if key else str(name)
                raise PolicyError(where, f"unknown key (known: {', '.join(sorted(known))})")

    @staticmethod
    def flag(key: str, raw: Any) -> bool:
        """Read a boolean."""
        if not isinstance(raw, bool):
            raise PolicyError(key, f"must be true or false, not {written(raw)}")
        return raw

    @staticmethod
    def count(key: str, raw: Any, *, minimum: int) -> int:
        """Read a whole number of days."""
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise PolicyError(key, f"must be a whole number, not {written(raw)}")
        if raw < minimum:
            raise PolicyError(key, f"must be at least {minimum}, not {raw}")
        return raw

    @staticmethod
    def day(key: str, raw: Any) -> date:
        """Read a date (a TOML date or a YYYY-MM-DD string)."""
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str):
            try:
                return date.fromisoformat(raw.strip())
            except ValueError:
                pass
        raise PolicyError(key, f"must be a date written YYYY-MM-DD, not {written(raw)}")

    @staticmethod
    def text(key: str, raw: Any) -> str:
        """Read a non-empty string."""
        if not isinstance(raw, str) or not raw.strip():
            raise PolicyError(key, f"must be a non-empty string, not {written(raw)}")
        return raw.strip()

    @staticmethod
    def amount(key: str, raw: Any) -> Decimal:
        """Read a non-negative amount with at most two decimals, never through float."""
        if isinstance(raw, bool | float):
            raise PolicyError(
                key, f'write amounts as strings or integers (e.g. "100.00"), not {written(raw)}'
            )
        if not isinstance(raw, str | int | Decimal):
            raise PolicyError(key, f"must be an amount, not {written(raw)}")
        try:
            value = Decimal(raw.strip() if isinstance(raw, str) else raw)
            exact = value.quantize(Decimal("0.01"))
        except InvalidOperation:
            raise PolicyError(key, f"not an amount: {written(raw)}") from None
        if value < 0:
            raise PolicyError(key, f"must be a non-negative amount, not {written(raw)}")
        if value != exact:
            raise PolicyError(key, f"at most two decimals, not {written(raw)}")
        return exact

    @staticmethod
    def action(key: str, raw: Any) -> ActionKind:
        """Read a ladder action."""
        allowed = sorted(a.value for a in LADDER_ACTIONS)
        if not isinstance(raw, str) or raw not in allowed:
            raise PolicyError(key, f"must be one of {', '.join(allowed)}, not {written(raw)}")
        return ActionKind(raw)

    @staticmethod
    def tone(key: str, raw: Any) -> Tone:
        """Read a tone."""
        if raw not in TONES:
            raise PolicyError(key, f"must be one of {', '.join(TONES)}, not {written(raw)}")
        return cast(Tone, raw)

    @staticmethod
    def day_count(raw: Any) -> DayCount:
        """Read the day-count convention."""
        if raw not in DAY_COUNTS:
            allowed = ", ".join(DAY_COUNTS)
            raise PolicyError("day_count", f"must be one of {allowed}, not {written(raw)}")
        return cast(DayCount, raw)
