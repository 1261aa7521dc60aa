"""``dunning-bridge tenants rename OLD NEW``: a tenant renamed in the env file keeps its history.

A tenant is its accounting company. When its name changes in the env file, the first cycle of
the new name finds the company recorded under the old one and stops (bridge.vocab.errors.
TenantRenamed); this command moves every row of the old name to the new one, in one
transaction, so the next cycle continues where the old name left off.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bridge.surfaces import present
from bridge.surfaces.shared import _store
from bridge.vocab.errors import BridgeError
from bridge.vocab.settings import Settings

console = present.console()
err = present.console(stderr=True)


def rename_command(settings: Settings, old: str, new: str) -> int:
    """Move tenant ``old``'s history to ``new`` (named in the env file); exit 2 if refused."""
    try:
        settings.tenant(new)
        with _store(settings) as store, store.exclusive("cli-rename"):
            counts = store.rename_tenant(old, new, at=datetime.now(UTC))
    except BridgeError as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    moved = ", ".join(f"{table} {n}" for table, n in counts.items() if n)
    console.print(f"Tenant {old!r} is now {new!r}; rows moved: {moved}.", markup=False)
    console.print("The audit log keeps its entries under the name they were written with.")
    return 0
