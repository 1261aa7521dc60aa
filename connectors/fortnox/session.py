"""One tenant's Fortnox session: read a snapshot, re-check, write letters, read them back.

Request budget of one fetch, pages of 500:

- ``filter=unpaidoverdue`` (all overdue invoices), and, for pre-due notices, ``filter=unpaid``
  of invoices issued in the last 120 days (``fromdate``);
- ``filter=fullypaid`` with ``fromfinalpaydate`` for invoices settled lately (interest after a
  late payment; ``FinalPayDate`` is the settling day);
- ``/invoicepayments`` changed within the lookback, one walk for every payment we need;
- one full read per overdue invoice for ``Reminders``/``LastRemindDate`` (the list lacks them),
  and one full read per customer for ``Type`` and ``Active`` (the list lacks those too).

The per-item reads dominate, so they are remembered for the life of the process (the daemon
runs for days): the next cycle lists what changed since the last one with ``lastmodified`` and
re-reads only those and the newly overdue. Nothing else is cached; the lists are read whole.

A page that fails fails the fetch: the tenant decides nothing from a partial view. An item that
cannot be read is skipped and logged: one bad invoice never stops the others.
"""

from __future__ import annotations

import threading
import weakref
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import structlog

from bridge.infra.http import build_client, stats_of
from bridge.infra.items import read_each, with_customer
from bridge.vocab.connector import FeedSnapshot, Pending, RateLimit, TenantContext
from bridge.vocab.domain import (
    ActionKind,
    Customer,
    Invoice,
    Letter,
    Mode,
    Snapshot,
    StepRecord,
    StepStatus,
    WriteResult,
    money,
)
from bridge.vocab.errors import (
    AuthError,
    ConfigError,
    MalformedResponse,
    NotFound,
    RejectedRequest,
    Transient,
)
from bridge.vocab.feeds import full_sweep_due
from bridge.vocab.options import whole_number
from connectors.fortnox import mapping, writer
from connectors.fortnox.auth import TOKEN_URL, FortnoxAuth, choose_route
from connectors.fortnox.client import BASE_URL, RATE_LIMITS, FortnoxClient, status_table
from connectors.fortnox.setup import setup_checks

# The largest answer read from the API (pages of at most 500 invoices):
# a bigger one is refused, never read whole (bridge/infra/http.py send_bounded).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024

log = structlog.get_logger("connectors.fortnox")

T = TypeVar("T")

DEFAULT_PRE_DUE_DAYS = 5
# Pre-due notices look at invoices issued this recently (longer terms are rare).
PRE_DUE_ISSUED_WITHIN = timedelta(days=120)
SETTLED_LOOKBACK = timedelta(days=400)
# Our clock and Fortnox's may disagree a little, and lastmodified has minutes only.
CLOCK_SKEW = timedelta(minutes=10)
# Remembered full reads older than this are read again, whatever lastmodified says.
CACHE_MAX_AGE = timedelta(days=7)
# A re-check may reuse the last look at lastmodified this young if nothing was written since.
RECHECK_REUSE = timedelta(seconds=5)
# The feed snapshot of the invoice and payment lists, and the shape of its body:
# {"unpaid": {number: list item}, "paid": {number: list item}, "payments": {number: item}}.
LISTS = "fortnox.lists"
LISTS_VERSION = 1
# The feed snapshot of our pending invoices as last seen: {"ours": {letter key: invoice}}.
READBACK = "fortnox.readback"
READBACK_VERSION = 1
# Tasks for people (a ladder task, a credit hold): never written here, where every document
# could reach the debtor (bridge/engine/channels.py sends them by e-mail or lists them in the
# bridge).
_FOR_PEOPLE = frozenset({ActionKind.CREDIT_HOLD, ActionKind.TASK})
# Letters that are proposals for a human even in autonomous mode: never booked by us.
_PROPOSALS = frozenset({ActionKind.CREDIT_HOLD, ActionKind.HANDOVER, ActionKind.TASK})
SEK = "SEK"
# The document of a booked letter that waits to be printed and posted by the company.
PRINT_PREFIX = "print:"


@dataclass(frozen=True, slots=True)
class _Lists:
    """The list items a fetch reads, from the feed snapshot (see FortnoxSession._lists)."""

    overdue: list[Any]
    recent: list[Any]
    paid: list[Any]
    payments: list[Any]


@dataclass
class _Memory:
    """What one tenant's earlier fetches read item by item, kept for the next cycle."""

    synced_at: datetime | None = None
    invoices: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # full invoices
    customers: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # full customers
    settled: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # full, paid late


# Per tenant; for a session on a given transport (a sandbox), per transport object too, so two
# emulated companies that share a tenant name never share what was read from them.
_memory: dict[str, _Memory] = {}
_memory_by_transport: weakref.WeakKeyDictionary[Any, dict[str, _Memory]] = (
    weakref.WeakKeyDictionary()
)
_memory_lock = threading.Lock()


def forget_memory() -> None:
    """Drop what earlier fetches remembered; the next fetch of every tenant reads all."""
    with _memory_lock:
        _memory.clear()
        _memory_by_transport.clear()


def _memory_of(ctx: TenantContext) -> _Memory:
    with _memory_lock:
        if ctx.transport is None:
            return _memory.setdefault(ctx.tenant, _Memory())
        per = _memory_by_transport.setdefault(ctx.transport, {})
        return per.setdefault(ctx.tenant, _Memory())


class FortnoxSession:
    """bridge.vocab.connector.Session for one Fortnox company."""

    def __init__(
        self,
        ctx: TenantContext,
        *,
        limits: Sequence[RateLimit] = (),
        timeout: float = 30.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.ctx = ctx
        options = ctx.options
        route = choose_route(ctx.secrets, options.get("auth"))
        self.auth = FortnoxAuth(
            ctx.tenant,
            ctx.secrets,
            route=route,
            token_url=options.get("token_url") or TOKEN_URL,
        )
        self.http = build_client(
            base_url=ctx.base_url or BASE_URL,
            auth=self.auth,
            transport=ctx.transport,
            limits=limits,
            timeout=timeout,
            limiter_key=f"fortnox:{ctx.tenant}",
            max_bytes=MAX_RESPONSE_BYTES,
        )
        self.client = FortnoxClient(self.http, table=status_table(ctx.tenant))
        self._company_key: str | None = None  # asked once: company_key()
        self._now = clock or (lambda: datetime.now(UTC))
        pre_due = whole_number(options, "pre_due_days")
        self.pre_due_days = DEFAULT_PRE_DUE_DAYS if pre_due is None else pre_due
        self.read_reminders = _choice(options, "vendor_reminders", ("read", "ignore"), "read")
        self.reminder_fee = _amount_option(options, "fortnox_reminder_fee")
        self.incremental = _choice(options, "incremental", ("on", "off"), "on") == "on"
        fee_account = whole_number(options, "fee_account") or 3590
        self.rows = writer.RowSettings(
            fee_account=fee_account,
            text_account=whole_number(options, "text_account") or fee_account,
            interest_account=whole_number(options, "interest_account") or 8313,
            compensation_account=whole_number(options, "compensation_account") or 3590,
            fee_article=options.get("fee_article") or None,
            interest_article=options.get("interest_article") or None,
            due_days=whole_number(options, "due_days") or 10,
        )
        # PRINT customers: the accountant prints the letter (Fortnox then shows it sent), or
        # the company posts every booked invoice itself and the bridge marks it sent.
        self.print_delivery = _choice(
            options, "print_delivery", ("accountant", "externalprint"), "accountant"
        )
        self.finans_service = _choice(
            options, "finans_service", ("REMINDER", "LEDGERBASE"), "REMINDER"
        )
        self.skipped: list[str] = []  # what the last fetch could not read or left alone
        self.left_alone: dict[str, str] = {}  # invoice -> why we do not dun it
        self._open: dict[str, Invoice] = {}
        self._settled: dict[str, Invoice] = {}
        self._customers: dict[str, Customer] = {}
        self._raw_customers: dict[str, Mapping[str, Any]] = {}
        self._memory = _memory_of(ctx)
        # Invoices changed since the fetch (lastmodified), for the re-check before writes.
        self._changes: dict[str, tuple[Invoice, str | None]] = {}
        self._changes_since: datetime | None = None
        # The invoices the list feed read as modified since its watermark (this fetch's).
        self._feed_changes: tuple[datetime, list[Any]] | None = None
        # The re-check's last look at lastmodified, and whether anything was written since.
        self._looked_at: datetime | None = None
        self._wrote_since_look = False
        # Drafts written by this session (letter key -> the created invoice), and since when;
        # the last whole read-back and this reconcile's start (READBACK).
        self._written: dict[str, Any] = {}
        self._written_since: datetime | None = None
        self._readback_at: tuple[datetime, datetime] | None = None

    @property
    def request_count(self) -> int:
        """How many requests this session has sent."""
        return stats_of(self.http).total

    def checks(self) -> list[tuple[bool, str]]:
        """What would make drafts wrong (bridge.vocab.connector.SetupChecks, fortnox/setup.py)."""
        return setup_checks(
            self.client, self.rows, self.ctx.options, self.ctx.mode, self.auth.granted_scopes()
        )

    # -- reading -------------------------------------------------------------------------------

    def company_key(self) -> str | None:
        """The Fortnox database dunned: ``GET /3/companyinformation`` answers its
        DatabaseNumber (one per Fortnox company) and OrganizationNumber.

        Asked once per session (one cycle); None when the answer cannot be had (a missing scope,
        a malformed answer): the tenant is then not bound, as before.
        """
        if self._company_key is None:
            try:
                self._company_key = _company(self.client.company_information())
            except (AuthError, RejectedRequest, MalformedResponse) as exc:
                # Without the companyinformation scope Fortnox answers 403 (read as AuthError):
                # the tenant is then not bound; a token that is truly bad fails the fetch next.
                log.warning("fortnox.company_unknown", tenant=self.ctx.tenant, reason=str(exc))
                self._company_key = ""
        return self._company_key or None

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read customers, open and lately settled invoices, payments and Fortnox's reminders."""
        self.skipped, self.left_alone = [], {}
        started = self._now()
        changed_since = self._changed_since(since, started)
        lists = self._lists(today, started)
        overdue = self._listed(
            lists.overdue if lists else self.client.invoices(filter_="unpaidoverdue"),
            "overdue invoice",
        )
        open_ = [i for i in overdue if i.outstanding > 0]
        # A negative balance (a credit note not yet used, an overpayment) is the customer's
        # credit: the engine does not dun a customer holding some (docs/holds.md).
        credit = [i for i in overdue if i.outstanding < 0]
        if self.pre_due_days > 0:
            horizon = today + timedelta(days=self.pre_due_days)
            recent = self._listed(
                lists.recent
                if lists
                else self.client.invoices(
                    filter_="unpaid", from_date=today - PRE_DUE_ISSUED_WITHIN
                ),
                "unpaid invoice",
            )
            credit.extend(
                i for i in recent if i.outstanding < 0 and i.id not in {c.id for c in credit}
            )
            known = {i.id for i in open_}
            open_.extend(
                i
                for i in recent
                if i.id not in known and i.outstanding > 0 and today < i.due_date <= horizon
            )
        paid = self._listed(
            lists.paid
            if lists
            else self.client.invoices(
                filter_="fullypaid", from_final_pay_date=today - SETTLED_LOOKBACK
            ),
            "paid invoice",
        )
        late = [i for i in paid if i.paid_date is not None and i.paid_date > i.due_date]
        settled = self._not_credited(late, changed_since)
        payments = self._each(
            lists.payments
            if lists
            else self.client.invoice_payments(modified_since=_midnight(today - SETTLED_LOOKBACK)),
            mapping.payment,
            "invoice payment",
        )
        steps = self._reminders([i for i in open_ if i.due_date < today], changed_since, today)
        customers = self._read_customers({i.customer_id for i in (*open_, *settled)}, changed_since)
        customers = _with_credit(customers, credit)
        open_ = self._with_customer(open_, customers)
        settled = self._with_customer(settled, customers)
        wanted = {i.id for i in (*open_, *settled)}
        self._open = {i.id: i for i in open_}
        self._settled = {i.id: i for i in settled}
        self._customers = customers
        self._memory.synced_at = started
        self._changes, self._changes_since = {}, started
        return Snapshot(
            tenant=self.ctx.tenant,
            fetched_at=started,
            customers=customers,
            invoices=tuple(sorted(open_, key=lambda i: (i.due_date, i.id))),
            payments=tuple(p for p in payments if p.invoice_id in wanted),
            steps=tuple(s for s in steps if s.invoice_id in wanted),
            settled=tuple(sorted(settled, key=lambda i: (i.due_date, i.id))),
        )

    def _lists(self, today: date, now: datetime) -> _Lists | None:
        """The invoice and payment lists from the tenant's feed snapshot; None: read them whole.

        A full sweep (no snapshot, another version, older than ``full_sweep_days``, or
        ``incremental=off``) reads every unpaid invoice (``filter=unpaid``, no date bound: an
        invoice issued long ago falls due without changing), the fully paid ones of the
        lookback and the payments of the lookback, and keeps them. Otherwise the invoices and
        payments Fortnox lists as modified since the watermark (less the clock skew) replace
        the kept ones: a payment, a credit, a booking or a cancellation modifies an invoice
        (Fortnox's parameters guide on ``lastmodified``). Which invoices are overdue, recent
        or settled lately is then worked out here, as Fortnox's filters do, for ``today``.
        """
        feeds = self.ctx.feeds
        if feeds is None:
            return None
        kept = feeds.load(LISTS)
        whole = not self.incremental or full_sweep_due(
            kept, version=LISTS_VERSION, now=now, options=self.ctx.options
        )
        if whole or kept is None:
            unpaid = _by_number(self.client.invoices(filter_="unpaid"), mapping.document_number)
            paid = _by_number(
                self.client.invoices(
                    filter_="fullypaid", from_final_pay_date=today - SETTLED_LOOKBACK
                ),
                mapping.document_number,
            )
            payments = _by_number(
                self.client.invoice_payments(modified_since=_midnight(today - SETTLED_LOOKBACK)),
                _payment_number,
            )
            swept_at = now
        else:
            body = kept.body
            unpaid = dict(body.get("unpaid", {}))
            paid = dict(body.get("paid", {}))
            payments = dict(body.get("payments", {}))
            since = kept.watermark - CLOCK_SKEW
            changed = list(self.client.invoices(modified_since=since))
            self._feed_changes = (since, changed)
            for item in changed:
                number = _safe(mapping.document_number, item)
                if number is None:
                    continue
                unpaid.pop(number, None)
                paid.pop(number, None)
                if _is_unpaid(item):
                    unpaid[number] = item
                elif _is_fully_paid(item):
                    paid[number] = item
            payments.update(
                _by_number(self.client.invoice_payments(modified_since=since), _payment_number)
            )
            swept_at = kept.swept_at
        # Out of the lookback: not needed again.
        first_day = (today - SETTLED_LOOKBACK).isoformat()
        paid = {n: i for n, i in paid.items() if str(i.get("FinalPayDate") or "") >= first_day}
        feeds.save(
            LISTS,
            FeedSnapshot(
                version=LISTS_VERSION,
                swept_at=swept_at,
                watermark=now,
                body={"unpaid": unpaid, "paid": paid, "payments": payments},
            ),
        )
        issued_from = (today - PRE_DUE_ISSUED_WITHIN).isoformat()
        ordered = sorted(unpaid.values(), key=lambda i: _natural(str(i.get("DocumentNumber"))))
        return _Lists(
            overdue=[i for i in ordered if str(i.get("DueDate") or "") < today.isoformat()],
            recent=[i for i in ordered if str(i.get("InvoiceDate") or "") >= issued_from],
            paid=sorted(paid.values(), key=lambda i: _natural(str(i.get("DocumentNumber")))),
            payments=list(payments.values()),
        )

    def _changed_since(self, since: datetime | None, now: datetime) -> datetime | None:
        """From when changes must be re-read; None means read every item in full."""
        memory = self._memory
        if not self.incremental or memory.synced_at is None:
            return None
        if now - memory.synced_at > CACHE_MAX_AGE:
            memory.invoices.clear()
            memory.customers.clear()
            memory.settled.clear()
            return None
        start = memory.synced_at
        if since is not None:
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
            start = min(start, since)
        return start - CLOCK_SKEW

    def _listed(self, items: Iterable[Any], what: str) -> list[Invoice]:
        """Map list items; leave alone what is not ours to dun, skip what cannot be read."""
        out: list[Invoice] = []
        for item in items:  # a page that fails raises here, outside the try
            try:
                reason = mapping.not_dunnable(item)
                mapped = mapping.invoice(item)
            except MalformedResponse as exc:
                self._skip(f"{what} skipped: {exc}")
                continue
            if reason is not None:
                self.left_alone[mapped.id] = reason
                continue
            out.append(mapped)
        return out

    def _each(self, items: Iterable[Any], read: Callable[[Any], T], what: str) -> list[T]:
        return read_each(items, read, what, self._skip)

    def _skip(self, reason: str) -> None:
        self.skipped.append(reason)
        log.warning("fortnox.item_skipped", tenant=self.ctx.tenant, reason=reason)

    def _reminders(
        self, overdue: list[Invoice], changed_since: datetime | None, today: date
    ) -> list[StepRecord]:
        """Fortnox's own reminders, from full invoices: remembered ones unless changed."""
        if self.read_reminders == "ignore" or not overdue:
            return []
        memory = self._memory.invoices
        stale = set(memory) if changed_since is None else self._changed_invoices(changed_since)
        steps: list[StepRecord] = []
        for invoice in overdue:
            full = memory.get(invoice.id)
            if full is None or invoice.id in stale:
                try:
                    full = self.client.invoice(invoice.id)
                except NotFound:
                    self._skip(f"invoice {invoice.number} skipped: gone since it was listed")
                    continue
                memory[invoice.id] = full
            try:
                steps.extend(mapping.reminders(full, fee=self.reminder_fee, fallback=today))
            except MalformedResponse as exc:
                self._skip(f"reminders of invoice {invoice.number} skipped: {exc}")
        for gone in set(memory) - {i.id for i in overdue}:
            del memory[gone]  # paid or no longer overdue: not needed again
        return steps

    def _not_credited(self, late: list[Invoice], changed_since: datetime | None) -> list[Invoice]:
        """Drop the invoices that credit, not a payment, settled: they owe no interest.

        A credited invoice is listed as fully paid on the day it was credited, and the list
        does not say it was credited; the full invoice does. Each invoice paid late is read in
        full once and remembered (a settled invoice is listed already credited, so a remembered
        read stays good; all are read again after CACHE_MAX_AGE or with ``incremental=off``).
        """
        memory = self._memory.settled
        stale = set(memory) if changed_since is None else set()
        kept: list[Invoice] = []
        for invoice in late:
            full = memory.get(invoice.id)
            if full is None or invoice.id in stale:
                try:
                    full = self.client.invoice(invoice.id)
                except NotFound:
                    continue
                memory[invoice.id] = full
            reason = mapping.credited(full)
            if reason is not None:
                self.left_alone[invoice.id] = reason
                continue
            kept.append(invoice)
        for gone in set(memory) - {i.id for i in late}:
            del memory[gone]
        return kept

    def _changed_invoices(self, since: datetime) -> set[str]:
        """Numbers of the overdue invoices changed since ``since`` (a reminder changes one)."""
        changed: Iterable[Any]
        feed = self._feed_changes
        if feed is not None and feed[0] <= since:
            # The list feed read every invoice modified since a moment no later than ``since``.
            changed = feed[1]
        else:
            changed = self.client.invoices(filter_="unpaidoverdue", modified_since=since)
        return {n for n in (_safe(mapping.document_number, item) for item in changed) if n}

    def _read_customers(self, needed: set[str], since: datetime | None) -> dict[str, Customer]:
        """Full customers for every number needed: remembered ones unless changed."""
        memory = self._memory.customers
        if since is None:
            stale = set(memory)
        else:
            listed = self.client.customers(modified_since=since)
            stale = {n for n in (_safe(mapping.customer_number, c) for c in listed) if n}
        customers: dict[str, Customer] = {}
        for number in sorted(needed, key=_natural):
            raw = memory.get(number)
            if raw is None or number in stale:
                try:
                    raw = self.client.customer(number)
                except NotFound:
                    self._skip(f"customer {number} skipped: not found in Fortnox")
                    continue
                except (ValueError, MalformedResponse) as exc:
                    self._skip(f"customer {number} skipped: {exc}")
                    continue
                memory[number] = raw
            try:
                customer = mapping.customer(
                    raw, options=self.ctx.options, default_country=self.ctx.country
                )
            except MalformedResponse as exc:
                self._skip(f"customer {number} skipped: {exc}")
                continue
            customers[customer.id] = customer
            self._raw_customers[customer.id] = raw
        return customers

    def _with_customer(
        self, invoices: list[Invoice], customers: Mapping[str, Customer]
    ) -> list[Invoice]:
        return with_customer(invoices, customers, self._skip, "customer")

    # -- just before a write -------------------------------------------------------------------

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Say why a letter should not go, from what Fortnox lists as changed since the fetch.

        One ``GET /3/invoices?lastmodified=...`` (usually one page) covers every invoice of a
        batch: a payment, a credit, a hand-over to Fortnox Finans all change an invoice and so
        its ``lastmodified`` (Fortnox's parameters guide). An invoice not listed is as the
        fetch saw it. Each call reads what changed since the previous one (less the clock
        skew), and remembers it for the rest of the cycle's batches.
        """
        result: dict[str, str | None] = {}
        self._read_changes()
        for invoice_id in invoice_ids:
            if invoice_id in self._settled:
                result[invoice_id] = None  # already paid: an interest invoice is about that
                continue
            before = self._open.get(invoice_id)
            if before is None:
                result[invoice_id] = self._recheck_unknown(invoice_id)
                continue
            now = self._changes.get(invoice_id, (before, None))
            result[invoice_id] = _change(before, now)
        return result

    def _read_changes(self) -> None:
        """Add the invoices changed since the last look (the fetch, at first) to ``_changes``."""
        if self._changes_since is None:
            return
        now = self._now()
        if (
            self._looked_at is not None
            and not self._wrote_since_look
            and now - self._looked_at < RECHECK_REUSE
        ):
            # Nothing was written since the last look, a moment ago: the batches of letters
            # the cycle decides but does not write (waiting, refused) share that answer, so a
            # write still follows a look taken after the fetch and at most RECHECK_REUSE old.
            return
        self._looked_at, self._wrote_since_look = now, False
        for item in self.client.invoices(modified_since=self._changes_since - CLOCK_SKEW):
            try:
                mapped = mapping.invoice(item)
            except MalformedResponse:
                continue
            self._changes[mapped.id] = (mapped, mapping.not_dunnable(item))
        self._changes_since = now

    def _recheck_unknown(self, invoice_id: str) -> str | None:
        """An invoice the fetch did not see: read it on its own."""
        if not invoice_id.isdigit():
            return "not found in Fortnox"
        try:
            raw = self.client.invoice(invoice_id)
        except NotFound:
            return "not found in Fortnox"
        try:
            now = mapping.invoice(raw)
        except MalformedResponse as exc:
            return f"unreadable in Fortnox: {exc}"
        return _change(now, (now, mapping.not_dunnable(raw)))

    # -- writing -------------------------------------------------------------------------------

    def find(self, letter_key: str) -> WriteResult | None:
        """Find the invoice that carries ``letter_key`` in ExternalInvoiceReference1."""
        for item in self.client.invoices(reference=letter_key):
            if mapping.reference(item) == letter_key:
                return _result_of(letter_key, item)
        return None

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Write an unbooked invoice; in autonomous mode book and send it (or hand it over)."""
        if letter.action in _FOR_PEOPLE:
            raise RejectedRequest(
                f"letter {letter.key}: a {letter.action.value} is for the creditor's own "
                "people; it is never written as an invoice a debtor could receive (it goes "
                "by e-mail or waits in the bridge's task list)"
            )
        self._wrote_since_look = True
        autonomous = self.ctx.mode is Mode.AUTONOMOUS
        refusal = None
        if autonomous and letter.action is ActionKind.HANDOVER and letter.currency == SEK:
            refusal = finans_refusal(letter)
            if refusal is None:
                return self._hand_over(letter)
        lang = self._language(letter.customer_id)
        try:
            body = writer.invoice_body(
                letter,
                text,
                settings=self.rows,
                # A view, not a copy: copying the open invoices per letter cost O(n) each.
                invoices=ChainMap(self._settled, self._open),
                lang=lang,
            )
        except writer.LetterTooLong as exc:
            raise RejectedRequest(f"letter {letter.key}: {exc}") from None
        if refusal is not None:
            inner = body["Invoice"]
            inner["Comments"] = f"{refusal}. {inner['Comments']}"[: writer.COMMENTS_MAX]
        if self._written_since is None:
            self._written_since = self._now()
        created = self.client.create_invoice(body)
        number = mapping.document_number(created)
        if not autonomous or letter.action in _PROPOSALS:
            if mapping.reference(created) == letter.key:
                self._written[letter.key] = created
            detail = f"unbooked invoice {number} for review"
            return WriteResult(
                letter.key,
                number,
                StepStatus.PENDING,
                f"{detail}; {refusal}" if refusal else detail,
            )
        return self._book_and_send(letter, number)

    def _book_and_send(self, letter: Letter, number: str) -> WriteResult:
        try:
            self.client.bookkeep(number)
        except (RejectedRequest, Transient) as exc:
            # The draft exists either way; reconcile tells later whether booking went through.
            return WriteResult(
                letter.key,
                number,
                StepStatus.PENDING,
                f"unbooked invoice {number} created; booking failed, left for review: {exc}",
            )
        raw = self._raw_customers.get(letter.customer_id)
        action, how = writer.send_action(mapping.delivery(raw) if raw else "PRINT")
        if action is None:
            return self._printed(letter, number)
        try:
            self.client.send(number, action)
        except (RejectedRequest, Transient) as exc:
            how = f"booked, but sending failed ({exc}); send it from Fortnox"
        return WriteResult(
            letter.key, number, StepStatus.ISSUED, f"booked as invoice {number}, {how}"
        )

    def _printed(self, letter: Letter, number: str) -> WriteResult:
        """A booked letter for a customer who gets printed invoices (delivery type PRINT).

        Fortnox cannot post it. By default it waits, pending, until Fortnox shows it sent (the
        accountant prints it from Fortnox, which sets Sent, or marks it sent); its document
        ``print:N`` tells reconcile to wait for that. With ``print_delivery = externalprint``
        the company posts every booked invoice itself, so the bridge marks it sent.
        """
        if self.print_delivery == "externalprint":
            try:
                self.client.mark_sent(number)
            except (RejectedRequest, Transient) as exc:
                return WriteResult(
                    letter.key,
                    f"{PRINT_PREFIX}{number}",
                    StepStatus.PENDING,
                    f"booked as invoice {number}; marking it sent failed ({exc}): print and "
                    "post it from Fortnox",
                )
            return WriteResult(
                letter.key,
                number,
                StepStatus.ISSUED,
                f"booked as invoice {number} and marked sent (externalprint): post it",
            )
        return WriteResult(
            letter.key,
            f"{PRINT_PREFIX}{number}",
            StepStatus.PENDING,
            f"booked as invoice {number}; the customer gets printed invoices: print and post "
            "it from Fortnox (the step counts once Fortnox shows it sent)",
        )

    def takes_handover(self, letter: Letter) -> bool:
        """Fortnox Finans takes SEK invoices only, and only claims on which the bridge charged
        no fee (see :func:`finans_refusal`); others go to the agency as a case file."""
        return letter.currency == SEK and finans_refusal(letter) is None

    def _hand_over(self, letter: Letter) -> WriteResult:
        """Hand the letter's invoices to Fortnox Finans (autonomous mode, SEK only)."""
        raw = self._raw_customers.get(letter.customer_id)
        method = writer.finans_send_method(mapping.delivery(raw) if raw else "PRINT")
        done: list[str] = []
        for decision in letter.decisions:
            self.client.hand_to_finans(
                decision.invoice_id, send_method=method, service=self.finans_service
            )
            done.append(decision.invoice_number)
        numbers = ", ".join(done)
        return WriteResult(
            letter.key,
            f"finans:{numbers}",
            StepStatus.ISSUED,
            f"handed to Fortnox Finans ({self.finans_service}, {method}): invoice {numbers}",
        )

    def _language(self, customer_id: str) -> str:
        known = self._customers.get(customer_id)
        for candidate in (known.language if known else None, self.ctx.options.get("language")):
            if candidate in writer.LANGUAGES:
                return candidate
        return "sv"

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Unbooked -> pending; booked with our key -> issued; deleted or cancelled -> rejected."""
        if not pending:
            return
        ours = self._kept_drafts({entry.letter_key for entry in pending})
        if ours is None:
            # Two walks instead of one search per letter: the drafts still waiting, and every
            # invoice changed since the oldest pending letter was written (booking or
            # cancelling a draft changes it). A search by key is left for what neither shows.
            ours = {}
            for item in self.client.invoices(filter_="unbooked"):
                key = mapping.reference(item)
                if key:
                    ours[key] = item
        wanted = {entry.letter_key for entry in pending} - set(ours)
        if wanted:
            oldest = min(entry.written_on for entry in pending) - timedelta(days=1)
            for item in self.client.invoices(modified_since=_midnight(oldest)):
                key = mapping.reference(item)
                if key in wanted:
                    ours[key] = item
        self._keep_drafts(ours, {entry.letter_key for entry in pending})
        for entry in pending:
            item = ours.get(entry.letter_key)
            if item is not None and entry.document.startswith(PRINT_PREFIX):
                yield _print_result(entry, item)
                continue
            if item is not None:
                yield _result_of(entry.letter_key, item)
                continue
            if entry.document.startswith("finans:"):
                yield WriteResult(entry.letter_key, entry.document, StepStatus.ISSUED)
                continue
            found = self.find(entry.letter_key)
            yield found or WriteResult(
                entry.letter_key,
                entry.document,
                StepStatus.REJECTED,
                f"unbooked invoice {entry.document} was deleted without being booked",
            )

    def _kept_drafts(self, keys: set[str]) -> dict[str, Any] | None:
        """Our invoices as last seen (READBACK), updated by what changed since; None: walk.

        Booking, cancelling or sending a draft modifies it, so ``lastmodified`` lists it; the
        others are as the last reconcile (or the write) saw them. The kept invoices are read
        whole again (the walks) after ``full_sweep_days``.
        """
        feeds = self.ctx.feeds
        kept = feeds.load(READBACK) if feeds is not None else None
        now = self._now()
        if not self.incremental or full_sweep_due(
            kept, version=READBACK_VERSION, now=now, options=self.ctx.options
        ):
            return None
        assert kept is not None  # full_sweep_due says so
        ours = {str(k): v for k, v in dict(kept.body.get("ours", {})).items() if k in keys}
        for item in self.client.invoices(modified_since=kept.watermark - CLOCK_SKEW):
            key = mapping.reference(item)
            if key in keys:
                ours[key] = item
        self._readback_at = (kept.swept_at, now)
        return ours

    def _keep_drafts(self, ours: Mapping[str, Any], keys: set[str]) -> None:
        """Keep our pending invoices as seen now, for the next reconcile."""
        feeds = self.ctx.feeds
        if feeds is None:
            return
        swept_at, now = self._readback_at or (self._now(), self._now())
        feeds.save(
            READBACK,
            FeedSnapshot(
                version=READBACK_VERSION,
                swept_at=swept_at,
                watermark=now,
                body={"ours": {k: v for k, v in ours.items() if k in keys}},
            ),
        )

    def _keep_written(self) -> None:
        """Add the invoices this session wrote to READBACK: a new draft is not read back."""
        feeds = self.ctx.feeds
        if feeds is None or not self._written:
            return
        kept = feeds.load(READBACK)
        ours: dict[str, Any] = {}
        since = self._written_since or self._now()
        swept_at, watermark = since, since
        if kept is not None and kept.version == READBACK_VERSION:
            ours = dict(kept.body.get("ours", {}))
            swept_at, watermark = kept.swept_at, min(kept.watermark, since)
        ours.update(self._written)
        feeds.save(
            READBACK,
            FeedSnapshot(
                version=READBACK_VERSION,
                swept_at=swept_at,
                watermark=watermark,
                body={"ours": ours},
            ),
        )
        self._written = {}

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Cancel the letter's unbooked invoice (``PUT /3/invoices/{n}/cancel``).

        Fortnox's API deletes no invoice: an unbooked one is cancelled, which is also how its UI
        throws a draft away. A booked one went out (issued); one cancelled already: rejected.
        """
        if item.document.startswith("finans:"):
            return WriteResult(item.letter_key, item.document, StepStatus.ISSUED)
        raw = self._ours(item)
        if raw is None:
            return WriteResult(
                item.letter_key,
                item.document,
                StepStatus.REJECTED,
                f"unbooked invoice {item.document} is gone",
            )
        state = _result_of(item.letter_key, raw)
        if state.status is not StepStatus.PENDING:
            return state
        number = mapping.document_number(raw)
        try:
            self.client.cancel(number)
        except RejectedRequest:
            # Booked or cancelled meanwhile: read it again and say which.
            again = self._ours(item)
            if again is None or _result_of(item.letter_key, again).status is StepStatus.PENDING:
                raise
            return _result_of(item.letter_key, again)
        return WriteResult(
            item.letter_key, number, StepStatus.REJECTED, f"unbooked invoice {number} cancelled"
        )

    def _ours(self, item: Pending) -> Any:
        """The invoice we wrote for the letter: by its number if it still carries our key."""
        if item.document.isdigit():
            try:
                raw = self.client.invoice(item.document)
            except NotFound:
                raw = None
            if raw is not None and mapping.reference(raw) == item.letter_key:
                return raw
        for listed in self.client.invoices(reference=item.letter_key):
            if mapping.reference(listed) == item.letter_key:
                return listed
        return None

    def close(self) -> None:
        """Keep the drafts this session wrote; release the HTTP client."""
        try:
            self._keep_written()
        finally:
            self.http.close()


def _result_of(letter_key: str, item: Any) -> WriteResult:
    number = mapping.document_number(item)
    if mapping.not_dunnable(item) == "cancelled":
        return WriteResult(letter_key, number, StepStatus.REJECTED, f"invoice {number} cancelled")
    if mapping.not_dunnable(item) == "not booked":
        return WriteResult(letter_key, number, StepStatus.PENDING, f"unbooked invoice {number}")
    return WriteResult(letter_key, number, StepStatus.ISSUED, f"booked as invoice {number}")


# The claim items that are the creditor's charges for dunning (policies/claim.py ItemKind).
_COST_ITEMS = frozenset({"fee", "compensation"})


def _with_credit(customers: dict[str, Customer], credit: list[Invoice]) -> dict[str, Customer]:
    """Add each customer's open credit (negative balances) as unapplied credit."""
    owed: dict[str, Decimal] = {}
    for item in credit:
        owed[item.customer_id] = owed.get(item.customer_id, money(0)) - item.outstanding
    return {
        cid: replace(c, unapplied_credit=c.unapplied_credit + owed[cid]) if cid in owed else c
        for cid, c in customers.items()
    }


def finans_refusal(letter: Letter) -> str | None:
    """Say why a claim must not go to Fortnox Finans; None when it may.

    Finans's services start their own reminder chain on the invoice it takes, with Finans's own
    reminder fee and, later, its own collection fee (inkassoavgift). A claim on which the
    bridge already charged a fee or a compensation (paid or not: a second reminder or
    collection fee for the same claim is what the debtor must not pay twice) stays with the
    agency's case file, where the fees charged so far are stated and not charged again. A claim
    whose charges are unknown (no claim on the decision) is handed over.
    """
    for decision in letter.decisions:
        claim = decision.claim
        if claim is None:
            continue
        if any(item.kind in _COST_ITEMS and item.charged > 0 for item in claim.items):
            return (
                f"not handed to Fortnox Finans: invoice {decision.invoice_number} already "
                "carries fees the bridge charged, and Finans would add its own reminder and "
                "collection fees on top; hand it to the agency with the case file"
            )
    return None


def _print_result(entry: Pending, item: Any) -> WriteResult:
    """A booked letter waiting to be printed: issued once Fortnox shows it sent."""
    result = _result_of(entry.letter_key, item)
    if result.status is not StepStatus.ISSUED:
        return result
    number = mapping.document_number(item)
    if mapping.sent(item):
        return WriteResult(
            entry.letter_key, number, StepStatus.ISSUED, f"invoice {number} printed and sent"
        )
    return WriteResult(
        entry.letter_key, entry.document, StepStatus.PENDING, f"invoice {number} not yet printed"
    )


def _change(before: Invoice, now: tuple[Invoice, str | None] | None) -> str | None:
    """Say why a letter about ``before`` should not go, given the invoice as it is ``now``."""
    if now is None:
        return "paid or cancelled"
    invoice, left_alone = now
    if left_alone is not None:
        return left_alone
    if invoice.outstanding <= 0:
        return "paid"
    if invoice.outstanding < before.outstanding:
        return f"payment arrived (balance {before.outstanding} -> {invoice.outstanding})"
    return None


def _is_unpaid(item: Any) -> bool:
    """What ``filter=unpaid`` lists: booked, not cancelled, with a balance (either sign)."""
    try:
        return _flag(item, "Booked") and not _flag(item, "Cancelled") and _balance(item) != 0
    except (InvalidOperation, TypeError, ValueError):
        return False


def _is_fully_paid(item: Any) -> bool:
    """What ``filter=fullypaid`` lists: booked, not cancelled, nothing left to pay."""
    try:
        return _flag(item, "Booked") and not _flag(item, "Cancelled") and _balance(item) == 0
    except (InvalidOperation, TypeError, ValueError):
        return False


def _flag(item: Any, name: str) -> bool:
    value = item.get(name) if isinstance(item, Mapping) else None
    return value is True or str(value).lower() == "true"


def _balance(item: Any) -> Decimal:
    return Decimal(str(item.get("Balance")))


def _payment_number(item: Any) -> str:
    number = item.get("Number") if isinstance(item, Mapping) else None
    if number is None:
        raise MalformedResponse("invoice payment without Number")
    return str(number)


def _by_number(items: Iterable[Any], number: Callable[[Any], str]) -> dict[str, Any]:
    """List items by their number; an item without one is left to the mapping to report."""
    out: dict[str, Any] = {}
    for n, item in enumerate(items):
        key = _safe(number, item)
        out[key if key is not None else f"?{n}"] = item
    return out


def _safe(read: Callable[[Any], str], item: Any) -> str | None:
    try:
        return read(item)
    except MalformedResponse:
        return None


def _natural(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (0, number)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _amount_option(options: Mapping[str, str], name: str) -> Decimal:
    value = options.get(name, "").strip()
    if not value:
        return money(0)
    try:
        amount = money(Decimal(value))
    except InvalidOperation:
        raise ConfigError(f"tenant option {name!r} must be an amount, not {value!r}") from None
    if amount < 0:
        raise ConfigError(f"tenant option {name!r} cannot be negative")
    return amount


def _choice(options: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = options.get(name, "").strip() or default
    if value not in allowed:
        raise ConfigError(f"tenant option {name!r} must be one of {', '.join(allowed)}")
    return value


def open_session(ctx: TenantContext) -> FortnoxSession:
    """Open a session; a sandbox transport is not paced (it is in-process), Fortnox is."""
    return FortnoxSession(ctx, limits=RATE_LIMITS if ctx.transport is None else ())


def _company(info: Mapping[str, Any]) -> str:
    """``fortnox:database:N``, or ``fortnox:organization:NNNNNN-NNNN`` when no DatabaseNumber
    is given (openapi.json, fortnox_CompanyInfo)."""
    database = info.get("DatabaseNumber")
    if isinstance(database, int) and not isinstance(database, bool) and database > 0:
        return f"fortnox:database:{database}"
    organization = info.get("OrganizationNumber")
    if isinstance(organization, str) and organization.strip():
        return f"fortnox:organization:{organization.strip()}"
    raise MalformedResponse("companyinformation: neither DatabaseNumber nor OrganizationNumber")
