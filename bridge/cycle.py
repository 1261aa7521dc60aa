"""One dunning cycle for one tenant: fetch, reconcile, decide, and write back exactly once.

The order is what makes "never twice" and "never wrong" hold:

1. Resolve writes whose outcome is unknown (a crash or timeout after the vendor acted) by
   reading back the document carrying our key, before anything new is decided.
2. Fetch a full snapshot; if any page fails the tenant decides nothing this cycle.
3. Reconcile earlier drafts: booked -> issued, deleted -> rejected, still there -> pending.
4. Decide (pure policy), group decisions into letters.
5. Per letter: re-read its invoices (a payment since the fetch cancels it), record the intent
   in the outbox, write, record the result.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import structlog

from bridge import failpoints, metrics, registry
from bridge.connector import ConnectorDescriptor, SecretStore, Session, TenantContext
from bridge.domain import Decision, Letter, Snapshot, StepStatus, WriteResult
from bridge.errors import AuthError, BridgeError, ConnectorError, RejectedRequest, Transient
from bridge.letters import COUNTRY_LANGUAGE, language_for, render
from bridge.persisting import PersistingTransport
from bridge.secrets import StaticSecrets, TenantSecrets
from bridge.settings import TenantSettings
from bridge.store import Store

log = structlog.get_logger("bridge.cycle")

CURSOR = "fetched_at"


@dataclass
class TenantOutcome:
    """What one cycle did for one tenant: the plan, the writes, what it skipped and why."""

    tenant: str
    system: str
    status: str = "ok"  # ok | error | skipped
    dry_run: bool = False
    plan: list[Decision] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    written: list[tuple[Letter, WriteResult]] = field(default_factory=list)
    reconciled: list[WriteResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (letter or invoice, reason)
    blocked: list[tuple[str, str]] = field(default_factory=list)  # (invoice, reason)
    pending: int = 0
    requests: int = 0
    error: str | None = None
    snapshot: Snapshot | None = None

    def summary(self) -> dict[str, Any]:
        """Numbers for the run ledger and `status`."""
        return {
            "status": self.status,
            "decisions": len(self.plan),
            "letters": len(self.letters),
            "written": len(self.written),
            "reconciled": len(self.reconciled),
            "skipped": len(self.skipped),
            "pending": self.pending,
            "requests": self.requests,
            "error": self.error,
        }


@dataclass(frozen=True)
class CycleOptions:
    """How to run: the date, dry run, and (for tests/demo) a transport or secrets override."""

    today: date
    now: datetime
    dry_run: bool = False
    secrets: SecretStore | None = None
    transport: Any = None  # httpx.BaseTransport
    # Told (tenant, stage, done, total) as the cycle goes; a terminal shows it, the daemon not.
    progress: Callable[[str, str, int, int], None] | None = None

    def report(self, tenant: str, stage: str, done: int, total: int) -> None:
        """Pass progress on to whoever watches, if anyone does."""
        if self.progress is not None:
            self.progress(tenant, stage, done, total)


def _context(
    name: str, tenant: TenantSettings, descriptor: ConnectorDescriptor, opts: CycleOptions
) -> tuple[TenantContext, Callable[[], None]]:
    """Build the connector's context; for a sandbox tenant, load the emulator and its save hook."""
    transport = opts.transport
    secrets: SecretStore = opts.secrets or TenantSecrets(name)
    save: Callable[[], None] = lambda: None  # noqa: E731
    if tenant.sandbox_state is not None and transport is None:
        path: Path = tenant.sandbox_state
        sandbox = descriptor.sandbox(path if path.exists() else None, opts.today)
        secrets = StaticSecrets(name, descriptor.sandbox_secrets)

        def save() -> None:
            sandbox.save(path)

        transport = PersistingTransport(sandbox.transport(), save)

    ctx = TenantContext(
        tenant=name,
        country=tenant.country,
        mode=tenant.mode,
        secrets=secrets,
        base_url=tenant.base_url,
        transport=transport,
        options=dict(tenant.options),
    )
    return ctx, save


def run_tenant(
    store: Store, name: str, tenant: TenantSettings, opts: CycleOptions
) -> TenantOutcome:
    """Run one cycle for one tenant; every failure is caught and reported, never raised."""
    outcome = TenantOutcome(tenant=name, system=tenant.system, dry_run=opts.dry_run)
    bound = log.bind(tenant=name, system=tenant.system)
    run_id = store.start_run(name, dry_run=opts.dry_run, started_at=opts.now)
    started, vendor = time.monotonic(), metrics.set_vendor(tenant.system)
    save: Callable[[], None] = lambda: None  # noqa: E731
    session: Session | None = None
    try:
        descriptor = registry.connector(tenant.system)
        store.touch_tenant(name, tenant.system, tenant.country, at=opts.now)
        ctx, save = _context(name, tenant, descriptor, opts)
        session = descriptor.open(ctx)
        _cycle(store, name=name, tenant=tenant, session=session, opts=opts, outcome=outcome)
    except AuthError as exc:
        outcome.status, outcome.error = "error", f"authentication failed, tenant stopped: {exc}"
    except BridgeError as exc:
        outcome.status, outcome.error = "error", f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # one tenant's bug must not stop the others
        outcome.status, outcome.error = "error", f"unexpected {type(exc).__name__}: {exc}"
        bound.exception("cycle.crashed")
    finally:
        if session is not None:
            outcome.requests = getattr(session, "request_count", 0)
            session.close()
        save()
        metrics.reset_vendor(vendor)
    if outcome.error:
        bound.error("cycle.failed", error=outcome.error)
    store.finish_run(
        run_id,
        status=outcome.status,
        finished_at=opts.now,
        summary=outcome.summary(),
        error=outcome.error,
    )
    metrics.observe_cycle(
        name,
        tenant.country,
        status=outcome.status,
        seconds=time.monotonic() - started,
        decisions=outcome.plan,
        dry_run=opts.dry_run,
    )
    return outcome


def _cycle(
    store: Store,
    *,
    name: str,
    tenant: TenantSettings,
    session: Session,
    opts: CycleOptions,
    outcome: TenantOutcome,
) -> None:
    from policies.engine import blocked, decide, letters  # noqa: PLC0415
    from policies.ladder import load_policy  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415

    law = for_country(tenant.country)
    policy = load_policy(tenant.policy_file, tenant.country)

    if not opts.dry_run:
        _resolve_unknown(store, name, session, opts)

    opts.report(name, "reading", 0, 0)
    cursor = store.cursor(name, CURSOR)
    since = datetime.fromisoformat(cursor) if cursor else None
    snapshot = session.fetch(opts.today, since)
    failpoints.reached("fetched")
    snapshot = dataclasses.replace(
        snapshot, disputes=snapshot.disputes + tuple(store.disputes(name))
    )
    outcome.snapshot = snapshot

    pending = store.pending(name)
    if pending:
        for result in session.reconcile(pending):
            if result.status is not StepStatus.PENDING:
                outcome.reconciled.append(result)
                if not opts.dry_run:
                    store.settle(
                        result.letter_key, result.status, at=opts.now, document=result.document
                    )
    outcome.pending = len(pending) - len(outcome.reconciled)

    history = [*store.history(name), *snapshot.steps]
    outcome.plan = decide(opts.today, snapshot, history, law, policy)
    outcome.blocked = list(blocked(snapshot, opts.today))
    outcome.letters = letters(outcome.plan)
    if opts.dry_run:
        return

    total = len(outcome.letters)
    opts.report(name, "writing", 0, total)
    for done, letter in enumerate(outcome.letters, start=1):
        opts.report(name, "writing", done - 1, total)
        if not _write(
            store,
            name=name,
            tenant=tenant,
            session=session,
            snapshot=snapshot,
            letter=letter,
            opts=opts,
            outcome=outcome,
        ):
            break
    opts.report(name, "done", total, total)
    outcome.pending += sum(1 for _, r in outcome.written if r.status is StepStatus.PENDING)
    store.set_cursor(name, CURSOR, opts.now.isoformat())


def _resolve_unknown(store: Store, name: str, session: Session, opts: CycleOptions) -> None:
    """Read back every write whose outcome we never learned, before deciding anything new."""
    for row in store.unresolved(name):
        found = session.find(row.letter.key)
        if found is not None:
            store.done(row.letter.key, found, at=opts.now)
            log.info(
                "outbox.recovered", tenant=name, letter=row.letter.key, document=found.document
            )
        else:
            # The vendor never acted: free the decisions so today's plan can propose them anew.
            store.cancel(
                row.letter.key, "not at the vendor after an interrupted write", at=opts.now
            )
            log.info("outbox.not_written", tenant=name, letter=row.letter.key)


def _write(
    store: Store,
    *,
    name: str,
    tenant: TenantSettings,
    session: Session,
    snapshot: Snapshot,
    letter: Letter,
    opts: CycleOptions,
    outcome: TenantOutcome,
) -> bool:
    """Write one letter exactly once; return False when the tenant should stop writing."""
    changed = {
        invoice: reason
        for invoice, reason in session.recheck([d.invoice_id for d in letter.decisions]).items()
        if reason
    }
    if changed:
        reasons = "; ".join(f"{k}: {v}" for k, v in sorted(changed.items()))
        outcome.skipped.append(
            (letter.key, f"changed since the fetch ({reasons}); decided again next cycle")
        )
        return True
    customer = snapshot.customers[letter.customer_id]
    text = render(
        letter,
        customer,
        {inv.id: inv for inv in (*snapshot.invoices, *snapshot.settled)},
        creditor=tenant.options.get("company_name", name),
        lang=language_for(
            customer, tenant.options.get("language", COUNTRY_LANGUAGE[tenant.country])
        ),
    )
    if not store.intend(letter, text, at=opts.now):
        outcome.skipped.append((letter.key, "already written for these decisions"))
        return True
    failpoints.reached("intended")
    try:
        result = session.apply(letter, text)
    except AuthError:
        raise
    except RejectedRequest as exc:
        store.cancel(letter.key, f"rejected by the vendor: {exc}", at=opts.now)
        outcome.skipped.append((letter.key, f"rejected by the vendor: {exc}"))
        return True
    except (Transient, ConnectorError) as exc:
        # Outcome unknown: the intent stays open and is read back at the start of the next cycle.
        outcome.skipped.append((letter.key, f"outcome unknown, will be read back: {exc}"))
        outcome.status = "partial"
        return False
    failpoints.reached("applied")
    store.done(letter.key, result, at=opts.now)
    failpoints.reached("recorded")
    outcome.written.append((letter, result))
    return True
