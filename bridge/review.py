"""`dunning-bridge pending` and `approve`: the review queue seen and worked from the bridge.

Where the accounting system holds real drafts (e-conomic, Dinero, Fortnox), the accountant
approves by booking the draft there and the next cycle records it; where it cannot (Tripletex
sends a reminder the moment it is created), the letter waits here as a proposal until approved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bridge import present, proposals
from bridge.commands import _emit, _selected, _store
from bridge.cycle import CycleOptions, open_tenant_session
from bridge.errors import BridgeError
from bridge.settings import Settings

console = present.console()
err = present.console(stderr=True)


def pending_command(settings: Settings, tenant: str | None, *, as_json: bool) -> int:
    """List every letter waiting for review, per tenant."""
    names = _selected(settings, tenant)
    with _store(settings) as store:
        items = [p for name in names for p in proposals.pending(store, name)]
    if as_json:
        _emit([p.as_dict() for p in items])
        return 0
    if not items:
        console.print("Nothing waits for review.")
        return 0
    rows = [
        (
            p.tenant,
            p.key[:12],
            f"{p.step} {p.action}",
            p.customer,
            ", ".join(p.invoices),
            f"{p.charges:.2f} {p.currency}",
            p.document,
            p.date.isoformat(),
        )
        for p in items
    ]
    console.print(
        present.rows_table(
            "Waiting for review",
            ["Tenant", "Key", "Step", "Customer", "Invoices", "Charges", "Document", "Date"],
            rows,
        )
    )
    console.print("Approve with: dunning-bridge approve TENANT KEY [KEY...] (a key prefix will do)")
    return 0


def approve_command(
    settings: Settings, tenant: str, keys: list[str], today: date, *, as_json: bool
) -> int:
    """Carry out pending letters of one tenant now; exit 2 when one cannot be approved."""
    now = datetime.now(UTC)
    try:
        config = settings.tenant(tenant)
        opts = CycleOptions(today=today, now=now)
        with (
            _store(settings) as store,
            store.exclusive("cli-approve"),
            open_tenant_session(tenant, config, opts) as session,
        ):
            results = proposals.approve(store, session, tenant, keys, at=now)
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    if as_json:
        _emit(
            [
                {
                    "key": r.letter_key,
                    "status": r.status.value,
                    "document": r.document,
                    "detail": r.detail,
                }
                for r in results
            ]
        )
    else:
        for r in results:
            console.print(f"- {r.letter_key}: {r.status.value} ({r.document}) {r.detail}".rstrip())
    return 0
