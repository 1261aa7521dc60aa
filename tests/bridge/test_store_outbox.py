"""The outbox suite (tests/bridge/test_outbox.py) again, on PostgreSQL.

The tests are imported unchanged and collected here once more; the ``store`` fixture below
gives them a PostgreSQL store instead of SQLite in memory. The property test stays SQLite-only
(its many examples would each need a fresh schema); the claims it checks rest on the partial
unique indexes, which test_decision_claims_are_a_database_rule checks on PostgreSQL directly.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bridge.store import Store, open_store
from bridge.store.pg import PgError
from tests.bridge.test_outbox import (
    AT,
    decision,
    letter,
    result,
    test_a_decision_already_claimed_refuses_the_whole_letter,
    test_an_intended_decision_blocks_another_letter,
    test_done_can_issue_directly,
    test_every_transition_writes_one_audit_row,
    test_history_is_ordered_by_date_and_carries_amounts,
    test_intend_done_settle_round_trip,
    test_intend_is_a_retry_while_intended_and_refused_after,
    test_invalid_transitions_raise_and_leave_no_trace,
    test_letters_filters_and_orders_newest_first,
    test_malformed_letters_are_refused,
    test_next_step_may_follow_a_rejected_one,
    test_rejected_and_cancelled_letters_do_not_block,
    test_repeats_are_harmless,
    test_settle_records_a_new_document_number,
)
from tests.pg import pg_server, pg_url  # noqa: F401  (fixtures)

__all__ = [
    "test_a_decision_already_claimed_refuses_the_whole_letter",
    "test_an_intended_decision_blocks_another_letter",
    "test_done_can_issue_directly",
    "test_every_transition_writes_one_audit_row",
    "test_history_is_ordered_by_date_and_carries_amounts",
    "test_intend_done_settle_round_trip",
    "test_intend_is_a_retry_while_intended_and_refused_after",
    "test_invalid_transitions_raise_and_leave_no_trace",
    "test_letters_filters_and_orders_newest_first",
    "test_malformed_letters_are_refused",
    "test_next_step_may_follow_a_rejected_one",
    "test_rejected_and_cancelled_letters_do_not_block",
    "test_repeats_are_harmless",
    "test_settle_records_a_new_document_number",
]


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:  # noqa: F811
    """The outbox tests' store, on PostgreSQL."""
    with open_store(pg_url) as s:
        yield s


def test_crash_between_intend_and_done_is_remembered(pg_url: str) -> None:  # noqa: F811
    item = letter(decision("1"))
    with open_store(pg_url) as first:
        assert first.intend(item, "text", at=AT)
    # The process died before the vendor's answer was recorded; another daemon reads it back.
    with open_store(pg_url) as second:
        [open_] = second.unresolved("acme")
        assert open_.letter == item
        assert not second.intend(letter(decision("1"), decision("2")), "", at=AT)
        second.done(item.key, result(item), at=AT)
        assert second.unresolved("acme") == []


def test_decision_claims_are_a_database_rule(store: Store) -> None:
    """Even SQL that skips the store's checks cannot claim a live decision twice."""
    item = letter(decision("1"))
    assert store.intend(item, "text", at=AT)
    conn = store._conn
    assert conn is not None
    with pytest.raises(PgError, match="decisions_live_key") as caught:
        conn.execute(
            "INSERT INTO decisions (letter_id, position, tenant, decision_key, invoice_id,"
            " action, step, decision_date, currency, fee, interest, compensation)"
            " SELECT letter_id, 9, tenant, decision_key, invoice_id, action, step,"
            " decision_date, currency, fee, interest, compensation FROM decisions"
        )
    assert caught.value.sqlstate == "23505"
    with pytest.raises(PgError, match="letters_live_key"):
        conn.execute(
            "INSERT INTO letters (letter_key, tenant, customer_id, action, step, letter_date,"
            " currency, body, text, state, created_at, updated_at)"
            " SELECT letter_key, tenant, customer_id, action, step, letter_date, currency,"
            " body, text, 'pending', created_at, updated_at FROM letters"
        )
