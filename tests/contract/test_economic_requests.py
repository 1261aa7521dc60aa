"""Every request the e-conomic connector sends is one the official schemas allow.

Bodies of draft and booking POSTs validate against ``invoices.drafts.post`` and
``invoices.booked.post`` (plus their ``maxDecimal`` limits, which jsonschema ignores); every
filter only names fields the collection's schema marks ``filterable``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bridge.infra import retry
from bridge.infra.http_json import dump_json
from bridge.vocab.connector import Pending, TenantContext
from bridge.vocab.domain import (
    ActionKind,
    Decision,
    InterestCharge,
    InterestPeriod,
    Letter,
    Mode,
)
from bridge.vocab.secrets import StaticSecrets
from connectors.economic import CONNECTOR, writer
from connectors.economic.sandbox.server import EconomicSandbox
from connectors.economic.session import EconomicSession
from tests.connectors.economic.fake import split_filter
from tests.contract.economic_schemas import assert_valid, require_specs, schema

TODAY = date(2026, 3, 2)

# Which schema describes the collection behind each path we filter.
_COLLECTIONS = [
    (re.compile(r"^/invoices/unpaid$"), "invoices.unpaid.get"),
    (re.compile(r"^/invoices/overdue$"), "invoices.overdue.get"),
    (re.compile(r"^/invoices/paid$"), "invoices.paid.get"),
    (re.compile(r"^/invoices/booked$"), "invoices.booked.get"),
    (re.compile(r"^/invoices/drafts$"), "invoices.drafts.get"),
    (re.compile(r"^/customers$"), "customers.get"),
    (re.compile(r"^/customers/\d+/contacts$"), "customers.customerNumber.contacts.get"),
    (re.compile(r"^/accounting-years$"), "accounting-years.get"),
    (
        re.compile(r"^/accounting-years/[^/]+/entries$"),
        "accounting-years.accountingYear.entries.get",
    ),
    (re.compile(r"^/layouts$"), "layouts.get"),
    (re.compile(r"^/payment-terms$"), "payment-terms.get"),
]
_CLAUSE = re.compile(
    r"^(?P<field>[A-Za-z0-9_.]+)\$(?P<op>eq|ne|gt|gte|lt|lte|like|in|nin):(?P<value>.*)$", re.S
)


@pytest.fixture(autouse=True)
def specs() -> Iterator[None]:
    require_specs()
    retry.set_waits(False)
    yield
    retry.set_waits(True)


class Recorder:
    """Wrap the sandbox's transport and keep every request that passed through it."""

    def __init__(self, sandbox: EconomicSandbox) -> None:
        self.sandbox = sandbox
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.sandbox.handle(request)

    def bodies(self, path: str) -> list[Any]:
        return [
            json.loads(r.content, parse_float=Decimal)
            for r in self.requests
            if r.method == "POST" and r.url.path == path
        ]


def _session(recorder: Recorder, mode: Mode, **options: str) -> EconomicSession:
    ctx = TenantContext(
        tenant="demo",
        country="DK",
        mode=mode,
        secrets=StaticSecrets("demo", CONNECTOR.sandbox_secrets),
        transport=httpx.MockTransport(recorder),
        options=options,
    )
    session = CONNECTOR.open(ctx)
    assert isinstance(session, EconomicSession)
    return session


def _interest(principal: Decimal) -> InterestCharge:
    periods = (
        InterestPeriod(
            date(2025, 12, 1),
            date(2025, 12, 31),
            Decimal("10.25"),
            31,
            365,
            principal,
            Decimal("87.05"),
        ),
        InterestPeriod(
            date(2026, 1, 1),
            date(2026, 3, 2),
            Decimal("10.00"),
            61,
            365,
            principal,
            Decimal("167.12"),
        ),
    )
    return InterestCharge(
        date(2025, 12, 1), date(2026, 3, 2), Decimal("254.17"), periods, "act/365"
    )


def _exercise(recorder: Recorder, mode: Mode) -> None:
    """Run every kind of read and write the session does, against the demo company."""
    session = _session(recorder, mode)
    snapshot = session.fetch(TODAY, None)
    session.fetch(TODAY, datetime.now(UTC) - timedelta(days=1))
    open_ = [
        i
        for i in snapshot.invoices
        if i.due_date < TODAY and not snapshot.customers[i.customer_id].barred
    ]
    by_customer: dict[str, list[Any]] = {}
    for invoice in open_:
        by_customer.setdefault(invoice.customer_id, []).append(invoice)
    written = []
    for n, invoices in enumerate(list(by_customer.values())[:4]):
        decisions = tuple(
            Decision(
                tenant="demo",
                invoice_id=i.id,
                invoice_number=i.number,
                customer_id=i.customer_id,
                date=TODAY,
                action=ActionKind.COLLECTION_WARNING if n == 1 else ActionKind.REMINDER,
                step=n + 1,
                currency=i.currency,
                outstanding=i.outstanding,
                fee=Decimal("100.00") if k == 0 else Decimal("0.00"),
                interest=_interest(i.outstanding) if n in (1, 2) else None,
                compensation=Decimal("310.00") if n == 2 and k == 0 else Decimal("0.00"),
                deadline=TODAY + timedelta(days=10),
            )
            for k, i in enumerate(invoices)
        )
        first = invoices[0]
        letter = Letter(
            "demo", first.customer_id, decisions[0].action, n + 1, TODAY, first.currency, decisions
        )
        text = "Kære kunde,\n\n" + ("Vi mangler stadig betaling. " * 30 + "\n\n") * (
            2 if n == 3 else 1
        )
        session.recheck([d.invoice_id for d in decisions])
        written.append(session.apply(letter, text))
        session.find(letter.key)
    list(session.reconcile([Pending(w.letter_key, w.document, TODAY) for w in written]))
    list(session.client.contacts(int(snapshot.invoices[0].customer_id)))
    list(session.client.overdue_invoices())
    session.close()


@pytest.mark.parametrize("mode", [Mode.REVIEW, Mode.AUTONOMOUS])
def test_draft_and_booking_bodies_match_the_official_schemas(mode: Mode) -> None:
    recorder = Recorder(EconomicSandbox.demo(TODAY))
    _exercise(recorder, mode)
    drafts = recorder.bodies("/invoices/drafts")
    assert len(drafts) == 4
    for body in drafts:
        assert_valid("invoices.drafts.post", body)
        _assert_max_decimals(schema("invoices.drafts.post"), body)
    bookings = recorder.bodies("/invoices/booked")
    assert len(bookings) == (4 if mode is Mode.AUTONOMOUS else 0)
    for body in bookings:
        assert_valid("invoices.booked.post", body)


def test_a_two_line_letter_validates() -> None:
    recorder = Recorder(EconomicSandbox.demo(TODAY))
    _exercise(recorder, Mode.REVIEW)
    assert any("textLine2" in b["notes"] for b in recorder.bodies("/invoices/drafts"))


def test_due_date_terms_body_validates() -> None:
    decision = Decision(
        "demo",
        "1",
        "1",
        "5",
        TODAY,
        ActionKind.REMINDER,
        1,
        "DKK",
        Decimal("10.00"),
        fee=Decimal("100.00"),
        deadline=TODAY + timedelta(days=10),
    )
    letter = Letter("demo", "5", ActionKind.REMINDER, 1, TODAY, "DKK", (decision,))
    settings = writer.DraftSettings(layout=19, payment_terms=7, payment_terms_type="dueDate")
    customer = {
        "customerNumber": 5,
        "name": "X" * 400,
        "ean": "5798000363007" * 2,
        "vatZone": {"vatZoneNumber": 1},
    }
    body = json.loads(
        dump_json(
            writer.draft_body(letter, "t", customer=customer, settings=settings, invoices={})
        ),
        parse_float=Decimal,
    )
    assert_valid("invoices.drafts.post", body)


def _assert_max_decimals(node: dict[str, Any], value: Any, path: str = "") -> None:
    """Check e-conomic's ``maxDecimal`` limits, which a draft-03 validator does not know."""
    if isinstance(value, dict):
        for key, child in value.items():
            sub = node.get("properties", {}).get(key)
            if sub is not None:
                _assert_max_decimals(sub, child, f"{path}.{key}")
    elif isinstance(value, list):
        for n, child in enumerate(value):
            _assert_max_decimals(node.get("items", {}), child, f"{path}[{n}]")
    elif isinstance(value, Decimal) and "maxDecimal" in node:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        assert -exponent <= node["maxDecimal"], f"{path}={value}"


def _clauses(expression: str) -> list[tuple[str, str, str]]:
    out = []
    for alternative in split_filter(expression, "or"):
        for part in split_filter(alternative, "and"):
            match = _CLAUSE.match(part.strip("()"))
            assert match, f"cannot read filter clause {part!r} of {expression!r}"
            out.append((match["field"], match["op"], match["value"]))
    return out


def _property(schema_name: str, field: str) -> dict[str, Any] | None:
    node: dict[str, Any] | None = schema(schema_name)["properties"]["collection"]["items"]
    for part in field.split("."):
        node = (node or {}).get("properties", {}).get(part)
    return node


def _schema_for(path: str) -> str:
    for pattern, name in _COLLECTIONS:
        if pattern.match(path):
            return name
    raise AssertionError(f"no collection schema known for {path}")


def test_every_filter_names_only_filterable_fields() -> None:
    recorder = Recorder(EconomicSandbox.demo(TODAY))
    _exercise(recorder, Mode.REVIEW)
    _exercise(recorder, Mode.AUTONOMOUS)
    seen: set[tuple[str, str]] = set()
    for request in recorder.requests:
        expression = request.url.params.get("filter")
        if request.method != "GET" or not expression:
            continue
        name = _schema_for(request.url.path)
        for field, op, _ in _clauses(expression):
            spec = _property(name, field)
            assert spec is not None, f"{field} is not a property of {name}"
            assert spec.get("filterable") is True, f"{field} is not filterable in {name}"
            if op in ("in", "nin"):
                assert spec.get("type") == "integer", f"$in on the non-numeric {field}"
            seen.add((name, field))
    # The filters the session depends on were all exercised.
    assert {
        ("invoices.unpaid.get", "bookedInvoiceNumber"),
        ("invoices.paid.get", "date"),
        ("invoices.drafts.get", "references.other"),
        ("invoices.booked.get", "references.other"),
        ("customers.get", "lastUpdated"),
        ("customers.get", "customerNumber"),
        ("accounting-years.accountingYear.entries.get", "entryType"),
    } <= seen


def test_the_fields_we_never_filter_on_are_indeed_not_filterable() -> None:
    # dueDate and remainder are filtered locally because e-conomic refuses them.
    for name in ("invoices.unpaid.get", "invoices.overdue.get", "invoices.paid.get"):
        for field in ("dueDate", "remainder"):
            spec = _property(name, field)
            assert spec is not None
            assert not spec.get("filterable")


def test_filter_reader_understands_escapes() -> None:
    assert _clauses("references.other$eq:a$$b$,c$or:x$gte:2") == [
        ("references.other", "eq", "a$$b$,c"),
        ("x", "gte", "2"),
    ]
