"""Every request the Fortnox connector sends is one the official OpenAPI describes.

A full review cycle and autonomous writes run against the sandbox through a transport that
keeps each request; each is then checked against the spec: the operation exists, every query
parameter is declared for it (or is one of Fortnox's documented global paging parameters) with
a value its enum allows, and every body validates against the operation's request schema.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import retry
from bridge.store import open_store
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from connectors.fortnox import CONNECTOR
from connectors.fortnox.sandbox.server import FortnoxSandbox
from tests.connectors.fortnox.conftest import TODAY
from tests.contract.fortnox_spec import (
    GLOBAL_PARAMETERS,
    assert_valid,
    parameters,
    request_schema,
    require_specs,
)
from tests.contract.fortnox_support import fortnox_clean_state, register  # noqa: F401


class Recording(httpx.BaseTransport):
    """Keep every request passed on to the sandbox."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.seen.append(request)
        return self.inner.handle_request(request)


def _cycle(tmp_path: Path, mode: Mode, day_offset: int = 0) -> list[httpx.Request]:
    sandbox = FortnoxSandbox.demo(TODAY)
    recording = Recording(sandbox.transport())
    tenant = TenantSettings(
        system="fortnox", country="SE", mode=mode, options={"reminder_fee_agreed": "all"}
    )
    day = TODAY + timedelta(days=day_offset)
    with open_store(tmp_path / f"{mode.value}.sqlite3") as store:
        outcome = run_tenant(
            store,
            "t",
            tenant,
            CycleOptions(
                today=day,
                now=datetime.combine(day, time(7), tzinfo=UTC),
                transport=recording,
                secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
            ),
        )
    assert outcome.status == "ok", outcome.error
    assert outcome.written
    return recording.seen


@pytest.fixture(scope="module")
def requests(tmp_path_factory: pytest.TempPathFactory) -> list[httpx.Request]:
    require_specs()
    root = tmp_path_factory.mktemp("fortnox-requests")
    with pytest.MonkeyPatch.context() as patch:
        register(patch)
        retry.set_waits(False)
        return [*_cycle(root, Mode.REVIEW), *_cycle(root, Mode.AUTONOMOUS, 60)]


def _api(requests: list[httpx.Request]) -> list[httpx.Request]:
    return [r for r in requests if r.url.host == "api.fortnox.se"]


def test_every_query_parameter_is_declared_with_an_allowed_value(
    requests: list[httpx.Request],
) -> None:
    checked = 0
    names: set[str] = set()
    for request in _api(requests):
        declared = parameters(request.method, request.url.path)
        for name, value in request.url.params.multi_items():
            if name in GLOBAL_PARAMETERS:
                assert value.isdigit(), f"{name}={value} in {request.url}"
                continue
            assert name in declared, f"{request.method} {request.url.path} has no {name!r}"
            allowed = declared[name].get("schema", {}).get("enum")
            assert allowed is None or value in allowed, f"{name}={value!r} not in {allowed}"
            checked += 1
            names.add(name)
    # The second cycle reads the lists by their change feed: its parameters are checked too.
    assert checked > 10
    assert {"filter", "lastmodified"} <= names, names


def test_every_body_matches_the_request_schema(requests: list[httpx.Request]) -> None:
    bodies = 0
    for request in _api(requests):
        if request.method in {"POST", "PUT"} and request.content:
            body = json.loads(request.content, parse_float=Decimal)
            assert_valid(request_schema(request.method, request.url.path), body)
            bodies += 1
    assert bodies > 5
    kinds = {
        json.loads(r.content)["Invoice"]["InvoiceType"]
        for r in _api(requests)
        if r.method == "POST" and r.url.path == "/3/invoices"
    }
    assert kinds == {"INVOICE", "INTRESTINVOICE"}


def test_the_operations_we_use(requests: list[httpx.Request]) -> None:
    used = {(r.method, _template(r.url.path)) for r in _api(requests)}
    assert used >= {
        ("GET", "/3/invoices"),
        ("GET", "/3/invoices/{n}"),
        ("POST", "/3/invoices"),
        ("PUT", "/3/invoices/{n}/bookkeep"),
        ("GET", "/3/invoices/{n}/email"),
        ("GET", "/3/invoicepayments"),
        ("GET", "/3/customers/{n}"),
    }
    tokens = [r for r in requests if r.url.host == "apps.fortnox.se"]
    assert [r.url.path for r in tokens] == ["/oauth-v1/token"] * len(tokens)
    assert all(r.content == b"grant_type=client_credentials" for r in tokens)


def _template(path: str) -> str:
    head, _, rest = path.partition("/3/")
    return head + "/3/" + "/".join("{n}" if p.isdigit() else p for p in rest.split("/"))


# The scope each resource needs (Fortnox developer docs, "Scopes": Invoices -> invoice,
# Customers -> customer, Invoice Payments -> payment, Accounts -> bookkeeping, Articles ->
# article, Fortnox Finans -> noxfinansinvoice).
_SCOPE_OF_RESOURCE = {
    "invoices": "invoice",
    "customers": "customer",
    "invoicepayments": "payment",
    "accounts": "bookkeeping",
    "articles": "article",
    "noxfinansinvoices": "noxfinansinvoice",
    "companyinformation": "companyinformation",
}
# Asked for, but the cycle goes on without it (the tenant is then not bound to its company).
_OPTIONAL = {"companyinformation"}


def test_doctor_asks_for_the_scope_of_every_call_a_cycle_makes(
    requests: list[httpx.Request],
) -> None:
    from connectors.fortnox.setup import required_scopes  # noqa: PLC0415
    from connectors.fortnox.writer import RowSettings  # noqa: PLC0415

    resources = {r.url.path.split("/")[2] for r in _api(requests)}
    needed = {_SCOPE_OF_RESOURCE[name] for name in resources}
    allowed = required_scopes(RowSettings(), Mode.AUTONOMOUS, {"handover_via": "system"})
    assert needed - _OPTIONAL <= set(allowed)
    assert needed >= {"invoice", "customer", "payment"}
