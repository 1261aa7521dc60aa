"""Tenant leases: one holder at a time, renewal, release, expiry and takeover, on both backends.

Times are pinned through ``Store.clock`` (the database server's clock on PostgreSQL) so each
boundary is tested exactly; one test lets the real server clock run a lease out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bridge.store import Store, open_store
from bridge.vocab.errors import StoreError
from tests.pg import pg_server, pg_url  # noqa: F401  (fixtures)

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
TTL = timedelta(minutes=5)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    where = request.getfixturevalue("pg_url") if request.param == "postgresql" else ":memory:"
    with open_store(where) as s:
        yield s


class Clock:
    """A settable clock standing in for the database server's."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = T0
        monkeypatch.setattr(store, "clock", lambda: self.now)


@pytest.fixture
def clock(store: Store, monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(store, monkeypatch)


def test_one_holder_at_a_time(store: Store, clock: Clock) -> None:
    lease = store.acquire_lease("acme", "d1", ttl=TTL)
    assert lease is not None
    assert (lease.holder, lease.acquired_at, lease.expires_at) == ("d1", T0, T0 + TTL)
    assert store.acquire_lease("acme", "d2", ttl=TTL) is None
    assert store.acquire_lease("beta", "d2", ttl=TTL) is not None  # leases are per tenant
    assert [(x.tenant, x.holder) for x in store.leases()] == [("acme", "d1"), ("beta", "d2")]


def test_the_holder_may_take_it_again_keeping_its_start(store: Store, clock: Clock) -> None:
    store.acquire_lease("acme", "d1", ttl=TTL)
    clock.now = T0 + timedelta(minutes=1)
    again = store.acquire_lease("acme", "d1", ttl=TTL)
    assert again is not None
    assert (again.acquired_at, again.renewed_at, again.expires_at) == (
        T0,
        clock.now,
        clock.now + TTL,
    )


def test_renewal_extends_only_the_holders_lease(store: Store, clock: Clock) -> None:
    store.acquire_lease("acme", "d1", ttl=TTL)
    clock.now = T0 + timedelta(minutes=4)
    assert store.renew_lease("acme", "d1", ttl=TTL)
    assert not store.renew_lease("acme", "d2", ttl=TTL)
    assert not store.renew_lease("nobody", "d1", ttl=TTL)
    [lease] = store.leases()
    assert lease.expires_at == T0 + timedelta(minutes=9)
    # Renewed: at the old expiry another daemon still cannot take it.
    clock.now = T0 + TTL
    assert store.acquire_lease("acme", "d2", ttl=TTL) is None


def test_release_frees_the_tenant_at_once(store: Store, clock: Clock) -> None:
    store.acquire_lease("acme", "d1", ttl=TTL)
    assert not store.release_lease("acme", "d2")  # not d2's to give
    assert store.release_lease("acme", "d1")
    assert not store.release_lease("acme", "d1")
    assert store.leases() == []
    taken = store.acquire_lease("acme", "d2", ttl=TTL)
    assert taken is not None
    assert taken.holder == "d2"
    assert store.audit_log("acme") == []  # an orderly hand-over is not audited


def test_an_expired_lease_is_taken_over_exactly_at_its_expiry(store: Store, clock: Clock) -> None:
    store.acquire_lease("acme", "d1", ttl=TTL)
    clock.now = T0 + TTL - timedelta(microseconds=1)
    assert store.acquire_lease("acme", "d2", ttl=TTL) is None
    clock.now = T0 + TTL
    taken = store.acquire_lease("acme", "d2", ttl=TTL)
    assert taken is not None
    assert (taken.holder, taken.acquired_at) == ("d2", T0 + TTL)
    # The dead holder comes back: it lost the lease, and cannot renew or release it.
    assert not store.renew_lease("acme", "d1", ttl=TTL)
    assert not store.release_lease("acme", "d1")
    [row] = store.audit_log("acme")
    assert row.event == "lease.taken_over"
    assert row.data == {
        "holder": "d2",
        "from": "d1",
        "expired": (T0 + TTL).isoformat(),
    }


@pytest.mark.parametrize("ttl", [timedelta(0), timedelta(seconds=-1)])
def test_a_lease_must_last_a_positive_time(store: Store, ttl: timedelta) -> None:
    with pytest.raises(StoreError, match="positive time"):
        store.acquire_lease("acme", "d1", ttl=ttl)
    with pytest.raises(StoreError, match="positive time"):
        store.renew_lease("acme", "d1", ttl=ttl)


def test_the_server_clock_runs_a_lease_out(pg_url: str) -> None:  # noqa: F811
    with open_store(pg_url) as one, open_store(pg_url) as two:
        before = one.clock()
        assert before.tzinfo is not None
        assert one.acquire_lease("acme", "d1", ttl=timedelta(milliseconds=300)) is not None
        assert two.acquire_lease("acme", "d2", ttl=TTL) is None
        time.sleep(0.35)
        taken = two.acquire_lease("acme", "d2", ttl=TTL)
        assert taken is not None
        assert taken.acquired_at >= before + timedelta(milliseconds=300)


def test_racing_daemons_never_both_get_a_tenant(pg_url: str) -> None:  # noqa: F811
    """Eight connections race for each of 20 tenants: exactly one wins each."""
    stores = [open_store(pg_url) for _ in range(8)]
    winners: dict[str, list[str]] = {f"t{n}": [] for n in range(20)}
    gate = threading.Barrier(len(stores))

    def race(index: int) -> None:
        gate.wait()
        for tenant, won in winners.items():
            if stores[index].acquire_lease(tenant, f"d{index}", ttl=TTL) is not None:
                won.append(f"d{index}")

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert all(len(w) == 1 for w in winners.values()), winners
