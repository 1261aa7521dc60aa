"""One Tripletex company's session: read a snapshot, re-check, propose, send, read back.

Reading (strategy ``invoices``, the default): ``GET /invoice`` has no status filter and needs
a date window, so the lookback (two years by default) is read in windows of a year, pages of
1,000, with customer, remark and reminders expanded in the same call (``fields``), and
filtered locally on ``amountCurrencyOutstanding`` and ``invoiceDueDate``. Then one paged read
of our own draft orders. Nothing is read per invoice. Before the invoices, one paged read of the
open customer-ledger posts finds the payments on no invoice (prepayments: the customer's
credit). The ``openposts`` strategy takes its debtors from those posts and then reads each
debtor's invoices: fewer bytes, but one request per debtor; bench/tripletex_cycle.py measures
both.

Writing: every letter becomes a draft order (connectors/tripletex/writer.py). Review mode stops
there: the letter is pending until the accountant approves it (``dunning-bridge approve``, or
by invoicing the order in Tripletex); then, or at once in autonomous mode, the reminders are
sent with ``:createReminder``. Because that call sends at once and Tripletex has no idempotency
key, every send is preceded by a read-back (``GET /reminder?invoiceId=``): a reminder already
there is taken as sent, never sent again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import httpx
import structlog

from bridge.infra.http import build_client, stats_of
from bridge.infra.items import read_each
from bridge.infra.retry import RetryPolicy
from bridge.vocab.connector import Pending, RateLimit, TenantContext
from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    Invoice,
    Letter,
    Mode,
    Snapshot,
    StepStatus,
    WriteResult,
)
from bridge.vocab.errors import ConfigError, MalformedResponse, NotFound, RejectedRequest
from bridge.vocab.options import whole_number
from connectors.tripletex import mapping, writer
from connectors.tripletex.auth import OWN_COMPANY, TripletexAuth, oslo_today
from connectors.tripletex.client import (
    BASE_URL,
    RATE_LIMITS,
    RETRY_POLICY,
    HeaderPacedTransport,
    TripletexClient,
    status_table,
)
from connectors.tripletex.mapping import OrderInfo, ReminderInfo
from connectors.tripletex.setup import setup_checks

# The largest answer read from the API (pages of 1000 invoices with their customers expanded):
# a bigger one is refused, never read whole (bridge/infra/http.py send_bounded).
MAX_RESPONSE_BYTES = 32 * 1024 * 1024

log = structlog.get_logger("connectors.tripletex")

T = TypeVar("T")

DEFAULT_PRE_DUE_DAYS = 5
DEFAULT_LOOKBACK_DAYS = 730
DEFAULT_WINDOW_DAYS = 366
ORDER_LOOKBACK = timedelta(days=400)
# Reminders of an invoice are read from here on: before any invoice we could dun.
EPOCH = date(2000, 1, 1)
STRATEGIES = ("invoices", "openposts")
# Tasks for people (a ladder task, a credit hold): never written as an order, which can be
# invoiced to the debtor (bridge/engine/channels.py sends them by e-mail or lists them in the
# bridge).
_FOR_PEOPLE = frozenset({ActionKind.CREDIT_HOLD, ActionKind.TASK})

# The VAT types that charge no VAT, by the number Tripletex shows (the SAF-T standard tax code),
# most fitting first: 7 "no VAT treatment, no turnover under the VAT act" (a reminder fee,
# interest and compensation are no consideration for a supply), then 6 "outside the scope of
# the VAT act". The tenant option ``vat_type`` (an id) overrides both.
VAT_FREE_NUMBERS = ("7", "6")
# Letters that are proposals for a human even in autonomous mode.
_PROPOSALS = frozenset(
    {ActionKind.CREDIT_HOLD, ActionKind.HANDOVER, ActionKind.PRE_DUE_NOTICE, ActionKind.TASK}
)


class TripletexSession:
    """bridge.vocab.connector.Session for one Tripletex company."""

    def __init__(
        self,
        ctx: TenantContext,
        *,
        limits: Sequence[RateLimit] = (),
        policy: RetryPolicy = RETRY_POLICY,
        timeout: float = 30.0,
        today: Callable[[], date] = oslo_today,
    ) -> None:
        self.ctx = ctx
        options = ctx.options
        self.today = today
        self.auth = TripletexAuth(
            ctx.tenant,
            ctx.secrets,
            company_id=options.get("company_id", OWN_COMPANY).strip() or OWN_COMPANY,
            today=self._session_day,
        )
        self.paced = HeaderPacedTransport(ctx.transport or httpx.HTTPTransport())
        self.http = build_client(
            base_url=ctx.base_url or BASE_URL,
            auth=self.auth,
            transport=self.paced,
            limits=limits,
            timeout=timeout,
            limiter_key=f"tripletex:{ctx.tenant}",
            max_bytes=MAX_RESPONSE_BYTES,
        )
        self.client = TripletexClient(self.http, table=status_table(ctx.tenant), policy=policy)
        self._company_key: str | None = None  # asked once: company_key()
        self.pre_due_days = _int_option(options, "pre_due_days", DEFAULT_PRE_DUE_DAYS)
        self.lookback_days = _int_option(options, "lookback_days", DEFAULT_LOOKBACK_DAYS)
        self.window_days = max(1, _int_option(options, "window_days", DEFAULT_WINDOW_DAYS))
        self.strategy = options.get("read_strategy", "invoices").strip() or "invoices"
        if self.strategy not in STRATEGIES:
            raise ConfigError(f"tenant option 'read_strategy' must be one of {STRATEGIES}")
        self.vat_type = whole_number(options, "vat_type")
        self.company_fee = _fee_option(options)
        self.skipped: list[str] = []
        self.warnings: list[str] = []
        self._open: dict[str, Invoice] = {}
        self._reminders: dict[str, list[ReminderInfo]] = {}
        self._customers: dict[str, Customer] = {}
        self._orders: dict[str, OrderInfo] = {}
        self._currencies: dict[str, int] = {}  # currency code -> Tripletex id, from invoices
        self._vat_free: int | None = None  # looked up once, at the first order written
        self._vat_looked_up = False
        self._day: date | None = None

    def checks(self) -> list[tuple[bool, str]]:
        """What would make orders wrong (bridge.vocab.connector.SetupChecks, tripletex/setup.py)."""
        return setup_checks(self.client, self.ctx.options, VAT_FREE_NUMBERS, self._today())

    def _today(self) -> date:
        """The cycle's date once a fetch ran (a replayed day), else today in Oslo."""
        return self._day or self.today()

    def _session_day(self) -> date:
        """The day a session token's life counts from: today in Oslo, or a later cycle date.

        A session dies at midnight of its expiration date on the vendor's own clock, so a cycle
        replaying a past day still asks for a date after today; a cycle run for a later day (a
        demo or trial in the future) asks for one after that day.
        """
        return max(self.today(), self._day) if self._day is not None else self.today()

    @property
    def request_count(self) -> int:
        """How many requests this session has sent (session-token minting included)."""
        return stats_of(self.http).total

    # -- reading -------------------------------------------------------------------------------

    def company_key(self) -> str | None:
        """The company dunned: the client company the option ``company_id`` names, or for the
        token's own company the companyId ``GET /token/session/>whoAmI`` answers (asked once
        per session). None when that answer cannot be had: the tenant is then not bound.
        """
        company = self.auth.company_id
        if company != OWN_COMPANY:
            return f"tripletex:company:{company}"
        if self._company_key is None:
            try:
                self._company_key = _company(self.client.who_am_i())
            except (RejectedRequest, MalformedResponse) as exc:
                log.warning("tripletex.company_unknown", tenant=self.ctx.tenant, reason=str(exc))
                self._company_key = ""
        return self._company_key or None

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read open invoices with their customers and reminders, and our own orders."""
        del since  # GET /invoice has no changed-since filter: each cycle reads the window
        self._day = today
        self.skipped, self.warnings = [], []
        # One read of the open ledger posts: the customers' payments on no invoice (credit),
        # and for the openposts strategy the debtors whose invoices are read.
        debtors, credit = self._read_open_posts(today)
        raw = self._read_invoices(today, debtors)
        horizon = today + timedelta(days=self.pre_due_days)
        invoices: list[Invoice] = []
        customers_raw: dict[str, Any] = {}
        reminders: dict[str, list[ReminderInfo]] = {}
        for obj in raw:
            try:
                held = mapping.open_credit(obj)
                if held is not None:
                    credit[held[0]] = credit.get(held[0], ZERO) + held[1]
                    continue
                if not mapping.is_claim(obj) or mapping.is_ours(obj):
                    continue
                item = mapping.invoice(obj)
                found = mapping.invoice_reminders(obj)
            except MalformedResponse as exc:
                self._skip(f"invoice skipped: {exc}")
                continue
            if item.outstanding <= 0 or item.due_date > horizon:
                continue
            invoices.append(item)
            self._learn_currency(obj)
            reminders[item.id] = found
            embedded = mapping.embedded_customer(obj)
            if embedded is not None:
                customers_raw.setdefault(item.customer_id, embedded)
        customers = self._read_customers(customers_raw, {i.customer_id for i in invoices})
        # An open credit note or a prepayment is the customer's credit: the engine duns none of
        # its invoices.
        customers = {
            cid: replace(c, unapplied_credit=c.unapplied_credit + credit[cid])
            if cid in credit
            else c
            for cid, c in customers.items()
        }
        invoices = [i for i in invoices if self._has_customer(i, customers)]
        self._orders = {o.key: o for o in self._our_orders(today)}
        ours = self._our_reminder_ids(reminders)
        self._learn_company_fee(reminders)
        self._open = {i.id: i for i in invoices}
        self._reminders = reminders
        self._customers = customers
        vendor = [r for rs in reminders.values() for r in rs]
        steps = [
            s
            for s in mapping.reminder_steps(vendor)
            if s.document not in {f"reminder {i}" for i in ours}
        ]
        return Snapshot(
            tenant=self.ctx.tenant,
            fetched_at=datetime.now(UTC),
            customers=customers,
            invoices=tuple(sorted(invoices, key=lambda i: (i.due_date, i.id))),
            steps=tuple(steps),
        )

    def _learn_currency(self, obj: Any) -> None:
        found = mapping.currency_of(obj)
        if found is not None:
            self._currencies.setdefault(*found)

    def _windows(self, today: date) -> list[tuple[date, date]]:
        """Date windows covering the lookback, newest last; the end is exclusive (tomorrow)."""
        end = today + timedelta(days=1)
        start = end - timedelta(days=self.lookback_days)
        out = []
        while start < end:
            stop = min(end, start + timedelta(days=self.window_days))
            out.append((start, stop))
            start = stop
        return out

    def _read_open_posts(self, today: date) -> tuple[set[int], dict[str, Decimal]]:
        """The customers with open posts, and each one's payments on no invoice (one list)."""
        debtors: set[int] = set()
        credit: dict[str, Decimal] = {}
        for post in self.client.open_posts(on=today + timedelta(days=1)):
            try:
                _, customer = mapping.open_post(post)
                paid = mapping.prepayment(post)
            except MalformedResponse as exc:
                self._skip(f"open post skipped: {exc}")
                continue
            if customer is not None:
                debtors.add(customer)
            if paid is not None:
                credit[paid[0]] = credit.get(paid[0], ZERO) + paid[1]
        return debtors, credit

    def _read_invoices(self, today: date, debtors: Iterable[int]) -> list[Any]:
        if self.strategy == "invoices":
            return [
                obj
                for start, stop in self._windows(today)
                for obj in self.client.invoices(date_from=start, date_to=stop)
            ]
        end = today + timedelta(days=1)
        start = end - timedelta(days=self.lookback_days)
        return [
            obj
            for customer in sorted(debtors)
            for obj in self.client.invoices(date_from=start, date_to=end, customer=customer)
        ]

    def _read_customers(
        self, embedded: Mapping[str, Any], needed: Iterable[str]
    ) -> dict[str, Customer]:
        customers: dict[str, Customer] = {}
        for ident in sorted(set(needed)):
            obj = embedded.get(ident)
            try:
                if obj is None and ident.isdigit():
                    obj = self.client.customer(int(ident))
                customers[ident] = mapping.customer(obj, default_country=self.ctx.country)
            except (MalformedResponse, NotFound) as exc:
                self._skip(f"customer {ident} skipped: {exc}")
        return customers

    def _has_customer(self, invoice: Invoice, customers: Mapping[str, Customer]) -> bool:
        if invoice.customer_id in customers:
            return True
        self._skip(f"invoice {invoice.number} skipped: its customer could not be read")
        return False

    def _our_orders(self, today: date) -> list[OrderInfo]:
        found = self.client.orders(
            date_from=today - ORDER_LOOKBACK,
            date_to=today + timedelta(days=2),
            containing=mapping.MARKER,
        )
        return [o for o in self._each(found, mapping.order, "order") if o is not None]

    def _our_reminder_ids(self, reminders: Mapping[str, list[ReminderInfo]]) -> set[int]:
        """The reminders our own orders caused: the store already records them as our steps."""
        ours: set[int] = set()
        for order in self._orders.values():
            if order.action not in writer.REMINDER_ACTIONS:
                continue
            planned = (
                mapping.NOTICE if order.action is ActionKind.COLLECTION_WARNING else "REMINDER"
            )
            for invoice_id in order.invoice_ids:
                hits = [
                    r
                    for r in reminders.get(invoice_id, [])
                    if r.id not in ours and writer.matches(planned, r, order.order_date)
                ]
                if hits:
                    ours.add(min(hits, key=lambda r: (r.date, r.id)).id)
        return ours

    def _learn_company_fee(self, reminders: Mapping[str, list[ReminderInfo]]) -> None:
        """The fee in the company's settings: the option, else the latest fee Tripletex charged."""
        if self.company_fee is None:
            charged = [
                r
                for rs in reminders.values()
                for r in rs
                if r.charge > 0 and r.type in (mapping.SOFT_REMINDER, mapping.REMINDER)
            ]
            if charged:
                self.company_fee = max(charged, key=lambda r: (r.date, r.id)).charge

    def _each(self, items: Iterable[Any], read: Callable[[Any], T], what: str) -> list[T]:
        return read_each(items, read, what, self._skip)

    def _skip(self, reason: str) -> None:
        self.skipped.append(reason)
        log.warning("tripletex.item_skipped", tenant=self.ctx.tenant, reason=reason)

    def _warn(self, reason: str) -> None:
        self.warnings.append(reason)
        log.warning("tripletex.warning", tenant=self.ctx.tenant, reason=reason)

    # -- just before a write -------------------------------------------------------------------

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Re-read the invoices; say why a letter about one should not go now.

        Invoices the fetch saw are re-read together, in one list call by id over their
        invoice dates; any other is read on its own.
        """
        today = self._today()
        result: dict[str, str | None] = {}
        read = self._reread([i for i in invoice_ids if i in self._open])
        for invoice_id in invoice_ids:
            if not invoice_id.isdigit():
                result[invoice_id] = "not a Tripletex invoice id"
                continue
            obj = read.get(invoice_id) if invoice_id in self._open else self._read_one(invoice_id)
            if obj is None:
                result[invoice_id] = "not found in Tripletex"
                continue
            if not mapping.is_claim(obj):
                result[invoice_id] = "credited in Tripletex"
                continue
            now = mapping.invoice(obj)
            self._learn_currency(obj)
            before = self._open.get(invoice_id)
            reminders = mapping.invoice_reminders(obj)
            result[invoice_id] = _change(before, now, today)
            known = self._reminders.get(invoice_id)
            if result[invoice_id] is None and known is not None and len(reminders) > len(known):
                result[invoice_id] = "a reminder was sent from Tripletex since the fetch"
        return result

    def _reread(self, invoice_ids: Sequence[str]) -> dict[str, Any]:
        """The fetched invoices ``invoice_ids`` as Tripletex has them now, by id (one call)."""
        known = [self._open[i] for i in invoice_ids if i.isdigit()]
        if not known:
            return {}
        first = min(i.issue_date for i in known)
        last = max(i.issue_date for i in known)
        found: dict[str, Any] = {}
        for obj in self.client.invoices(
            date_from=first, date_to=last + timedelta(days=1), ids=[int(i.id) for i in known]
        ):
            if isinstance(obj, Mapping) and obj.get("id") is not None:
                found[str(obj["id"])] = obj
        return found

    def _read_one(self, invoice_id: str) -> Any:
        try:
            return self.client.invoice(int(invoice_id))
        except NotFound:
            return None

    # -- writing -------------------------------------------------------------------------------

    def find(self, letter_key: str) -> WriteResult | None:
        """Find our order by the key in it, and tell how far its letter got."""
        today = self._today()
        found = self.client.orders(
            date_from=today - ORDER_LOOKBACK,
            date_to=today + timedelta(days=2),
            containing=letter_key,
        )
        for order in self._each(found, mapping.order, "order"):
            if order is not None and order.key == letter_key:
                return self._progress(order)
        return None

    def _progress(self, order: OrderInfo) -> WriteResult:
        """Issued when everything the order stands for happened, else pending on the order."""
        if order.action in writer.REMINDER_ACTIONS:
            sent = [self._sent(order, invoice_id) for invoice_id in order.invoice_ids]
            if all(s is not None for s in sent):
                ids = ", ".join(str(s.id) for s in sent if s is not None)
                return WriteResult(order.key, f"reminder {ids}", StepStatus.ISSUED, "sent")
        elif order.closed:
            return WriteResult(
                order.key, str(order.id), StepStatus.ISSUED, f"order {order.id} carried out"
            )
        return WriteResult(
            order.key, str(order.id), StepStatus.PENDING, f"draft order {order.id} for review"
        )

    def _existing(self, invoice_id: str) -> list[ReminderInfo]:
        """Every reminder Tripletex holds for one invoice, read now (the read-back)."""
        stop = self._today() + timedelta(days=2)
        return self._each(
            self.client.reminders(invoice=int(invoice_id), date_from=EPOCH, date_to=stop),
            lambda obj: mapping.reminder(obj, invoice_id),
            "reminder",
        )

    def _sent(self, order: OrderInfo, invoice_id: str) -> ReminderInfo | None:
        planned = mapping.NOTICE if order.action is ActionKind.COLLECTION_WARNING else "REMINDER"
        hits = [
            r for r in self._existing(invoice_id) if writer.matches(planned, r, order.order_date)
        ]
        return min(hits, key=lambda r: (r.date, r.id)) if hits else None

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Write the draft order; in autonomous mode also carry it out (send the reminders)."""
        if letter.action in _FOR_PEOPLE:
            raise RejectedRequest(
                f"letter {letter.key}: a {letter.action.value} is for the creditor's own "
                "people; it is never written as an order a debtor could receive (it goes "
                "by e-mail or waits in the bridge's task list)"
            )
        body = writer.order_body(
            letter,
            text,
            company_fee=self.company_fee,
            vat_type=self._charge_vat_type(letter),
            currency_id=self._currency_id(letter.currency),
        )
        for d in letter.decisions:
            if letter.action in writer.REMINDER_ACTIONS:
                _, warning = writer.fee_on_reminder(d, self.company_fee)
                if warning:
                    self._warn(f"invoice {d.invoice_number}: {warning}")
        created = mapping.order(self.client.create_order(body))
        if created is None:
            raise MalformedResponse("Tripletex's new order does not carry our marker")
        self._orders[created.key] = created
        if self.ctx.mode is not Mode.AUTONOMOUS or letter.action in _PROPOSALS:
            return WriteResult(
                letter.key,
                str(created.id),
                StepStatus.PENDING,
                f"draft order {created.id} for review; approve with "
                f"`dunning-bridge approve {self.ctx.tenant} {letter.key}`",
            )
        return self.carry_out(created)

    def _currency_id(self, code: str) -> int | None:
        """Tripletex's id of the letter's currency, learned from the invoices read."""
        found = self._currencies.get(code)
        if found is None and code != mapping.COMPANY_CURRENCY:
            raise RejectedRequest(
                f"the {code} invoices were read without their currency id, so the charges "
                f"would be booked in {mapping.COMPANY_CURRENCY}; not written"
            )
        return found

    def _charge_vat_type(self, letter: Letter) -> int | None:
        """The VAT type of the order's lines: the option, else the company's VAT-free type.

        Without one, Tripletex adds its default VAT to the fee, interest and compensation, so a
        letter with charges is refused rather than written with VAT on top.
        """
        if self.vat_type is not None:
            return self.vat_type
        if not self._vat_looked_up:
            self._vat_free = mapping.vat_free_type(
                self.client.vat_types(VAT_FREE_NUMBERS), VAT_FREE_NUMBERS
            )
            self._vat_looked_up = True
        charged = any(
            line["unitPriceExcludingVatCurrency"] != 0
            for line in writer.order_lines(letter, company_fee=self.company_fee)
        )
        if self._vat_free is None and charged:
            raise RejectedRequest(
                "Tripletex lists no active VAT type without VAT for the charges (number "
                f"{' or '.join(VAT_FREE_NUMBERS)}), and without one it adds 25 % VAT to fees, "
                "interest and compensation: turn it on under Regnskap > Innstillinger > "
                "MVA-innstillinger, or set the tenant option 'vat_type' to the id of the VAT "
                "type to use"
            )
        return self._vat_free

    def carry_out(self, order: OrderInfo) -> WriteResult:
        """Do what an approved order stands for, reading back before every send."""
        today = self._today()
        if order.action not in writer.REMINDER_ACTIONS:
            if order.closed:
                return self._progress(order)
            if order.action is ActionKind.INTEREST_INVOICE and order.priced:
                invoiced = self.client.invoice_order(order.id, on=order.order_date, send=True)
                number = _get_number(invoiced)
                return WriteResult(
                    order.key, str(number), StepStatus.ISSUED, f"sent as invoice {number}"
                )
            self.client.close_order(order.id, order.version)
            return WriteResult(
                order.key, str(order.id), StepStatus.ISSUED, f"order {order.id} carried out"
            )
        email = self._email(order.customer_id)
        try:
            writer.dispatch(
                mapping.NOTICE
                if order.action is ActionKind.COLLECTION_WARNING
                else mapping.SOFT_REMINDER,
                email=email,
                options=self.ctx.options,
            )
        except writer.NoRecipient as exc:
            # Nothing is sent; the letter waits until the customer has an address (or the
            # tenant chooses to print), and every cycle tries again.
            return WriteResult(order.key, str(order.id), StepStatus.PENDING, str(exc))
        ids: list[str] = []
        notes: list[str] = []
        for invoice_id in order.invoice_ids:
            existing = self._existing(invoice_id)
            planned = (
                mapping.NOTICE if order.action is ActionKind.COLLECTION_WARNING else "REMINDER"
            )
            done = [r for r in existing if writer.matches(planned, r, order.order_date)]
            if done:
                ids.append(str(min(done, key=lambda r: (r.date, r.id)).id))
                notes.append(f"invoice {invoice_id}: already in Tripletex, not sent again")
                continue
            earlier = [r for r in existing if r.date < order.order_date]
            step = writer.plan(
                order.action,
                invoice_id,
                earlier,
                include_charge=invoice_id in order.charged,
                email=email,
                options=self.ctx.options,
            )
            reminder = self.client.create_reminder(
                int(invoice_id),
                kind=step.type,
                on=today,
                include_charge=step.include_charge,
                include_interest=False,
                dispatch_types=step.dispatch_types,
                # The address the connector chose; without it Tripletex uses the invoice's.
                email=email if "EMAIL" in step.dispatch_types else None,
            )
            ids.append(str(reminder))
            notes.append(
                f"invoice {invoice_id}: {step.type} by {'+'.join(step.dispatch_types)}"
                + (f" to {email}" if "EMAIL" in step.dispatch_types else "")
                + (", with the company's fee" if step.include_charge else "")
                + (
                    f"; print reminder {reminder} in Tripletex and post it today"
                    if writer.printed_by_you(step.dispatch_types)
                    else ""
                )
            )
        if not order.closed:
            if order.priced:
                # The charges the reminder could not carry go out as an invoice of their own,
                # dated the letter's day: the order's invoicesDueIn then makes it due on the
                # letter's deadline, whatever day the accountant approved it.
                invoiced = self.client.invoice_order(order.id, on=order.order_date, send=True)
                notes.append(f"charges sent as invoice {_get_number(invoiced)}")
            else:
                self.client.close_order(order.id, order.version)
        return WriteResult(
            order.key, f"reminder {', '.join(ids)}", StepStatus.ISSUED, "; ".join(notes)
        )

    def delivery_routes(self, letter: Letter, customer: Customer) -> frozenset[str]:
        """How the letter's reminders would reach the debtor: paper, e-mail or electronic."""
        return writer.routes(letter.action, email=customer.email, options=self.ctx.options)

    def _email(self, customer_id: str | None) -> str | None:
        if customer_id is None:
            return None
        known = self._customers.get(customer_id)
        if known is None and customer_id.isdigit():
            try:
                known = mapping.customer(self.client.customer(int(customer_id)))
            except (MalformedResponse, NotFound):
                return None
        return known.email if known else None

    def approve(self, item: Pending) -> WriteResult:
        """Carry out a pending proposal the accountant approved (``dunning-bridge approve``)."""
        order = self._order_of(item)
        if order is None:
            raise NotFound(
                f"draft order {item.document} of letter {item.letter_key} is gone from "
                "Tripletex; it was deleted, so there is nothing to approve"
            )
        return self.carry_out(order)

    def _order_of(self, item: Pending) -> OrderInfo | None:
        known = self._orders.get(item.letter_key)
        if known is not None:
            return known
        if not item.document.isdigit():
            return None
        try:
            order = mapping.order(self.client.order(int(item.document)))
        except NotFound:
            return None
        return order if order is not None and order.key == item.letter_key else None

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Open order -> pending; invoiced/closed by the accountant -> sent; deleted -> rejected."""
        for item in pending:
            order = self._order_of(item)
            if order is None:
                yield WriteResult(
                    item.letter_key,
                    item.document,
                    StepStatus.REJECTED,
                    f"draft order {item.document} was deleted in Tripletex",
                )
                continue
            autonomous = self.ctx.mode is Mode.AUTONOMOUS and order.action not in _PROPOSALS
            if order.closed or autonomous:
                try:
                    yield self.carry_out(order)
                except RejectedRequest as exc:
                    yield WriteResult(
                        item.letter_key,
                        item.document,
                        StepStatus.PENDING,
                        f"approved, but Tripletex refused the reminder: {exc}",
                    )
                continue
            yield WriteResult(
                item.letter_key, str(order.id), StepStatus.PENDING, f"draft order {order.id}"
            )

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Delete the letter's draft order (``DELETE /order/{id}``) before anyone approves it.

        An order carried out (its reminders sent, or closed or invoiced for a proposal) went
        out: issued. One approved in Tripletex but not yet carried out is deleted all the same.
        One already deleted: rejected.
        """
        order = self._order_of(item)
        if order is None:
            return WriteResult(
                item.letter_key,
                item.document,
                StepStatus.REJECTED,
                f"draft order {item.document} was already deleted",
            )
        if order.closed:
            done = self._progress(order)
            if done.status is StepStatus.ISSUED:
                return done
            # Closed (approved) in Tripletex, but the bridge has sent nothing yet: the next
            # reconcile would carry it out, so it goes too.
        with contextlib.suppress(NotFound):  # deleted meanwhile: gone all the same
            self.client.delete_order(order.id)
        self._orders.pop(item.letter_key, None)
        return WriteResult(
            item.letter_key, str(order.id), StepStatus.REJECTED, f"draft order {order.id} deleted"
        )

    def client_companies(self) -> list[tuple[str, str]]:
        """(company id, name) of every client an accountant's login reaches: one tenant each."""
        out = []
        for obj in self.client.client_companies():
            if isinstance(obj, dict) and isinstance(obj.get("id"), int):
                out.append((str(obj["id"]), str(obj.get("name") or obj["id"])))
        return out

    def close(self) -> None:
        """Release the HTTP client."""
        self.http.close()


def _get_number(invoice: Any) -> str:
    number = invoice.get("invoiceNumber") if isinstance(invoice, dict) else None
    ident = invoice.get("id") if isinstance(invoice, dict) else None
    return str(number if number is not None else ident)


def _change(before: Invoice | None, now: Invoice, today: date) -> str | None:
    """Say why a letter about an invoice should not go, given the invoice as it is ``now``."""
    if now.outstanding <= 0:
        return "paid"
    if before is not None and now.outstanding < before.outstanding:
        return f"payment arrived (outstanding {before.outstanding} -> {now.outstanding})"
    if now.paused_until is not None and now.paused_until >= today:
        return f"reminders postponed to {now.paused_until.isoformat()} by an invoice remark"
    return None


def _int_option(options: Mapping[str, str], name: str, default: int) -> int:
    value = whole_number(options, name)
    return default if value is None else value


def _fee_option(options: Mapping[str, str]) -> Decimal | None:
    value = options.get("reminder_fee")
    if value is None or not value.strip():
        return None
    try:
        fee = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise ConfigError(
            f"tenant option 'reminder_fee' must be an amount, not {value!r}"
        ) from None
    if not fee.is_finite() or fee < 0:
        raise ConfigError(f"tenant option 'reminder_fee' must be an amount, not {value!r}")
    return fee


def open_session(ctx: TenantContext) -> TripletexSession:
    """Open a session; a sandbox transport is not paced (it is in-process), the vendor is."""
    return TripletexSession(ctx, limits=RATE_LIMITS if ctx.transport is None else ())


def _company(who: Any) -> str:
    """``tripletex:company:N`` from whoAmI's companyId (openapi, LoggedInUserInfo): the same key
    as a tenant naming that company in ``company_id``."""
    company = who.get("companyId") if isinstance(who, Mapping) else None
    if isinstance(company, bool) or not isinstance(company, int) or company <= 0:
        raise MalformedResponse("whoAmI: no companyId")
    return f"tripletex:company:{company}"
