"""`dunning-bridge demo`: one full cycle against the embedded e-conomic sandbox, no set-up.

The database and the sandbox's state are kept in the demo folder (.demo by default), so a
second run shows the drafts already waiting for review and writes nothing new.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console

from bridge.commands import _emit, outcome_dict, print_outcome
from bridge.cycle import CycleOptions, run_tenant
from bridge.logs import configure
from bridge.present import rows_table
from bridge.store import open_store
from bridge.workspace import DEMO_COMPANY, DEMO_TENANT, demo_settings

console = Console(highlight=False)


def run_demo(state: Path, today: date, *, as_json: bool = False) -> int:
    """Run the demo cycle and print what it decided, wrote and what waits for review."""
    configure("console", quiet=True)
    state.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(state)
    tenant = settings.tenants[DEMO_TENANT]
    first = not (tenant.sandbox_state and tenant.sandbox_state.exists())
    store = open_store(settings.database)
    try:
        with store.exclusive("demo"):
            outcome = run_tenant(
                store, DEMO_TENANT, tenant, CycleOptions(today=today, now=datetime.now(UTC))
            )
        waiting = store.letters(DEMO_TENANT, states={"pending"})
    finally:
        store.close()
    if as_json:
        _emit(outcome_dict(outcome))
        return 0 if outcome.status != "error" else 1
    console.rule(f"dunning-bridge demo: {DEMO_COMPANY} on e-conomic (sandbox), Danish law, {today}")
    console.print(
        "First run: the sandbox was seeded with the demo company."
        if first
        else "The sandbox and database from the earlier run were reused (make demo-reset starts over)."
    )
    print_outcome(outcome)
    if waiting:
        console.print(rows_table(
            "Drafts in e-conomic waiting for the accountant (Sales > Drafts)",
            ["Draft", "Customer", "Action", "Step", "Invoices", "Charges"],
            [
                (row.document, row.letter.customer_id, row.letter.action.value, row.letter.step,
                 ", ".join(d.invoice_number for d in row.letter.decisions),
                 f"{row.letter.currency} {row.letter.total:.2f}")
                for row in waiting
            ],
        ))
    console.print(f"State kept in {state}/ ; try: dunning-bridge explain INVOICE --demo {state}")
    return 0 if outcome.status != "error" else 1
