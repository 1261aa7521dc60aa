"""Hypothesis strategies aimed at the statute's edges rather than spread over uniform days."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st

from tests.policies import statute

D = Decimal


def days_near(country: str, low: int = 0, high: int = 20) -> st.SearchStrategy[int]:
    """Mostly the statute's periods minus one, exactly and plus one; sometimes any day."""
    edges = statute.boundaries(statute.STATUTES[country])
    return st.one_of(st.sampled_from(edges), st.sampled_from(edges), st.integers(low, high))


def fees_near(country: str) -> st.SearchStrategy[str]:
    """Amounts at each cap of the country, a unit either side, and some others."""
    caps = {limit.cap for limit in statute.STATUTES[country].fees}
    caps |= {D(35), D(38), D(105), D(113)} if country == "NO" else set()
    amounts = {c + e for c in caps for e in (D(-1), D(0), D(1))} | {D(0), D(100), D(250)}
    return st.sampled_from(sorted(str(a) for a in amounts if a >= 0))


def examples(dev: int) -> int:
    """``dev`` examples under the dev profile (100 by default), scaled by the loaded profile's
    max_examples: twice as many under "ci" (tests/conftest.py)."""
    return max(1, dev * settings.default.max_examples // 100)
