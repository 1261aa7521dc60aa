"""The endpoints the sandbox answers, each a small function over the state.

Only the resources the bridge uses are emulated; anything else is the recorded 404. A path
the API has but with another method (say PUT on a customer) is a 404 too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from connectors.economic.sandbox import catalog, render
from connectors.economic.sandbox.drafts import build_draft, validate_booking, validate_draft
from connectors.economic.sandbox.errors import (
    ApiError,
    entity_not_found,
    route_not_found,
    validation_failed,
)
from connectors.economic.sandbox.fields import (
    ACCOUNTING_YEARS,
    BOOKED_INVOICES,
    CONTACTS,
    CUSTOMER_GROUPS,
    CUSTOMERS,
    DRAFT_INVOICES,
    EMPLOYEES,
    ENTRIES,
    NOTHING,
    PRODUCTS,
    Fields,
)
from connectors.economic.sandbox.ledger import book_draft
from connectors.economic.sandbox.links import BASE_URL, link
from connectors.economic.sandbox.query import (
    Clause,
    Junction,
    Node,
    paginate,
    paginate_records,
    parse_list_query,
)
from connectors.economic.sandbox.state import Record, SandboxState
from connectors.sandbox_base import Params, Routes

Doc = dict[str, Any]


@dataclass
class Call:
    """One request as the handlers see it."""

    method: str
    path: str
    params: Sequence[tuple[str, str]]
    body: Any
    state: SandboxState
    today: date
    now: datetime


@dataclass
class Reply:
    """A successful answer."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Call, Params], Reply]
# A path the API has but with another method answers the recorded 404 too: no 405.
ROUTES: Routes[Handler] = Routes(lambda method, path: route_not_found())
_route = ROUTES.route


def dispatch(call: Call) -> Reply:
    """Answer ``call`` with the matching handler, or the recorded 404."""
    handler, args = ROUTES.resolve(call.method, call.path)
    return handler(call, {name: unquote(value) for name, value in args.items()})


def _listing(call: Call, docs: list[Doc], fields: Fields, *, create: str | None = None) -> Reply:
    query = parse_list_query(call.params, fields)
    page = paginate(docs, query, fields, BASE_URL, call.path)
    return Reply(200, render.collection(page, create=create))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- agreement and settings ---------------------------------------------------------------


@_route("GET", "/self")
def _self(call: Call, args: Params) -> Reply:
    return Reply(200, render.agreement())


def _static(catalogue: Mapping[Any, Doc], kind: str, fields: Fields) -> tuple[Handler, Handler]:
    """The list and single handlers of a fixed catalogue (payment terms, layouts, ...)."""
    table = {str(key): item for key, item in catalogue.items()}

    def listing(call: Call, args: Params) -> Reply:
        return _listing(call, [dict(item) for item in table.values()], fields)

    def single(call: Call, args: Params) -> Reply:
        if args["key"] not in table:
            raise entity_not_found(kind, args["key"])
        return Reply(200, dict(table[args["key"]]))

    return listing, single


# The fixed catalogues by path: what a missing entry is called, the entries by their number
# (or code), and the fields a list may filter and sort on.
_CATALOGUES: dict[str, tuple[str, Mapping[Any, Doc], Fields]] = {
    "payment-terms": ("Payment terms", catalog.PAYMENT_TERMS, NOTHING),
    "layouts": ("Layout", catalog.LAYOUTS, NOTHING),
    "vat-zones": ("VAT zone", catalog.VAT_ZONES, NOTHING),
    "products": ("Product", catalog.PRODUCTS, PRODUCTS),
    "product-groups": ("Product group", catalog.PRODUCT_GROUPS, NOTHING),
    "accounts": ("Account", catalog.ACCOUNTS, NOTHING),
    "vat-accounts": ("VAT account", catalog.VAT_ACCOUNTS, NOTHING),
    "customer-groups": ("Customer group", catalog.CUSTOMER_GROUPS, CUSTOMER_GROUPS),
}
for _path, (_kind, _catalogue, _fields) in _CATALOGUES.items():
    _list_handler, _single_handler = _static(_catalogue, _kind, _fields)
    _route("GET", f"/{_path}")(_list_handler)
    _route("GET", f"/{_path}/{{key}}")(_single_handler)


@_route("GET", "/product-groups/{group}/sales-accounts")
def _sales_accounts(call: Call, args: Params) -> Reply:
    """A product group's sales account per VAT zone, each account written out in full."""
    group = args["group"]
    zones = catalog.SALES_ACCOUNTS.get(int(group)) if group.isdigit() else None
    if zones is None:
        raise entity_not_found("Product group", group)
    docs = [
        {
            "salesAccount": dict(catalog.ACCOUNTS[account]),
            "vatZone": dict(catalog.VAT_ZONES[zone]),
        }
        for zone, account in sorted(zones.items())
    ]
    return _listing(call, docs, NOTHING)


# --- customers ----------------------------------------------------------------------------


def _customer(call: Call, args: Params) -> Record:
    number = int(args["customer"])
    if number not in call.state.customers:
        raise entity_not_found("Customer", number)
    return call.state.customers[number]


@_route("GET", "/customers")
def _customers(call: Call, args: Params) -> Reply:
    state, today = call.state, call.today
    totals = render.balances(state, today)
    page = paginate_records(
        [state.customers[n] for n in sorted(state.customers)],
        lambda rec: render.customer(rec, state, today, totals=totals),
        parse_list_query(call.params, CUSTOMERS),
        CUSTOMERS,
        where=(BASE_URL, call.path),
        stored_as_shown=frozenset({"customerNumber", "lastUpdated", "name", "email"}),
    )
    return Reply(200, render.collection(page, create="Create a new customer"))


@_route("GET", r"/customers/{customer:-?\d+}")
def _one_customer(call: Call, args: Params) -> Reply:
    return Reply(200, render.customer(_customer(call, args), call.state, call.today, single=True))


def _contacts_of(call: Call, args: Params) -> list[Record]:
    number = _customer(call, args)["customerNumber"]
    return [
        c
        for _, c in sorted(call.state.contacts.items())
        if c["customer"]["customerNumber"] == number
    ]


@_route("GET", r"/customers/{customer:-?\d+}/contacts")
def _contacts(call: Call, args: Params) -> Reply:
    return _listing(call, [render.contact(c) for c in _contacts_of(call, args)], CONTACTS)


@_route("GET", r"/customers/{customer:-?\d+}/contacts/{contact:\d+}")
def _one_contact(call: Call, args: Params) -> Reply:
    wanted = int(args["contact"])
    for contact in _contacts_of(call, args):
        if contact["customerContactNumber"] == wanted:
            return Reply(200, render.contact(contact))
    raise entity_not_found("Customer contact", wanted)


@_route("GET", r"/customers/{customer:-?\d+}/invoices/booked")
def _customer_booked(call: Call, args: Params) -> Reply:
    number = _customer(call, args)["customerNumber"]
    docs = [d for d in _booked_docs(call.state) if d["customer"]["customerNumber"] == number]
    return _listing(call, docs, BOOKED_INVOICES)


@_route("GET", r"/customers/{customer:-?\d+}/invoices/drafts")
def _customer_drafts(call: Call, args: Params) -> Reply:
    number = _customer(call, args)["customerNumber"]
    docs = [d for d in _draft_docs(call.state) if d["customer"]["customerNumber"] == number]
    return _listing(call, docs, DRAFT_INVOICES)


# --- employees ----------------------------------------------------------------------------


@_route("GET", "/employees")
def _employees(call: Call, args: Params) -> Reply:
    employees = call.state.employees
    return _listing(call, [render.employee(employees[n]) for n in sorted(employees)], EMPLOYEES)


@_route("GET", r"/employees/{employee:-?\d+}")
def _one_employee(call: Call, args: Params) -> Reply:
    number = int(args["employee"])
    if number not in call.state.employees:
        raise entity_not_found("Employee", number)
    return Reply(200, render.employee(call.state.employees[number]))


# --- booked invoices ----------------------------------------------------------------------


def _booked_docs(state: SandboxState, keep: Callable[[Record], bool] = lambda _: True) -> list[Doc]:
    return [
        render.booked_invoice(state.booked[n])
        for n in sorted(state.booked)
        if keep(state.booked[n])
    ]


# Booked-invoice fields stored with the value they are shown with: filters on them need no
# rendering (see paginate_records).
_BOOKED_AS_SHOWN = frozenset(
    {
        "bookedInvoiceNumber",
        "date",
        "dueDate",
        "currency",
        "netAmount",
        "grossAmount",
        "vatAmount",
        "remainder",
        "customer.customerNumber",
        "references.other",
    }
)


def _booked_listing(call: Call, keep: Callable[[Record], bool] = lambda _: True) -> Reply:
    """A booked-invoice collection, rendering only the page asked for."""
    query = parse_list_query(call.params, BOOKED_INVOICES)
    state = call.state
    numbers = _customer_invoices(state, query.where)
    records = [state.booked[n] for n in (sorted(state.booked) if numbers is None else numbers)]
    kept = [r for r in records if keep(r)]
    unfiltered = None
    if numbers is not None:  # one customer's invoices read: count the collection apart
        key = (call.path, state.revision, len(state.booked), call.today.isoformat())
        if key not in state.counts:
            state.counts = {key: sum(1 for r in state.booked.values() if keep(r))}
        unfiltered = state.counts[key]
    page = paginate_records(
        kept,
        render.booked_invoice,
        query,
        BOOKED_INVOICES,
        where=(BASE_URL, call.path),
        stored_as_shown=_BOOKED_AS_SHOWN,
        unfiltered=unfiltered,
    )
    return Reply(200, render.collection(page))


def _customer_invoices(state: SandboxState, where: Node | None) -> list[int] | None:
    """The invoice numbers of the one customer a filter asks for, or None when it asks for more.

    The filter still runs on what this returns; this only spares reading the rest.
    """
    clauses = [where] if isinstance(where, Clause) else list(where.parts) if where else []
    if where is not None and isinstance(where, Junction) and not where.all:
        return None
    for clause in clauses:
        if (
            isinstance(clause, Clause)
            and clause.path == "customer.customerNumber"
            and clause.op == "eq"
            and len(clause.values) == 1
            and isinstance(clause.values[0], int)
        ):
            return sorted(state.booked_of(clause.values[0]))
    return None


def _open(inv: Record) -> bool:
    return Decimal(inv["remainder"]) != 0


def _due(inv: Record) -> date:
    return date.fromisoformat(inv["dueDate"])


@_route("GET", "/invoices/booked")
def _booked(call: Call, args: Params) -> Reply:
    return _booked_listing(call)


@_route("GET", "/invoices/overdue")
def _overdue(call: Call, args: Params) -> Reply:
    return _booked_listing(call, lambda i: _open(i) and _due(i) < call.today)


@_route("GET", "/invoices/not-due")
def _not_due(call: Call, args: Params) -> Reply:
    return _booked_listing(call, lambda i: _open(i) and _due(i) >= call.today)


@_route("GET", "/invoices/unpaid")
def _unpaid(call: Call, args: Params) -> Reply:
    return _booked_listing(call, _open)


@_route("GET", "/invoices/paid")
def _paid(call: Call, args: Params) -> Reply:
    return _booked_listing(call, lambda i: not _open(i))


@_route("GET", r"/invoices/booked/{invoice:\d+}")
def _one_booked(call: Call, args: Params) -> Reply:
    number = int(args["invoice"])
    if number not in call.state.booked:
        raise entity_not_found("Booked invoice", number)
    return Reply(200, render.booked_invoice(call.state.booked[number], single=True))


@_route("POST", "/invoices/booked")
def _book(call: Call, args: Params) -> Reply:
    body = _object_body(call)
    problems, send_by = validate_booking(body, call.state)
    if problems:
        raise validation_failed(problems)
    wanted = body.get("bookWithNumber")
    booked = book_draft(call.state, body["draftInvoice"]["draftInvoiceNumber"], send_by, wanted)
    doc = render.booked_invoice(booked, single=True)
    return Reply(201, doc, {"Location": doc["self"]})


# --- draft invoices -----------------------------------------------------------------------


def _draft_docs(state: SandboxState) -> list[Doc]:
    return [render.draft_invoice(state.drafts[n]) for n in sorted(state.drafts)]


@_route("GET", "/invoices/drafts")
def _drafts(call: Call, args: Params) -> Reply:
    return _listing(call, _draft_docs(call.state), DRAFT_INVOICES)


def _draft(call: Call, args: Params) -> Record:
    number = int(args["draft"])
    if number not in call.state.drafts:
        raise entity_not_found("Draft invoice", number)
    return call.state.drafts[number]


@_route("GET", r"/invoices/drafts/{draft:\d+}")
def _one_draft(call: Call, args: Params) -> Reply:
    return Reply(200, render.draft_invoice(_draft(call, args), single=True))


@_route("DELETE", r"/invoices/drafts/{draft:\d+}")
def _delete_draft(call: Call, args: Params) -> Reply:
    number = _draft(call, args)["draftInvoiceNumber"]
    del call.state.drafts[number]
    return Reply(
        200,
        {
            "message": "Deleted invoice.",
            "deletedCount": 1,
            "deletedItems": [
                {"draftInvoiceNumber": number, "self": link("invoices", "drafts", number)}
            ],
        },
    )


@_route("POST", "/invoices/drafts")
def _create_draft(call: Call, args: Params) -> Reply:
    body = _object_body(call)
    problems = validate_draft(body, call.state)
    if problems:
        raise validation_failed(problems)
    number = call.state.take("draft")
    # The SOAP handle is a separate sequence in e-conomic; offsetting it keeps them distinct.
    rec = build_draft(body, number, number + 100, _stamp(call.now))
    call.state.drafts[number] = rec
    doc = render.draft_invoice(rec, single=True)
    return Reply(201, doc, {"Location": doc["self"]})


def _object_body(call: Call) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise ApiError(
            400,
            "The request body must be a JSON object.",
            "Send the resource as a JSON object with Content-Type: application/json.",
            "E04110",
        )
    return call.body


# --- ledger -------------------------------------------------------------------------------


def _years(call: Call) -> list[int]:
    found = {call.today.year}
    found |= {int(e["date"][:4]) for e in call.state.entries.values()}
    return sorted(found)


@_route("GET", "/accounting-years")
def _accounting_years(call: Call, args: Params) -> Reply:
    docs = [render.accounting_year(y, call.today) for y in _years(call)]
    return _listing(call, docs, ACCOUNTING_YEARS)


def _year(call: Call, args: Params) -> int:
    text = args["year"]
    if not text.isdigit() or int(text) not in _years(call):
        raise entity_not_found("Accounting year", text)
    return int(text)


@_route("GET", "/accounting-years/{year}")
def _one_year(call: Call, args: Params) -> Reply:
    return Reply(200, render.accounting_year(_year(call, args), call.today))


@_route("GET", "/accounting-years/{year}/entries")
def _entries(call: Call, args: Params) -> Reply:
    year = str(_year(call, args))
    docs = [
        render.entry(rec, call.state)
        for _, rec in sorted(call.state.entries.items())
        if rec["date"][:4] == year
    ]
    return _listing(call, docs, ENTRIES)
