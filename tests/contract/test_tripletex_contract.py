"""Every request we send and every answer the sandbox gives, checked against Tripletex's spec."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from bridge.infra import retry
from bridge.infra.http_json import parse_json
from bridge.vocab.connector import Pending, TenantContext
from bridge.vocab.domain import ActionKind, Decision, Letter, Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR, mapping, writer
from connectors.tripletex.sandbox.server import TripletexSandbox
from connectors.tripletex.session import TripletexSession
from tests.contract.tripletex_spec import operation, recorded, require_specs, validate

TODAY = date(2026, 3, 2)
# Our paths -> the spec's templates.
_TEMPLATES = [
    (re.compile(r"^/invoice/\d+/:createReminder$"), "/invoice/{id}/:createReminder"),
    (re.compile(r"^/invoice/\d+$"), "/invoice/{id}"),
    (re.compile(r"^/customer/\d+$"), "/customer/{id}"),
    (re.compile(r"^/order/\d+/:invoice$"), "/order/{id}/:invoice"),
    (re.compile(r"^/order/\d+$"), "/order/{id}"),
    (re.compile(r"^/reminder/\d+$"), "/reminder/{id}"),
]
# Each response body we read -> its schema.
_RESPONSES = {
    ("GET", "/invoice"): "ListResponseInvoice",
    ("GET", "/invoice/{id}"): "ResponseWrapperInvoice",
    ("GET", "/reminder"): "ListResponseReminder",
    ("GET", "/order"): "ListResponseOrder",
    ("GET", "/order/{id}"): "ResponseWrapperOrder",
    ("POST", "/order"): "ResponseWrapperOrder",
    ("PUT", "/order/{id}"): "ResponseWrapperOrder",
    ("GET", "/customer/{id}"): "ResponseWrapperCustomer",
    ("PUT", "/invoice/{id}/:createReminder"): "ResponseWrapperInteger",
    ("PUT", "/order/{id}/:invoice"): "ResponseWrapperInvoice",
    ("POST", "/token/session/:create"): "ResponseWrapperSessionToken",
    ("GET", "/ledger/posting/openPost"): "ListResponsePosting",
    ("GET", "/ledger/vatType"): "ListResponseVatType",
}


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _template(path: str) -> str:
    for pattern, template in _TEMPLATES:
        if pattern.match(path):
            return template
    return path


class Recorder(httpx.BaseTransport):
    """Pass requests to the sandbox and keep every request/answer pair."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.seen.append((request, response))
        return response


def _exercise(strategy: str = "invoices") -> Recorder:
    sandbox = TripletexSandbox.demo(TODAY)
    recorder = Recorder(sandbox.transport())
    ctx = TenantContext(
        tenant="t",
        country="NO",
        mode=Mode.AUTONOMOUS,
        secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
        transport=recorder,
        options={"read_strategy": strategy},
    )
    session = TripletexSession(ctx, today=lambda: TODAY)
    snap = session.fetch(TODAY, None)
    invoice = next(i for i in snap.invoices if i.due_date < TODAY - timedelta(days=14))
    decision = Decision(
        tenant="t",
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        date=TODAY,
        action=ActionKind.REMINDER,
        step=1,
        currency="NOK",
        outstanding=invoice.outstanding,
        fee=Decimal("35.00"),
    )
    letter = Letter("t", invoice.customer_id, ActionKind.REMINDER, 1, TODAY, "NOK", (decision,))
    session.apply(letter, "Purring")
    session.recheck([invoice.id])
    session.find(letter.key)
    session.checks()  # doctor's reads: VAT types, orders, reminders
    review = TripletexSession(
        TenantContext(
            tenant="t",
            country="NO",
            mode=Mode.REVIEW,
            secrets=StaticSecrets("t", CONNECTOR.sandbox_secrets),
            transport=recorder,
        ),
        today=lambda: TODAY,
    )
    other = next(i for i in snap.invoices if i.id != invoice.id and i.customer_id != "13")
    interest = Letter(
        "t",
        other.customer_id,
        ActionKind.INTEREST_INVOICE,
        1,
        TODAY,
        "NOK",
        (
            Decision(
                tenant="t",
                invoice_id=other.id,
                invoice_number=other.number,
                customer_id=other.customer_id,
                date=TODAY,
                action=ActionKind.INTEREST_INVOICE,
                step=1,
                currency="NOK",
                outstanding=other.outstanding,
                compensation=Decimal("480.00"),
            ),
        ),
    )
    review.ctx.options["vat_type"] = "107"
    review.checks()  # the option's VAT type, looked up by id
    pending = review.apply(interest, "Rentenota")
    review.approve(Pending(interest.key, pending.document, TODAY))
    return recorder


@pytest.mark.parametrize("strategy", ["invoices", "openposts"])
def test_every_request_is_in_the_spec_with_its_required_parameters(strategy: str) -> None:
    require_specs()
    for request, _ in _exercise(strategy).seen:
        path = _template(request.url.path.removeprefix("/v2"))
        op = operation(request.method, path)
        sent = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        declared = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
        assert set(sent) <= set(declared), (
            f"{request.method} {path}: unknown {set(sent) - set(declared)}"
        )
        for name, param in declared.items():
            if param.get("required"):
                assert name in sent, f"{request.method} {path} misses required {name}"
            enum = param.get("schema", {}).get("enum")
            if enum and name in sent:
                assert sent[name] in enum, f"{name}={sent[name]} not in {enum}"
        if path == "/invoice/{id}/:createReminder":
            assert set(sent["dispatchTypes"].split(",")) <= writer.DISPATCH_TYPES


def test_request_bodies_and_sandbox_answers_match_the_schemas() -> None:
    require_specs()
    checked = 0
    for request, response in _exercise().seen:
        path = _template(request.url.path.removeprefix("/v2"))
        if request.method == "POST" and path == "/order":
            validate(json.loads(request.content, parse_float=Decimal), "Order")
        if request.method == "PUT" and path == "/order/{id}":
            validate(json.loads(request.content, parse_float=Decimal), "Order")
        if request.method == "POST" and path == "/token/session/:create":
            validate(json.loads(request.content), "PostSessionTokenBody")
        schema = _RESPONSES.get((request.method, path))
        if schema and response.status_code < 300:
            validate(parse_json(response), schema)
            checked += 1
    assert checked >= 10


def test_sandbox_error_bodies_have_the_recorded_shape() -> None:
    require_specs()
    real = recorded("error_422_invoice_post_no_bank_account.json")
    sandbox = TripletexSandbox.demo(TODAY)
    client = httpx.Client(transport=sandbox.transport(), base_url="https://tripletex.no/v2")
    token = sandbox._mint(
        {
            "consumerToken": sandbox.CONSUMER_TOKEN,
            "employeeToken": sandbox.EMPLOYEE_TOKEN,
            "expirationDate": "2026-03-04",
        }
    )["token"]
    answer = client.put(
        "invoice/1/:createReminder",
        params={"type": "SOFT_REMINDER", "date": "2026-03-02"},
        auth=("0", token),
    )
    body = parse_json(answer)
    assert answer.status_code == 422
    assert set(body) == set(real)
    assert body["validationMessages"][0]["message"] == "Minst én sendetype må oppgis"
    validate(body, "ApiError")
    validate(real, "ApiError")


def test_recorded_invoice_maps() -> None:
    obj = recorded("invoice_post_201.value.json")
    invoice = mapping.invoice(obj)
    assert invoice.id == "2147635267"
    assert invoice.number == "1"
    assert invoice.currency == "NOK"  # currency not expanded: company-currency amounts
    assert invoice.outstanding == Decimal("43625.00")
    assert invoice.due_date == date(2026, 4, 4)
    assert invoice.paused_until is None
    assert mapping.invoice_reminders(obj) == []
    assert mapping.is_claim(obj)
    validate(obj, "Invoice")


def test_recorded_payment_leaves_nothing_outstanding() -> None:
    body = recorded("invoice_payment_put_200.json")
    invoice = mapping.invoice(mapping.value(body, "payment"))
    assert invoice.is_paid
