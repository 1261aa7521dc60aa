"""One tenant's Dinero session: read a snapshot, re-check, write native reminders, read back.

Request budget of one fetch (n = open invoices due within the horizon, p = invoices paid since
the last cycle, c = contacts):

- ``ceil(n/1000)`` pages of Overdue and Booked invoices, ``ceil(c/1000)`` pages of contacts,
  ``ceil(p/1000)`` pages of Paid invoices;
- per open invoice one ``GET /v2/.../payments`` (Dinero's list has no remaining amount), and per
  overdue invoice one ``GET .../reminders`` (Dinero's own reminders are per invoice);
- per paid invoice one payments read (when was it paid: interest after a late payment).

The per-invoice reads dominate, so they are remembered for the life of the process (the daemon
runs for days), keyed by the list's ``UpdatedAt`` and ``Status``: the next cycle re-reads only
the invoices whose stamp moved (a payment, a booked reminder) or that fell due. Tenant option
``incremental=off`` reads every invoice again. Every write still re-reads what it relies on.

Writes per letter and invoice: the invoice (its Timestamp), its reminders (Dinero's limits and
our key), the create; a note when Dinero's amounts differ; book and e-mail in autonomous mode.

A page that fails fails the fetch: the tenant decides nothing from a partial view. An item that
cannot be read is skipped and logged: one bad invoice never stops the others.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import structlog

from bridge.infra.http import build_client, stats_of
from bridge.infra.items import read_each, with_customer
from bridge.infra.retry import RetryPolicy
from bridge.vocab.connector import FeedSnapshot, Pending, RateLimit, TenantContext
from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    Decision,
    Invoice,
    Letter,
    Mode,
    Payment,
    Snapshot,
    StepRecord,
    StepStatus,
    WriteResult,
)
from bridge.vocab.errors import (
    ConfigError,
    ConnectorError,
    MalformedResponse,
    NotFound,
    RejectedRequest,
)
from bridge.vocab.feeds import full_sweep_days, full_sweep_due
from bridge.vocab.options import whole_number
from connectors.dinero import mapping, writer
from connectors.dinero.auth import Clock, DineroAuth, open_tokens, token_scopes
from connectors.dinero.client import (
    BASE_URL,
    RATE_LIMITS,
    RETRY_POLICY,
    DineroClient,
    is_stale,
    status_table,
)
from connectors.dinero.setup import setup_checks

# The largest answer read from the API (pages of at most 1000 invoices, a few hundred bytes each):
# a bigger one is refused, never read whole (bridge/infra/http.py send_bounded).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024

log = structlog.get_logger("connectors.dinero")

T = TypeVar("T")

DEFAULT_PRE_DUE_DAYS = 5
# Paid invoices are read back this far on a first run (interest after a late payment).
SETTLED_LOOKBACK = timedelta(days=35)
CLOCK_SKEW = timedelta(minutes=10)
OPEN_STATUSES = ("Overdue", "Booked")
PAID_STATUSES = ("Paid", "OverPaid")
NOTE_PREFIX = "note:"
# The feed snapshot of the last read-back of our waiting drafts and notes (reconcile), and the
# shape of its body: {"states": {"<invoice guid>/<reminder id>" or a note document: state}}.
READBACK = "dinero.readback"
READBACK_VERSION = 1
# The feed snapshot of each contact's open credit notes (its state of account), and its shape:
# {"credit": {"<contact guid>": Decimal}}.
CREDIT = "dinero.credit"
CREDIT_VERSION = 1
# The feed snapshot of the open invoices and the contacts, as the lists give them:
# {"open": {"<invoice guid>": list item}, "contacts": {"<contact guid>": list item}}.
LISTS = "dinero.lists"
LISTS_VERSION = 1


@dataclass(frozen=True, slots=True)
class _Hint:
    """Where a letter was written, kept in process so a read-back costs a call, not a scan."""

    invoices: tuple[str, ...]
    contact: str


# Per (tenant, letter key): written before the POST leaves, read by find() after a timeout.
_HINTS: dict[tuple[str, str], _Hint] = {}
_HINTS_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Read:
    """An open invoice's per-item reads, and the list's change stamp they were read at."""

    stamp: tuple[str, str]  # (UpdatedAt, Status) from the invoice list
    paid: Any  # the /payments answer
    reminders: tuple[Any, ...] | None  # None: not read (the invoice was not overdue)
    # When the reads were made: they are made again after ``full_sweep_days`` whatever the
    # stamp says (a draft made or deleted in Dinero's screens moves no stamp in the sandbox).
    read_at: datetime


# Per tenant (and per transport object for a sandbox, so two emulated companies that share a
# tenant name never share reads): the daemon runs for days, and the list's UpdatedAt tells
# which invoices changed (a payment or a booked reminder changes the invoice).
_reads: dict[str, dict[str, _Read]] = {}
_reads_by_transport: weakref.WeakKeyDictionary[Any, dict[str, dict[str, _Read]]] = (
    weakref.WeakKeyDictionary()
)
_reads_lock = threading.Lock()


def forget_reads() -> None:
    """Drop every remembered per-invoice read; the next fetch reads each invoice again."""
    with _reads_lock:
        _reads.clear()
        _reads_by_transport.clear()


def _reads_of(ctx: TenantContext) -> dict[str, _Read]:
    with _reads_lock:
        if ctx.transport is None:
            return _reads.setdefault(ctx.tenant, {})
        per = _reads_by_transport.setdefault(ctx.transport, {})
        return per.setdefault(ctx.tenant, {})


def forget_hints() -> None:
    """Drop every read-back hint, as a restart does (tests use it to take the scan path)."""
    with _HINTS_LOCK:
        _HINTS.clear()


class DineroSession:
    """bridge.vocab.connector.Session for one Dinero organization."""

    def __init__(
        self,
        ctx: TenantContext,
        *,
        limits: Sequence[RateLimit] = (),
        policy: RetryPolicy = RETRY_POLICY,
        timeout: float = 30.0,
        clock: Clock | None = None,
    ) -> None:
        self.ctx = ctx
        self.tokens = open_tokens(
            ctx.tenant, ctx.secrets, transport=ctx.transport, **({"clock": clock} if clock else {})
        )
        self.http = build_client(
            base_url=ctx.base_url or BASE_URL,
            auth=DineroAuth(self.tokens),
            transport=ctx.transport,
            limits=limits,
            timeout=timeout,
            limiter_key=f"dinero:{ctx.tenant}",
            max_bytes=MAX_RESPONSE_BYTES,
        )
        self._policy = policy
        self._client: DineroClient | None = None
        pre_due = whole_number(ctx.options, "pre_due_days")
        self.pre_due_days = DEFAULT_PRE_DUE_DAYS if pre_due is None else pre_due
        self.skipped: list[str] = []
        self.left_alone: dict[str, str] = {}  # invoice guid -> why we do not dun it
        self.differences: list[writer.Difference] = []  # what the last applies found
        self._open: dict[str, Invoice] = {}
        # Invoices changed since the fetch (changesSince), for the re-check before writes.
        self._changes: dict[str, Any] = {}
        self._changes_since: datetime | None = None
        # Reminders this session's fetch read from Dinero (not remembered from an earlier one).
        self._fresh_reminders: dict[str, tuple[Any, ...]] = {}
        self._covered: set[str] = set()  # invoices a re-check found unchanged since the fetch
        self._settled: dict[str, Invoice] = {}
        self._customers: dict[str, Customer] = {}
        # What this session's writes left waiting (reminder part or note document -> state),
        # and since when: kept in the read-back snapshot at close, so it is not read back.
        self._written: dict[str, str] = {}
        self._written_since: datetime | None = None

    @property
    def request_count(self) -> int:
        """How many requests this session has sent (token refreshes included)."""
        return stats_of(self.http).total + self.tokens.endpoint.requests

    @property
    def client(self) -> DineroClient:
        """The API client, for the organization the tenant option names (or the only one)."""
        if self._client is None:
            table = status_table(self.ctx.tenant)
            organization = self.ctx.options.get("organization_id", "").strip()
            probe = DineroClient(self.http, organization=organization, table=table)
            if not organization:
                organization = _only_organization(probe.organizations(), self.ctx.tenant)
            self._client = DineroClient(
                self.http, organization=organization, table=table, policy=self._policy
            )
        return self._client

    def checks(self) -> list[tuple[bool, str]]:
        """What would make drafts wrong (bridge.vocab.connector.SetupChecks, dinero/setup.py)."""
        return setup_checks(self.client, token_scopes(self.tokens.current()), self.ctx.tenant)

    def company_key(self) -> str | None:
        """The organization dunned: the tenant option, or the only one the credentials reach."""
        return f"dinero:organization:{self.client.organization}"

    # -- reading -------------------------------------------------------------------------------

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read contacts, open invoices with payments and Dinero's reminders, late payers."""
        self.skipped, self.left_alone = [], {}
        self._fresh_reminders, self._covered = {}, set()
        started = datetime.now(UTC)
        horizon = today + timedelta(days=self.pre_due_days)
        lists = self._lists(today, started)
        listed = [
            (item, due)
            for item, due in self._each(
                lists[0] if lists else self.client.invoices(OPEN_STATUSES), _listed, "open invoice"
            )
            if not self._leave_alone(item)
        ]
        wanted = [(item, due) for item, due in listed if item_overdue(item) or due <= horizon]
        remembered = _reads_of(self.ctx)
        for gone in set(remembered) - {mapping.invoice_guid(item) for item, _ in wanted}:
            del remembered[gone]  # paid, deleted or not due: not needed again
        open_: list[Invoice] = []
        payments: list[Payment] = []
        steps: list[StepRecord] = []
        for item, _ in wanted:
            read = self._read_open(item)
            if read is None:
                continue
            invoice, paid, found = read
            open_.append(invoice)
            payments.extend(paid)
            steps.extend(found)
        settled, late_payments = self._read_settled(today, since)
        payments.extend(late_payments)
        contacts = lists[1] if lists else self.client.contacts()
        customers = {c.id: c for c in self._each(contacts, self._customer, "contact")}
        customers = self._with_credit(customers, {i.customer_id for i in open_})
        open_ = self._with_customer(open_, customers)
        settled = self._with_customer(settled, customers)
        self._open = {i.id: i for i in open_}
        self._settled = {i.id: i for i in settled}
        self._customers = customers
        self._changes, self._changes_since = {}, started
        kept = {*self._open, *self._settled}
        return Snapshot(
            tenant=self.ctx.tenant,
            fetched_at=datetime.now(UTC),
            customers=customers,
            invoices=tuple(sorted(open_, key=lambda i: (i.due_date, i.id))),
            payments=tuple(p for p in payments if p.invoice_id in kept),
            steps=tuple(s for s in steps if s.invoice_id in kept),
            settled=tuple(sorted(settled, key=lambda i: (i.due_date, i.id))),
        )

    def _lists(self, today: date, now: datetime) -> tuple[list[Any], list[Any]] | None:
        """The open invoices and the contacts from the feed snapshot (LISTS); None: read whole.

        A full sweep (no snapshot, another version, older than ``full_sweep_days``,
        ``incremental=off``) reads both lists and keeps them. Otherwise what Dinero lists as
        changed since the watermark (less the clock skew) replaces the kept items:
        ``changesSince`` returns what was "created, deleted or updated" (the spec), and a
        payment or a booked reminder updates the invoice. An invoice that falls due changes
        nothing, so an open invoice's Status is worked out here as Dinero's list does:
        Overdue once its PaymentDate has passed, else Booked (the sandbox's rule; assumed, see
        docs/connectors/dinero.md).
        """
        feeds = self.ctx.feeds
        if feeds is None:
            return None
        kept = feeds.load(LISTS)
        whole = full_sweep_due(kept, version=LISTS_VERSION, now=now, options=self.ctx.options)
        if whole or kept is None:
            open_ = _by_guid(self.client.invoices(OPEN_STATUSES), "Guid")
            contacts = _by_guid(self.client.contacts(), "ContactGuid")
            swept_at = now
        else:
            open_ = dict(kept.body.get("open", {}))
            contacts = dict(kept.body.get("contacts", {}))
            since = kept.watermark - CLOCK_SKEW
            for guid, item in _by_guid(
                self.client.invoices((*OPEN_STATUSES, *PAID_STATUSES), changes_since=since),
                "Guid",
            ).items():
                open_.pop(guid, None)
                if mapping.invoice_status(item) in OPEN_STATUSES and not item.get("DeletedAt"):
                    open_[guid] = item
            for guid, item in _by_guid(
                self.client.contacts(changes_since=since), "ContactGuid"
            ).items():
                contacts.pop(guid, None)
                if not item.get("DeletedAt"):
                    contacts[guid] = item
            swept_at = kept.swept_at
        feeds.save(
            LISTS,
            FeedSnapshot(
                version=LISTS_VERSION,
                swept_at=swept_at,
                watermark=now,
                body={"open": open_, "contacts": contacts},
            ),
        )
        day = today.isoformat()
        items = [
            {**item, "Status": "Overdue" if str(item.get("PaymentDate") or "") < day else "Booked"}
            if item.get("Status") in OPEN_STATUSES and isinstance(item.get("PaymentDate"), str)
            else item
            for item in open_.values()
        ]
        return items, list(contacts.values())

    def _read_open(self, item: Any) -> tuple[Invoice, list[Payment], list[StepRecord]] | None:
        guid = mapping.invoice_guid(item)
        known = self._remembered(guid, item)
        # The earliest of the kept reads: reused ones keep the time they were made.
        read_at = known.read_at if known is not None else datetime.now(UTC)
        paid = known.paid if known is not None else self.client.payments(guid)
        try:
            invoice = mapping.invoice(item, paid)
        except MalformedResponse as exc:
            self._skip(f"invoice skipped: {exc}")
            return None
        if invoice.outstanding <= ZERO:
            _reads_of(self.ctx)[guid] = _Read(_stamp(item), paid, None, read_at)
            return None
        steps: list[StepRecord] = []
        reminders: tuple[Any, ...] | None = None
        if item_overdue(item):
            if known is not None and known.reminders is not None:
                reminders = known.reminders
            else:
                reminders = tuple(self.client.reminders(guid))
                self._fresh_reminders[guid] = reminders
        _reads_of(self.ctx)[guid] = _Read(_stamp(item), paid, reminders, read_at)
        if reminders is not None:
            for raw in reminders:
                try:
                    # Our own reminders are in our store already; counting them twice would
                    # double their fees against the law's limits.
                    if mapping.reminder_key(raw) is None:
                        step = mapping.reminder_step(guid, raw)
                        if step is not None:
                            steps.append(step)
                except MalformedResponse as exc:
                    self._skip(f"a reminder of invoice {invoice.number} skipped: {exc}")
        return invoice, mapping.payments(guid, paid), steps

    def _remembered(self, guid: str, item: Any) -> _Read | None:
        """The reads of an earlier fetch, if the invoice has not changed since."""
        if self.ctx.options.get("incremental", "on").strip().lower() == "off":
            return None
        known = _reads_of(self.ctx).get(guid)
        if known is None or known.stamp != _stamp(item) or not known.stamp[0]:
            return None
        if datetime.now(UTC) - known.read_at > timedelta(days=full_sweep_days(self.ctx.options)):
            return None
        return known

    def _read_settled(
        self, today: date, since: datetime | None
    ) -> tuple[list[Invoice], list[Payment]]:
        """Invoices paid since the last cycle whose last payment came after the due date."""
        start = (
            since.astimezone(UTC) - CLOCK_SKEW
            if since is not None and since.tzinfo is not None
            else datetime(today.year, today.month, today.day, tzinfo=UTC) - SETTLED_LOOKBACK
        )
        settled: list[Invoice] = []
        payments: list[Payment] = []
        for item in self.client.invoices(PAID_STATUSES, changes_since=start):
            if self._leave_alone(item):
                continue  # the agency charges its own interest: no interest note from us
            try:
                guid = mapping.invoice_guid(item)
                paid = self.client.payments(guid)
                invoice = mapping.invoice(item, paid)
            except MalformedResponse as exc:
                self._skip(f"paid invoice skipped: {exc}")
                continue
            if invoice.paid_date is not None and invoice.paid_date > invoice.due_date:
                settled.append(invoice)
                payments.extend(mapping.payments(guid, paid))
        return settled, payments

    def _with_credit(self, customers: dict[str, Customer], owing: set[str]) -> dict[str, Customer]:
        """Add each contact's overpayments and open credit notes as its unapplied credit.

        Dinero's invoice list has no remaining amount, so each OverPaid invoice costs one
        payments read (overpayments are few): the excess is PaidAmount less the invoice total.
        The invoice list has no credit notes either: each contact with an open invoice (one we
        could dun) costs one read of its state of account, whose open ``creditnote`` entries
        are credit (docs/connectors/dinero.md).
        """
        credit: dict[str, Decimal] = {}
        for contact, notes in self._credit_notes(sorted(owing & set(customers))).items():
            if notes > ZERO:
                credit[contact] = notes
        for item in self.client.invoices(("OverPaid",)):
            try:
                guid = mapping.invoice_guid(item)
                excess = mapping.overpaid(item, self.client.payments(guid))
                contact = mapping.contact_of(item)
            except MalformedResponse as exc:
                self._skip(f"overpaid invoice skipped: {exc}")
                continue
            if excess > ZERO:
                credit[contact] = credit.get(contact, ZERO) + excess
        return {
            cid: replace(c, unapplied_credit=c.unapplied_credit + credit[cid])
            if cid in credit
            else c
            for cid, c in customers.items()
        }

    def _credit_notes(self, contacts: list[str]) -> dict[str, Decimal]:
        """Each contact's open credit notes, from its state of account.

        With the tenant's feed snapshot (CREDIT), a contact's last answer is reused unless
        ``GET /v1/{org}/sales?changesSince=...`` (one page, usually) lists an invoice or a
        credit note of it: the spec says that list returns what was "created, deleted or
        updated" since; an allocation updates the credit note. Every contact is read again when
        the snapshot's last whole read is older than ``full_sweep_days``.
        """
        now = datetime.now(UTC)
        feeds = self.ctx.feeds
        kept = feeds.load(CREDIT) if feeds is not None else None
        whole = full_sweep_due(kept, version=CREDIT_VERSION, now=now, options=self.ctx.options)
        known: dict[str, Decimal] = {}
        if not whole and kept is not None and contacts:
            known = {str(c): Decimal(str(v)) for c, v in dict(kept.body.get("credit", {})).items()}
            for contact in self._changed_contacts(kept.watermark - CLOCK_SKEW):
                known.pop(contact, None)
        found: dict[str, Decimal] = {}
        for contact in contacts:
            if contact in known:
                found[contact] = known[contact]
                continue
            try:
                found[contact] = mapping.open_credit_notes(self.client.state_of_account(contact))
            except (MalformedResponse, NotFound) as exc:
                self._skip(f"credit notes of contact {contact} not read: {exc}")
        if feeds is not None:
            feeds.save(
                CREDIT,
                FeedSnapshot(
                    version=CREDIT_VERSION,
                    swept_at=now if whole or kept is None else kept.swept_at,
                    watermark=now,
                    body={"credit": found},
                ),
            )
        return found

    def _changed_contacts(self, since: datetime) -> set[str]:
        """The contacts of the invoices and credit notes Dinero lists as changed since."""
        return {
            str(item["ContactGuid"])
            for item in self.client.sales(changes_since=since)
            if isinstance(item, Mapping) and item.get("ContactGuid")
        }

    def _leave_alone(self, item: Any) -> bool:
        """Note and tell whether a listed invoice is not ours to dun (sent to collection)."""
        reason = mapping.with_collection(item)
        if reason is not None:
            guid = item.get("Guid") if isinstance(item, Mapping) else None
            self.left_alone[str(guid)] = reason
        return reason is not None

    def _customer(self, obj: Any) -> Customer:
        return mapping.customer(obj, default_country=self.ctx.country)

    def _each(self, items: Iterable[Any], read: Callable[[Any], T], what: str) -> list[T]:
        return read_each(items, read, what, self._skip)

    def _skip(self, reason: str) -> None:
        self.skipped.append(reason)
        log.warning("dinero.item_skipped", tenant=self.ctx.tenant, reason=reason)

    def _with_customer(
        self, invoices: list[Invoice], customers: Mapping[str, Customer]
    ) -> list[Invoice]:
        return with_customer(invoices, customers, self._skip, "contact")

    # -- just before a write -------------------------------------------------------------------

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Say why a letter should not go, from what Dinero lists as changed since the fetch.

        One ``GET /v1/{org}/invoices?changesSince=...`` (usually one page) covers a batch of
        letters: registering a payment writes to the invoice (it takes the invoice's
        Timestamp) and moves its ``UpdatedAt`` and, once paid, its ``Status``. Only an invoice
        listed there has its payments read again; one not listed is as the fetch saw it. Each
        call reads what changed since the previous one (less the clock skew).
        """
        result: dict[str, str | None] = {}
        self._read_changes()
        for invoice_id in invoice_ids:
            if invoice_id in self._settled:
                result[invoice_id] = None  # already paid: an interest note is about that
                continue
            before = self._open.get(invoice_id)
            if before is not None and self._changes_since is not None:
                item = self._changes.get(invoice_id)
                if item is None:
                    result[invoice_id] = None  # not changed since the fetch
                    self._covered.add(invoice_id)
                    continue
                if str(item.get("Status") or "") in PAID_STATUSES:
                    result[invoice_id] = "paid"
                    continue
            result[invoice_id] = self._payments_change(invoice_id, before)
        return result

    def _read_changes(self) -> None:
        """Add the invoices changed since the last look (the fetch, at first) to ``_changes``."""
        if self._changes_since is None:
            return
        now = datetime.now(UTC)
        for item in self.client.invoices(
            (*OPEN_STATUSES, *PAID_STATUSES), changes_since=self._changes_since - CLOCK_SKEW
        ):
            if isinstance(item, Mapping) and item.get("Guid"):
                self._changes[str(item["Guid"])] = item
        self._changes_since = now

    def _payments_change(self, invoice_id: str, before: Invoice | None) -> str | None:
        """Re-read one invoice's payments: why a letter about it should not go now."""
        try:
            paid = self.client.payments(invoice_id)
        except NotFound:
            return "not found in Dinero"
        now = max(ZERO, mapping.remaining(paid))
        if now <= ZERO:
            return "paid"
        if before is not None and now < before.outstanding:
            return f"payment arrived (remainder {before.outstanding} -> {now})"
        return None

    # -- writing -------------------------------------------------------------------------------

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Write the letter: native reminder drafts, or a note (and a pre-reminder mail)."""
        invoices = tuple(d.invoice_id for d in letter.decisions)
        with _HINTS_LOCK:
            _HINTS[(self.ctx.tenant, letter.key)] = _Hint(invoices, letter.customer_id)
        if self._written_since is None:
            self._written_since = datetime.now(UTC)
        if letter.action in writer.NATIVE:
            result = self._write_reminders(letter, text)
            if result.status is StepStatus.PENDING and not result.document.startswith(NOTE_PREFIX):
                self._written.update(dict.fromkeys(result.document.split(","), "draft"))
            return result
        result = self._write_note(letter, text)
        if result.status is StepStatus.PENDING and result.document.startswith(NOTE_PREFIX):
            self._written[result.document] = "kept"
        return result

    def _write_reminders(self, letter: Letter, text: str) -> WriteResult:
        lang = self._language(letter.customer_id)
        written: list[tuple[Decision, Any]] = []
        made: list[tuple[str, Any]] = []  # created by this call, undone if a later one fails
        try:
            for decision in letter.decisions:
                view, new = self._one_reminder(letter, decision, text, lang)
                written.append((decision, view))
                if new:
                    made.append((decision.invoice_id, view))
        except RejectedRequest:
            self._undo(made)
            raise
        documents = ",".join(f"{d.invoice_id}/{mapping.reminder_id(v)}" for d, v in written)
        found = [diff for d, v in written for diff in writer.differences(d, v)]
        if found:
            return self._disagree(letter, found, documents)
        if self.ctx.mode is not Mode.AUTONOMOUS:
            return WriteResult(
                letter.key, documents, StepStatus.PENDING, f"reminder draft(s) {documents}"
            )
        return self._book_and_send(letter, written, documents)

    def _one_reminder(
        self, letter: Letter, decision: Decision, text: str, lang: str
    ) -> tuple[Any, bool]:
        """Create one invoice's reminder draft, or return the one a replay already made."""
        guid = decision.invoice_id
        existing = self._unchanged_reminders(guid)
        if existing is None:
            existing = list(self.client.reminders(guid))
        for raw in existing:
            if mapping.reminder_key(raw) == letter.key and not mapping.is_deleted(raw):
                return raw, False
        reason = writer.limit_reason(existing, letter.date)
        if reason is not None:
            raise RejectedRequest(f"invoice {decision.invoice_number}: {reason}")
        stamp = mapping.timestamp(self.client.invoice(guid))
        body = writer.reminder_body(decision, key=letter.key, text=text, timestamp=stamp, lang=lang)
        # Whatever the answer, a later attempt on this invoice must see what this one did.
        self._fresh_reminders.pop(guid, None)
        try:
            return self.client.create_reminder(guid, body), True
        except RejectedRequest as exc:
            if not is_stale(exc):
                raise
            raise RejectedRequest(
                f"invoice {decision.invoice_number} changed in Dinero after it was read "
                "(outdated Timestamp); it is decided again next cycle",
                status=exc.status,
                vendor_code=exc.vendor_code,
            ) from None

    def _unchanged_reminders(self, guid: str) -> list[Any] | None:
        """The invoice's reminders as this fetch read them, if nothing changed it since.

        A reminder booked or created in Dinero writes to the invoice and moves its
        ``UpdatedAt``, which the re-check's ``changesSince`` list shows; an invoice it does not
        list still has the reminders the fetch read. Only an invoice a re-check has just found
        unchanged qualifies (the cycle re-checks every letter before writing it); Dinero refuses
        a reminder against its own rules in any case. None: read them again.
        """
        fresh = self._fresh_reminders.get(guid)
        if fresh is None or guid not in self._covered or guid in self._changes:
            return None
        return list(fresh)

    def _undo(self, made: list[tuple[str, Any]]) -> None:
        """Delete the drafts a failed multi-invoice letter already created."""
        for guid, view in made:
            try:
                self.client.delete_reminder(
                    guid, mapping.reminder_id(view), mapping.timestamp(view, "reminder")
                )
            except ConnectorError as exc:
                log.error(
                    "dinero.undo_failed", tenant=self.ctx.tenant, invoice=guid, error=str(exc)
                )

    def _disagree(
        self, letter: Letter, found: list[writer.Difference], documents: str
    ) -> WriteResult:
        """Keep the drafts, tell the accountant (a contact note) and our log."""
        self.differences.extend(found)
        summary = "; ".join(d.describe() for d in found)
        log.warning(
            "dinero.amounts_differ", tenant=self.ctx.tenant, letter=letter.key, differences=summary
        )
        try:
            self.client.add_note(
                letter.customer_id, writer.difference_note(letter, found, documents)
            )
        except ConnectorError as exc:
            log.error("dinero.note_failed", tenant=self.ctx.tenant, error=str(exc))
        return WriteResult(
            letter.key,
            documents,
            StepStatus.PENDING,
            f"reminder draft(s) {documents} kept for review: Dinero's amounts differ ({summary})",
        )

    def _book_and_send(
        self, letter: Letter, written: list[tuple[Decision, Any]], documents: str
    ) -> WriteResult:
        customer = self._customers.get(letter.customer_id)
        try:
            for decision, view in written:
                if mapping.is_draft(view):
                    self.client.book_reminder(
                        decision.invoice_id,
                        mapping.reminder_id(view),
                        mapping.timestamp(view, "reminder"),
                    )
        except ConnectorError as exc:
            # The drafts exist either way; reconcile tells later whether booking went through.
            return WriteResult(
                letter.key,
                documents,
                StepStatus.PENDING,
                f"reminder draft(s) {documents} created; booking failed, left for review: {exc}",
            )
        if customer is None or customer.email is None:
            how = "not e-mailed: the contact has no e-mail address; send it from Dinero"
        else:
            try:
                for decision, _ in written:
                    self.client.email_reminder(decision.invoice_id)
                how = "e-mailed by Dinero"
            except ConnectorError as exc:
                how = f"e-mail failed, send it from Dinero: {exc}"
        return WriteResult(letter.key, documents, StepStatus.ISSUED, f"booked {documents}, {how}")

    def _write_note(self, letter: Letter, text: str) -> WriteResult:
        """A note for steps Dinero has no object for; a pre-reminder mail where it can send."""
        mail = (
            letter.action is ActionKind.PRE_DUE_NOTICE
            and self.ctx.mode is Mode.AUTONOMOUS
            and all(self._overdue_on(d.invoice_id, letter.date) for d in letter.decisions)
        )
        reason = ""
        if letter.action is ActionKind.PRE_DUE_NOTICE and not mail:
            reason = (
                "Dinero mails a pre-reminder only once an invoice is overdue; send it from "
                "Dinero when it is, or resend the invoice."
                if self.ctx.mode is Mode.AUTONOMOUS
                else "Send it from Dinero (Send påmindelse) if you agree."
            )
        self.client.add_note(letter.customer_id, writer.proposal_note(letter, text, reason=reason))
        document = self._note_document(letter.customer_id, letter.key)
        if not mail:
            return WriteResult(
                letter.key,
                document,
                StepStatus.PENDING,
                f"proposal left as contact note {document}",
            )
        for decision in letter.decisions:
            stamp = mapping.timestamp(self.client.invoice(decision.invoice_id))
            self.client.send_pre_reminder(decision.invoice_id, stamp)
        return WriteResult(
            letter.key, document, StepStatus.ISSUED, "pre-reminder mailed by Dinero; note left"
        )

    def _note_document(self, contact: str, key: str) -> str:
        """Name the note just written: its Id, read back from the contact's notes by our key.

        Dinero's answer to the create names the contact, not the note. Should the list not show
        the note yet, the key stands in for the Id (reconcile finds a note by either).
        """
        notes = self._notes_or_none(contact)
        found = next((mapping.note_id(n) for n in notes if mapping.note_key(n) == key), key)
        return f"{NOTE_PREFIX}{contact}/{found}"

    def _overdue_on(self, invoice_id: str, day: date) -> bool:
        known = self._open.get(invoice_id)
        return known is not None and known.due_date < day

    def _language(self, customer_id: str) -> str:
        known = self._customers.get(customer_id)
        for candidate in (known.language if known else None, self.ctx.options.get("language")):
            if candidate in ("da", "en"):
                return candidate
        return "da"

    # -- reading back --------------------------------------------------------------------------

    def find(self, letter_key: str) -> WriteResult | None:
        """Find the reminders or note carrying ``letter_key``.

        In the process that wrote it, the hint names the invoices and contact (a few calls);
        after a restart every overdue invoice's reminders and every contact's notes are
        searched, which is slow for a large organization but happens only after a crash.
        """
        with _HINTS_LOCK:
            hint = _HINTS.get((self.ctx.tenant, letter_key))
        if hint is not None:
            invoices: Iterable[str] = hint.invoices
            contacts: Iterable[str] = (hint.contact,)
        else:
            invoices = (mapping.invoice_guid(i) for i in self.client.invoices(("Overdue",)))
            contacts = (str(c.get("ContactGuid")) for c in self.client.contacts())
        found = [
            (guid, raw)
            for guid in invoices
            for raw in self._reminders_or_none(guid)
            if mapping.reminder_key(raw) == letter_key and not mapping.is_deleted(raw)
        ]
        if found:
            documents = ",".join(f"{g}/{mapping.reminder_id(r)}" for g, r in found)
            draft = any(mapping.is_draft(r) for _, r in found)
            return WriteResult(
                letter_key,
                documents,
                StepStatus.PENDING if draft else StepStatus.ISSUED,
                f"reminder(s) {documents} found by key",
            )
        for contact in contacts:
            for note in self._notes_or_none(contact):
                if mapping.note_key(note) == letter_key:
                    document = f"{NOTE_PREFIX}{contact}/{mapping.note_id(note)}"
                    return WriteResult(
                        letter_key, document, StepStatus.PENDING, f"note {document} found by key"
                    )
        return None

    def _reminders_or_none(self, guid: str) -> list[Any]:
        try:
            return self.client.reminders(guid)
        except NotFound:
            return []

    def _notes_or_none(self, contact: str) -> list[Any]:
        try:
            return list(self.client.notes(contact))
        except NotFound:
            return []

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Booked reminders -> issued; deleted drafts or notes -> rejected; the rest pending.

        Dinero lists reminders per invoice only, so a read-back of every waiting draft cost one
        request per invoice per cycle. What the last read-back found is kept in the tenant's
        feed snapshot (READBACK): the next one lists the invoices changed since
        (``changesSince``, usually one page) and reads the reminders of those only. Booking a
        draft moves the invoice's ``UpdatedAt``; deleting one may not (the sandbox's does not,
        and nothing in Dinero's documentation says it does), so a whole read-back runs when the
        last is older than ``full_sweep_days``: a deleted draft is seen then at the latest.
        Notes are kept likewise (a contact note's deletion moves nothing a feed lists).
        """
        if not pending:
            return
        now = datetime.now(UTC)
        feeds = self.ctx.feeds
        kept = feeds.load(READBACK) if feeds is not None else None
        whole = full_sweep_due(kept, version=READBACK_VERSION, now=now, options=self.ctx.options)
        known: dict[str, str] = {}
        changed: set[str] = set()
        if not whole and kept is not None:
            known = {str(k): str(v) for k, v in dict(kept.body.get("states", {})).items()}
            changed = self._changed_invoices(kept.watermark - CLOCK_SKEW)
        states: dict[str, str] = {}
        reads: dict[str, list[Any]] = {}
        notes: dict[str, set[str]] = {}
        for item in pending:
            if item.document.startswith(NOTE_PREFIX):
                state = known.get(item.document)
                if state == "kept":
                    result = WriteResult(
                        item.letter_key, item.document, StepStatus.PENDING, "note kept"
                    )
                else:
                    result = self._reconcile_note(item, notes)
                if result.status is StepStatus.PENDING:
                    states[item.document] = "kept"
                yield result
                continue
            parts = item.document.split(",")
            found: list[str] = []
            for part in parts:
                guid = part.partition("/")[0]
                state = known.get(part)
                if state is None or guid in changed:
                    state = self._reminder_state(part, reads)
                states[part] = state
                found.append(state)
            yield _readback_result(item, found)
        if feeds is not None:
            feeds.save(
                READBACK,
                FeedSnapshot(
                    version=READBACK_VERSION,
                    swept_at=now if whole or kept is None else kept.swept_at,
                    watermark=now,
                    body={"states": states},
                ),
            )

    def _keep_written(self) -> None:
        """Add the drafts and notes written by this session to the read-back snapshot.

        A draft just written is a waiting draft: the next reconcile need not read it back
        unless ``changesSince`` lists its invoice. The watermark is the earliest of the
        snapshot's and the first write's, so whatever happened to a draft after it was written
        is listed then; a new snapshot counts as a whole read-back from the first write on.
        """
        feeds, since = self.ctx.feeds, self._written_since
        if feeds is None or since is None or not self._written:
            return
        kept = feeds.load(READBACK)
        states: dict[str, str] = {}
        swept_at, watermark = since, since
        if kept is not None and kept.version == READBACK_VERSION:
            states = {str(k): str(v) for k, v in dict(kept.body.get("states", {})).items()}
            swept_at, watermark = kept.swept_at, min(kept.watermark, since)
        states.update(self._written)
        feeds.save(
            READBACK,
            FeedSnapshot(
                version=READBACK_VERSION,
                swept_at=swept_at,
                watermark=watermark,
                body={"states": states},
            ),
        )
        self._written = {}

    def _changed_invoices(self, since: datetime) -> set[str]:
        """The invoices Dinero lists as changed since ``since`` (a booked reminder moves one)."""
        return {
            str(item["Guid"])
            for item in self.client.invoices((*OPEN_STATUSES, *PAID_STATUSES), changes_since=since)
            if isinstance(item, Mapping) and item.get("Guid")
        }

    def _reminder_state(self, part: str, reads: dict[str, list[Any]]) -> str:
        """``draft``, ``booked`` or ``gone``: the reminder ``guid/id`` as Dinero has it now."""
        guid, _, ident = part.partition("/")
        if guid not in reads:
            reads[guid] = self._reminders_or_none(guid)
        match = next(
            (r for r in reads[guid] if str(r.get("Id")) == ident and not mapping.is_deleted(r)),
            None,
        )
        return "gone" if match is None else "draft" if mapping.is_draft(match) else "booked"

    def _reconcile_note(self, item: Pending, cache: dict[str, set[str]]) -> WriteResult:
        """A note kept (found by its Id or, for documents that name no note Id, by our key)."""
        contact, _, note = item.document[len(NOTE_PREFIX) :].partition("/")
        if contact not in cache:
            live = [n for n in self._notes_or_none(contact) if not n.get("DeletedAt")]
            cache[contact] = {mapping.note_id(n) for n in live} | {
                key for n in live if (key := mapping.note_key(n)) is not None
            }
        if note in cache[contact] or item.letter_key in cache[contact]:
            return WriteResult(item.letter_key, item.document, StepStatus.PENDING, "note kept")
        return WriteResult(
            item.letter_key,
            item.document,
            StepStatus.REJECTED,
            f"note {item.document} was deleted: the proposal is rejected",
        )

    def _reconcile_reminders(self, item: Pending) -> WriteResult:
        """The letter's drafts as Dinero has them now (read live: a withdrawal acts on it)."""
        reads: dict[str, list[Any]] = {}
        states = [self._reminder_state(part, reads) for part in item.document.split(",")]
        return _readback_result(item, states)

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Delete the letter's reminder drafts; a proposal note is marked "do not act".

        ``DELETE .../reminders/{id}`` removes an unbooked reminder ("If unbooked this will just
        remove the draft"; a booked one would be offset, so booked ones are never touched).
        Dinero's API has no delete of a contact note: a second note says not to act on it.
        """
        if item.document.startswith(NOTE_PREFIX):
            return self._withdraw_note(item, reason)
        state = self._reconcile_reminders(item)
        if state.status is not StepStatus.PENDING:
            return state
        drafts: list[tuple[str, Any]] = []
        booked: list[str] = []
        for part in item.document.split(","):
            guid, _, ident = part.partition("/")
            for raw in self._reminders_or_none(guid):
                if str(raw.get("Id")) == ident and not mapping.is_deleted(raw):
                    if mapping.is_draft(raw):
                        drafts.append((guid, raw))
                    else:
                        booked.append(part)
        if booked:
            return WriteResult(
                item.letter_key,
                item.document,
                StepStatus.PENDING,
                f"reminder {', '.join(booked)} is booked already: the rest is left for you",
            )
        for guid, raw in drafts:
            self.client.delete_reminder(
                guid, mapping.reminder_id(raw), mapping.timestamp(raw, "reminder")
            )
        return WriteResult(
            item.letter_key,
            item.document,
            StepStatus.REJECTED,
            f"reminder draft(s) {item.document} deleted",
        )

    def _withdraw_note(self, item: Pending, reason: str) -> WriteResult:
        contact, _, note = item.document[len(NOTE_PREFIX) :].partition("/")
        notes = [n for n in self._notes_or_none(contact) if not n.get("DeletedAt")]
        if note not in {mapping.note_id(n) for n in notes}:
            return WriteResult(
                item.letter_key,
                item.document,
                StepStatus.REJECTED,
                f"note {item.document} was already deleted",
            )
        marker = writer.withdrawal_marker(item.letter_key)
        marked = next((n for n in notes if marker in str(n.get("Text") or "")), None)
        if marked is None:
            marked = self.client.add_note(
                contact, writer.withdrawal_note(note, reason, item.letter_key)
            )
        return WriteResult(
            item.letter_key,
            item.document,
            StepStatus.REJECTED,
            f"note {note} stays (Dinero deletes no note by API); note {mapping.note_id(marked)} "
            "says not to act on it",
        )

    def close(self) -> None:
        """Keep what this session's writes left waiting; release the HTTP clients."""
        try:
            self._keep_written()
        finally:
            self.http.close()
        self.tokens.endpoint.close()


def _by_guid(items: Iterable[Any], key: str) -> dict[str, Any]:
    """List items by their guid; an item without one is kept for the mapping to report."""
    out: dict[str, Any] = {}
    for n, item in enumerate(items):
        guid = item.get(key) if isinstance(item, Mapping) else None
        out[str(guid) if guid else f"?{n}"] = item
    return out


def _readback_result(item: Pending, states: Sequence[str]) -> WriteResult:
    """What a letter's reminders' states (draft, booked, gone) make of it."""
    if "draft" in states:
        return WriteResult(item.letter_key, item.document, StepStatus.PENDING, "draft")
    if "booked" in states:
        return WriteResult(
            item.letter_key, item.document, StepStatus.ISSUED, "booked by the accountant"
        )
    return WriteResult(
        item.letter_key,
        item.document,
        StepStatus.REJECTED,
        f"reminder draft(s) {item.document} deleted without being booked",
    )


def _stamp(item: Any) -> tuple[str, str]:
    """What tells an invoice changed: its UpdatedAt and its status (due date passing)."""
    if not isinstance(item, Mapping):
        return ("", "")
    return (str(item.get("UpdatedAt") or ""), str(item.get("Status") or ""))


def item_overdue(item: Any) -> bool:
    """Tell whether a list item has Dinero's status Overdue."""
    return mapping.invoice_status(item) == "Overdue"


def _listed(item: Any) -> tuple[Any, date]:
    """A list item with its due date (unreadable items are skipped by the caller)."""
    due = item.get("PaymentDate") if isinstance(item, Mapping) else None
    if not isinstance(due, str):
        raise MalformedResponse(
            f"invoice {item.get('Guid') if isinstance(item, Mapping) else '?'}: no PaymentDate"
        )
    return item, mapping.parse_day(due, "invoice PaymentDate")


def _only_organization(found: list[Any], tenant: str) -> str:
    ids = [str(o.get("Id")) for o in found if isinstance(o, Mapping) and o.get("Id") is not None]
    if len(ids) == 1:
        return ids[0]
    raise ConfigError(
        f"tenant {tenant!r}: the Dinero grant reaches {len(ids)} organizations; set the tenant "
        "option 'organization_id' to the one to dun"
    )


def open_session(ctx: TenantContext) -> DineroSession:
    """Open a session; a sandbox transport is not paced (it is in-process), the vendor is."""
    return DineroSession(ctx, limits=RATE_LIMITS if ctx.transport is None else ())
