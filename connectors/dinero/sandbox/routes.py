"""The Dinero sandbox's endpoints, by resource: each module registers its paths and methods
(as Dinero's) in the one route table, ``call.ROUTES``, when imported here.

Only what the bridge uses, answered the way the spec extract and the recordings show. Every
path but the organization list names the organization; another organization's is refused.
"""

from __future__ import annotations

from typing import Any

from connectors.dinero.sandbox import contacts, invoices, organization, reminders
from connectors.dinero.sandbox.call import ROUTES, Call
from connectors.dinero.sandbox.state import SandboxError

__all__ = ["RESOURCES", "ROUTES", "Call", "dispatch"]

# No two of their routes share a method and a path, so the order they register in is free.
RESOURCES = (organization, invoices, reminders, contacts)


def dispatch(call: Call) -> Any:
    """Answer ``call`` or raise SandboxError."""
    handler, args = ROUTES.resolve(call.method, call.path)
    org = args.pop("org", None)
    if org is not None and org != call.state.organization:
        raise SandboxError(403, 403, "You do not have access to this organization.")
    return handler(call, args)
