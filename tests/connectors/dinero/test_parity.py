"""A Danish tenant gets the same lawful decisions on Dinero as on e-conomic (same amounts)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Decision, Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.dinero.sandbox.server import DineroSandbox
from connectors.economic import CONNECTOR as ECONOMIC
from connectors.economic.sandbox.catalog import BUSINESS_GROUP, PRIVATE_GROUP
from connectors.economic.sandbox.server import EconomicSandbox
from policies.engine import decide
from policies.ladder import load_policy
from policies.law import for_country
from tests.connectors.dinero.support import TODAY, open_session

# (business?, days overdue, amount, paid)
CLAIMS = (
    (True, 4, "12500.00", "0"),
    (True, 14, "8000.00", "3000.00"),
    (False, 25, "2499.00", "0"),
    (False, 40, "999.00", "0"),
    (True, 61, "45000.00", "0"),
)


def _summary(decisions: list[Decision], number_of: dict[str, str]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            number_of[d.invoice_id],
            d.action.value,
            d.step,
            d.fee,
            d.interest_amount,
            d.compensation,
            d.deadline,
            d.outstanding,
        )
        for d in decisions
    )


def test_the_same_claims_get_the_same_decisions_on_both_systems() -> None:
    dinero = DineroSandbox(TODAY)
    economic = EconomicSandbox(TODAY)
    d_numbers: dict[str, str] = {}
    e_numbers: dict[str, str] = {}
    for n, (business, overdue, amount, paid) in enumerate(CLAIMS, start=1):
        due = TODAY - timedelta(days=overdue)
        issued = due - timedelta(days=14)
        contact = dinero.add_contact(f"Kunde {n}", person=not business, email=f"k{n}@x.dk")
        guid = dinero.add_invoice(
            contact, issued=issued, due=due, total=Decimal(amount), number=1000 + n
        )
        group = BUSINESS_GROUP if business else PRIVATE_GROUP
        customer = economic.add_customer(f"Kunde {n}", number=n, group=group, email=f"k{n}@x.dk")
        number = economic.add_invoice(customer, issued, due, Decimal(amount), number=1000 + n)
        if Decimal(paid):
            dinero.pay(guid, Decimal(paid), due + timedelta(days=3))
            economic.pay(number, Decimal(paid), due + timedelta(days=3))
        d_numbers[guid] = str(1000 + n)
        e_numbers[str(number)] = str(1000 + n)
    d_snapshot = open_session(dinero).fetch(TODAY, None)
    e_ctx = TenantContext(
        tenant="demo",
        country="DK",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("demo", ECONOMIC.sandbox_secrets),
        transport=economic.transport(),
        options={"business_groups": str(BUSINESS_GROUP), "consumer_groups": str(PRIVATE_GROUP)},
    )
    e_snapshot = ECONOMIC.open(e_ctx).fetch(TODAY, None)
    law, policy = for_country("DK"), load_policy(None, "DK")
    on_dinero = _summary(decide(TODAY, d_snapshot, [], law, policy), d_numbers)
    on_economic = _summary(decide(TODAY, e_snapshot, [], law, policy), e_numbers)
    assert on_dinero
    assert on_dinero == on_economic
