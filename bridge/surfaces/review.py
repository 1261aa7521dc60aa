"""`dunning-bridge pending` and `approve`: the review queue seen and worked from the bridge.

Where the accounting system holds real drafts (e-conomic, Dinero, Fortnox), the accountant
approves by booking the draft there and the next cycle records it; where it cannot (Tripletex
sends a reminder the moment it is created), the letter waits here as a proposal until approved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bridge.engine import proposals
from bridge.engine.cycle import CycleOptions, open_tenant_session
from bridge.engine.proposals import ProposalError
from bridge.store.review import BOOKED, WITHDRAWN
from bridge.surfaces import present
from bridge.surfaces.confirm import print_unconfirmed, unconfirmed
from bridge.surfaces.shared import _emit, _selected, _store
from bridge.vocab.errors import BridgeError
from bridge.vocab.settings import Settings

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
        documents = {r.letter.key: r.document for name in names for r in store.letters(name)}
        unsure = [u for name in names for u in unconfirmed(store, name)]
    if as_json:
        _emit([p.as_dict() for p in items] + [u.as_dict() for u in unsure])
        return 0
    if not items and not recent and not tasks and not unsure:
        console.print("Nothing waits for review.")
        return 0
    if unsure:
        print_unconfirmed(unsure)
    if items:
        _print_pending(settings, items)
    for w in recent:
        done = "withdrawn" if w.state == WITHDRAWN else "booked before it could be withdrawn"
        voice = present.voice_for(settings, w.tenant)
        document = documents.get(w.letter_key)
        where = f"document {document}" if document else "a letter"
        console.print(
            f"- {w.tenant} {where}: {done}, because {voice.prose(w.reason)} ({w.detail})",
            markup=False,
        )
    if tasks:
        console.print(
            present.rows_table(
                "Tasks for your people (nowhere else to send them)",
                ["Tenant", "Task key", "Task", "Customer", "Invoices", "Since"],
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
        console.print("Mark one done with: dunning-bridge tasks done TENANT TASK-KEY")
    return 0


def _approves_in_bridge(settings: Settings, tenant: str) -> bool:
    """Whether the tenant's letters are approved here (by key) rather than booked as drafts."""
    from bridge.vocab import registry  # noqa: PLC0415

    try:
        return registry.connector(settings.tenants[tenant].system).approves_in_bridge
    except (BridgeError, KeyError):
        return False


def _print_pending(settings: Settings, items: list[proposals.Proposal]) -> None:
    by_key = {t: _approves_in_bridge(settings, t) for t in {p.tenant for p in items}}
    keyed = any(by_key.values())
    rows = []
    for p in items:
        voice = present.voice_for(settings, p.tenant)
        customer = f"{p.customer} {p.customer_name}".strip()
        row = [
            p.tenant,
            voice.step(p.action, p.step),
            customer,
            ", ".join(p.invoices),
            voice.money(p.charges, p.currency),
            p.document,
            p.date.isoformat(),
            "DO NOT BOOK" if p.do_not_book else "",
        ]
        if keyed:
            row.insert(1, p.key[:12] if by_key[p.tenant] else "")
        rows.append(row)
    columns = ["Tenant", "Step", "Customer", "Invoices", "Charges", "Document", "Date", "Note"]
    if keyed:
        columns.insert(1, "Key to approve")
    console.print(present.rows_table("Waiting for review", columns, rows))
    for p in items:
        if p.do_not_book:
            voice = present.voice_for(settings, p.tenant)
            console.print(
                f"DO NOT BOOK document {p.document or '?'}: {voice.prose(p.do_not_book)}",
                markup=False,
            )
    if keyed:
        console.print(
            "Approve with: dunning-bridge approve TENANT KEY [KEY...] (a key prefix will do)"
        )
    for tenant in sorted(t for t, k in by_key.items() if not k):
        from bridge.vocab import registry  # noqa: PLC0415

        try:
            hint = registry.connector(settings.tenants[tenant].system).review_hint
        except (BridgeError, KeyError):
            hint = ""
        console.print(
            f"{tenant}: book or delete the {hint or 'drafts in the accounting system'}; "
            "the next cycle records it.",
            markup=False,
        )


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
            open_tenant_session(store, tenant, config, opts) as session,
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
