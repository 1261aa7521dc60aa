"""Run review-mode cycles against a sandbox and count their requests (benchmarks 1 and 2).

A cycle is the daemon's own (bridge.engine.cycle.run_tenant: fetch, reconcile, decide, re-check and
write every letter), against the connector's in-process sandbox, with retry waits off and no
pacing (a sandbox transport is never paced), on an in-memory store. Requests are counted by
the sandbox (every request it answered, token calls included).

The vendor's floor a cycle is held against: the list pages at the vendor's largest page size
for the lists the snapshot needs, the fixed set-up reads (token, settings) and one write per
letter (Dinero: one reminder per invoice, or one contact note). The safety re-checks before a
write are the connector's choice and count against it. The per-item reads the API forces are
counted apart as ``forced``: where the vendor's lists lack data the snapshot needs, where a
write needs a value only a per-item read gives (Dinero's Timestamp), and e-conomic's contacts
of each customer written to (who receives reminders). The bound holds the connector to what it
can control, ``forced`` says what only the vendor can remove.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bench.companies import COUNTRY, Sale, descriptor, sales, tenant
from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.store import Store
from bridge.vocab.domain import ActionKind
from bridge.vocab.secrets import StaticSecrets

_PROPOSALS = frozenset({ActionKind.CREDIT_HOLD, ActionKind.HANDOVER, ActionKind.TASK})
_DINERO_NATIVE = frozenset({ActionKind.REMINDER, ActionKind.COLLECTION_WARNING})

# How each connector re-checks before a write (bridge/engine/recheck.py), and why it is as safe as a
# re-read per letter: a payment registered between the fetch and the re-read cancels the write.
STRATEGY = {
    "economic": (
        "$in batch",
        "/invoices/unpaid?filter=bookedInvoiceNumber$in:[...] per 200 invoices of a batch: "
        "a paid invoice leaves the collection, a partial payment lowers its remainder",
    ),
    "dinero": (
        "changesSince feed",
        "the invoice list changed since the last look: a payment writes to the invoice "
        "(Timestamp) and moves UpdatedAt/Status; only listed invoices have payments re-read",
    ),
    "fortnox": (
        "lastmodified feed",
        "the invoice list modified since the last look: a payment, credit or hand-over moves "
        "lastmodified; listed items carry Balance, so nothing more is read",
    ),
    "tripletex": (
        "id-list batch",
        "GET /invoice?id=1,2,... for a batch: the same fields as the fetch, amountOutstanding "
        "and reminders included",
    ),
}

# Largest page each vendor serves.
PAGE = {"economic": 1000, "dinero": 1000, "fortnox": 500, "tripletex": 1000}


@dataclass(frozen=True, slots=True)
class Counted:
    """One cycle: its requests next to the bound, and what it did."""

    requests: int
    bound: int
    forced: int
    letters: int
    written: int
    skipped: int
    seconds: float
    by_kind: dict[str, int]
    status: str

    @property
    def over_bound(self) -> float:
        """Requests over the bound plus the forced reads (1.0 = at the bound)."""
        return self.requests / max(1, self.bound + self.forced)

    def row(self) -> dict[str, Any]:
        """The numbers as JSON-ready data."""
        return {
            "requests": self.requests,
            "bound": self.bound,
            "forced_reads": self.forced,
            "requests_over_bound": round(self.over_bound, 3),
            "letters": self.letters,
            "written": self.written,
            "skipped": self.skipped,
            "cycle_s": round(self.seconds, 1),
            "status": self.status,
            "by_kind": self.by_kind,
        }


def run(
    store: Store,
    system: str,
    sandbox: Any,
    name: str,
    day: date,
    hour: int = 7,
    transport: Any = None,
) -> tuple[TenantOutcome, float, list[tuple[str, str]]]:
    """One review-mode cycle of tenant ``name`` on ``day``; the sandbox's requests of it.

    Pass the same ``transport`` to every cycle of a company: connectors remember per-item
    reads per transport object, as the daemon does per tenant against the real vendor.
    """
    import time as clock  # noqa: PLC0415

    sandbox.requests.clear()
    sandbox.today = day
    moment = datetime.combine(day, time(hour), tzinfo=UTC)
    started = clock.perf_counter()
    outcome = run_tenant(
        store,
        name,
        tenant(system),
        CycleOptions(
            today=day,
            now=moment,
            transport=transport or sandbox.transport(),
            secrets=StaticSecrets(name, descriptor(system).sandbox_secrets),
        ),
    )
    return outcome, clock.perf_counter() - started, list(sandbox.requests)


def count(
    system: str,
    outcome: TenantOutcome,
    seconds: float,
    requests: list[tuple[str, str]],
    *,
    invoices: int,
    day: date,
    first: bool,
) -> Counted:
    """The cycle's numbers next to its bound."""
    shape = list(sales(invoices, day))
    bound, forced = _bound(system, outcome, shape, invoices=invoices, day=day, first=first)
    return Counted(
        requests=len(requests),
        bound=bound,
        forced=forced,
        letters=len(outcome.letters),
        written=len(outcome.written),
        skipped=len(outcome.skipped),
        seconds=seconds,
        by_kind=dict(kinds(system, requests).most_common()),
        status=outcome.status if not outcome.error else f"{outcome.status}: {outcome.error}",
    )


def _pages(items: int, system: str) -> int:
    return max(1, math.ceil(items / PAGE[system]))


def _bound(
    system: str,
    outcome: TenantOutcome,
    shape: list[Sale],
    *,
    invoices: int,
    day: date,
    first: bool,
) -> tuple[int, int]:
    """(bound, forced reads) of one cycle; see the module's docstring."""
    open_ = [s for s in shape if s.paid < s.amount]
    overdue = [s for s in open_ if s.due < day]
    settled = [s for s in shape if s.paid >= s.amount]
    customers = max(1, invoices // 4)
    letters = [letter for letter, _ in outcome.written]
    native = [x for x in letters if x.action in _DINERO_NATIVE] if system == "dinero" else []
    # Dinero: a reminder per invoice (native letters), a contact note for the others.
    writes = (
        sum(len(x.decisions) for x in native) + len(letters) - len(native)
        if system == "dinero"
        else len(letters)
    )
    pending = 0 if first else 1  # the read of our own earlier drafts, to reconcile them
    if system == "economic":
        entries = sum(1 for s in shape if s.paid_on) + sum(1 for s in shape if s.reminded_on)
        lists = (
            _pages(len(open_), system)
            + _pages(len(settled), system)
            + 2 * _pages(entries, system)  # two accounting years
            + _pages(customers if first else 0, system)
        )
        setup = 3  # accounting years, layouts, payment terms
        # Who receives reminders is a contact person's flag, read per customer only
        # (/customers/{n}/contacts): one read per customer written to.
        contacts = len({x.customer_id for x in letters if x.action not in _PROPOSALS})
        return lists + setup + pending + writes, contacts
    if system == "dinero":
        lists = _pages(len(open_), system) + _pages(len(settled), system)
        lists += _pages(customers, system)
        setup = 2  # token, organization
        # The list has no remaining amount and no reminders: per open invoice its payments,
        # per overdue invoice its reminders, per invoice paid since the last cycle its payments;
        # a reminder's create needs the invoice's current Timestamp (optimistic lock).
        stamps = sum(len(x.decisions) for x in native)
        forced = len(open_) + len(overdue) + (len(settled) if first else 0) + stamps
        return lists + setup + pending + writes, forced
    if system == "fortnox":
        lists = _pages(len(overdue), system) + _pages(len(open_) - len(overdue), system)
        lists += _pages(len(settled), system) + _pages(len(settled) + len(open_) // 10, system)
        setup = 1  # token
        # The list has no Reminders and no customer Type/Active: one full read each.
        forced = (len(overdue) + customers) if first else 0
        return lists + setup + pending + writes, forced
    lists = 2 * _pages(len(shape), system) + 1  # two yearly windows, our orders
    setup = 1  # session token
    return lists + setup + pending + writes, 0


def kinds(system: str, requests: list[tuple[str, str]]) -> Counter[str]:
    """Requests by what they were for: method and path with ids folded."""
    counted: Counter[str] = Counter()
    for method, path in requests:
        bare = path.split("?", 1)[0]
        parts = [
            "{id}" if any(c.isdigit() for c in p) and p not in ("v1", "v2", "3") else p
            for p in bare.split("/")
        ]
        counted[f"{method} {'/'.join(parts)}"] += 1
    return counted


def next_day(day: date) -> date:
    """The day after."""
    return day + timedelta(days=1)


__all__ = ["COUNTRY", "Counted", "count", "kinds", "measure", "measure_all", "next_day", "run"]


_MEASURED: dict[tuple[str, int], dict[str, Any]] = {}


def measure(system: str, invoices: int) -> dict[str, Any]:
    """A first cycle and a second one with nothing changed, for a fresh company (cold caches).

    The second runs an hour after the first, same day: no payment, no new overdue invoice,
    the drafts of the first still waiting for the accountant.
    """
    from bench.companies import TODAY, company  # noqa: PLC0415
    from bridge.store import open_store  # noqa: PLC0415

    day = TODAY[system]
    # The vendor's clock stands at 06:00 of the day: what the company holds was last changed
    # before the first cycle (07:00), as it is for a daemon that runs every morning.
    sandbox = company(system, invoices, clock=lambda: datetime.combine(day, time(6), tzinfo=UTC))
    name = f"bench-{system}-{invoices}"  # connectors keep per-tenant caches for the process
    with open_store(":memory:") as store:
        transport = sandbox.transport()
        outcome, seconds, requests = run(store, system, sandbox, name, day, transport=transport)
        first = count(system, outcome, seconds, requests, invoices=invoices, day=day, first=True)
        outcome, seconds, requests = run(
            store, system, sandbox, name, day, hour=8, transport=transport
        )
        second = count(system, outcome, seconds, requests, invoices=invoices, day=day, first=False)
    return {"system": system, "invoices": invoices, "first": first.row(), "second": second.row()}


def measure_all(systems: tuple[str, ...], sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    """Every (system, size), in parallel over the CPUs; remembered for the process."""
    import os  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    wanted = [(s, n) for n in sizes for s in systems if (s, n) not in _MEASURED]
    if wanted:
        with ProcessPoolExecutor(max_workers=min(len(wanted), os.cpu_count() or 1)) as pool:
            futures = {key: pool.submit(_measure_quietly, *key) for key in wanted}
            for key, future in futures.items():
                _MEASURED[key] = future.result()
    return [_MEASURED[(s, n)] for n in sizes for s in systems]


def _measure_quietly(system: str, invoices: int) -> dict[str, Any]:
    from bridge.infra import retry  # noqa: PLC0415
    from bridge.infra.logs import configure  # noqa: PLC0415

    configure("console", quiet=True)
    retry.set_waits(False)
    return measure(system, invoices)
