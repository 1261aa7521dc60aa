"""`dunning-bridge demo`: one full cycle against an embedded vendor sandbox, no set-up.

The database and the sandbox's state are kept in the demo folder (.demo by default), so a
second run shows the drafts already waiting for review and writes nothing new.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra.logs import configure
from bridge.store import Store, open_store
from bridge.surfaces import present
from bridge.surfaces.commands import outcome_dict, print_outcome
from bridge.surfaces.present import heading, rows_table
from bridge.surfaces.shared import _emit
from bridge.surfaces.workspace import DEMO_TENANT, demo_company, demo_settings, remember_system
from bridge.vocab import registry
from bridge.vocab.settings import TenantSettings

console = present.console()

# Earlier cycles the first demo replays, two weeks apart: a step waits until the day after the
# previous letter's deadline (10 days in the default Danish ladder, moved off a weekend to as
# late as day 12), so each replay finds the next step due.
WARM_UP_DAYS = (42, 28, 14)


def _warm_up(store: Store, tenant: TenantSettings, sandbox_file: Path, today: date) -> None:
    """Replay earlier cycles, booking every draft, so today shows a ladder in progress."""
    descriptor = registry.connector(tenant.system)
    # Seed relative to the real today, then step the sandbox's clock back for each replay.
    descriptor.sandbox(None, today).save(sandbox_file)
    for days_ago in WARM_UP_DAYS:
        day = today - timedelta(days=days_ago)
        moment = datetime.combine(day, time(7), tzinfo=UTC)
        run_tenant(store, DEMO_TENANT, tenant, CycleOptions(today=day, now=moment))
        sandbox = descriptor.sandbox(sandbox_file, day)
        sandbox.accept_drafts()
        sandbox.save(sandbox_file)
        # The next cycle reconciles the booked drafts and records them as issued.


COUNTRY_LAW = {"DK": "Danish", "NO": "Norwegian", "SE": "Swedish", "FI": "Finnish"}


def run_demo(
    state: Path,
    today: date,
    *,
    system: str | None = None,
    as_json: bool = False,
    verbose: bool = False,
) -> int:
    """Run the demo cycle and print what it decided, wrote and what waits for review."""
    configure("console", quiet=True)
    settings = demo_settings(state, system)
    tenant = settings.tenants[DEMO_TENANT]
    descriptor = registry.connector(tenant.system)
    remember_system(state, tenant.system)
    assert tenant.sandbox_state is not None
    first = not tenant.sandbox_state.exists()
    store = open_store(settings.database)
    try:
        with store.exclusive("demo"):
            if first:
                _warm_up(store, tenant, tenant.sandbox_state, today)
            outcome = run_tenant(
                store, DEMO_TENANT, tenant, CycleOptions(today=today, now=datetime.now(UTC))
            )
        waiting = store.letters(DEMO_TENANT, states={"pending"})
    finally:
        store.close()
    if as_json:
        _emit(outcome_dict(outcome))
        return 0 if outcome.status != "error" else 1
    heading(
        console,
        f"dunning-bridge demo: {demo_company(tenant.system)} on {descriptor.display_name} "
        f"(sandbox), {COUNTRY_LAW.get(tenant.country, tenant.country)} law, {today}",
    )
    console.print(
        "First run: the sandbox was seeded with the demo company, and cycles "
        f"{', '.join(str(d) for d in WARM_UP_DAYS)} days ago were replayed with the accountant "
        "booking every draft, so today's plan shows a dunning ladder in progress."
        if first
        else "The sandbox and database from the earlier run were reused "
        "(make demo-reset starts over)."
    )
    voice = present.voice_of(tenant.country, tenant.options)
    print_outcome(outcome, voice, verbose=verbose)
    names = {c.id: c.name for c in outcome.snapshot.customers.values()} if outcome.snapshot else {}
    if waiting:
        console.print(
            rows_table(
                f"Waiting for the accountant: {descriptor.review_hint or 'drafts'}",
                ["Draft", "Customer", "Step", "Invoices", "Charges"],
                [
                    (
                        row.document,
                        names.get(row.letter.customer_id, row.letter.customer_name),
                        voice.step(row.letter.action, row.letter.step),
                        ", ".join(d.invoice_number for d in row.letter.decisions),
                        voice.money(row.letter.total, row.letter.currency),
                    )
                    for row in waiting
                ],
            )
        )
    console.print(f"State kept in {state}/ ; try: dunning-bridge explain INVOICE --demo {state}")
    return 0 if outcome.status != "error" else 1
