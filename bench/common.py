"""Shared bits of the benchmark scripts: synthetic ledgers and writing results as JSON.

Benchmarks print their numbers and write them to bench/results/<name>.json; they are scripts,
not tests (`make bench` runs them all).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bridge.vocab.domain import Customer, CustomerKind, Invoice, Snapshot

RESULTS = Path(__file__).resolve().parent / "results"
TODAY = date(2026, 3, 16)


def write(name: str, data: dict[str, Any]) -> None:
    """Print the numbers and save them as JSON."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    for key, value in data.items():
        print(f"{name}: {key} = {value}")


def ledger_chunks(
    invoices: int, *, per_customer: int = 4, chunk: int = 20_000, seed: int = 7
) -> Iterator[Snapshot]:
    """A synthetic ledger as snapshots of whole customers, ``chunk`` invoices at a time.

    Due dates spread over the last 120 days and the next 10, half businesses, half consumers;
    a customer never spans two chunks, so deciding chunk by chunk equals deciding the whole.
    """
    rng = random.Random(seed)
    made = 0
    number = 100_000
    fetched = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    while made < invoices:
        customers: dict[str, Customer] = {}
        batch: list[Invoice] = []
        while len(batch) < chunk and made < invoices:
            cid = str(len(customers) + made)
            customers[cid] = Customer(
                id=cid,
                name=f"Kunde {cid}",
                kind=CustomerKind.BUSINESS if rng.random() < 0.5 else CustomerKind.CONSUMER,
                country="DK",
            )
            for _ in range(min(per_customer, invoices - made)):
                number += 1
                due = TODAY - timedelta(days=rng.randint(-10, 120))
                amount = Decimal(rng.randint(100, 50_000)).quantize(Decimal("0.01"))
                batch.append(
                    Invoice(
                        id=str(number),
                        number=str(number),
                        customer_id=cid,
                        issue_date=due - timedelta(days=14),
                        due_date=due,
                        currency="DKK",
                        amount=amount,
                        outstanding=amount,
                    )
                )
                made += 1
        yield Snapshot(
            tenant="bench", fetched_at=fetched, customers=customers, invoices=tuple(batch)
        )
