"""What every command module shares: JSON out, the store opened and closed, the tenants asked for.

Kept apart from commands.py so a command module (explain, holds, ...) can use it without a circle.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bridge.store import Store, open_store
from bridge.vocab.settings import Settings


def _emit(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings.database)
    try:
        yield store
    finally:
        store.close()


def _selected(settings: Settings, tenant: str | None) -> list[str]:
    if tenant is not None:
        settings.tenant(tenant)
        return [tenant]
    return [name for name, t in sorted(settings.tenants.items()) if t.enabled]
