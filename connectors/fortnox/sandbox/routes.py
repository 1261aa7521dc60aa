"""The Fortnox sandbox's endpoints, by resource: each module registers its paths and methods
(as Fortnox's, below ``/3``) in the one route table, ``call.ROUTES``, when imported here.

Only what the bridge uses. The scopes each resource needs are here too: the sandbox checks
them before routing.
"""

from __future__ import annotations

from connectors.fortnox.sandbox import company, customers, finans, invoices, payments
from connectors.fortnox.sandbox.call import ROUTES, Call, Reply

__all__ = ["DEFAULT_SCOPES", "RESOURCES", "ROUTES", "SCOPE_OF", "Call", "Reply", "dispatch"]

# No two of their routes share a method and a path, so the order they register in is free.
RESOURCES = (invoices, payments, customers, company, finans)
# The scope each resource needs (Fortnox developer docs, "Scopes"; see fortnox/setup.py).
SCOPE_OF = {
    "invoices": "invoice",
    "invoicepayments": "payment",
    "customers": "customer",
    "accounts": "bookkeeping",
    "articles": "article",
    "noxfinansinvoices": "noxfinansinvoice",
    "companyinformation": "companyinformation",
}

# What the sandbox's integration is granted unless a test narrows it.
DEFAULT_SCOPES = (
    "article bookkeeping companyinformation customer invoice noxfinansinvoice payment settings"
)


def dispatch(call: Call) -> Reply:
    """Route one API call (its path without ``/3``); raise ApiError for an error answer."""
    # Empty segments do not count: "/invoices//12" is invoice 12.
    path = "/" + "/".join(part for part in call.path.split("/") if part)
    handler, args = ROUTES.resolve(call.method, path)
    return handler(call, args)
