"""List ``fields``: only the names the spec documents; the sandbox refuses any other."""

from __future__ import annotations

import pytest

from connectors.dinero import client
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import TODAY, open_session
from tests.connectors.dinero.test_sandbox import _api

# The names each list's ``fields`` parameter documents (spec extract, verbatim).
CONTACT_FIELDS = {
    "name", "contactguid", "externalreference", "isperson", "street", "zipcode", "city",
    "countrykey", "phone", "email", "webpage", "attperson", "vatnumber", "eannumber",
    "paymentconditiontype", "paymentconditionnumberofdays", "ismember", "membernumber",
    "companystatus", "vatregionkey", "createdat", "updatedat", "deletedat",
    "preferredinvoicelanguagekey", "preferredinvoicecurrencykey",
}  # fmt: skip
INVOICE_FIELDS = {
    "number", "guid", "externalreference", "contactname", "contactguid", "date", "paymentdate",
    "description", "currency", "status", "mailoutstatus", "latestmailouttype",
    "totalexclvatindkk", "totalinclvatindkk", "totalexclvat", "totalinclvat", "createdat",
    "updatedat", "deletedat",
}  # fmt: skip


def _names(fields: str) -> set[str]:
    return {f.strip().lower() for f in fields.split(",")}


def test_the_client_asks_only_for_documented_fields() -> None:
    assert _names(client.CONTACT_FIELDS) <= CONTACT_FIELDS
    assert _names(client.INVOICE_FIELDS) <= INVOICE_FIELDS
    assert not {"isdebitor", "iscreditor", "usecvr"} & _names(client.CONTACT_FIELDS)


@pytest.mark.parametrize(
    ("path", "field"),
    [("/contacts", "IsDebitor"), ("/contacts", "UseCvr"), ("/invoices", "Balance")],
)
def test_the_sandbox_refuses_an_unknown_field(
    sandbox: DineroSandbox, path: str, field: str
) -> None:
    response = _api(sandbox).get(path, params={"fields": f"Name,{field}"})
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_notes_refuse_an_unknown_field_too(sandbox: DineroSandbox) -> None:
    contact = next(iter(sandbox.state.contacts))
    response = _api(sandbox).get(f"/contacts/{contact}/notes", params={"fields": "Id,Owner"})
    assert response.status_code == 400


def test_a_fetch_succeeds_against_the_strict_sandbox(sandbox: DineroSandbox) -> None:
    snapshot = open_session(sandbox).fetch(TODAY, None)
    assert snapshot.customers
