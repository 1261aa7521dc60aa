"""What the CLI commands do, apart from parsing: each returns an exit code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bridge import present
from bridge.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.errors import BridgeError, ConfigError
from bridge.present import decision_dict, plan_table, rows_table, step_dict
from bridge.progress import cycle_progress, steps_progress
from bridge.settings import Settings
from bridge.store import Store, open_store

console = present.console()
err = present.console(stderr=True)


def _emit(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings.database)
    try:
        yield store
    finally:
        store.close()


def _selected(settings: Settings, tenant: str | None) -> list[str]:
    if tenant is not None:
        settings.tenant(tenant)
        return [tenant]
    return [name for name, t in sorted(settings.tenants.items()) if t.enabled]


def outcome_dict(o: TenantOutcome) -> dict[str, Any]:
    """JSON for one tenant's cycle."""
    return {
        "tenant": o.tenant,
        "system": o.system,
        "status": o.status,
        "dry_run": o.dry_run,
        "error": o.error,
        "decisions": [decision_dict(d) for d in o.plan],
        "letters": [
            {
                "key": letter.key,
                "customer": letter.customer_id,
                "action": letter.action.value,
                "step": letter.step,
                "invoices": [d.invoice_id for d in letter.decisions],
            }
            for letter in o.letters
        ],
        "written": [
            {
                "letter": letter.key,
                "document": r.document,
                "status": r.status.value,
                "detail": r.detail,
            }
            for letter, r in o.written
        ],
        "reconciled": [
            {"letter": r.letter_key, "document": r.document, "status": r.status.value}
            for r in o.reconciled
        ],
        "withdrawn": [w.as_dict() for w in o.withdrawn],
        "skipped": [{"ref": ref, "reason": why} for ref, why in o.skipped],
        "blocked": [{"invoice": inv, "reason": why} for inv, why in o.blocked],
        "rate_waits": [{"invoice": inv, "reason": why} for inv, why in o.rate_waits],
        "pending": o.pending,
        "requests": o.requests,
    }


def print_rate_waits(o: TenantOutcome) -> None:
    """Name the steps waiting for a reference rate, once per reason, with the fix."""
    from rich.markup import escape  # noqa: PLC0415

    by_reason: dict[str, list[str]] = {}
    for invoice, why in o.rate_waits:
        by_reason.setdefault(why, []).append(invoice)
    for why, invoices in by_reason.items():
        console.print(
            f"[yellow]{len(invoices)} step(s) wait (invoices {escape(', '.join(invoices))}): "
            f"{escape(why)}[/]"
        )


BLOCKED_SHOWN = 10  # invoices not dunned on purpose named by plan, cycle and demo


def print_blocked(blocked: list[tuple[str, str]], shown: int = BLOCKED_SHOWN) -> None:
    """Name the invoices not dunned on purpose, each with its reason: the first ``shown``."""
    if not blocked:
        return
    console.print(f"Not dunned on purpose ({len(blocked)} invoice(s)):")
    for invoice, why in sorted(blocked, key=lambda b: present.natural_key(b[0]))[:shown]:
        console.print(f"- {invoice}: {why}", markup=False, highlight=False)
    if len(blocked) > shown:
        console.print(
            f"- and {len(blocked) - shown} more; `dunning-bridge explain INVOICE` tells why.",
            markup=False,
        )


def print_outcome(o: TenantOutcome) -> None:
    """Show one tenant's cycle on the terminal."""
    names = {c.id: c.name for c in o.snapshot.customers.values()} if o.snapshot else {}
    verb = "would do" if o.dry_run else "decided"
    if o.error:
        err.print(f"[bold red]{o.tenant}: {o.error}[/]")
        return
    if o.plan:
        console.print(plan_table(o.plan, names, f"{o.tenant}: what the bridge {verb} today"))
        console.print("\n[bold]Why[/]")
        for d in o.plan:
            console.print(f"- {d.invoice_number} ({d.action.value} {d.step}): {d.explanation}")
    else:
        console.print(f"{o.tenant}: nothing new to do today.")
    for w in o.withdrawn:
        console.print(f"- {w.letter_key[:12]} {w.sentence()}", markup=False)
    for r in o.reconciled:
        console.print(f"- reconciled {r.letter_key}: {r.status.value} ({r.document})")
    for letter, r in o.written:
        invoices = ", ".join(d.invoice_number for d in letter.decisions)
        console.print(
            f"- wrote {letter.action.value} {letter.step} for {invoices}: "
            f"{r.status.value} document {r.document} {r.detail}".rstrip()
        )
    for ref, why in o.skipped:
        console.print(f"- skipped {ref}: {why}")
    print_rate_waits(o)
    print_blocked(o.blocked)
    console.print(f"[dim]{o.pending} draft(s) await review; {o.requests} API request(s).[/]")


def run_cycle_command(
    settings: Settings, tenant: str | None, today: date, *, dry_run: bool, as_json: bool
) -> int:
    """Run (or dry-run) one cycle for the selected tenants."""
    try:
        names = _selected(settings, tenant)
    except ConfigError as exc:
        err.print(f"error: {exc}")
        return 2
    outcomes: list[TenantOutcome] = []
    with _store(settings) as store, cycle_progress(len(names), enabled=not as_json) as progress:
        opts = CycleOptions(today=today, now=datetime.now(UTC), dry_run=dry_run, progress=progress)
        try:
            ctx = store.exclusive("cli-cycle") if not dry_run else _nothing()
            with ctx:
                for name in names:
                    outcomes.append(run_tenant(store, name, settings.tenants[name], opts))
        except BridgeError as exc:
            err.print(f"error: {exc}")
            return 2
    if as_json:
        _emit({"tenants": [outcome_dict(o) for o in outcomes]})
    else:
        for o in outcomes:
            print_outcome(o)
    return 1 if any(o.status == "error" for o in outcomes) else 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def explain_command(
    settings: Settings, tenant: str | None, invoice: str, today: date, *, as_json: bool
) -> int:
    """Explain one invoice: timeline, today's amounts and their rules, why nothing else."""
    from bridge.explain import explain_command as explain  # noqa: PLC0415

    return explain(settings, tenant, invoice, today, as_json=as_json)


def history_command(
    settings: Settings, tenant: str | None, invoice: str | None, *, as_json: bool
) -> int:
    """List recorded steps."""
    names = _selected(settings, tenant)
    with _store(settings) as store:
        rows = [(name, s) for name in names for s in store.history(name, invoice)]
    if invoice is not None and not rows:
        where = f"tenant {tenant}" if tenant else "any tenant"
        err.print(
            f"error: no such invoice {invoice} in the history of {where}: no step was taken on "
            f"it (`dunning-bridge explain {invoice}` reads it from the accounting system)",
            markup=False,
        )
        return 1
    if as_json:
        _emit([{"tenant": name, **step_dict(s)} for name, s in rows])
        return 0
    console.print(
        rows_table(
            "Steps",
            [
                "Tenant",
                "Date",
                "Invoice",
                "Action",
                "Step",
                "Status",
                "Fee",
                "Interest",
                "Comp.",
                "Deadline",
                "Document",
            ],
            [
                (
                    n,
                    s.date,
                    s.invoice_id,
                    s.action.value,
                    s.step,
                    s.status.value,
                    f"{s.fee:.2f}",
                    f"{s.interest:.2f}",
                    f"{s.compensation:.2f}",
                    s.deadline,
                    s.document,
                )
                for n, s in rows
            ],
        )
    )
    return 0


def status_command(settings: Settings, *, as_json: bool) -> int:
    """Per tenant: last cycle, its result, next run, pending reviews, errors (bridge/status.py)."""
    from bridge.status import status_command as show  # noqa: PLC0415

    return show(settings, as_json=as_json)


def dispute_command(
    settings: Settings,
    tenant: str,
    invoice: str,
    note: str,
    *,
    end: bool,
    today: date | None = None,
) -> int:
    """Record that a customer disputes an invoice, or that the dispute ended.

    The invoice must be one the tenant has (exit 2 if not); drafts already waiting on it are
    withdrawn (bridge/withdraw.py).
    """
    from bridge.marks import known_invoice, withdraw_after_mark  # noqa: PLC0415
    from bridge.withdraw import affected  # noqa: PLC0415

    settings.tenant(tenant)
    now = datetime.now(UTC)
    day = today or now.date()
    try:
        with _store(settings) as store:
            known = known_invoice(settings, store, tenant, invoice, today=day, at=now)
            ident = known.invoice_id
            open_ = [d for d in store.disputes(tenant) if d.invoice_id == ident and d.end is None]
            start = open_[0].start if open_ else day
            store.set_dispute(
                tenant, ident, start=start, end=day if end else None, note=note, at=now
            )
            console.print(f"invoice {known.number}: dispute {'ended' if end else 'recorded'}")
            if not end:
                withdraw_after_mark(
                    settings,
                    store,
                    tenant,
                    affected(store, tenant, invoice_ids=[ident]),
                    f"invoice {known.number} is disputed since {start.isoformat()}",
                    today=day,
                    at=now,
                    say=console.print,
                )
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    return 0


def simulate_command(path: Path, *, as_json: bool) -> int:
    """Replay a scenario and print its events."""
    from bridge.simulate import ScenarioError, load_scenario, simulate  # noqa: PLC0415

    try:
        scenario = load_scenario(path)
        with steps_progress("simulating", _days(scenario), enabled=not as_json) as advance:
            result = simulate(scenario, advance)
    except (ScenarioError, BridgeError) as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    if as_json:
        _emit(result)
        return 0
    console.print(
        rows_table(
            f"Simulation of {path.name}",
            ["Date", "Invoice", "Action", "Step", "Fee", "Interest", "Comp.", "Deadline"],
            [
                (
                    e["date"],
                    e["invoice"],
                    e["action"],
                    e["step"],
                    e["fee"],
                    e["interest"],
                    e["compensation"],
                    e["deadline"],
                )
                for e in result["events"]
            ],
        )
    )
    return 0


def _days(scenario: dict[str, Any]) -> int:
    """How many days a scenario spans (0 when its dates are unreadable: simulate says why)."""
    try:
        start, end = date.fromisoformat(scenario["start"]), date.fromisoformat(scenario["end"])
    except (KeyError, TypeError, ValueError):
        return 0
    return max(0, (end - start).days + 1)


def secrets_set_command(settings: Settings, tenant: str, name: str, value: str) -> int:
    """Store one secret for a configured tenant."""
    from bridge import registry  # noqa: PLC0415
    from bridge.redact import MIN_SECRET_LENGTH  # noqa: PLC0415
    from bridge.secrets import TenantSecrets  # noqa: PLC0415

    try:
        t = settings.tenant(tenant)
        descriptor = registry.connector(t.system)
        if name not in descriptor.secret_names:
            raise ConfigError(
                f"{t.system} uses the secrets {', '.join(descriptor.secret_names)}, not {name!r}"
            )
        if len(value) < MIN_SECRET_LENGTH:
            # A value this short cannot be masked in free text without mangling ordinary
            # words, so it could show in a log: no real token is that short.
            raise ConfigError(
                f"refusing to store {name!r}: a secret has at least {MIN_SECRET_LENGTH} "
                f"characters (got {len(value)}); check that the whole value was pasted"
            )
        TenantSecrets(tenant).set(name, value)
    except ConfigError as exc:
        err.print(f"error: {exc}")
        return 2
    console.print(f"stored {name} for {tenant}")
    return 0


def secrets_check_command(settings: Settings, tenant: str | None, *, as_json: bool) -> int:
    """Report which secrets are present per tenant, never their values."""
    from bridge import registry  # noqa: PLC0415
    from bridge.secrets import TenantSecrets  # noqa: PLC0415

    report: dict[str, dict[str, bool]] = {}
    try:
        for name in _selected(settings, tenant):
            t = settings.tenants[name]
            if t.sandbox_state is not None:
                continue
            store = TenantSecrets(name)
            report[name] = {s: store.has(s) for s in registry.connector(t.system).secret_names}
    except ConfigError as exc:
        err.print(f"error: {exc}")
        return 2
    if as_json:
        _emit(report)
    else:
        for name, found in report.items():
            for secret, ok in found.items():
                console.print(f"{name} {secret}: {'set' if ok else 'MISSING'}")
    return 0 if all(all(v.values()) for v in report.values()) else 1
