"""The hypermedia links the sandbox writes: absolute, on e-conomic's production host.

Clients are given the real base URL and the sandbox answers at it through an in-process
transport, so every ``self`` link looks exactly like one from restapi.e-conomic.com.
"""

from __future__ import annotations

from typing import Any

BASE_URL = "https://restapi.e-conomic.com"


def link(*parts: object) -> str:
    """Return the absolute URL of a resource path, e.g. ``link("customers", 5)``."""
    return BASE_URL + "".join(f"/{part}" for part in parts)


def ref(key: str, value: Any, *parts: object) -> dict[str, Any]:
    """Return a reference object like ``{"customerNumber": 5, "self": ".../customers/5"}``."""
    return {key: value, "self": link(*parts)}
