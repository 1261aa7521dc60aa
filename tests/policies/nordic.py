"""Builders for the Norwegian, Swedish and Finnish law tests: decide() with any country's pack."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from bridge.vocab.domain import Customer, CustomerKind, Decision, Invoice, Snapshot, StepRecord
from policies.engine import decide
from policies.ladder import TenantPolicy
from policies.law import for_country
from tests.policies.factories import as_record
from tests.policies.factories import invoice as dk_invoice

CURRENCY = {"DK": "DKK", "NO": "NOK", "SE": "SEK", "FI": "EUR"}


def customer(
    country: str, cid: str = "C1", kind: CustomerKind = CustomerKind.BUSINESS, **extra: Any
) -> Customer:
    """A customer of the country, a business unless told otherwise."""
    return Customer(id=cid, name=f"Customer {cid}", kind=kind, country=country, **extra)


def invoice(country: str, iid: str = "1001", *, due: date, **extra: Any) -> Invoice:
    """An invoice in the country's currency, issued 14 days before its due date."""
    extra.setdefault("currency", CURRENCY[country])
    return dk_invoice(iid, due=due, **extra)


def policy(country: str, data: Mapping[str, Any] | None = None) -> TenantPolicy:
    """The country's default policy with ``data`` laid over it."""
    return TenantPolicy.from_mapping(data or {}, country)


def run(
    country: str,
    today: date,
    snap: Snapshot,
    history: Sequence[StepRecord] = (),
    tenant_policy: TenantPolicy | None = None,
) -> list[Decision]:
    """Call decide() with the country's law pack."""
    return decide(today, snap, history, for_country(country), tenant_policy or policy(country))


def replay(
    country: str,
    start: date,
    end: date,
    snap_for: Callable[[date], Snapshot],
    tenant_policy: TenantPolicy,
) -> tuple[list[Decision], list[StepRecord]]:
    """Run decide() every day, accepting each decision as issued: a tiny simulation."""
    law = for_country(country)
    history: list[StepRecord] = []
    decisions: list[Decision] = []
    day = start
    while day <= end:
        for decision in decide(day, snap_for(day), history, law, tenant_policy):
            decisions.append(decision)
            history.append(as_record(decision))
        day += timedelta(days=1)
    return decisions, history
