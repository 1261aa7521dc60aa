"""Which language a letter is written in: the customer's, else the tenant's, else English.

Shared by the letters (bridge/engine/letters.py) and the connectors that tell the accounting
system a letter's language (connectors/economic/apply.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bridge.vocab.domain import ActionKind, Customer

COUNTRY_LANGUAGE: Final[dict[str, str]] = {"DK": "da", "NO": "nb", "SE": "sv", "FI": "fi"}
AVAILABLE: Final[tuple[str, ...]] = ("da", "nb", "sv", "fi", "en")
# Codes a source system may report for a language we write in (Norwegian has three).
_ALIASES: Final[dict[str, str]] = {"no": "nb", "nn": "nb", "se": "sv", "dk": "da"}
# Documents for the tenant's own people or its agency: written in the tenant's language.
INTERNAL_ACTIONS: Final[frozenset[ActionKind]] = frozenset(
    {ActionKind.HANDOVER, ActionKind.CREDIT_HOLD, ActionKind.TASK}
)


def _code(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-", 1)[0]
    code = _ALIASES.get(code, code)
    return code if code in AVAILABLE else None


def tenant_language(country: str, options: Mapping[str, str] | None = None) -> str:
    """The tenant's default language: the option ``language``, else its country's."""
    chosen = _code((options or {}).get("language"))
    return chosen or COUNTRY_LANGUAGE.get(country.upper(), "en")


def language_for(customer: Customer, tenant_default: str) -> str:
    """Choose the letter language: the customer's, else the tenant's default, else English."""
    return _code(customer.language) or _code(tenant_default) or "en"
