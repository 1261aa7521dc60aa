"""Request count (and bytes) of one Tripletex fetch over 10,000 invoices, both reading strategies.

Not a test: prints numbers. Builds a sandbox company with 10,000 invoices over two years, of
which a share is still open, then runs one fetch per strategy and counts the requests (session
token included) and the bytes received.

    .venv/bin/python bench/tripletex_cycle.py [invoices] [open_share] [customers]
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from decimal import Decimal

import httpx

from bridge.infra import retry
from bridge.vocab.connector import TenantContext
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from connectors.tripletex import CONNECTOR
from connectors.tripletex.sandbox.server import TripletexSandbox
from connectors.tripletex.session import TripletexSession

TODAY = date(2026, 3, 2)


class Counting(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.bytes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.bytes += len(response.content)
        return response


def company(invoices: int, open_share: float, customers: int) -> TripletexSandbox:
    sandbox = TripletexSandbox(TODAY)
    ids = [
        sandbox.add_customer(f"Kunde {n} AS", email=f"k{n}@example.no") for n in range(customers)
    ]
    open_every = max(1, round(1 / open_share)) if open_share > 0 else 0
    for n in range(invoices):
        issued = TODAY - timedelta(days=(n * 730) // invoices)
        ident = sandbox.add_invoice(
            ids[n % customers], Decimal("1000"), issued=issued, due=issued + timedelta(days=14)
        )
        if not open_every or n % open_every:
            sandbox.pay(ident, Decimal("1000"))
    return sandbox


def measure(sandbox: TripletexSandbox, strategy: str) -> tuple[int, int, int]:
    transport = Counting(sandbox.transport())
    ctx = TenantContext(
        tenant="bench",
        country="NO",
        mode=Mode.REVIEW,
        secrets=StaticSecrets("bench", CONNECTOR.sandbox_secrets),
        transport=transport,
        options={"read_strategy": strategy},
    )
    session = TripletexSession(ctx, today=lambda: TODAY)
    snapshot = session.fetch(TODAY, None)
    return session.request_count, transport.bytes, len(snapshot.invoices)


def main() -> None:
    retry.set_waits(False)
    invoices = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    share = float(sys.argv[2]) if len(sys.argv) > 2 else 0.08
    customers = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000
    sandbox = company(invoices, share, customers)
    print(f"{invoices} invoices over 730 days, {share:.0%} open, {customers} customers")
    print(f"{'strategy':<10} {'requests':>9} {'MB read':>9} {'open invoices':>14}")
    for strategy in ("invoices", "openposts"):
        requests, size, found = measure(sandbox, strategy)
        print(f"{strategy:<10} {requests:>9} {size / 1e6:>9.2f} {found:>14}")


if __name__ == "__main__":
    main()
