"""Real Dinero responses recorded in 2017 (Apaq/dinero-java), read with exact decimals.

The files stay in ../shared (tests/contract/dinero_spec.py finds them); every test that reads
them calls ``load``, which skips with a visible reason without them.
"""

from __future__ import annotations

from typing import Any

from tests.contract.dinero_spec import fixture, require_specs


def load(name: str) -> Any:
    """Read one recorded response (skips when ../shared is absent)."""
    require_specs()
    return fixture(name)
