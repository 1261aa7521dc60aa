"""`dunning-bridge customers`: each customer's track record, the cost-benefit view of dunning.

How many of their invoices went late, at which step they paid, letters sent and charges made
(policies/track_record.py), from the store's history and a fresh read of the accounting system.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bridge.surfaces import present
from policies.track_record import CustomerRecord

console = present.console()
err = present.console(stderr=True)


def record_dict(record: CustomerRecord) -> dict[str, Any]:
    """Return a JSON-ready dict for one customer's record."""
    return {
        "customer": record.customer_id,
        "name": record.name,
        "invoices": len(record.invoices),
        "late": record.late,
        "paid_at_step": {str(k): v for k, v in record.paid_at_step.items()},
        "open_late": record.open_late,
        "handed_over": record.handed_over,
        "letters": record.letters,
        "charged": {k: f"{v:.2f}" for k, v in record.charged.items()},
        "recovered_after_letters": {k: f"{v:.2f}" for k, v in record.recovered.items()},
        "summary": record.summary(),
    }


def customers_command(settings: Any, tenant: str | None, today: date, *, as_json: bool) -> int:
    """Print every customer's record per tenant; exit 1 when a tenant could not be read."""
    from bridge.engine.cycle import CycleOptions, run_tenant  # noqa: PLC0415
    from bridge.surfaces.shared import _emit, _selected, _store  # noqa: PLC0415
    from policies.track_record import track_records  # noqa: PLC0415

    names = _selected(settings, tenant)
    opts = CycleOptions(today=today, now=datetime.now(UTC), dry_run=True)
    result: dict[str, list[dict[str, Any]]] = {}
    failed = False
    with _store(settings) as store:
        for name in names:
            outcome = run_tenant(store, name, settings.tenants[name], opts)
            if outcome.snapshot is None:
                err.print(f"{name}: {outcome.error or 'no snapshot'}")
                failed = True
                continue
            remembered = [d for row in store.letters(name) for d in row.letter.decisions]
            records = track_records(today, outcome.snapshot, store.history(name), remembered)
            # Customer numbers as numbers: 1, 2, 10, 11 (not 1, 10, 11, 2).
            records = sorted(records, key=lambda r: present.natural_key(r.customer_id))
            result[name] = [record_dict(r) for r in records]
    if as_json:
        _emit(result)
        return 1 if failed else 0
    for name, rows in result.items():
        console.print(
            present.rows_table(
                f"{name}: customers",
                ["Customer", "Name", "Invoices", "Late", "Paid at step", "Overdue", "Letters"],
                [
                    (
                        r["customer"],
                        r["name"],
                        r["invoices"],
                        r["late"],
                        ", ".join(f"{k}: {v}" for k, v in r["paid_at_step"].items()),
                        r["open_late"],
                        r["letters"],
                    )
                    for r in rows
                ],
            )
        )
    return 1 if failed else 0
