"""The shared dunning policy: law packs per country, the tenant's ladder and ``decide()``."""

from __future__ import annotations

from policies.engine import blocked, decide, letters
from policies.ladder import PolicyError, TenantPolicy, load_policy
from policies.law import LawPack, RateUnavailable, UnknownCountry, for_country

__all__ = [
    "LawPack",
    "PolicyError",
    "RateUnavailable",
    "TenantPolicy",
    "UnknownCountry",
    "blocked",
    "decide",
    "for_country",
    "letters",
    "load_policy",
]
