"""What a connector remembers in the process between cycles, per tenant and per transport.

The daemon runs for days, so a connector may keep item reads from one cycle to the next
(Dinero's per-invoice reads, Fortnox's full reads). They are kept per tenant; a session on a
given transport (a sandbox) keeps its own per transport object too, so two emulated companies
that share a tenant name never share what was read from them, and the reads go with the
transport when it is dropped.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from bridge.vocab.connector import TenantContext

V = TypeVar("V")


class PerTenant(Generic[V]):
    """One ``V`` per tenant (and per transport object), made by ``new`` when first asked for."""

    def __init__(self, new: Callable[[], V]) -> None:
        self._new = new
        self.by_tenant: dict[str, V] = {}
        self.by_transport: weakref.WeakKeyDictionary[Any, dict[str, V]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def of(self, ctx: TenantContext) -> V:
        """The tenant's, for the session's transport when it has one (a sandbox)."""
        with self._lock:
            if ctx.transport is None:
                per = self.by_tenant
            else:
                per = self.by_transport.setdefault(ctx.transport, {})
            if ctx.tenant not in per:
                per[ctx.tenant] = self._new()
            return per[ctx.tenant]

    def forget(self) -> None:
        """Drop everything remembered; the next fetch of every tenant reads all again."""
        with self._lock:
            self.by_tenant.clear()
            self.by_transport.clear()
