"""Whole cycles against each connector's sandbox: never twice, even across a crash.

Every connector registered by entry point is run; one whose sandbox cannot count documents by
key is skipped with that reason. The crash is a BaseException raised where the outbox records a
finished write, so nothing inside the cycle can catch it: the vendor has the document, our
database does not know. The next cycle must find it by its key instead of writing it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.infra import retry
from bridge.infra.http_json import dump_json
from bridge.store import Store, open_store
from bridge.vocab import registry
from bridge.vocab.connector import ConnectorDescriptor
from bridge.vocab.domain import Mode
from bridge.vocab.faults import Fault
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from connectors.economic.sandbox.server import EconomicSandbox

TODAY = date(2026, 3, 16)
SYSTEMS = sorted(registry.connectors())
# Where each vendor's API lives, apart from its token endpoint (Tripletex mints its session
# token with a POST on the same host and prefix, so its faults aim at the order writes).
API_PREFIX = {"dinero": "/v1", "fortnox": "/3", "tripletex": "/order"}


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so no handler in the cycle sees it."""


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _descriptor(system: str) -> ConnectorDescriptor:
    descriptor = registry.connector(system)
    sandbox = descriptor.sandbox(None, TODAY)
    if not hasattr(sandbox, "documents_by_key"):
        pytest.skip(f"the {system} sandbox cannot count documents by key yet")
    return descriptor


def _tenant(tmp_path: Path, descriptor: ConnectorDescriptor) -> TenantSettings:
    return TenantSettings(
        system=descriptor.key,
        country=descriptor.country,
        mode=Mode.REVIEW,
        sandbox_state=tmp_path / "sandbox.json",
    )


def _run(store: Store, tenant: TenantSettings, day: date = TODAY) -> TenantOutcome:
    moment = datetime.combine(day, time(7), tzinfo=UTC)
    return run_tenant(store, "t", tenant, CycleOptions(today=day, now=moment))


def _documents(descriptor: ConnectorDescriptor, tenant: TenantSettings) -> dict[str, int]:
    assert tenant.sandbox_state is not None
    return descriptor.sandbox(tenant.sandbox_state, TODAY).documents_by_key()


def _keys(store: Store) -> set[str]:
    return {row.letter.key for row in store.letters("t")}


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_second_cycle_writes_nothing_new(tmp_path: Path, system: str) -> None:
    descriptor = _descriptor(system)
    tenant = _tenant(tmp_path, descriptor)
    with open_store(tmp_path / "db.sqlite3") as store:
        first = _run(store, tenant)
        assert first.status == "ok", first.error
        assert first.written
        second = _run(store, tenant)
        assert second.status == "ok", second.error
        assert second.written == []
        documents = _documents(descriptor, tenant)
        assert set(documents) == _keys(store)
        assert set(documents.values()) == {1}


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_crash_between_write_and_record_never_duplicates(
    tmp_path: Path, system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    descriptor = _descriptor(system)
    tenant = _tenant(tmp_path, descriptor)
    real_done = Store.done
    calls = {"n": 0}

    def done_then_die(self: Store, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # two letters recorded, the third written but never recorded
            raise Crash
        real_done(self, *args, **kwargs)  # type: ignore[arg-type]

    with open_store(tmp_path / "db.sqlite3") as store:
        monkeypatch.setattr(Store, "done", done_then_die)
        with pytest.raises(Crash):
            _run(store, tenant)
        monkeypatch.setattr(Store, "done", real_done)
    assert len(_documents(descriptor, tenant)) == 3

    with open_store(tmp_path / "db.sqlite3") as store:  # the restarted process
        assert len(store.unresolved("t")) == 1
        again = _run(store, tenant)
        assert again.status == "ok", again.error
        assert store.unresolved("t") == []
        documents = _documents(descriptor, tenant)
        assert set(documents) == _keys(store)
        assert set(documents.values()) == {1}, "a letter was written twice"
        assert _run(store, tenant).written == []


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_unknown_outcome_is_read_back_not_repeated(tmp_path: Path, system: str) -> None:
    """The vendor acts, then the connection dies on every retry: the next cycle reads back."""
    descriptor = _descriptor(system)
    tenant = _tenant(tmp_path, descriptor)
    assert tenant.sandbox_state is not None
    sandbox = descriptor.sandbox(None, TODAY)
    # Only the API's writes time out, not an OAuth token request (also a POST, on another path).
    sandbox.inject(
        Fault("timeout_after_commit", path_prefix=API_PREFIX.get(system), method="POST", times=50)
    )
    sandbox.save(tenant.sandbox_state)
    with open_store(tmp_path / "db.sqlite3") as store:
        broken = run_tenant(
            store,
            "t",
            tenant,
            CycleOptions(
                today=TODAY,
                now=datetime.combine(TODAY, time(7), tzinfo=UTC),
                transport=sandbox.transport(),
                secrets=_secrets(descriptor),
            ),
        )
        sandbox.save(tenant.sandbox_state)
        if system == "economic":
            # e-conomic's session reads a write whose answer was lost back by its key at once
            # (session.py _create_draft), so the cycle never sees the outcome as unknown.
            assert broken.status == "ok", broken.error
            assert store.unresolved("t") == []
        else:
            assert broken.status == "partial"
            assert len(store.unresolved("t")) == 1
        later = _run(store, tenant, TODAY + timedelta(days=0))
        assert later.status == "ok", later.error
        documents = _documents(descriptor, tenant)
        assert set(documents) == _keys(store) - _cancelled(store)
        assert set(documents.values()) == {1}


def _secrets(descriptor: ConnectorDescriptor) -> StaticSecrets:
    return StaticSecrets("t", descriptor.sandbox_secrets)


def _cancelled(store: Store) -> set[str]:
    return {row.letter.key for row in store.letters("t") if row.state == "cancelled"}


def test_a_corrupt_sandbox_state_stops_only_its_tenant(tmp_path: Path) -> None:
    descriptor = registry.connector("economic")
    broken = _tenant(tmp_path / "broken", descriptor)
    assert broken.sandbox_state is not None
    broken.sandbox_state.parent.mkdir()
    broken.sandbox_state.write_text('{"customers": [', encoding="utf-8")
    fine = _tenant(tmp_path / "fine", descriptor)
    (tmp_path / "fine").mkdir()
    with open_store(tmp_path / "db.sqlite3") as store:
        bad = _run(store, broken)
        good = _run(store, fine)
    assert bad.status == "error"
    assert bad.error is not None
    assert "is corrupt" in bad.error
    assert good.status == "ok"
    assert good.written
    assert broken.sandbox_state.read_text(encoding="utf-8") == '{"customers": ['  # kept as is


def test_a_malformed_invoice_is_reported_and_the_others_are_dunned(tmp_path: Path) -> None:
    """One unreadable invoice in a page: it is named in the outcome, the rest go on."""
    sandbox = registry.connector("economic").sandbox(None, TODAY)
    assert isinstance(sandbox, EconomicSandbox)

    def corrupting(request: httpx.Request) -> httpx.Response:
        response = sandbox.handle(request)
        if request.url.path != "/invoices/unpaid" or request.url.params.get("filter"):
            return response
        body = json.loads(response.content, parse_float=Decimal)
        body["collection"][0]["dueDate"] = "31-02-2026"
        return httpx.Response(200, content=dump_json(body), headers=response.headers)

    tenant = TenantSettings(system="economic", country="DK")
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = run_tenant(
            store,
            "t",
            tenant,
            CycleOptions(
                today=TODAY,
                now=datetime.combine(TODAY, time(7), tzinfo=UTC),
                transport=httpx.MockTransport(corrupting),
                secrets=StaticSecrets("t", registry.connector("economic").sandbox_secrets),
            ),
        )
    assert outcome.status == "ok", outcome.error
    assert outcome.written
    reasons = [why for where, why in outcome.skipped if where == "fetch"]
    assert len(reasons) == 1
    assert "dueDate" in reasons[0]


def test_stale_payments_hold_back_every_charge(tmp_path: Path) -> None:
    descriptor = registry.connector("economic")
    tenant = TenantSettings(
        system="economic",
        country="DK",
        sandbox_state=tmp_path / "sandbox.json",
        options={"stale_payments_days": "0"},  # anything older than today is stale
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = _run(store, tenant)
    assert outcome.status == "ok", outcome.error
    assert outcome.plan
    assert all(d.fee == 0 and d.compensation == 0 for d in outcome.plan)
    assert any("payments look stale" in why for _, why in outcome.skipped)
    assert descriptor.key == "economic"


def test_a_letter_the_vendor_refused_is_not_asked_again_the_same_day(tmp_path: Path) -> None:
    descriptor = registry.connector("economic")
    tenant = _tenant(tmp_path, descriptor)
    assert tenant.sandbox_state is not None
    sandbox = descriptor.sandbox(None, TODAY)
    sandbox.inject(Fault("status", status=400, path_prefix="/invoices/drafts", method="POST"))
    sandbox.save(tenant.sandbox_state)
    options = CycleOptions(
        today=TODAY,
        now=datetime.combine(TODAY, time(7), tzinfo=UTC),
        transport=sandbox.transport(),
        secrets=_secrets(descriptor),
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        first = run_tenant(store, "t", tenant, options)
        sandbox.save(tenant.sandbox_state)
        refused = [key for key, why in first.skipped if why.startswith("rejected by the vendor")]
        assert len(refused) == 1
        again = _run(store, tenant)
        assert again.written == []
        assert [why for key, why in again.skipped if key == refused[0]] == [
            next(why for key, why in first.skipped if key == refused[0])
            + " (today; not retried until tomorrow)"
        ]
        tomorrow = _run(store, tenant, TODAY + timedelta(days=1))
        assert refused[0] in {letter.key for letter, _ in tomorrow.written}


def test_a_broken_tenant_template_skips_its_letters_and_writes_the_others(
    tmp_path: Path,
) -> None:
    descriptor = registry.connector("economic")
    templates = tmp_path / "templates" / "da"
    templates.mkdir(parents=True)
    (templates / "reminder.txt.j2").write_text("Rykker til {{ customer.nickname }}\n")
    tenant = _tenant(tmp_path, descriptor).model_copy(
        update={"options": {"templates": str(tmp_path / "templates")}}
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = _run(store, tenant)
    assert outcome.status == "partial"
    broken = {key: why for key, why in outcome.skipped if why.startswith("not written: template")}
    assert broken
    assert all("da/reminder.txt.j2" in why and "nickname" in why for why in broken.values())
    # The other letters (warnings, letters in other languages) are written all the same.
    written = {letter.key for letter, _ in outcome.written}
    assert written
    assert not written & set(broken)
