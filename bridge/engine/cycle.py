"""One dunning cycle for one tenant: fetch, reconcile, decide, and write back exactly once.

The order is what makes "never twice" and "never wrong" hold:

1. Resolve writes whose outcome is unknown (a crash or timeout after the vendor acted) by
   reading back the document carrying our key, before anything new is decided.
2. Fetch a full snapshot; if any page fails the tenant decides nothing this cycle.
3. Reconcile earlier drafts: booked -> issued, deleted -> rejected, still there -> pending.
4. Decide (pure policy), group decisions into letters.
5. Per letter: re-read its invoices (a payment since the fetch cancels it; read a batch of
   letters at a time, bridge/engine/recheck.py), record the intent in the outbox, write, record the
   result. A hand-over, a task for a person, and a notice the
   accounting system cannot send go by the bridge's own channels (bridge/engine/channels.py) instead
   of the connector, recorded in the same outbox exactly once.

This module runs the steps in that order; they live in reconcile.py (1, 3), write.py (5),
rendering.py, tenant_session.py (the session) and outcome.py (options and outcome).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import structlog

from bridge.engine import freshness
from bridge.engine.channels import Channels
from bridge.engine.feed_keeper import StoreFeeds
from bridge.engine.handover import interest_accrual
from bridge.engine.letters import Creditor
from bridge.engine.outcome import CycleOptions, TenantOutcome
from bridge.engine.recheck import BatchRecheck
from bridge.engine.reconcile import reconcile, resolve_unknown, supersede
from bridge.engine.rendering import LetterIndex, letter_language, render_letter
from bridge.engine.tenant_session import company_of, open_tenant_session, tenant_context
from bridge.engine.withdraw import withdraw_pending
from bridge.engine.write import write_letter
from bridge.infra import failpoints, metrics
from bridge.infra.budget import DAY, Budget, daily_limit
from bridge.store import Store
from bridge.vocab import registry
from bridge.vocab.connector import (
    CAP_HANDOVER,
    CAP_INTERNAL_NOTE,
    CAP_PAYMENT_DETAILS,
    CAP_SEND_NOTICE,
    ConnectorDescriptor,
    Session,
)
from bridge.vocab.domain import (
    Invoice,
    Letter,
    Snapshot,
    StepRecord,
    StepStatus,
)
from bridge.vocab.errors import (
    AuthError,
    BridgeError,
    ConfigError,
    TenantRenamed,
)
from bridge.vocab.options import whole_number
from bridge.vocab.redact import redact_text
from bridge.vocab.secrets import TenantSecrets
from bridge.vocab.settings import TenantSettings
from bridge.vocab.validate import plausible

if TYPE_CHECKING:
    from policies.ladder import TenantPolicy
    from policies.law import LawPack

# Imported from here by the surfaces, the engine's own modules and the tests.
__all__ = [
    "CycleOptions",
    "TenantOutcome",
    "company_of",
    "decide_day",
    "letter_language",
    "open_tenant_session",
    "render_letter",
    "run_tenant",
]

log = structlog.get_logger("bridge.engine.cycle")

CURSOR = "fetched_at"


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
        ctx, save = tenant_context(store, name, tenant, descriptor, opts)
        ctx = dataclasses.replace(ctx, feeds=StoreFeeds(store, name))
        session = descriptor.open(ctx)
        _bind_company(store, name, tenant, session, opts)
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
            outcome.requests = _sent(session)
            session.close()
            if outcome.requests:
                # Booked at the cycle's end: a vendor counting calls in the 24 hours before
                # each call still counts the last of them a day after the cycle ended.
                ended = opts.now + timedelta(seconds=time.monotonic() - started)
                store.log_requests(name, outcome.requests, at=ended)
        save()
        metrics.reset_vendor(vendor)
    if outcome.error:
        outcome.error = redact_text(outcome.error)  # exception texts may quote a URL or token
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


def _bind_company(
    store: Store, name: str, tenant: TenantSettings, session: Session, opts: CycleOptions
) -> None:
    """Refuse a tenant that is another, known tenant renamed in the env file (issue 18, 4)."""
    key = company_of(tenant, session)
    if key is None:
        return
    old = store.bind_company(name, key, at=opts.now)
    if old is not None:
        raise TenantRenamed(name, old, key)


def _cycle(
    store: Store,
    *,
    name: str,
    tenant: TenantSettings,
    session: Session,
    opts: CycleOptions,
    outcome: TenantOutcome,
) -> None:
    from policies.engine import letters  # noqa: PLC0415
    from policies.ladder import load_policy  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415

    law = for_country(tenant.country)
    try:
        policy = load_policy(tenant.policy_file, tenant.country)
    except ValueError as exc:  # policies.ladder.PolicyError: a configuration problem, no bug
        raise ConfigError(f"{tenant.policy_file}: {exc}") from None

    descriptor = registry.connector(tenant.system)
    channels = Channels(
        store=store,
        tenant=name,
        options=dict(tenant.options),
        secrets=opts.secrets or TenantSecrets(name),
        creditor=Creditor.from_options(name, tenant.options),
        system_sends_notices=descriptor.can(CAP_SEND_NOTICE),
        today=opts.today,
        now=opts.now,
        system_hands_over=descriptor.can(CAP_HANDOVER),
        system_keeps_notes=descriptor.can(CAP_INTERNAL_NOTE),
        system_prints_payment=descriptor.can(CAP_PAYMENT_DETAILS),
        country=tenant.country,
    )

    if not opts.dry_run:
        resolve_unknown(
            store,
            name,
            session,
            opts,
            channels,
            outcome=outcome,
            window=descriptor.idempotency_window,
        )

    snapshot = _read(store, name, session, opts, outcome)

    pending = store.pending(name)
    if pending:
        # Before anything is reconciled (Tripletex carries out an approved order then): take
        # back the drafts a dispute, hold, promise or payment has made wrong to book.
        outcome.withdrawn, pending = withdraw_pending(
            store,
            session,
            name,
            pending,
            snapshot=snapshot,
            today=opts.today,
            at=opts.now,
            law=law,
            policy=policy,
            dry_run=opts.dry_run,
        )
        if outcome.withdrawn and not opts.dry_run:
            channels.tell_withdrawals(outcome.withdrawn)
    if pending:
        reconcile(store, name=name, session=session, pending=pending, opts=opts, outcome=outcome)
    outcome.pending = len(pending) - len(outcome.reconciled)

    history = [*store.history(name), *snapshot.steps]
    history = (
        supersede(store, name, snapshot, history, law=law, policy=policy, opts=opts) or history
    )
    _decide(outcome, snapshot, history, law=law, policy=policy, tenant=tenant, opts=opts)
    outcome.letters = named(letters(outcome.plan), snapshot)
    if opts.dry_run:
        return
    channels.accrue = interest_accrual(
        policy.law.apply(law), policy, snapshot.customers, snapshot.payments, opts.today
    )

    index = LetterIndex.of(snapshot, history)
    budget = _budget(store, name, descriptor, opts)
    if budget is not None and not budget.fits(_sent(session), len(outcome.letters)):
        # Not all fit today: the most overdue go first, the rest wait for the next days.
        outcome.letters = most_overdue_first(outcome.letters, index.invoices)
    rechecks = BatchRecheck(session, outcome.letters)
    total = len(outcome.letters)
    opts.report(name, "writing", 0, total)
    for done, letter in enumerate(outcome.letters, start=1):
        opts.report(name, "writing", done - 1, total)
        if opts.stopping:
            left = total - done + 1
            outcome.skipped.append(("shutdown", f"stopping: {left} letter(s) left for next cycle"))
            outcome.status = "partial"
            break
        if budget is not None and not budget.fits(_sent(session)):
            outcome.budget_waits = total - done + 1
            outcome.skipped.append(("budget", budget.wait_sentence(outcome.budget_waits, opts.now)))
            log.warning("cycle.budget_spent", tenant=name, waiting=outcome.budget_waits)
            break
        if not write_letter(
            store,
            name=name,
            tenant=tenant,
            session=session,
            snapshot=snapshot,
            history=history,
            letter=letter,
            channels=channels,
            opts=opts,
            outcome=outcome,
            index=index,
            changed=functools.partial(rechecks.changed, done - 1),
        ):
            break
    opts.report(name, "done", total, total)
    outcome.pending += sum(1 for _, r in outcome.written if r.status is StepStatus.PENDING)
    store.set_cursor(name, CURSOR, opts.now.isoformat())


def _sent(session: Session) -> int:
    """The requests the session has sent so far (0 where the connector does not count)."""
    sent: int = getattr(session, "request_count", 0)
    return sent


def _budget(
    store: Store, name: str, descriptor: ConnectorDescriptor, opts: CycleOptions
) -> Budget | None:
    """The tenant's daily budget left before this cycle, where its vendor has one."""
    limit = daily_limit(descriptor.rate_limits)
    if limit is None:
        return None
    return Budget(limit, store.requests_since(name, opts.now - DAY))


def most_overdue_first(letters: list[Letter], invoices: Mapping[str, Invoice]) -> list[Letter]:
    """The letters by the oldest due date among their invoices (stable otherwise)."""

    def oldest(letter: Letter) -> date:
        dues = [
            invoices[d.invoice_id].due_date for d in letter.decisions if d.invoice_id in invoices
        ]
        return min(dues, default=date.max)

    return sorted(letters, key=oldest)


def _read(
    store: Store, name: str, session: Session, opts: CycleOptions, outcome: TenantOutcome
) -> Snapshot:
    """Read the accounting system, leave out what is implausible, add the bridge's own marks."""
    opts.report(name, "reading", 0, 0)
    cursor = store.cursor(name, CURSOR)
    since = datetime.fromisoformat(cursor) if cursor else None
    snapshot = session.fetch(opts.today, since)
    failpoints.reached("fetched")
    # Items the connector could not read were left out of the snapshot; say which, and why.
    outcome.skipped.extend(("fetch", reason) for reason in session.skipped)
    snapshot = _plausible(snapshot, outcome)
    snapshot = dataclasses.replace(
        snapshot,
        disputes=snapshot.disputes + tuple(store.disputes(name)),
        holds=snapshot.holds + tuple(store.holds(name)),
        promises=snapshot.promises + tuple(store.promises(name)),
    )
    outcome.snapshot = snapshot
    store.remember_invoices(name, (*snapshot.invoices, *snapshot.settled), at=opts.now)
    return snapshot


def _decide(
    outcome: TenantOutcome,
    snapshot: Snapshot,
    history: list[StepRecord],
    *,
    law: LawPack,
    policy: TenantPolicy,
    tenant: TenantSettings,
    opts: CycleOptions,
) -> None:
    """Decide the plan; steps waiting for a reference rate are set aside with their reason."""
    from policies.engine import RateWait, blocked, decide  # noqa: PLC0415

    name = outcome.tenant
    waits: list[RateWait] = []
    outcome.plan = decide(opts.today, snapshot, history, law, policy, waits=waits)
    outcome.rate_waits = [(wait.invoice_id, wait.sentence) for wait in waits]
    for wait in waits:
        log.warning("cycle.rate_missing", tenant=name, invoice=wait.invoice_id, reason=wait.reason)
    outcome.plan, stale = freshness.guard(
        outcome.plan, snapshot, opts.today, whole_number(tenant.options, freshness.OPTION)
    )
    if stale:
        outcome.skipped.append(("stale payments", stale))
        log.warning("cycle.stale_payments", tenant=name, reason=stale)
    outcome.blocked = list(blocked(snapshot, opts.today, law=law, policy=policy))
    outcome.blocked.extend(outcome.rate_waits)


def _plausible(snapshot: Snapshot, outcome: TenantOutcome) -> Snapshot:
    """Leave implausible invoices out of the decision (bridge/vocab/validate.py), saying why."""

    def skip(reason: str) -> None:
        outcome.skipped.append(("fetch", reason))

    return dataclasses.replace(
        snapshot,
        invoices=plausible(snapshot.invoices, skip),
        settled=plausible(snapshot.settled, skip),
    )


def decide_day(
    name: str,
    tenant: TenantSettings,
    snapshot: Snapshot,
    history: list[StepRecord],
    day: date,
    *,
    law: LawPack,
    policy: TenantPolicy,
) -> TenantOutcome:
    """Decide one day for a snapshot and history as the cycle does, writing nothing.

    The plan, its letters, the rate waits and the blocked invoices, as ``_cycle`` would have
    them on ``day``; the ``letter`` preview replays the coming days with it.
    """
    from policies.engine import letters  # noqa: PLC0415

    outcome = TenantOutcome(tenant=name, system=tenant.system, dry_run=True, snapshot=snapshot)
    opts = CycleOptions(today=day, now=snapshot.fetched_at, dry_run=True)
    _decide(outcome, snapshot, history, law=law, policy=policy, tenant=tenant, opts=opts)
    outcome.letters = named(letters(outcome.plan), snapshot)
    return outcome


def named(written: list[Letter], snapshot: Snapshot) -> list[Letter]:
    """The letters with their customer's name, as the accounting system gave it today."""
    out = []
    for letter in written:
        customer = snapshot.customers.get(letter.customer_id)
        out.append(dataclasses.replace(letter, customer_name=customer.name) if customer else letter)
    return out
