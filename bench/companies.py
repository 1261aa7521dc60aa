"""Sandbox companies of any size, one shape for every connector, for the cycle benchmarks.

The shape (deterministic): ``invoices`` open invoices over ``invoices // 4`` customers, half
businesses; due dates from 10 days ahead to 150 days overdue, a tenth partly paid, one in twenty
already reminded from the vendor's own UI where the sandbox can show that, plus ``invoices //
20`` invoices paid late (interest invoices). Seeding goes through each connector's bulk seeder
(``connectors/<key>/sandbox/bulk.py``): the sandbox's own test hooks, with the numbers handed
out up front so no insert scans a table (100,000 invoices seed in seconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bridge.vocab.connector import ConnectorDescriptor
from bridge.vocab.domain import Mode
from bridge.vocab.settings import TenantSettings

SYSTEMS = ("economic", "dinero", "fortnox", "tripletex")
COUNTRY = {"economic": "DK", "dinero": "DK", "fortnox": "SE", "tripletex": "NO"}
TODAY = {
    "economic": date(2026, 3, 16),
    "dinero": date(2026, 3, 16),
    "fortnox": date(2026, 3, 16),
    "tripletex": date(2026, 3, 16),
}


@dataclass(frozen=True, slots=True)
class Debtor:
    """One customer of the synthetic company."""

    index: int
    name: str
    business: bool
    email: str


@dataclass(frozen=True, slots=True)
class Sale:
    """One invoice of the synthetic company and what happened to it."""

    index: int
    debtor: int  # Debtor.index
    amount: Decimal
    issued: date
    due: date
    paid: Decimal  # paid so far (== amount: settled)
    paid_on: date | None
    reminded_on: date | None  # a reminder the vendor's own UI sent


def debtors(invoices: int) -> list[Debtor]:
    """The customers: a quarter as many as invoices (at least one)."""
    return [
        Debtor(
            index=n,
            name=f"Kunde {n} ApS" if n % 2 else f"Kunde {n}",
            business=bool(n % 2),
            email=f"kunde{n}@example.com",
        )
        for n in range(max(1, invoices // 4))
    ]


def sales(invoices: int, today: date) -> Iterator[Sale]:
    """The open invoices, then the ones paid late."""
    customers = max(1, invoices // 4)
    for n in range(invoices):
        overdue_by = -10 + (n * 97) % 160
        due = today - timedelta(days=overdue_by)
        amount = Decimal(500 + (n * 37) % 20_000).quantize(Decimal("0.01"))
        partly = n % 10 == 3 and overdue_by > 0
        yield Sale(
            index=n,
            debtor=n % customers,
            amount=amount,
            issued=due - timedelta(days=30),
            due=due,
            paid=Decimal("100.00") if partly else Decimal("0.00"),
            paid_on=due + timedelta(days=2) if partly else None,
            reminded_on=due + timedelta(days=14) if n % 20 == 7 and overdue_by > 20 else None,
        )
    for n in range(invoices // 20):
        due = today - timedelta(days=90)
        yield Sale(
            index=invoices + n,
            debtor=n % customers,
            amount=Decimal("8000.00"),
            issued=due - timedelta(days=30),
            due=due,
            paid=Decimal("8000.00"),
            paid_on=today - timedelta(days=10),
            reminded_on=None,
        )


def descriptor(system: str) -> ConnectorDescriptor:
    """The connector's descriptor, imported directly (installed metadata may lag behind)."""
    from importlib import import_module  # noqa: PLC0415

    found: ConnectorDescriptor = import_module(f"connectors.{system}").CONNECTOR
    return found


def seeder(system: str) -> Callable[[Any, list[Debtor], list[Sale]], None]:
    """The connector's bulk seeder: ``seed(sandbox, debtors, sales)``."""
    from importlib import import_module  # noqa: PLC0415

    found: Callable[[Any, list[Debtor], list[Sale]], None] = import_module(
        f"connectors.{system}.sandbox.bulk"
    ).seed
    return found


SANDBOXES = {
    "economic": "connectors.economic.sandbox.server:EconomicSandbox",
    "dinero": "connectors.dinero.sandbox.server:DineroSandbox",
    "fortnox": "connectors.fortnox.sandbox.server:FortnoxSandbox",
    "tripletex": "connectors.tripletex.sandbox.server:TripletexSandbox",
}


def company(system: str, invoices: int, today: date | None = None, **kwargs: Any) -> Any:
    """A fresh sandbox of ``system`` holding the synthetic company of ``invoices`` invoices.

    ``kwargs`` go to the sandbox's constructor (``rate_limit``, ``clock``).
    """
    from importlib import import_module  # noqa: PLC0415

    day = today or TODAY[system]
    module, name = SANDBOXES[system].split(":")
    sandbox = getattr(import_module(module), name)(day, **kwargs)
    seeder(system)(sandbox, debtors(invoices), list(sales(invoices, day)))
    return sandbox


def tenant(system: str, sandbox_state: Path | None = None) -> TenantSettings:
    """Review-mode tenant settings for ``system`` (reminder fees agreed with every customer)."""
    return TenantSettings(
        system=system,
        country=COUNTRY[system],
        mode=Mode.REVIEW,
        sandbox_state=sandbox_state,
        options={"reminder_fee_agreed": "all"},
    )
