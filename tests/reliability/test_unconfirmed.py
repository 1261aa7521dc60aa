"""A write whose outcome is unknown and whose read-back finds nothing is not re-sent blindly
(issue 18, finding 3).

After a crash once the request has left the process, absence at the vendor means "never
created" or "created, then deleted by the accountant"; only the vendor's idempotency window
(e-conomic replays a key's first answer for one hour, reference/apis.md § 2.7) tells them
apart, by sending the same key again. Past it, or for a vendor without one (Dinero, Fortnox,
Tripletex: window 0), the letter goes to the accountant as "could not confirm" until they say
what happened (`dunning-bridge confirm`) or its next step is due. A crash before the request
left (no attempt recorded) is known not sent and written again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bridge.engine import write as write_module
from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.infra import failpoints, retry
from bridge.store import Store, open_store
from bridge.vocab import registry
from bridge.vocab.connector import ConnectorDescriptor
from bridge.vocab.domain import Mode
from bridge.vocab.errors import StoreError
from bridge.vocab.settings import TenantSettings

TODAY = date(2026, 3, 16)
AT = datetime.combine(TODAY, time(7), tzinfo=UTC)
SYSTEMS = sorted(registry.connectors())


class Crash(BaseException):
    """The process dies here: nothing in the cycle catches it."""


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _tenant(tmp_path: Path, system: str) -> TenantSettings:
    descriptor = registry.connector(system)
    return TenantSettings(
        system=system,
        country=descriptor.country,
        mode=Mode.REVIEW,
        sandbox_state=tmp_path / "sandbox.json",
        options={"company_email": "bogholderi@kontor.example", "company_phone": "+4512345678"},
    )


def _run(store: Store, tenant: TenantSettings, now: datetime = AT) -> TenantOutcome:
    return run_tenant(store, "t", tenant, CycleOptions(today=now.date(), now=now))


def _documents(tenant: TenantSettings) -> dict[str, int]:
    assert tenant.sandbox_state is not None
    descriptor = registry.connector(tenant.system)
    return dict(descriptor.sandbox(tenant.sandbox_state, TODAY).documents_by_key())  # type: ignore[attr-defined]


def _crash_before_the_request(store: Store, tenant: TenantSettings, mp: pytest.MonkeyPatch) -> str:
    """The first letter's attempt is recorded, then the process dies before the vendor is
    called: the vendor has nothing, and the outbox cannot know."""
    real = write_module._deliver
    seen: list[str] = []

    def deliver(*args: Any, **kwargs: Any) -> Any:
        if not seen:
            seen.append(kwargs["letter"].key)
            raise Crash
        return real(*args, **kwargs)

    mp.setattr(write_module, "_deliver", deliver)
    with pytest.raises(Crash):
        _run(store, tenant)
    mp.undo()
    return seen[0]


def _crash_at(point: str, store: Store, tenant: TenantSettings, mp: pytest.MonkeyPatch) -> str:
    """Die the first time ``point`` is reached; return the letter then in hand."""
    real_intend = Store.intend
    keys: list[str] = []

    def intend(self: Store, letter: Any, text: str, *, at: datetime) -> bool:
        keys.append(letter.key)
        return real_intend(self, letter, text, at=at)

    def reached(name: str) -> None:
        if name == point:
            raise Crash(name)

    mp.setattr(Store, "intend", intend)
    mp.setattr(failpoints, "reached", reached)
    with pytest.raises(Crash):
        _run(store, tenant)
    mp.undo()
    return keys[-1]


def _descriptor(system: str) -> ConnectorDescriptor:
    return registry.connector(system)


def test_each_connector_declares_its_idempotency_window() -> None:
    # e-conomic: "the cache lasts one hour" (reference/apis.md § 2.7); the others honour no
    # idempotency key (§ 6).
    windows = {k: registry.connector(k).idempotency_window for k in SYSTEMS}
    assert windows == {
        "dinero": timedelta(0),
        "economic": timedelta(hours=1),
        "fortnox": timedelta(0),
        "tripletex": timedelta(0),
    }


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_crash_before_the_request_left_is_known_not_sent_and_written_again(
    tmp_path: Path, system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = _tenant(tmp_path, system)
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_at("intended", store, tenant, monkeypatch)
        (row,) = store.unresolved("t")
        assert row.letter.key == key
        assert row.attempted_at is None
        again = _run(store, tenant)
        assert again.status == "ok", again.error
        assert store.unresolved("t") == []
        assert _documents(tenant).get(key) == 1


@pytest.mark.parametrize("system", [s for s in SYSTEMS if s != "economic"])
def test_without_an_idempotency_key_absence_after_the_request_left_is_not_rewritten(
    tmp_path: Path, system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = _tenant(tmp_path, system)
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_before_the_request(store, tenant, monkeypatch)
        (row,) = store.unresolved("t")
        assert row.attempted_at is not None
        # Minutes later: no window to wait out, the vendor cannot tell.
        again = _run(store, tenant, AT + timedelta(minutes=1))
        assert again.status == "ok", again.error
        assert key not in _documents(tenant), "written again blindly"
        (waiting,) = store.unconfirmed("t")
        assert waiting.letter.key == key
        told = dict(again.skipped)[key]
        assert "could not confirm" in told
        assert f"dunning-bridge confirm t {key} --sent" in told
        # It holds its decisions: the next cycle writes nothing for them and says it again.
        later = _run(store, tenant, AT + timedelta(minutes=2))
        assert "could not confirm" in dict(later.skipped)[key]
        assert key not in _documents(tenant)
        assert not later.written


@pytest.mark.parametrize(
    ("minutes", "resent"), [(59, True), (60, False), (61, False)], ids=["59min", "60min", "61min"]
)
def test_economic_resends_inside_its_one_hour_window_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minutes: int, resent: bool
) -> None:
    tenant = _tenant(tmp_path, "economic")
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_before_the_request(store, tenant, monkeypatch)
        again = _run(store, tenant, AT + timedelta(minutes=minutes))
        assert again.status == "ok", again.error
        if resent:
            assert _documents(tenant).get(key) == 1
            assert store.unresolved("t") == []
            letter = store.letter(key)
            assert letter is not None
            assert letter.state == "pending"
        else:
            assert key not in _documents(tenant)
            assert [r.letter.key for r in store.unconfirmed("t")] == [key]


def _draft_of(tenant: TenantSettings, key: str) -> int:
    assert tenant.sandbox_state is not None
    sandbox = registry.connector("economic").sandbox(tenant.sandbox_state, TODAY)
    drafts = sandbox.state()["drafts"]  # type: ignore[attr-defined]
    items = drafts.values() if isinstance(drafts, dict) else drafts
    for draft in items:
        if (draft.get("references") or {}).get("other") == key:
            return int(draft["draftInvoiceNumber"])
    raise AssertionError(f"no draft carries {key}")


def _delete_draft(tenant: TenantSettings, number: int) -> None:
    assert tenant.sandbox_state is not None
    sandbox = registry.connector("economic").sandbox(tenant.sandbox_state, TODAY)
    sandbox.delete_draft(number)  # type: ignore[attr-defined]
    sandbox.save(tenant.sandbox_state)


def test_a_draft_deleted_after_the_crash_and_the_window_stays_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's story: the vendor accepted, we died before the record, the accountant
    deleted the draft, the hour passed. Before: the same letter was written again."""
    tenant = _tenant(tmp_path, "economic")
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_at("applied", store, tenant, monkeypatch)
        _delete_draft(tenant, _draft_of(tenant, key))
        again = _run(store, tenant, AT + timedelta(hours=2))
        assert again.status == "ok", again.error
        assert key not in _documents(tenant), "the accountant's rejection was lost"
        assert [r.letter.key for r in store.unconfirmed("t")] == [key]
        # The accountant says they deleted it: recorded as rejected, never written again.
        assert store.confirm("t", key, "rejected", at=AT + timedelta(hours=3)) == (
            "letter",
            "rejected",
        )
        _run(store, tenant, AT + timedelta(hours=4))
        assert key not in _documents(tenant)
        assert store.unresolved("t") == []
        steps = {s.status.value for s in store.history("t") if s.document is None}
        assert steps <= {"rejected"}


def test_inside_the_window_the_same_key_replays_and_the_deletion_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = _tenant(tmp_path, "economic")
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_at("applied", store, tenant, monkeypatch)
        number = _draft_of(tenant, key)
        _delete_draft(tenant, number)
        again = _run(store, tenant, AT + timedelta(minutes=10))
        assert again.status == "ok", again.error
        assert key not in _documents(tenant), "a second draft was created"
        letter = store.letter(key)
        assert letter is not None
        assert (letter.state, letter.document) == ("rejected", str(number))


@pytest.mark.parametrize("system", ["fortnox", "economic"])
def test_not_sent_lets_the_next_cycle_write_it_and_sent_records_it(
    tmp_path: Path, system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = _tenant(tmp_path, system)
    later = AT + timedelta(hours=2)
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_before_the_request(store, tenant, monkeypatch)
        _run(store, tenant, later)
        assert [r.letter.key for r in store.unconfirmed("t")] == [key]
        with pytest.raises(StoreError, match="nothing of tenant t waits"):
            store.confirm("t", "db-nosuchkey", "sent", at=later)
        assert store.confirm("t", key, "not-sent", at=later) == ("letter", "cancelled")
        with pytest.raises(StoreError):
            store.confirm("t", key, "sent", at=later)  # settled once, not twice
        _run(store, tenant, later + timedelta(minutes=5))
        assert _documents(tenant).get(key) == 1
    other = tmp_path / "other"
    other.mkdir()
    tenant = _tenant(other, system)
    with open_store(other / "db.sqlite3") as store:
        key = _crash_before_the_request(store, tenant, monkeypatch)
        _run(store, tenant, later)
        assert store.confirm("t", key, "sent", at=later, note="seen in the UI") == (
            "letter",
            "issued",
        )
        letter = store.letter(key)
        assert letter is not None
        assert "confirmed by the accountant: sent" in letter.detail
        invoices = {d.invoice_id for d in letter.letter.decisions}
        assert {s.status.value for s in store.history("t") if s.invoice_id in invoices} >= {
            "issued"
        }
        assert any(e.event == "letter.confirmed" for e in store.audit_log("t"))
        _run(store, tenant, later + timedelta(minutes=5))
        assert key not in _documents(tenant)


def test_the_next_step_due_supersedes_an_unconfirmed_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = _tenant(tmp_path, "fortnox")
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_before_the_request(store, tenant, monkeypatch)
        held = store.letter(key)
        assert held is not None
        invoices = {d.invoice_id for d in held.letter.decisions}
        step = held.letter.step
        _run(store, tenant, AT + timedelta(hours=1))
        assert store.unconfirmed("t")
        for days in range(1, 60):
            now = AT + timedelta(days=days)
            out = _run(store, tenant, now)
            assert out.status in {"ok", "partial"}, out.error
            new = [
                lt
                for lt, _ in out.written
                if invoices & {d.invoice_id for d in lt.decisions} and lt.key != key
            ]
            current = store.letter(key)
            assert current is not None
            if current.state == "intended":
                assert not new, "a step went out while the letter was still unconfirmed"
                continue
            assert current.state == "rejected"
            assert "superseded by the next step" in current.detail
            assert new, "superseded, yet the next step did not proceed"
            assert all(lt.step > step for lt in new if lt.action == held.letter.action)
            break
        else:
            pytest.fail("the unconfirmed letter was never superseded")
        assert key not in _documents(tenant)


def test_the_report_and_status_name_the_unconfirmed_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bridge.surfaces.report.gather import attention  # noqa: PLC0415
    from bridge.surfaces.report.steps import Period  # noqa: PLC0415

    tenant = _tenant(tmp_path, "tripletex")
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_before_the_request(store, tenant, monkeypatch)
        out = _run(store, tenant, AT + timedelta(minutes=5))
        lines = attention(store, "t", out, Period(TODAY, TODAY))
        (line,) = [x for x in lines if key in x]
        assert line.startswith("Could not confirm letter")
        assert f"dunning-bridge confirm t {key} --sent" in line


def test_a_fortnox_draft_cancelled_after_the_crash_is_recorded_rejected_not_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fortnox keeps a thrown-away unbooked invoice as cancelled: the read-back finds it, and
    the accountant's rejection is recorded (before: every cycle of the tenant failed)."""
    tenant = _tenant(tmp_path, "fortnox")
    with open_store(tmp_path / "db.sqlite3") as store:
        key = _crash_at("applied", store, tenant, monkeypatch)
        assert tenant.sandbox_state is not None
        sandbox: Any = registry.connector("fortnox").sandbox(tenant.sandbox_state, TODAY)
        (draft,) = [i for i in sandbox.unbooked() if i["ExternalInvoiceReference1"] == key]
        sandbox.reject_draft(str(draft["DocumentNumber"]))
        sandbox.save(tenant.sandbox_state)
        again = _run(store, tenant, AT + timedelta(minutes=5))
        assert again.status == "ok", again.error
        letter = store.letter(key)
        assert letter is not None
        assert (letter.state, letter.document) == ("rejected", str(draft["DocumentNumber"]))
        assert _documents(tenant)[key] == 1, "the cancelled letter was written again"
        assert store.unresolved("t") == []
        _run(store, tenant, AT + timedelta(hours=3))
        assert _documents(tenant)[key] == 1
