"""`dunning-bridge pending` and `approve`: the review queue seen and worked from the bridge.

Where the accounting system holds real drafts (e-conomic, Dinero, Fortnox), the accountant
approves by booking the draft there and the next cycle records it; where it cannot (Tripletex
sends a reminder the moment it is created), the letter waits here as a proposal until approved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bridge import present, proposals
from bridge.commands import _emit, _selected, _store
from bridge.cycle import CycleOptions, open_tenant_session
from bridge.errors import BridgeError
from bridge.proposals import ProposalError
from bridge.settings import Settings
from bridge.store.review import BOOKED, WITHDRAWN

# Drafts the bridge withdrew are listed this long, so the accountant learns where one went.
RECENT = timedelta(days=14)

console = present.console()
err = present.console(stderr=True)


def pending_command(settings: Settings, tenant: str | None, *, as_json: bool) -> int:
    """List every letter waiting for review per tenant, those not to book, and open tasks."""
    names = _selected(settings, tenant)
    since = datetime.now(UTC) - RECENT
    with _store(settings) as store:
        items = [p for name in names for p in proposals.pending(store, name)]
        recent = [
            w
            for name in names
            for w in store.withdrawals(name, states=(WITHDRAWN, BOOKED))
            if w.updated_at >= since
        ]
        tasks = [t for name in names for t in store.tasks(name)]
    if as_json:
        _emit([p.as_dict() for p in items])
        return 0
    if not items and not recent and not tasks:
        console.print("Nothing waits for review.")
        return 0
    if items:
        _print_pending(items)
    for w in recent:
        done = "withdrawn" if w.state == WITHDRAWN else "booked before it could be withdrawn"
        console.print(
            f"- {w.tenant} {w.letter_key[:12]}: {done}, because {w.reason} ({w.detail})",
            markup=False,
        )
    if tasks:
        console.print(
            present.rows_table(
                "Tasks for your people (nowhere else to send them)",
                ["Tenant", "Key", "Task", "Customer", "Invoices", "Since"],
                [
                    (
                        t.tenant,
                        t.letter_key[:12],
                        t.subject,
                        t.customer_id,
                        t.invoices,
                        t.created_at.date().isoformat(),
                    )
                    for t in tasks
                ],
            )
        )
        console.print("Mark one done with: dunning-bridge tasks done TENANT KEY")
    return 0


def _print_pending(items: list[proposals.Proposal]) -> None:
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
            "DO NOT BOOK" if p.do_not_book else "",
        )
        for p in items
    ]
    console.print(
        present.rows_table(
            "Waiting for review",
            [
                "Tenant",
                "Key",
                "Step",
                "Customer",
                "Invoices",
                "Charges",
                "Document",
                "Date",
                "Note",
            ],
            rows,
        )
    )
    for p in items:
        if p.do_not_book:
            console.print(f"DO NOT BOOK {p.key[:12]}: {p.do_not_book}", markup=False)
    console.print("Approve with: dunning-bridge approve TENANT KEY [KEY...] (a key prefix will do)")


def tasks_command(settings: Settings, tenant: str | None, *, show_all: bool, as_json: bool) -> int:
    """List the tasks waiting in the bridge (with ``show_all``, those done too)."""
    names = _selected(settings, tenant)
    with _store(settings) as store:
        tasks = [t for name in names for t in store.tasks(name, open_only=not show_all)]
    if as_json:
        _emit(
            [
                {
                    "tenant": t.tenant,
                    "key": t.letter_key,
                    "customer": t.customer_id,
                    "action": t.action,
                    "invoices": t.invoices,
                    "subject": t.subject,
                    "body": t.body,
                    "created_at": t.created_at.isoformat(),
                    "done_at": t.done_at.isoformat() if t.done_at else None,
                    "done_note": t.done_note,
                }
                for t in tasks
            ]
        )
        return 0
    if not tasks:
        console.print("No task waits in the bridge.")
        return 0
    for t in tasks:
        state = f"done {t.done_at.date().isoformat()}" if t.done_at else "open"
        console.print(
            f"[{t.tenant} {t.letter_key[:12]}] {t.subject} ({state})\n{t.body}\n", markup=False
        )
    return 0


def task_done_command(settings: Settings, tenant: str, keys: list[str], note: str) -> int:
    """Mark tasks done (a unique key prefix will do); exit 2 when one is not an open task."""
    now = datetime.now(UTC)
    try:
        settings.tenant(tenant)
        with _store(settings) as store:
            waiting = store.tasks(tenant)
            for wanted in keys:
                hits = [t for t in waiting if wanted.strip() and t.letter_key.startswith(wanted)]
                if len(hits) != 1:
                    what = "no open task" if not hits else f"{len(hits)} open tasks"
                    raise ProposalError(f"{wanted!r} names {what} of tenant {tenant!r}")
                store.task_done(tenant, hits[0].letter_key, note=note, at=now)
                console.print(f"- {hits[0].letter_key}: done ({hits[0].subject})", markup=False)
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
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
