"""One dunning cycle for one tenant: fetch, reconcile, decide, and write back exactly once.

The order is what makes "never twice" and "never wrong" hold:

1. Resolve writes whose outcome is unknown (a crash or timeout after the vendor acted) by
   reading back the document carrying our key, before anything new is decided.
2. Fetch a full snapshot; if any page fails the tenant decides nothing this cycle.
3. Reconcile earlier drafts: booked -> issued, deleted -> rejected, still there -> pending.
4. Decide (pure policy), group decisions into letters.
5. Per letter: re-read its invoices (a payment since the fetch cancels it; read a batch of
   letters at a time, bridge/recheck.py), record the intent in the outbox, write, record the
   result. A hand-over, a task for a person, and a notice the
   accounting system cannot send go by the bridge's own channels (bridge/channels.py) instead
   of the connector, recorded in the same outbox exactly once.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog

from bridge import failpoints, freshness, metrics, registry
from bridge.budget import DAY, Budget, daily_limit
from bridge.channels import UNKNOWN, Channels, Route
from bridge.connector import (
    CAP_HANDOVER,
    CAP_INTERNAL_NOTE,
    CAP_PAYMENT_DETAILS,
    CAP_SEND_NOTICE,
    CollectionService,
    ConnectorDescriptor,
    Delivery,
    Pending,
    SecretStore,
    Session,
    TenantContext,
)
from bridge.domain import (
    ActionKind,
    Customer,
    Decision,
    Invoice,
    Letter,
    Snapshot,
    StepRecord,
    StepStatus,
    WriteResult,
)
from bridge.errors import (
    AuthError,
    BridgeError,
    ConfigError,
    ConnectorError,
    RejectedRequest,
    TenantRenamed,
    Transient,
)
from bridge.feed_keeper import StoreFeeds
from bridge.handover import HandoverNotReady, interest_accrual
from bridge.letters import (
    INTERNAL_ACTIONS,
    Creditor,
    LetterError,
    Rendered,
    compose,
    language_for,
    template_override,
    tenant_language,
    warning_kind,
)
from bridge.mailer import MailFailed, MailUnknown
from bridge.options import whole_number
from bridge.persisting import PersistingTransport
from bridge.recheck import BatchRecheck
from bridge.redact import redact_text
from bridge.secrets import StaticSecrets, TenantSecrets
from bridge.settings import TenantSettings
from bridge.store import Store
from bridge.store.outbox import REFUSED_PREFIX
from bridge.validate import plausible
from bridge.withdraw import Withdrawn, withdraw_pending

if TYPE_CHECKING:
    from policies.ladder import TenantPolicy
    from policies.law import LawPack

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
    # Steps that need interest for a day without a usable reference rate (they wait; the rest
    # of the cycle goes on): (invoice, why, with the command that supplies the rate).
    rate_waits: list[tuple[str, str]] = field(default_factory=list)
    # Drafts taken back (or marked "do not book") because a dispute, hold, promise or payment
    # came after they were written (bridge/withdraw.py); in a dry run, those that would be.
    withdrawn: list[Withdrawn] = field(default_factory=list)
    # Letters left for the next days: the vendor's daily request budget is spent (bridge/budget.py).
    budget_waits: int = 0

    def summary(self) -> dict[str, Any]:
        """Numbers for the run ledger and `status`."""
        return {
            "rate_waits": len(self.rate_waits),
            "rate_wait": self.rate_waits[0][1] if self.rate_waits else None,
            "status": self.status,
            "decisions": len(self.plan),
            "letters": len(self.letters),
            "written": len(self.written),
            "reconciled": len(self.reconciled),
            "withdrawn": sum(1 for w in self.withdrawn if w.state == "withdrawn"),
            "skipped": len(self.skipped),
            "pending": self.pending,
            "requests": self.requests,
            "budget_waits": self.budget_waits,
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
    # Set when the daemon is told to stop: the letter being written is finished and recorded,
    # the rest waits for the next cycle, so no outcome is ever left unknown by a shutdown.
    stop: threading.Event | None = None

    @property
    def stopping(self) -> bool:
        """Tell whether a shutdown was asked for."""
        return self.stop is not None and self.stop.is_set()

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

        if opts.dry_run:
            # A dry run writes nothing, the emulator's state included: saving the state read at
            # its start would erase what a cycle running meanwhile has written (issue 18, 5).
            transport = sandbox.transport()
        else:

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
        ctx = replace(ctx, feeds=StoreFeeds(store, name))
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
                store.log_requests(name, outcome.requests, at=opts.now)
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


def company_of(tenant: TenantSettings, session: Session) -> str | None:
    """The key of the accounting company the tenant works on, None when nothing tells.

    A sandbox tenant's company is its state file. Otherwise the session tells, if its connector
    can cheaply (an optional ``company_key()``: e.g. Dinero's organization id); failing that,
    an explicitly configured base URL stands for the company. A tenant of a vendor's public API
    whose connector cannot tell has no key: it is not bound, as two such tenants could not be
    told apart (docs/store.md).
    """
    if tenant.sandbox_state is not None:
        return f"{tenant.system}:sandbox:{Path(tenant.sandbox_state).resolve()}"
    ask: Callable[[], str | None] | None = getattr(session, "company_key", None)
    key = ask() if ask is not None else None
    if key:
        return key
    if tenant.base_url:
        return f"{tenant.system}:{tenant.base_url.rstrip('/')}"
    return None


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
        _resolve_unknown(store, name, session, opts, channels, outcome=outcome)

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
        _reconcile(store, name=name, session=session, pending=pending, opts=opts, outcome=outcome)
    outcome.pending = len(pending) - len(outcome.reconciled)

    history = [*store.history(name), *snapshot.steps]
    _decide(outcome, snapshot, history, law=law, policy=policy, tenant=tenant, opts=opts)
    outcome.letters = named(letters(outcome.plan), snapshot)
    if opts.dry_run:
        return
    channels.accrue = interest_accrual(
        policy.law.apply(law), policy, snapshot.customers, snapshot.payments, opts.today
    )

    index = _LetterIndex.of(snapshot, history)
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
        if not _write(
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


def _reconcile(
    store: Store,
    *,
    name: str,
    session: Session,
    pending: list[Pending],
    opts: CycleOptions,
    outcome: TenantOutcome,
) -> None:
    """Settle earlier drafts as the vendor shows them; a doubtful absence settles nothing."""
    unreadable = len(session.skipped)
    results = list(session.reconcile(pending))
    unreadable = len(session.skipped) - unreadable
    doubt = absence_doubt(len(pending), results, unreadable)
    if doubt is not None:
        # Absence is evidence only from a complete, plausible view: the letters stay pending.
        results = [r for r in results if r.status is not StepStatus.REJECTED]
        outcome.skipped.append(("reconcile", doubt))
        outcome.status = "partial"
        log.warning("cycle.reconcile_doubt", tenant=name, reason=doubt)
    for result in results:
        if result.status is not StepStatus.PENDING:
            outcome.reconciled.append(result)
            if not opts.dry_run:
                store.settle(
                    result.letter_key, result.status, at=opts.now, document=result.document
                )


def absence_doubt(pending: int, results: list[WriteResult], unreadable: int) -> str | None:
    """Why the vendor's view cannot show a draft gone (None when it can).

    A connector's ``reconcile`` reads a missing draft as the accountant's rejection. That holds
    only when the view is complete and plausible: every item of the vendor's list read, and not
    every one of several pending drafts gone at once with none booked (an empty draft list
    while our drafts wait is far likelier a vendor fault than a clean sweep).
    """
    rejected = sum(1 for r in results if r.status is StepStatus.REJECTED)
    if not rejected:
        return None
    if unreadable:
        return (
            f"{unreadable} item(s) of the vendor's list could not be read: {rejected} draft(s) "
            "not found are kept pending, not recorded as rejected"
        )
    if pending >= 2 and rejected == len(results) == pending:
        return (
            f"none of our {pending} pending drafts was found and none was booked: an incomplete "
            "view of the vendor is assumed; they stay pending (a person checks `pending`)"
        )
    return None


def _plausible(snapshot: Snapshot, outcome: TenantOutcome) -> Snapshot:
    """Leave implausible invoices out of the decision (bridge/validate.py), saying why."""

    def skip(reason: str) -> None:
        outcome.skipped.append(("fetch", reason))

    return dataclasses.replace(
        snapshot,
        invoices=plausible(snapshot.invoices, skip),
        settled=plausible(snapshot.settled, skip),
    )


@dataclass(frozen=True)
class _LetterIndex:
    """The snapshot looked up by invoice and by customer once per cycle.

    A letter shows its customer's open invoices and its own invoices' history; finding those
    by scanning the whole ledger for each of thousands of letters made a cycle quadratic.
    """

    invoices: dict[str, Invoice]
    open_by_customer: dict[str, list[Invoice]]
    steps_by_invoice: dict[str, list[StepRecord]]

    @classmethod
    def of(cls, snapshot: Snapshot, history: list[StepRecord]) -> _LetterIndex:
        """Index a snapshot and the history decided on."""
        open_by_customer: dict[str, list[Invoice]] = {}
        for invoice in snapshot.invoices:
            open_by_customer.setdefault(invoice.customer_id, []).append(invoice)
        steps: dict[str, list[StepRecord]] = {}
        for step in history:
            steps.setdefault(step.invoice_id, []).append(step)
        return cls(
            invoices={inv.id: inv for inv in (*snapshot.invoices, *snapshot.settled)},
            open_by_customer=open_by_customer,
            steps_by_invoice=steps,
        )

    def history_of(self, letter: Letter) -> list[StepRecord]:
        """The steps of the letter's own invoices."""
        ids = dict.fromkeys(d.invoice_id for d in letter.decisions)
        return [s for i in ids for s in self.steps_by_invoice.get(i, ())]


def letter_language(letter: Letter, customer: Customer, tenant: TenantSettings) -> str:
    """The language the cycle writes a letter in: the customer's, or the tenant's own for
    hand-overs and tasks (read by the tenant's people and its agency)."""
    default = tenant_language(tenant.country, tenant.options)
    return default if letter.action in INTERNAL_ACTIONS else language_for(customer, default)


def render_letter(
    letter: Letter,
    snapshot: Snapshot,
    history: list[StepRecord],
    *,
    tenant: TenantSettings,
    creditor: Creditor,
    lang: str | None = None,
    index: _LetterIndex | None = None,
) -> Rendered:
    """Render a letter exactly as the cycle writes it (``letter`` previews through this too).

    ``history`` is the history the letter was decided on; ``lang`` overrides the language.
    """
    index = index or _LetterIndex.of(snapshot, history)
    customer = snapshot.customers[letter.customer_id]
    return compose(
        letter,
        customer,
        index.invoices,
        creditor=creditor,
        lang=lang or letter_language(letter, customer, tenant),
        country=tenant.country,
        override=template_override(tenant.options),
        open_invoices=index.open_by_customer.get(letter.customer_id, ()),
        history=index.history_of(letter),
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


def _resolve_unknown(
    store: Store,
    name: str,
    session: Session,
    opts: CycleOptions,
    channels: Channels,
    *,
    outcome: TenantOutcome | None = None,
) -> None:
    """Read back every write whose outcome we never learned, before deciding anything new."""
    for row in store.unresolved(name):
        if channels.owns(row.letter):
            found = channels.find(row.letter)
            if found is UNKNOWN:
                # An e-mail may have gone out: leave the letter open for a person, never resend.
                # SMTP has no read-back, so every cycle says so until a person settles it.
                log.warning("outbox.mail_unknown", tenant=name, letter=row.letter.key)
                if outcome is not None:
                    outcome.skipped.append((row.letter.key, channels.unconfirmed(row.letter)))
                continue
        else:
            found = session.find(row.letter.key)
        if isinstance(found, WriteResult):
            # Read back after a crash, a task note counts as told, as when written.
            found = _task_told(row.letter, found)
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
    history: list[StepRecord],
    letter: Letter,
    channels: Channels,
    opts: CycleOptions,
    outcome: TenantOutcome,
    index: _LetterIndex | None = None,
    changed: Callable[[], dict[str, str]] | None = None,
) -> bool:
    """Write one letter exactly once; return False when the tenant should stop writing.

    ``changed`` says which of the letter's invoices changed since the fetch (the batch re-read
    of bridge/recheck.py); without it the letter's invoices are re-read on their own.
    """
    index = index or _LetterIndex.of(snapshot, history)
    customer = snapshot.customers[letter.customer_id]
    route = _route(channels, session, letter, customer)
    try:
        rendered = render_letter(
            letter, snapshot, history, tenant=tenant, creditor=channels.creditor, index=index
        )
    except LetterError as exc:
        outcome.skipped.append((letter.key, f"not written: {exc}"))
        outcome.status = "partial"
        return True
    text = rendered.text
    refusal = store.refused(letter, text)
    if refusal is not None:
        # The vendor refused this very letter today; asking again costs a request and gets the
        # same answer. A new day, or any change to the letter, tries again.
        outcome.skipped.append((letter.key, f"{refusal} (today; not retried until tomorrow)"))
        return True
    found = (
        changed()
        if changed is not None
        else {
            invoice: reason
            for invoice, reason in session.recheck([d.invoice_id for d in letter.decisions]).items()
            if reason
        }
    )
    if found:
        reasons = "; ".join(f"{k}: {v}" for k, v in sorted(found.items()))
        outcome.skipped.append(
            (letter.key, f"changed since the fetch ({reasons}); decided again next cycle")
        )
        return True
    if route is Route.HANDOVER:
        problems = channels.check_handover(letter, snapshot, history)
        if problems:
            outcome.skipped.append((letter.key, "not handed over: " + "; ".join(problems)))
            return True
    waits = channels.check_letter(
        letter,
        customer,
        route=route,
        routes=session.delivery_routes(letter, customer) if isinstance(session, Delivery) else None,
        name=warning_kind(letter, index.history_of(letter), tenant.country),
    )
    if waits:
        outcome.skipped.append((letter.key, "waits: " + "; ".join(waits)))
        return True
    if not store.intend(letter, text, at=opts.now):
        outcome.skipped.append((letter.key, "already written for these decisions"))
        return True
    failpoints.reached("intended")
    try:
        result = _deliver(
            session,
            channels,
            route=route,
            letter=letter,
            snapshot=snapshot,
            history=history,
            rendered=rendered,
        )
    except AuthError:
        raise
    except (MailFailed, HandoverNotReady) as exc:
        store.cancel(letter.key, f"not delivered: {exc}", at=opts.now)
        outcome.skipped.append((letter.key, f"not delivered: {exc}"))
        return True
    except MailUnknown as exc:
        # The e-mail may have arrived: the intent stays open and is never sent again by itself.
        outcome.skipped.append((letter.key, f"outcome unknown, not resent: {exc}"))
        outcome.status = "partial"
        return True
    except RejectedRequest as exc:
        store.cancel(letter.key, f"{REFUSED_PREFIX}: {exc}", at=opts.now)
        outcome.skipped.append((letter.key, f"{REFUSED_PREFIX}: {exc}"))
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


def _route(channels: Channels, session: Session, letter: Letter, customer: Customer) -> Route:
    """Choose the letter's channel; a hand-over the system's service refuses goes to the agency."""
    route = channels.route(letter, customer)
    if route is Route.SYSTEM and letter.action is ActionKind.HANDOVER:
        takes = isinstance(session, CollectionService) and session.takes_handover(letter)
        return Route.SYSTEM if takes else Route.HANDOVER
    return route


def _deliver(
    session: Session,
    channels: Channels,
    *,
    route: Route,
    letter: Letter,
    snapshot: Snapshot,
    history: list[StepRecord],
    rendered: Rendered,
) -> WriteResult:
    """Write through the connector, or deliver by the bridge's own channel."""
    if route is Route.HANDOVER:
        case = channels.case(letter, snapshot, history, rendered)
        return channels.handover(letter, case, rendered)
    if route is Route.EMAIL:
        customer = snapshot.customers[letter.customer_id]
        return channels.email(letter, customer.email or "", rendered, with_pdf=True)
    customer = snapshot.customers[letter.customer_id]
    if route is Route.LIST:
        return channels.task_list(letter, rendered)
    if route is Route.TASK:
        return channels.email(
            letter, channels.recipient(letter, customer), rendered, with_pdf=False
        )
    return _task_told(letter, session.apply(letter, rendered.text))


def _task_told(letter: Letter, result: WriteResult) -> WriteResult:
    """A task is done once its person has been told: the note waits in the accounting system
    for them, but the ladder does not wait for anybody to delete it."""
    if letter.action is ActionKind.TASK and result.status is StepStatus.PENDING:
        return dataclasses.replace(
            result, status=StepStatus.ISSUED, detail=f"task note for review: {result.detail}"
        )
    return result


@contextmanager
def open_tenant_session(name: str, tenant: TenantSettings, opts: CycleOptions) -> Iterator[Session]:
    """Open one tenant's session outside a cycle (approvals); close it and save its sandbox."""
    descriptor = registry.connector(tenant.system)
    ctx, save = _context(name, tenant, descriptor, opts)
    session = descriptor.open(ctx)
    try:
        yield session
    finally:
        session.close()
        save()
