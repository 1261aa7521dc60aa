"""`dunning-bridge hold`: put an invoice on hold until a date (or until lifted), or lift it.

A held invoice gets no step and earns no fee while the hold covers the day; the next cycle
after the hold ends picks the ladder up at the step where it stopped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bridge.engine.withdrawn import Withdrawn
from bridge.surfaces import present
from bridge.surfaces.shared import _emit, _store
from bridge.vocab.errors import BridgeError
from bridge.vocab.settings import Settings

console = present.console()
err = present.console(stderr=True)


def hold_command(
    settings: Settings,
    tenant: str,
    invoice: str,
    *,
    until: date | None,
    reason: str,
    end: bool,
    today: date,
    as_json: bool,
) -> int:
    """Record or lift a hold; exit 2 on bad input."""
    from bridge.engine.marks import known_invoice, withdraw_after_mark  # noqa: PLC0415
    from bridge.engine.withdraw import affected  # noqa: PLC0415

    now = datetime.now(UTC)
    withdrawn: list[Withdrawn] = []
    say = _quiet if as_json else _say
    try:
        settings.tenant(tenant)
        with _store(settings) as store:
            known = known_invoice(settings, store, tenant, invoice, today=today, at=now)
            invoice = known.invoice_id
            if end:
                lifted = store.lift_hold(tenant, invoice, today=today, at=now)
                data: dict[str, Any] = {"tenant": tenant, "invoice": invoice, "lifted": lifted}
                message = (
                    f"invoice {invoice}: hold lifted from {today.isoformat()}"
                    if lifted
                    else f"invoice {invoice}: no open hold to lift"
                )
            else:
                hold = store.set_hold(
                    tenant, invoice, today=today, until=until, reason=reason, at=now
                )
                data = {
                    "tenant": tenant,
                    "invoice": invoice,
                    "start": hold.start.isoformat(),
                    "until": hold.until.isoformat() if hold.until else None,
                    "reason": hold.reason,
                }
                last = f"through {hold.until.isoformat()}" if hold.until else "until lifted"
                message = f"invoice {known.number}: on hold from {hold.start.isoformat()} {last}"
                say(message)
                why = f": {hold.reason}" if hold.reason else ""
                withdrawn = withdraw_after_mark(
                    settings,
                    store,
                    tenant,
                    affected(store, tenant, invoice_ids=[invoice]),
                    f"invoice {known.number} is on hold from {hold.start.isoformat()} {last}{why}",
                    today=today,
                    at=now,
                    say=say,
                    step_words=present.voice_for(settings, tenant).withdrawn_step,
                )
                data["withdrawn"] = [w.as_dict() for w in withdrawn]
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    if as_json:
        _emit(data)
    elif end:
        console.print(message)
    return 0


def _say(message: str) -> None:
    console.print(message)


def _quiet(message: str) -> None:
    """Say nothing: --json prints the result as data instead."""


def marks_list_command(settings: Settings, tenant: str | None, kind: str, *, as_json: bool) -> int:
    """List the holds or disputes (``kind``) of every tenant, or one: open and ended."""
    from bridge.surfaces.shared import _selected  # noqa: PLC0415

    try:
        names = _selected(settings, tenant)
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    rows: list[dict[str, Any]] = []
    with _store(settings) as store:
        for name in names:
            if kind == "holds":
                rows += [
                    {
                        "tenant": name,
                        "invoice": h.invoice_id,
                        "start": h.start.isoformat(),
                        "until": h.until.isoformat() if h.until else None,
                        "lifted": h.lifted.isoformat() if h.lifted else None,
                        "reason": h.reason,
                    }
                    for h in store.holds(name)
                ]
            else:
                rows += [
                    {
                        "tenant": name,
                        "invoice": d.invoice_id,
                        "start": d.start.isoformat(),
                        "end": d.end.isoformat() if d.end else None,
                    }
                    for d in store.disputes(name)
                ]
    if as_json:
        _emit(rows)
        return 0
    if not rows:
        console.print(f"No {kind} recorded.")
        return 0
    table: list[tuple[Any, ...]]
    if kind == "holds":
        columns = ["Tenant", "Invoice", "From", "Through", "Lifted", "Reason"]
        table = [
            (
                r["tenant"],
                r["invoice"],
                r["start"],
                r["until"] or "until lifted",
                r["lifted"],
                r["reason"],
            )
            for r in rows
        ]
    else:
        columns = ["Tenant", "Invoice", "Disputed from", "Ended"]
        table = [(r["tenant"], r["invoice"], r["start"], r["end"] or "open") for r in rows]
    console.print(present.rows_table(kind.capitalize(), columns, table))
    return 0
