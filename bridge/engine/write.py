"""Writing one letter exactly once: checks, outbox intent, delivery by connector or channel."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import structlog

from bridge.engine.channels import Channels, Route
from bridge.engine.handover import HandoverNotReady
from bridge.engine.letters import (
    LetterError,
    Rendered,
    warning_kind,
)
from bridge.engine.mailer import MailFailed, MailUnknown
from bridge.engine.outcome import CycleOptions, TenantOutcome
from bridge.engine.rendering import LetterIndex, render_letter
from bridge.infra import failpoints
from bridge.store import Store
from bridge.store.outbox import REFUSED_PREFIX
from bridge.vocab.connector import (
    CollectionService,
    Delivery,
    Session,
)
from bridge.vocab.domain import (
    ActionKind,
    Customer,
    Letter,
    Snapshot,
    StepRecord,
    StepStatus,
    WriteResult,
)
from bridge.vocab.errors import (
    AuthError,
    ConnectorError,
    RejectedRequest,
    Transient,
)
from bridge.vocab.settings import TenantSettings

log = structlog.get_logger("bridge.engine.cycle")


def write_letter(
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
    index: LetterIndex | None = None,
    changed: Callable[[], dict[str, str]] | None = None,
) -> bool:
    """Write one letter exactly once; return False when the tenant should stop writing.

    ``changed`` says which of the letter's invoices changed since the fetch (the batch re-read
    of bridge/engine/recheck.py); without it the letter's invoices are re-read on their own.
    """
    index = index or LetterIndex.of(snapshot, history)
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
    store.attempt(letter.key, at=opts.now)  # from here on a crash leaves the outcome unknown
    failpoints.reached("attempted")
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
    return task_told(letter, session.apply(letter, rendered.text))


def task_told(letter: Letter, result: WriteResult) -> WriteResult:
    """A task is done once its person has been told: the note waits in the accounting system
    for them, but the ladder does not wait for anybody to delete it."""
    if letter.action is ActionKind.TASK and result.status is StepStatus.PENDING:
        return dataclasses.replace(
            result, status=StepStatus.ISSUED, detail=f"task note for review: {result.detail}"
        )
    return result
