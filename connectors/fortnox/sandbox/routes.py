"""The Fortnox sandbox's endpoints: paths and methods as Fortnox's (below ``/3``), each
answered by a resource module (invoices, payments, customers, company, finans).

Only what the bridge uses; any other path or method is Fortnox's 404 (it answers no 405).
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.fortnox.sandbox import company, customers, finans, invoices, payments
from connectors.fortnox.sandbox.call import Call, Reply
from connectors.fortnox.sandbox.errors import CODE_NO_RESOURCE, ApiError
from connectors.sandbox_base import Params, Routes

__all__ = ["DEFAULT_SCOPES", "ROUTES", "SCOPE_OF", "Call", "Reply", "dispatch"]

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

Handler = Callable[[Call, Params], Reply]
ROUTES: Routes[Handler] = Routes(
    lambda method, path: ApiError(404, "Resursen hittades inte.", CODE_NO_RESOURCE)
)
for _method, _pattern, _handler in (
    ("GET", "/invoices", invoices.list_invoices),
    ("POST", "/invoices", invoices.create_invoice),
    ("GET", "/invoices/{number}", invoices.get_invoice),
    ("PUT", "/invoices/{number}/bookkeep", invoices.put_bookkeep),
    ("PUT", "/invoices/{number}/cancel", invoices.put_cancel),
    # einvoice is in the spec, but no customer uses it.
    ("GET", "/invoices/{number}/{way:email|eprint|einvoice}", invoices.get_send),
    ("PUT", "/invoices/{number}/externalprint", invoices.put_externalprint),
    ("PUT", "/invoices/{number}/credit", invoices.put_credit),
    ("GET", "/invoicepayments", payments.list_payments),
    ("GET", "/customers", customers.list_customers),
    ("GET", "/customers/{number}", customers.get_customer),
    ("GET", "/accounts/{number}", company.get_account),
    ("GET", "/articles/{number}", company.get_article),
    ("POST", "/noxfinansinvoices", finans.hand_over),
    ("GET", "/companyinformation", company.company_information),
    ("GET", "/noxfinansinvoices/{number}", finans.get_finans),
):
    ROUTES.add(_method, _pattern, _handler)


def dispatch(call: Call) -> Reply:
    """Route one API call (its path without ``/3``); raise ApiError for an error answer."""
    # Empty segments do not count: "/invoices//12" is invoice 12.
    path = "/" + "/".join(part for part in call.path.split("/") if part)
    handler, args = ROUTES.resolve(call.method, path)
    return handler(call, args)
