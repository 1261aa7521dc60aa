"""Migration 006: the invoices cycles saw, found by id or number, written only when changed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from bridge.store import open_store
from bridge.vocab.domain import Invoice

AT = datetime(2026, 3, 16, 7, tzinfo=UTC)


def _invoice(ident: str, number: str, customer: str = "c1") -> Invoice:
    day = date(2026, 2, 1)
    return Invoice(ident, number, customer, day, day, "DKK", Decimal("10.00"), Decimal("10.00"))


def test_known_invoices_by_id_or_number_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with open_store(path) as store:
        assert store.invoices_seen("t") == 0
        store.remember_invoices("t", [_invoice("g-1", "1001"), _invoice("g-2", "1002")], at=AT)
        store.remember_invoices("t", [_invoice("g-1", "1001")], at=AT)  # nothing changed
    with open_store(path) as store:
        assert [k.invoice_id for k in store.known_invoices("t", "1001")] == ["g-1"]
        assert [k.number for k in store.known_invoices("t", "g-2")] == ["1002"]
        assert store.known_invoices("t", "9999") == []
        assert store.known_invoices("other", "1001") == []
        assert store.knows_customer("t", "c1")
        assert not store.knows_customer("t", "c9")
        # A changed number is written (the cache was read back from the table).
        store.remember_invoices("t", [_invoice("g-2", "2002", "c2")], at=AT)
        assert [k.customer_id for k in store.known_invoices("t", "2002")] == ["c2"]
        assert store.known_invoices("t", "1002") == []
        assert store.invoices_seen("t") == 2
