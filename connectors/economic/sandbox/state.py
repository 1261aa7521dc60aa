"""What the sandbox remembers: customers, contacts, employees, invoices, drafts, ledger entries,
replays.

Records are kept in e-conomic's own field names without links or derived amounts (those are
added when a record is rendered), so rendering is mostly adding ``self`` links and filtering
reads the same paths a client names. The whole state round-trips through JSON (Decimals kept
exact) so the demo can keep its company between runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

Record = dict[str, Any]

FORMAT = 1
# Where numbering starts: booked invoices look like a shop that has traded for a while.
FIRST_NUMBERS = {"booked": 1001, "draft": 1, "contact": 1, "entry": 1, "voucher": 1}

_TABLES = {
    "customers": "customerNumber",
    "contacts": "customerContactNumber",
    "employees": "employeeNumber",
    "booked": "bookedInvoiceNumber",
    "drafts": "draftInvoiceNumber",
    "entries": "entryNumber",
}


@dataclass
class SandboxState:
    """The emulated agreement's data."""

    customers: dict[int, Record] = field(default_factory=dict)
    contacts: dict[int, Record] = field(default_factory=dict)
    # The agreement's employees; a customer's ``salesPerson`` names one.
    employees: dict[int, Record] = field(default_factory=dict)
    booked: dict[int, Record] = field(default_factory=dict)
    drafts: dict[int, Record] = field(default_factory=dict)
    entries: dict[int, Record] = field(default_factory=dict)
    # How each booked invoice was sent when it was booked ("none", "Email", "EAN").
    sent: dict[int, str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: dict(FIRST_NUMBERS))
    grant_revoked: bool = False
    # Idempotency-Key -> the answer given the first time (see sandbox.py).
    replays: dict[str, Record] = field(default_factory=dict)
    # Booked invoice numbers by customer, built as invoices are booked (never saved): a
    # per-customer listing then costs that customer's invoices, not the whole ledger.
    booked_by_customer: dict[int, list[int]] = field(default_factory=dict, compare=False)
    indexed: int = field(default=0, compare=False)
    # Bumped by every ledger change (sandbox_ledger); with it, counts over the whole ledger
    # are remembered between the requests of one walk (never saved).
    revision: int = field(default=0, compare=False)
    counts: dict[tuple[str, int, int, str], int] = field(default_factory=dict, compare=False)

    def take(self, counter: str) -> int:
        """Return the next number of a sequence and advance it."""
        number = self.counters[counter]
        self.counters[counter] = number + 1
        return number

    def booked_of(self, customer: int) -> list[int]:
        """The numbers of ``customer``'s booked invoices (booked invoices are never removed)."""
        if self.indexed > len(self.booked):  # replaced wholesale: start over
            self.booked_by_customer, self.indexed = {}, 0
        if self.indexed < len(self.booked):
            for number, rec in islice(self.booked.items(), self.indexed, None):
                owner = int(rec["customer"]["customerNumber"])
                self.booked_by_customer.setdefault(owner, []).append(number)
            self.indexed = len(self.booked)
        return self.booked_by_customer.get(customer, [])

    def to_dict(self) -> dict[str, Any]:
        """The state as plain JSON-ready data (Decimals stay Decimals)."""
        out: dict[str, Any] = {"format": FORMAT}
        for table in _TABLES:
            records: dict[int, Record] = getattr(self, table)
            out[table] = [records[k] for k in sorted(records)]
        out["sent"] = {str(k): v for k, v in sorted(self.sent.items())}
        out["counters"] = dict(self.counters)
        out["grantRevoked"] = self.grant_revoked
        out["replays"] = dict(self.replays)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxState:
        """Rebuild the state written by :meth:`to_dict`."""
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown sandbox state format {data.get('format')!r}")
        state = cls()
        for table, key in _TABLES.items():
            setattr(state, table, {int(r[key]): r for r in data.get(table, [])})
        state.sent = {int(k): str(v) for k, v in data.get("sent", {}).items()}
        state.counters = {**FIRST_NUMBERS, **data.get("counters", {})}
        state.grant_revoked = bool(data.get("grantRevoked", False))
        state.replays = dict(data.get("replays", {}))
        return state
