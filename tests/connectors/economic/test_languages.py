"""The draft's heading and line texts in the customer's language, chosen as letters choose it.

A Norwegian customer's letter (the notes) is Norwegian; its heading and lines were Danish.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import ActionKind, Decision, Letter, Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.economic import CONNECTOR, writer
from connectors.economic.sandbox.server import EconomicSandbox
from connectors.economic.session import EconomicSession

TODAY = date(2026, 3, 2)
SETTINGS = writer.DraftSettings(layout=19, payment_terms=1, payment_terms_type="net")


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _letter(currency: str = "DKK", action: ActionKind = ActionKind.REMINDER) -> Letter:
    decision = Decision(
        tenant="demo",
        invoice_id="1001",
        invoice_number="1001",
        customer_id="1",
        date=TODAY,
        action=action,
        step=1,
        currency=currency,
        outstanding=Decimal("1000.00"),
        fee=Decimal("70.00"),
        compensation=Decimal("40.00"),
    )
    return Letter("demo", "1", action, 1, TODAY, currency, (decision,))


@pytest.mark.parametrize(
    ("lang", "heading", "fee", "compensation"),
    [
        (
            "nb",
            "Purring 1 - faktura 1001",
            "Purregebyr, faktura 1001",
            "Kompensasjon, faktura 1001",
        ),
        (
            "sv",
            "Påminnelse 1 - faktura 1001",
            "Påminnelseavgift, faktura 1001",
            "Förseningsersättning, faktura 1001",
        ),
        (
            "fi",
            "Maksumuistutus 1 - lasku 1001",
            "Muistutusmaksu, lasku 1001",
            "Vakiokorvaus, lasku 1001",
        ),
    ],
)
def test_nordic_headings_and_lines(lang: str, heading: str, fee: str, compensation: str) -> None:
    body = writer.draft_body(
        _letter(), "x", customer={"name": "K"}, settings=SETTINGS, invoices={}, lang=lang
    )
    assert body["notes"]["heading"] == heading
    assert [line["description"] for line in body["lines"]] == [fee, compensation]


def test_every_language_names_every_action() -> None:
    for lang in writer.LANGUAGES:
        for action in ActionKind:
            assert writer.heading(_letter(action=action), lang)


def _draft_lines(sandbox: EconomicSandbox, country: str, **options: str) -> dict[str, object]:
    customer = sandbox.add_customer("Kunde", cvr="12345678", email="a@b.no", country=country)
    due = TODAY - timedelta(days=30)
    invoice = sandbox.add_invoice(customer, due - timedelta(days=14), due, Decimal("1000.00"))
    ctx = TenantContext(
        tenant="demo",
        country="DK",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("demo", CONNECTOR.sandbox_secrets),
        transport=sandbox.transport(),
        options=options,
    )
    session = CONNECTOR.open(ctx)
    assert isinstance(session, EconomicSession)
    snap = session.fetch(TODAY, None)
    item = next(i for i in snap.invoices if i.id == str(invoice))
    decision = Decision(
        tenant="demo",
        invoice_id=item.id,
        invoice_number=item.number,
        customer_id=item.customer_id,
        date=TODAY,
        action=ActionKind.REMINDER,
        step=1,
        currency=item.currency,
        outstanding=item.outstanding,
        fee=Decimal("70.00"),
    )
    letter = Letter(
        "demo", item.customer_id, ActionKind.REMINDER, 1, TODAY, item.currency, (decision,)
    )
    result = session.apply(letter, "Tekst")
    draft: dict[str, object] = sandbox._state.drafts[int(result.document)]
    return draft


@pytest.mark.parametrize(
    ("country", "heading"),
    [("Norge", "Purring 1"), ("Sverige", "Påminnelse 1"), ("Finland", "Maksumuistutus 1")],
)
def test_the_session_writes_in_the_customers_language(country: str, heading: str) -> None:
    draft = _draft_lines(EconomicSandbox.demo(TODAY), country)
    notes = draft["notes"]
    assert isinstance(notes, dict)
    assert notes["heading"].startswith(heading)
