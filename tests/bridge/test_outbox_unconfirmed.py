"""The outbox's unconfirmed letters: attempt, unconfirm, the accountant's three verdicts and
supersede, each with the state, the detail and the audit row it leaves (module docstring of
bridge/store/outbox.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bridge.store import Store, open_store
from bridge.vocab.domain import StepStatus
from bridge.vocab.errors import StoreError
from bridge.vocab.redact import REDACTED, forget_secrets, register_secret
from tests.bridge.test_outbox import AT, decision, letter, result

LATER = AT + timedelta(hours=1)


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    yield s
    s.close()


def _unsure(store: Store, invoice: str = "1", reason: str = "read-back found nothing") -> str:
    item = letter(decision(invoice))
    assert store.intend(item, "text", at=AT)
    store.attempt(item.key, at=AT)
    assert store.unconfirm(item.key, reason, at=LATER)
    return item.key


def test_an_attempt_is_noted_only_on_an_intended_letter(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "text", at=AT)
    assert store.letter(item.key).attempted_at is None  # type: ignore[union-attr]
    store.attempt(item.key, at=LATER)
    stored = store.letter(item.key)
    assert stored is not None
    assert (stored.state, stored.attempted_at) == ("intended", LATER)
    store.done(item.key, result(item), at=LATER)
    with pytest.raises(StoreError, match="is pending; only an intended one is sent"):
        store.attempt(item.key, at=LATER)


def test_an_unconfirmed_letter_stays_intended_and_waits_for_the_accountant(store: Store) -> None:
    key = _unsure(store)
    stored = store.letter(key)
    assert stored is not None
    assert (stored.state, stored.unconfirmed_at, stored.updated_at) == ("intended", LATER, LATER)
    assert stored.detail == "read-back found nothing"
    assert stored.unconfirmed
    assert [r.letter.key for r in store.unconfirmed("acme")] == [key]
    assert store.unconfirmed("other") == []
    # Said again by the next cycle: nothing changes and no second audit row.
    assert not store.unconfirm(key, "still nothing", at=LATER + timedelta(days=1))
    assert store.letter(key).detail == "read-back found nothing"  # type: ignore[union-attr]
    events = [(r.event, r.at, r.data) for r in store.audit_log("acme")]
    assert events[0] == (
        "letter.unconfirmed",
        LATER,
        {"letter_key": key, "detail": "read-back found nothing"},
    )
    assert [e[0] for e in events].count("letter.unconfirmed") == 1


def test_unconfirmed_letters_are_listed_oldest_first(store: Store) -> None:
    first, second = _unsure(store, "1"), _unsure(store, "2")
    assert [r.letter.key for r in store.unconfirmed("acme")] == [first, second]


def test_a_secret_in_the_reason_is_not_stored(store: Store) -> None:
    register_secret("vendor-token-123456")
    try:
        key = _unsure(store, reason="answer echoed vendor-token-123456")
        assert store.letter(key).detail == f"answer echoed {REDACTED}"  # type: ignore[union-attr]
        assert store.audit_log("acme")[0].data["detail"] == f"answer echoed {REDACTED}"
    finally:
        forget_secrets(["vendor-token-123456"])


def test_only_an_intended_letter_can_be_unsure(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "text", at=AT)
    store.done(item.key, result(item, StepStatus.ISSUED), at=AT)
    with pytest.raises(StoreError, match="is issued; only an intended one is unsure"):
        store.unconfirm(item.key, "why", at=LATER)


@pytest.mark.parametrize(
    ("verdict", "state", "detail", "status"),
    [
        ("sent", "issued", "confirmed by the accountant: sent (by phone)", StepStatus.ISSUED),
        (
            "rejected",
            "rejected",
            "confirmed by the accountant: written, then deleted (by phone)",
            StepStatus.REJECTED,
        ),
        ("not-sent", "cancelled", "confirmed by the accountant: not sent (by phone)", None),
    ],
)
def test_each_verdict_moves_the_letter(
    store: Store, verdict: str, state: str, detail: str, status: StepStatus | None
) -> None:
    key = _unsure(store)
    when = LATER + timedelta(days=1)
    assert store.confirm("acme", key, verdict, at=when, note="by phone") == ("letter", state)
    stored = store.letter(key)
    assert stored is not None
    assert (stored.state, stored.detail, stored.updated_at) == (state, detail, when)
    assert store.unconfirmed("acme") == []
    # A cancelled letter leaves no step behind; the others count as issued or rejected.
    assert [s.status for s in store.history("acme")] == ([status] if status else [])
    newest = store.audit_log("acme")[0]
    assert (newest.event, newest.at, newest.data) == (
        "letter.confirmed",
        when,
        {"letter_key": key, "verdict": verdict, "note": "by phone"},
    )


def test_a_verdict_without_a_note_says_only_what_was_confirmed(store: Store) -> None:
    key = _unsure(store)
    store.confirm("acme", key, "sent", at=LATER)
    assert store.letter(key).detail == "confirmed by the accountant: sent"  # type: ignore[union-attr]


def test_a_letter_not_waiting_cannot_be_confirmed(store: Store) -> None:
    item = letter(decision("1"))
    store.intend(item, "text", at=AT)
    with pytest.raises(StoreError, match="nothing of tenant acme waits for confirmation"):
        store.confirm("acme", item.key, "sent", at=LATER)
    key = _unsure(store, "2")
    with pytest.raises(StoreError, match="unknown verdict 'maybe'"):
        store.confirm("acme", key, "maybe", at=LATER)


def test_superseding_an_unconfirmed_letter_rejects_it_and_frees_its_decisions(
    store: Store,
) -> None:
    key = _unsure(store)
    store.supersede(key, "step 2 is due", at=LATER)
    stored = store.letter(key)
    assert stored is not None
    assert (stored.state, stored.detail) == ("rejected", "step 2 is due")
    assert [s.status for s in store.history("acme")] == [StepStatus.REJECTED]
    # Its decision is free again: the same claim may go in a new letter.
    assert store.intend(letter(decision("1")), "text", at=LATER)
