"""`dunning-bridge hold`: put an invoice on hold until a date (or until lifted), or lift it.

A held invoice gets no step and earns no fee while the hold covers the day; the next cycle
after the hold ends picks the ladder up at the step where it stopped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bridge import present
from bridge.commands import _emit, _store
from bridge.errors import BridgeError
from bridge.settings import Settings

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
    now = datetime.now(UTC)
    try:
        settings.tenant(tenant)
        with _store(settings) as store:
            if end:
                lifted = store.lift_hold(tenant, invoice, today=today, at=now)
                data = {"tenant": tenant, "invoice": invoice, "lifted": lifted}
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
                message = f"invoice {invoice}: on hold from {hold.start.isoformat()} {last}"
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    if as_json:
        _emit(data)
    else:
        console.print(message)
    return 0
