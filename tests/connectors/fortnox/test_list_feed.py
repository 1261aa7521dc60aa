"""With a feed snapshot, a Fortnox fetch reads only what ``lastmodified`` lists, and sees the
same as a full read.

Fortnox's ``lastmodified`` lists invoices and payments changed since a moment (the parameters
guide; a payment, a credit, booking or cancelling an invoice modify it). The tenant's lists
are kept in the store; the next fetch merges what changed and works out the filters
(``unpaid``, ``unpaidoverdue``, ``fullypaid``) itself. The lists are read whole again after
``full_sweep_days``. The equivalence test makes random changes in the sandbox (payments, new
invoices, credit notes, reminders from Fortnox's UI, drafts booked and thrown away) and
compares the incremental view with a full read after each cycle.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bridge.store import Store, open_store
from bridge.vocab.connector import Pending
from bridge.vocab.domain import Snapshot, StepStatus
from connectors.fortnox import CONNECTOR
from connectors.fortnox.feed import LISTS
from connectors.fortnox.memory import forget_memory
from connectors.fortnox.readback import READBACK
from connectors.fortnox.sandbox.server import FortnoxSandbox
from connectors.fortnox.session import FortnoxSession
from tests.connectors.feeds_support import VendorClock, open_with_feeds
from tests.connectors.fortnox.conftest import TODAY, context


def _session(transport: object, store: Store | None, **options: str) -> FortnoxSession:
    base = context(transport, options=dict(options))  # type: ignore[arg-type]
    session = open_with_feeds(CONNECTOR, base, store, "t")
    assert isinstance(session, FortnoxSession)
    return session


def _fetch(transport: object, store: Store | None, **options: str) -> Snapshot:
    session = _session(transport, store, **options)
    try:
        return session.fetch(TODAY, None)
    finally:
        session.close()


def _walks(sandbox: FortnoxSandbox) -> list[str]:
    """The list reads that are not change feeds (no ``lastmodified``)."""
    return [
        p
        for m, p in sandbox.requests
        if m == "GET"
        and p.startswith(("/3/invoices?", "/3/invoicepayments"))
        and "lastmodified" not in p
    ]


def test_an_unchanged_fetch_walks_no_list() -> None:
    forget_memory()
    clock = VendorClock()
    sandbox = FortnoxSandbox.demo(TODAY, clock=clock)
    with open_store(":memory:") as store:
        transport = sandbox.transport()
        first = _fetch(transport, store)
        assert _walks(sandbox)
        clock.at = datetime.now(UTC)
        sandbox.requests.clear()
        second = _fetch(transport, store)
        assert _walks(sandbox) == []
        assert second.invoices == first.invoices
        assert second.settled == first.settled


def test_an_old_snapshot_or_incremental_off_walks_the_lists_again() -> None:
    forget_memory()
    sandbox = FortnoxSandbox.demo(TODAY, clock=VendorClock())
    with open_store(":memory:") as store:
        transport = sandbox.transport()
        _fetch(transport, store)
        kept = store.feed_snapshot("t", LISTS)
        assert kept is not None
        store.save_feed_snapshot(
            "t", LISTS, replace(kept, swept_at=kept.swept_at - timedelta(days=8))
        )
        sandbox.requests.clear()
        _fetch(transport, store, full_sweep_days="7")
        assert _walks(sandbox)
        sandbox.requests.clear()
        _fetch(transport, store, incremental="off")
        assert _walks(sandbox)


_STEP = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 9), st.integers(1, 5000)),
    st.tuples(st.just("payall"), st.integers(0, 9), st.just(0)),
    st.tuples(st.just("invoice"), st.integers(0, 9), st.integers(100, 5000)),
    st.tuples(st.just("credit"), st.integers(0, 9), st.just(0)),
    st.tuples(st.just("remind"), st.integers(0, 9), st.just(0)),
    st.tuples(st.just("draft"), st.integers(0, 9), st.integers(100, 5000)),
    st.tuples(st.just("book"), st.integers(0, 9), st.just(0)),
    st.tuples(st.just("throwaway"), st.integers(0, 9), st.just(0)),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    # Shrinking is off: each example runs several fetches of the demo company.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(st.lists(st.lists(_STEP, max_size=4), min_size=1, max_size=4))
@example(cycles=[[], [("pay", 2, 106), ("credit", 0, 0), ("invoice", 5, 1776), ("credit", 0, 0)]])
def test_the_incremental_view_equals_a_full_read(cycles: list[list[tuple[str, int, int]]]) -> None:
    forget_memory()
    clock = VendorClock()
    sandbox = FortnoxSandbox.demo(TODAY, clock=clock)
    drafts: list[str] = []
    credited: set[str] = set()
    with open_store(":memory:") as store:
        transport = sandbox.transport()
        view = _fetch(transport, store)
        for changes in cycles:
            clock.at = datetime.now(UTC)  # the changes come after the last fetch
            for kind, pick, amount in changes:
                open_ = sorted(i.id for i in view.invoices)
                customers = sorted(view.customers)
                if not open_ or not customers:
                    continue
                number = open_[pick % len(open_)]
                if kind == "pay":
                    sandbox.pay(number, Decimal(amount) / 10, TODAY)
                elif kind == "payall":
                    balance = Decimal(str(sandbox.invoice(number)["Balance"]))
                    if balance > 0:
                        sandbox.pay(number, balance, TODAY)
                elif kind == "invoice":
                    sandbox.add_invoice(
                        customers[pick % len(customers)],
                        Decimal(amount),
                        issued=TODAY - timedelta(days=40),
                        due=TODAY - timedelta(days=10),
                    )
                elif kind == "credit" and number not in credited:
                    # The view is the last fetch's: an invoice credited since is still in it,
                    # and Fortnox refuses a second credit ("Fakturan är redan krediterad").
                    credited.add(number)
                    sandbox.credit(number, TODAY)
                elif kind == "remind":
                    sandbox.remind(number, TODAY)
                elif kind == "draft":
                    drafts.append(
                        sandbox.add_invoice(
                            customers[pick % len(customers)],
                            Decimal(amount),
                            issued=TODAY - timedelta(days=40),
                            due=TODAY - timedelta(days=10),
                            booked=False,
                        )
                    )
                elif kind == "book" and drafts:
                    sandbox.book(drafts.pop(pick % len(drafts)))
                elif kind == "throwaway" and drafts:
                    sandbox.reject_draft(drafts.pop(pick % len(drafts)))
            view = _fetch(transport, store)
            full = _fetch(sandbox.transport(), None, incremental="off")
            assert view.invoices == full.invoices
            assert view.settled == full.settled
            assert sorted(view.payments, key=repr) == sorted(full.payments, key=repr)
            assert sorted(view.steps, key=repr) == sorted(full.steps, key=repr)
            assert view.customers == full.customers


def test_our_drafts_are_not_walked_again_and_their_fate_is_seen() -> None:
    """Reconcile: the drafts written are kept; booking or throwing one away modifies it."""
    forget_memory()
    clock = VendorClock()
    sandbox = FortnoxSandbox.demo(TODAY, clock=clock)
    with open_store(":memory:") as store:
        transport = sandbox.transport()
        customer = sorted(_fetch(transport, store).customers)[0]
        numbers = [
            sandbox.add_invoice(
                customer, Decimal("100"), issued=TODAY, due=TODAY + timedelta(days=10), booked=False
            )
            for _ in range(3)
        ]
        for n, number in enumerate(numbers):
            # As the bridge writes a draft: our key in ExternalInvoiceReference1.
            sandbox._state["invoices"][number]["ExternalInvoiceReference1"] = f"dl-key{n}"
        pending = [Pending(f"dl-key{n}", number, TODAY) for n, number in enumerate(numbers)]
        session = _session(transport, store)
        first = {r.letter_key: r.status for r in session.reconcile(pending)}
        session.close()
        assert set(first.values()) == {StepStatus.PENDING}
        clock.at = datetime.now(UTC)
        sandbox.book(numbers[0])
        sandbox.reject_draft(numbers[1])
        sandbox.requests.clear()
        session = _session(transport, store)
        states = {r.letter_key: r.status for r in session.reconcile(pending)}
        session.close()
        assert states == {
            "dl-key0": StepStatus.ISSUED,
            "dl-key1": StepStatus.REJECTED,
            "dl-key2": StepStatus.PENDING,
        }
        assert not any("filter=unbooked" in p for _, p in sandbox.requests)
        assert store.feed_snapshot("t", READBACK) is not None


def test_re_checks_share_a_fresh_look_until_something_is_written() -> None:
    """Batches of letters decided but not written share the last look (at most 5 s old); a
    write makes the next re-check look again, so every write follows a look after the fetch."""
    forget_memory()
    clock = VendorClock()
    now = {"at": datetime.now(UTC)}
    sandbox = FortnoxSandbox.demo(TODAY, clock=clock)
    session = _session(sandbox.transport(), None)
    session._now = lambda: now["at"]
    snapshot = session.fetch(TODAY, None)
    ids = [i.id for i in snapshot.invoices][:2]

    def looks() -> int:
        return sum(
            1 for _, p in sandbox.requests if p.startswith("/3/invoices?") and "lastmodified" in p
        )

    sandbox.requests.clear()
    session.recheck(ids)
    assert looks() == 1
    now["at"] += timedelta(seconds=4)
    session.recheck(ids)
    assert looks() == 1  # 4 s later, nothing written: the same look
    now["at"] += timedelta(seconds=2)
    session.recheck(ids)
    assert looks() == 2  # 6 s after the last look: a new one
    session._wrote_since_look = True  # as apply() sets it
    session.recheck(ids)
    assert looks() == 3
    session.close()
