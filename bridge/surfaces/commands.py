"""What the CLI commands do, apart from parsing: each returns an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.store import Store
from bridge.surfaces import present
from bridge.surfaces.present import ENGLISH, decision_dict, plan_table, rows_table, step_dict
from bridge.surfaces.progress import cycle_progress, steps_progress
from bridge.surfaces.report.money import HOME_CURRENCY
from bridge.surfaces.shared import _emit, _selected, _store
from bridge.vocab.domain import Decision, Letter, StepStatus, WriteResult
from bridge.vocab.errors import BridgeError, ConfigError
from bridge.vocab.settings import Settings

console = present.console()
err = present.console(stderr=True)


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
    for invoice, why in sorted(o.rate_waits, key=lambda w: present.natural_key(w[0])):
        by_reason.setdefault(why, []).append(invoice)
    for why, invoices in by_reason.items():
        console.print(
            f"[yellow]{len(invoices)} step(s) wait (invoices {escape(', '.join(invoices))}): "
            f"{escape(why)}[/]"
        )


BLOCKED_SHOWN = 10  # invoices not dunned on purpose named by plan, cycle and demo


def print_blocked(
    blocked: list[tuple[str, str]], shown: int = BLOCKED_SHOWN, voice: present.Voice = ENGLISH
) -> None:
    """Name the invoices not dunned on purpose with their reasons: the first ``shown`` reasons.

    Invoices that share a reason share a line (a missing reference rate holds many at once),
    the first ``shown`` of them named in number order.
    """
    if not blocked:
        return
    console.print(f"Not dunned on purpose ({len(blocked)} invoice(s)):")
    by_reason: dict[str, list[str]] = {}
    for invoice, why in sorted(blocked, key=lambda b: present.natural_key(b[0])):
        by_reason.setdefault(why, []).append(invoice)
    for why, invoices in list(by_reason.items())[:shown]:
        named = ", ".join(invoices[:shown])
        more = f" and {len(invoices) - shown} more" if len(invoices) > shown else ""
        console.print(f"- {named}{more}: {voice.prose(why)}", markup=False, highlight=False)
    left = sum(len(invoices) for invoices in list(by_reason.values())[shown:])
    if left:
        console.print(
            f"- and {left} more; `dunning-bridge explain INVOICE` tells why.",
            markup=False,
        )


# What became of letters written earlier, as a bookkeeper says it.
RECONCILED_WORDS = {
    StepStatus.ISSUED: "booked",
    StepStatus.REJECTED: "deleted as drafts (not sent)",
    StepStatus.PENDING: "still waiting for review",
}


def print_reconciled(o: TenantOutcome, voice: present.Voice, *, verbose: bool) -> None:
    """One line per outcome ("16 letters booked since the last cycle"); each with ``verbose``."""
    by_status: dict[StepStatus, list[WriteResult]] = {}
    for r in o.reconciled:
        by_status.setdefault(r.status, []).append(r)
    # The vendor's own record of a booked letter names its invoice and step.
    steps = {s.document: s for s in (o.snapshot.steps if o.snapshot else ()) if s.document}
    for status, results in by_status.items():
        word = RECONCILED_WORDS.get(status, status.value)
        noun = "letter" if len(results) == 1 else "letters"
        console.print(f"{len(results)} {noun} {word} since the last cycle.", markup=False)
        if not verbose:
            continue
        for r in results:
            step = steps.get(r.document)
            what = (
                f" ({voice.step(step.action, step.step)}, invoice {step.invoice_id})"
                if step
                else ""
            )
            console.print(f"  - {word}: document {r.document}{what}", markup=False)


def print_outcome(
    o: TenantOutcome, voice: present.Voice = ENGLISH, *, verbose: bool = False
) -> None:
    """Show one tenant's cycle on the terminal, in words and the tenant's money format."""
    names = {c.id: c.name for c in o.snapshot.customers.values()} if o.snapshot else {}
    verb = "would do" if o.dry_run else "decided"
    if o.error:
        err.print(f"[bold red]{o.tenant}: {o.error}[/]")
        return
    if o.plan:
        console.print(plan_table(o.plan, names, f"{o.tenant}: what the bridge {verb} today", voice))
        console.print("\n[bold]Why[/]")
        for d in o.plan:
            console.print(
                f"- {d.invoice_number} ({voice.step(d.action, d.step)}): "
                f"{voice.prose(d.explanation)}",
                markup=False,
            )
    else:
        console.print(f"{o.tenant}: nothing new to do today.")
    for w in o.withdrawn:
        console.print(f"- {voice.prose(w.sentence(voice.step(w.action, w.step)))}", markup=False)
    print_reconciled(o, voice, verbose=verbose)
    for letter, r in o.written:
        invoices = ", ".join(d.invoice_number for d in letter.decisions)
        customer = names.get(letter.customer_id) or letter.customer_name or letter.customer_id
        console.print(
            f"- wrote {voice.step(letter.action, letter.step)} for {invoices} ({customer}): "
            f"{r.detail or RECONCILED_WORDS.get(r.status, r.status.value)}",
            markup=False,
        )
    for ref, why in o.skipped:
        console.print(f"- skipped {ref}: {voice.prose(why)}", markup=False)
    print_rate_waits(o)
    print_blocked(o.blocked, voice=voice)
    console.print(f"[dim]{o.pending} draft(s) await review; {o.requests} API request(s).[/]")


def run_cycle_command(
    settings: Settings,
    tenant: str | None,
    today: date,
    *,
    dry_run: bool,
    as_json: bool,
    verbose: bool = False,
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
            print_outcome(o, present.voice_for(settings, o.tenant), verbose=verbose)
    return 1 if any(o.status == "error" for o in outcomes) else 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def explain_command(
    settings: Settings, tenant: str | None, invoice: str, today: date, *, as_json: bool
) -> int:
    """Explain one invoice: timeline, today's amounts and their rules, why nothing else."""
    from bridge.surfaces.explain import explain_command as explain  # noqa: PLC0415

    return explain(settings, tenant, invoice, today, as_json=as_json)


def history_command(
    settings: Settings, tenant: str | None, invoice: str | None, *, as_json: bool
) -> int:
    """List recorded steps."""
    names = _selected(settings, tenant)
    with _store(settings) as store:
        rows = [(name, s) for name in names for s in store.history(name, invoice)]
        known = {name: _letters_by_invoice(store, name) for name in names}
    if invoice is not None and not rows:
        where = f"tenant {tenant}" if tenant else "any tenant"
        err.print(
            f"error: no such invoice {invoice} in the history of {where}: no step was taken on "
            f"it (`dunning-bridge explain {invoice}` reads it from the accounting system)",
            markup=False,
        )
        return 1
    if as_json:
        _emit(
            [{"tenant": n, **step_dict(s), **_of_invoice(known[n], s.invoice_id)} for n, s in rows]
        )
        return 0
    table = []
    for n, s in rows:
        home = HOME_CURRENCY.get(settings.tenants[n].country, "DKK")
        voice, who = present.voice_for(settings, n), _of_invoice(known[n], s.invoice_id, home)
        customer = " ".join(v for v in (who["customer"], who["customer_name"]) if v)
        table.append(
            (
                n,
                s.date,
                who["invoice_number"] or s.invoice_id,
                customer,
                voice.step(s.action, s.step),
                STEP_STATUS_WORDS.get(s.status, s.status.value),
                voice.money(s.fee, who["currency"]),
                voice.money(s.interest, who["currency"]),
                voice.money(s.compensation, who["currency"]),
                s.deadline,
                s.document,
            )
        )
    columns = ["Tenant", "Date", "Invoice", "Customer", "Step", "Status", "Fee", "Interest"]
    console.print(rows_table("Steps", [*columns, "Comp.", "Deadline", "Document"], table))
    return 0


# A step's status as a bookkeeper says it.
STEP_STATUS_WORDS = {
    StepStatus.PENDING: "waits for review",
    StepStatus.ISSUED: "sent",
    StepStatus.REJECTED: "deleted",
}


def _letters_by_invoice(store: Store, tenant: str) -> dict[str, tuple[Letter, Decision]]:
    """What the bridge wrote for each invoice: the letter (with its customer) and decision."""
    out: dict[str, tuple[Letter, Decision]] = {}
    for row in store.letters(tenant):
        for d in row.letter.decisions:
            out[d.invoice_id] = (row.letter, d)
    return out


def _of_invoice(
    known: dict[str, tuple[Letter, Decision]], invoice_id: str, home: str = "DKK"
) -> dict[str, str]:
    """An invoice's number, customer, customer's name and currency, as far as the bridge knows."""
    letter, d = known.get(invoice_id, (None, None))
    return {
        "invoice_number": d.invoice_number if d else "",
        "customer": letter.customer_id if letter else "",
        "customer_name": letter.customer_name if letter else "",
        # Steps the bridge did not write (the system's own) are in the tenant's currency.
        "currency": d.currency if d else home,
    }


def status_command(settings: Settings, *, as_json: bool) -> int:
    """Per tenant: last cycle, its result, next run, pending reviews, errors
    (bridge/surfaces/status.py)."""
    from bridge.surfaces.status import status_command as show  # noqa: PLC0415

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
    withdrawn (bridge/engine/withdraw.py).
    """
    from bridge.engine.marks import known_invoice, withdraw_after_mark  # noqa: PLC0415
    from bridge.engine.withdraw import affected  # noqa: PLC0415

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
                    step_words=present.voice_for(settings, tenant).withdrawn_step,
                )
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    return 0


def simulate_command(path: Path, *, as_json: bool) -> int:
    """Replay a scenario and print its events."""
    from bridge.surfaces.scenario import ScenarioError, load_scenario  # noqa: PLC0415
    from bridge.surfaces.simulate import simulate  # noqa: PLC0415

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
    # The scenario's country sets the language and money format, as for a tenant.
    voice = present.voice_of(str(scenario.get("country", "DK")), scenario.get("options") or {})
    console.print(
        rows_table(
            f"Simulation of {path.name}",
            ["Date", "Invoice", "Step", "Fee", "Interest", "Comp.", "Deadline"],
            [
                (
                    e["date"],
                    e["invoice"],
                    voice.step(e["action"], e["step"]),
                    voice.money(Decimal(e["fee"]), e["currency"]),
                    voice.money(Decimal(e["interest"]), e["currency"]),
                    voice.money(Decimal(e["compensation"]), e["currency"]),
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
    from bridge.vocab import registry, tokenseal  # noqa: PLC0415
    from bridge.vocab.redact import MIN_SECRET_LENGTH  # noqa: PLC0415
    from bridge.vocab.secrets import TenantSecrets  # noqa: PLC0415

    try:
        if (tenant, name) == (tokenseal.KEY_OWNER, tokenseal.KEY_NAME):
            # The key sealing the tokens kept in the database: the same on every daemon.
            tokenseal.parse_key(value)
            TenantSecrets(tenant).set(name, value.strip())
            console.print(f"stored {name}")
            return 0
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
    from bridge.engine.shared_tokens import DatabaseSecrets  # noqa: PLC0415
    from bridge.store import open_store  # noqa: PLC0415
    from bridge.vocab import registry  # noqa: PLC0415
    from bridge.vocab.secrets import TenantSecrets  # noqa: PLC0415

    report: dict[str, dict[str, bool]] = {}
    # Rotating tokens may live in the database (bridge/engine/shared_tokens.py): look there too,
    # when it opens (before the first cycle it may not exist yet; then only the keyring counts).
    try:
        db: Store | None = open_store(settings.database)
    except (BridgeError, OSError):
        db = None
    try:
        for name in _selected(settings, tenant):
            t = settings.tenants[name]
            if t.sandbox_state is not None:
                continue
            names = registry.connector(t.system).secret_names
            keyring = TenantSecrets(name)
            if db is None:
                report[name] = {s: keyring.has(s) for s in names}
            else:
                store = DatabaseSecrets(name, keyring, db)
                report[name] = {s: store.has(s, t.system) for s in names}
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    finally:
        if db is not None:
            db.close()
    if as_json:
        _emit(report)
    else:
        for name, found in report.items():
            for secret, ok in found.items():
                console.print(f"{name} {secret}: {'set' if ok else 'MISSING'}")
    return 0 if all(all(v.values()) for v in report.values()) else 1
