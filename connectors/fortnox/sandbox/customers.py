"""The Fortnox sandbox's customers: the list (``filter``, ``lastmodified``) and one customer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.fortnox.sandbox.call import Call, Reply, modified_since, number_key, page, route
from connectors.fortnox.sandbox.errors import (
    CODE_BAD_FILTER,
    CODE_NO_CUSTOMER,
    ApiError,
)
from connectors.fortnox.sandbox.ledger import (
    public,
)
from connectors.sandbox_base import Params

CUSTOMER_LIST_FIELDS = (
    "@url",
    "Address1",
    "Address2",
    "City",
    "CustomerNumber",
    "Email",
    "Name",
    "OrganisationNumber",
    "Phone",
    "ZipCode",
)

# fortnox_Customer_DefaultDeliveryTypes.Invoice (spec): there is no EINVOICE among them.
DELIVERY_TYPES = frozenset({"PRINT", "EMAIL", "PRINTSERVICE"})


@route("GET", "/customers")
def list_customers(call: Call, args: Params) -> Reply:
    records = list(call.state["customers"].values())
    name = call.params.get("filter")
    if name is not None:
        if name not in ("active", "inactive"):
            raise ApiError(400, "Ett ogiltigt filter har använts.", CODE_BAD_FILTER, lower=True)
        records = [r for r in records if bool(r.get("Active")) == (name == "active")]
    records = modified_since(call, records)
    if "customernumber" in call.params:
        records = [r for r in records if r["CustomerNumber"] == call.params["customernumber"]]
    records.sort(key=lambda r: number_key(r, "CustomerNumber"))
    return page(call, "Customers", [_customer_item(r) for r in records], CUSTOMER_LIST_FIELDS)


def _customer_item(record: Mapping[str, Any]) -> dict[str, Any]:
    """A customer as the list shows it: one ``Phone`` (the full customer's Phone1) and, unlike
    the full customer, "" rather than null for an unset field (both recorded)."""
    item = {f: "" if record.get(f) is None else record[f] for f in CUSTOMER_LIST_FIELDS}
    item["Phone"] = record.get("Phone1") or ""
    return item


@route("GET", "/customers/{number}")
def get_customer(call: Call, args: Params) -> Reply:
    found = call.state["customers"].get(args["number"])
    if found is None:
        raise ApiError(404, "Kan inte hitta kunden.", CODE_NO_CUSTOMER)
    return Reply(200, {"Customer": public(found)})
