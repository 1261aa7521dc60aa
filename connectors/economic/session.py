"""One tenant's e-conomic session: read a snapshot, re-check, write letters, read them back.

Request budget of one fetch (pages of 1,000): unpaid invoices, paid invoices of the last 400
days, accounting years, ledger entries of the current and previous year (payments and
e-conomic's own reminders in one filtered walk each), and customers. Nothing is read per
invoice. Customers: all of them on the first run; afterwards those changed since the last
fetch (``lastUpdated``) plus, by number, every customer an open or settled invoice names that
the changed set does not hold. So the snapshot always carries each customer it needs, fresh,
at a fraction of a full read. The employee list (the salespeople's names and e-mails) is read
once per session, and only when a customer names a salesperson.

A page that fails fails the fetch: the tenant decides nothing from a partial view. An item
that cannot be read is skipped and logged: one bad invoice never stops the others.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import structlog

from bridge.infra.http import build_client, stats_of
from bridge.infra.items import read_each, with_customer
from bridge.infra.retry import RetryPolicy
from bridge.vocab import languages
from bridge.vocab.connector import Pending, RateLimit, TenantContext
from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    Invoice,
    Letter,
    Mode,
    Payment,
    Snapshot,
    StepStatus,
    WriteResult,
    is_letter_key,
)
from bridge.vocab.errors import (
    AuthError,
    ConfigError,
    MalformedResponse,
    NotFound,
    RejectedRequest,
    Transient,
)
from bridge.vocab.options import whole_number
from connectors.economic import mapping, writer
from connectors.economic.auth import EconomicAuth
from connectors.economic.client import (
    BASE_URL,
    RATE_LIMITS,
    RETRY_POLICY,
    EconomicClient,
    status_table,
)

# The largest answer read from the API (pages of at most 1000 booked invoices, about 1.5 kB each):
# a bigger one is refused, never read whole (bridge/infra/http.py send_bounded).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024

log = structlog.get_logger("connectors.economic")

T = TypeVar("T")

DEFAULT_PRE_DUE_DAYS = 5
SETTLED_LOOKBACK = timedelta(days=400)
# Our clock and e-conomic's may disagree a little; read customers changed a bit before the cursor.
CLOCK_SKEW = timedelta(minutes=10)
# Tasks for people (a ladder task, a credit hold): never written here, where every document
# could reach the debtor (bridge/engine/channels.py sends them by e-mail or lists them in the
# bridge).
_FOR_PEOPLE = frozenset({ActionKind.CREDIT_HOLD, ActionKind.TASK})
# Letters that are proposals for a human even in autonomous mode: never booked by us.
_PROPOSALS = frozenset({ActionKind.CREDIT_HOLD, ActionKind.HANDOVER, ActionKind.TASK})


class EconomicSession:
    """bridge.vocab.connector.Session for one e-conomic agreement."""

    def __init__(
        self,
        ctx: TenantContext,
        *,
        limits: Sequence[RateLimit] = (),
        policy: RetryPolicy = RETRY_POLICY,
        timeout: float = 30.0,
    ) -> None:
        self.ctx = ctx
        self.http = build_client(
            base_url=ctx.base_url or BASE_URL,
            auth=EconomicAuth(ctx.secrets),
            transport=ctx.transport,
            limits=limits,
            timeout=timeout,
            limiter_key=f"economic:{ctx.tenant}",
            max_bytes=MAX_RESPONSE_BYTES,
        )
        self.client = EconomicClient(self.http, table=status_table(ctx.tenant), policy=policy)
        self._company_key: str | None = None  # asked once: company_key()
        pre_due = whole_number(ctx.options, "pre_due_days")
        self.pre_due_days = DEFAULT_PRE_DUE_DAYS if pre_due is None else pre_due
        self.skipped: list[str] = []  # what the last fetch could not read, for the report
        self._open: dict[str, Invoice] = {}
        self._settled: dict[str, Invoice] = {}
        self._customers: dict[str, Customer] = {}
        self._raw_customers: dict[str, Mapping[str, Any]] = {}
        # Each customer's contact for reminders, read at most once per fetch.
        self._contacts: dict[str, tuple[int, str] | None] = {}
        # The employees by number, read at most once per session (None: not read yet).
        self._employees: dict[int, mapping.Employee] | None = None
        self._draft_settings: writer.DraftSettings | None = None
        # Each customer's unpaid remainders in the base currency (None: unknown), per fetch.
        self._owed_in_base: dict[str, Decimal | None] = {}

    @property
    def request_count(self) -> int:
        """How many requests this session has sent."""
        return stats_of(self.http).total

    # -- reading -------------------------------------------------------------------------------

    def company_key(self) -> str | None:
        """The agreement dunned: ``GET /self`` answers its agreementNumber.

        Asked once per session (one cycle); None when the answer cannot be had (a missing scope,
        a malformed answer): the tenant is then not bound, as before.
        """
        if self._company_key is None:
            try:
                self._company_key = _agreement_key(self.client.agreement())
            except (RejectedRequest, MalformedResponse) as exc:
                log.warning("economic.company_unknown", tenant=self.ctx.tenant, reason=str(exc))
                self._company_key = ""
        return self._company_key or None

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read customers, open invoices, payments and e-conomic's own reminders."""
        self.skipped, self._contacts = [], {}
        horizon = today + timedelta(days=self.pre_due_days)
        raw_unpaid = list(self.client.unpaid_invoices())
        unpaid = self._each(_not_ours(raw_unpaid), mapping.invoice, "unpaid invoice")
        # Open credit notes (negative remainder) are credit the customer holds: the engine
        # then duns none of that customer's invoices until the accountant allocates it.
        open_ = [
            i for i in unpaid if i.outstanding < 0 or (i.outstanding > 0 and i.due_date <= horizon)
        ]
        # Every unpaid item, ours included: the customer's balance covers them all.
        self._owed_in_base = mapping.open_in_base(raw_unpaid)
        entries, reminders = self._ledger(today)
        paid = self._each(
            _not_ours(self.client.paid_invoices(issued_from=today - SETTLED_LOOKBACK)),
            mapping.invoice,
            "paid invoice",
        )
        owners = {i.id: i.customer_id for i in (*unpaid, *paid)}
        payments = [p for p, customer in entries if self._owned(p.invoice_id, customer, owners)]
        steps = mapping.reminder_steps(
            r
            for r in reminders
            if self._owned(r.invoice_id, r.customer, owners, by_number=not r.by_reference)
        )
        settled = _settled_late(paid, payments)
        customers = self._read_customers({i.customer_id for i in (*open_, *settled)}, since)
        open_ = self._with_customer(open_, customers)
        settled = self._with_customer(settled, customers)
        wanted = {i.id for i in (*open_, *settled)}
        self._open = {i.id: i for i in open_}
        self._settled = {i.id: i for i in settled}
        self._customers = customers
        return Snapshot(
            tenant=self.ctx.tenant,
            fetched_at=datetime.now(UTC),
            customers=customers,
            invoices=tuple(sorted(open_, key=lambda i: (i.due_date, i.id))),
            payments=tuple(p for p in payments if p.invoice_id in wanted),
            steps=tuple(s for s in steps if s.invoice_id in wanted),
            settled=tuple(sorted(settled, key=lambda i: (i.due_date, i.id))),
        )

    def _each(self, items: Iterable[Any], read: Callable[[Any], T], what: str) -> list[T]:
        return read_each(items, read, what, self._skip)

    def _skip(self, reason: str) -> None:
        self.skipped.append(reason)
        log.warning("economic.item_skipped", tenant=self.ctx.tenant, reason=reason)

    def _owned(
        self,
        invoice_id: str,
        customer: str | None,
        owners: Mapping[str, str],
        by_number: bool = False,
    ) -> bool:
        """Tell whether a ledger entry belongs to the invoice it names.

        An entry that posts to another customer than the invoice's is not about that invoice
        (a reminder's own number may equal some invoice's number). An entry named only by its
        number must also name an invoice this fetch read, of its own customer.
        """
        owner = owners.get(invoice_id)
        if owner is None:
            return not by_number  # an invoice we did not read: filtered out later anyway
        if customer is not None and customer != owner:
            self._skip(
                f"ledger entry for invoice {invoice_id} posts to customer {customer}, not to the "
                f"invoice's customer {owner}: not counted"
            )
            return False
        return not by_number or customer is not None

    def _ledger(
        self, today: date
    ) -> tuple[list[tuple[Payment, str | None]], list[mapping.ReminderEntry]]:
        """Payments and e-conomic's reminders of the current and the previous accounting year."""
        entries: list[Any] = []
        try:
            years = self._each(self.client.accounting_years(), mapping.accounting_year, "year")
            for name, _, _, link in _current_and_previous(years, today):
                entries.extend(
                    self.client.entries(
                        name, types=(mapping.ENTRY_PAYMENT, mapping.ENTRY_REMINDER), link=link
                    )
                )
        except (AuthError, NotFound) as exc:
            # Customers and invoices were read with the same tokens: the role is the problem.
            # Without the ledger, payments and e-conomic's own reminders are unknown, so the
            # tenant stops rather than dun on a partial view.
            raise AuthError(
                f"e-conomic refused the accounting years of tenant {self.ctx.tenant!r} "
                f"(status {exc.status}): the app's role on this agreement has no bookkeeping "
                "access, which the bridge needs to read payments and e-conomic's own reminders "
                "from the ledger. Install the app with a role that includes Bookkeeping (or "
                "SuperUser) and approve it again",
                status=exc.status,
                request_id=exc.request_id,
                url=exc.url,
            ) from None
        payments = self._each(
            (e for e in entries if mapping.entry_type(e) == mapping.ENTRY_PAYMENT),
            lambda e: (mapping.payment(e), mapping.entry_customer(e)),
            "payment",
        )
        reminders = self._each(
            (e for e in entries if mapping.entry_type(e) == mapping.ENTRY_REMINDER),
            mapping.reminder,
            "reminder",
        )
        return [(p, c) for p, c in payments if p is not None], reminders

    def _read_customers(self, needed: set[str], since: datetime | None) -> dict[str, Customer]:
        """Read all customers, or those changed since ``since`` plus those still missing."""
        if since is not None:
            since = (since if since.tzinfo else since.replace(tzinfo=UTC)) - CLOCK_SKEW
        raw = list(self.client.customers(updated_after=since))
        missing = needed - {str(_safe_number(c)) for c in raw}
        if since is not None and missing:
            numbers = [int(n) for n in missing if n.isdigit()]
            raw.extend(self.client.customers_numbered(numbers) if numbers else [])
        read = self._customer_reader(self._salespeople(raw))
        customers: dict[str, Customer] = {}
        for found, source in self._each(raw, lambda obj: (read(obj), obj), "customer"):
            credit = mapping.unapplied_credit(source, self._owed_in_base.get(found.id, ZERO))
            customers[found.id] = (
                replace(found, unapplied_credit=credit) if credit > ZERO else found
            )
            self._raw_customers[found.id] = source
        return customers

    def _customer_reader(
        self, employees: Mapping[int, mapping.Employee]
    ) -> Callable[[Any], Customer]:
        options, country = self.ctx.options, self.ctx.country

        def read(obj: Any) -> Customer:
            return mapping.customer(
                obj, options=options, default_country=country, employees=employees
            )

        return read

    def _salespeople(self, raw: Iterable[Any]) -> Mapping[int, mapping.Employee]:
        """The employees, read once per session and only when a customer names a salesperson.

        The salesperson only decides who gets a task, so an employee list the agreement will
        not give (the app's role may not reach it) leaves salespeople unknown instead of
        failing the fetch; a transient failure fails it like any other page.
        """
        if self._employees is not None:
            return self._employees
        if not any(mapping.salesperson_number(c) is not None for c in raw):
            return {}
        self._employees = {}
        try:
            found = self._each(self.client.employees(), mapping.employee, "employee")
        except (AuthError, RejectedRequest, MalformedResponse) as exc:
            self._skip(f"salespeople: the employee list could not be read ({exc})")
            return self._employees
        except Transient:
            self._employees = None  # the fetch fails; the next one tries again
            raise
        self._employees = {e.number: e for e in found}
        return self._employees

    def _with_customer(
        self, invoices: list[Invoice], customers: Mapping[str, Customer]
    ) -> list[Invoice]:
        return with_customer(invoices, customers, self._skip, "customer")

    # -- just before a write -------------------------------------------------------------------

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Re-read the invoices, 200 to a request; say why a letter should not go.

        One ``/invoices/unpaid?filter=bookedInvoiceNumber$in:[...]`` per 200 invoices (the
        cycle asks for a batch of letters at once): an invoice missing from the answer has no
        remainder left, one with a smaller remainder was paid in part.
        """
        result: dict[str, str | None] = {}
        wanted: dict[str, Invoice] = {}
        for invoice_id in invoice_ids:
            if invoice_id in self._settled:
                result[invoice_id] = None  # already paid: an interest note is about that
                continue
            known = self._open.get(invoice_id) or self._read_invoice(invoice_id)
            if known is None:
                result[invoice_id] = "not found in e-conomic"
                continue
            wanted[known.id] = known
        numbers = [int(i) for i in wanted if i.isdigit()]
        current = (
            {
                i.id: i
                for i in self._each(
                    self.client.unpaid_numbered(numbers), mapping.invoice, "invoice"
                )
            }
            if numbers
            else {}
        )
        for before in wanted.values():
            result[before.id] = _change(before, current.get(before.id))
        return result

    def _read_invoice(self, invoice_id: str) -> Invoice | None:
        if not invoice_id.isdigit():
            return None
        try:
            return mapping.invoice(self.client.booked_invoice(int(invoice_id)))
        except NotFound:
            return None

    # -- writing -------------------------------------------------------------------------------

    def find(self, letter_key: str) -> WriteResult | None:
        """Find the draft, or the booked invoice, that carries ``letter_key``."""
        for obj in self.client.drafts(reference=letter_key):
            if mapping.reference(obj) == letter_key:
                number = mapping.draft_number(obj)
                return WriteResult(letter_key, str(number), StepStatus.PENDING, f"draft {number}")
        return self._booked(letter_key)

    def _booked(self, letter_key: str) -> WriteResult | None:
        for obj in self.client.booked_invoices(reference=letter_key):
            if mapping.reference(obj) == letter_key:
                number = mapping.invoice_number(obj)
                return WriteResult(
                    letter_key, str(number), StepStatus.ISSUED, f"booked as invoice {number}"
                )
        return None

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Create the draft; in autonomous mode also book and send it."""
        if letter.action in _FOR_PEOPLE:
            raise RejectedRequest(
                f"letter {letter.key}: a {letter.action.value} is for the creditor's own "
                "people; it is never written as a draft invoice a debtor could receive (it goes "
                "by e-mail or waits in the bridge's task list)"
            )
        customer = self._raw_customers.get(letter.customer_id)
        if customer is None:
            customer = self.client.customer(int(letter.customer_id))
        lang = self._language(letter.customer_id, letter.action)
        try:
            body = writer.draft_body(
                letter,
                text,
                customer=customer,
                settings=self._settings(),
                # A view, not a copy: copying the open invoices per letter cost O(n) each.
                invoices=ChainMap(self._settled, self._open),
                lang=lang,
            )
        except writer.LetterTooLong as exc:
            raise RejectedRequest(f"letter {letter.key}: {exc}") from None
        contact = self._reminder_contact(letter)
        if contact is not None:
            writer.attend(body, contact[0])
        made = self._create_draft(letter, body)
        if isinstance(made, WriteResult):
            return made
        draft = made
        if self.ctx.mode is not Mode.AUTONOMOUS or letter.action in _PROPOSALS:
            return WriteResult(
                letter.key, str(draft), StepStatus.PENDING, f"draft {draft} for review"
            )
        send_by, how = writer.send_by(customer, contact[1] if contact else None)
        try:
            booked = self.client.book(draft, send_by=send_by, idempotency_key=f"{letter.key}-book")
        except (RejectedRequest, Transient) as exc:
            # The draft exists either way; reconcile tells later whether the booking went through.
            return WriteResult(
                letter.key,
                str(draft),
                StepStatus.PENDING,
                f"draft {draft} created; booking failed, left for review: {exc}",
            )
        number = mapping.invoice_number(booked)
        return WriteResult(
            letter.key, str(number), StepStatus.ISSUED, f"booked as invoice {number}, {how}"
        )

    def _create_draft(self, letter: Letter, body: dict[str, Any]) -> int | WriteResult:
        """POST the draft; when its answer is lost, read it back by key instead of posting again.

        The Idempotency-Key the request carries is documented to replay the first answer, but no
        recording shows that, so nothing relies on it: the draft is looked up by the letter's key
        in references.other. Found as a draft, its number is returned (autonomous mode books it);
        found booked, that result; not found, the error is raised and the cycle reads it back
        again at its next start (a write still in flight then shows).
        """
        try:
            return mapping.draft_number(self.client.create_draft(body, idempotency_key=letter.key))
        except (Transient, MalformedResponse):  # the request left; what it did is unknown
            found = self.find(letter.key)
            if found is None:
                raise
            log.info("economic.draft_read_back", tenant=self.ctx.tenant, letter=letter.key)
        if found.status is StepStatus.PENDING and found.document.isdigit():
            return int(found.document)
        return found

    def _reminder_contact(self, letter: Letter) -> tuple[int, str] | None:
        """The customer's contact person ticked for reminder e-mails (one read per customer).

        Letters for the tenant's own people (tasks, proposals) go to no contact. A contact
        list e-conomic will not give (the app's role) leaves the draft to the customer.
        """
        if letter.action in _PROPOSALS or not letter.customer_id.isdigit():
            return None
        if letter.customer_id in self._contacts:
            return self._contacts[letter.customer_id]
        try:
            found = mapping.reminder_contact(self.client.contacts(int(letter.customer_id)))
        except (AuthError, NotFound) as exc:
            log.warning("economic.contacts_unreadable", tenant=self.ctx.tenant, reason=str(exc))
            return None
        self._contacts[letter.customer_id] = found  # one read per customer and fetch
        return found

    def _language(self, customer_id: str, action: ActionKind | None = None) -> str:
        """The language of the draft's heading and lines, chosen as the letter's own is.

        The customer's language, else the tenant's (the option ``language``, else its
        country's); documents for the tenant's own people (tasks, proposals) in the tenant's.
        """
        tenant = languages.tenant_language(self.ctx.country, self.ctx.options)
        known = self._customers.get(customer_id)
        if action in languages.INTERNAL_ACTIONS or known is None:
            lang = tenant
        else:
            lang = languages.language_for(known, tenant)
        return lang if lang in writer.LANGUAGES else "en"

    def _settings(self) -> writer.DraftSettings:
        """The layout, payment terms and products drafts use: options, else e-conomic's first."""
        if self._draft_settings is not None:
            return self._draft_settings
        options = self.ctx.options
        layout = whole_number(options, "layout")
        if layout is None:
            first = next(iter(self.client.layouts()), None)
            if first is None:
                raise ConfigError("e-conomic has no invoice layout; set the tenant option 'layout'")
            layout = mapping.layout_number(first)
        terms = [mapping.payment_terms(t) for t in self.client.payment_terms()]
        wanted = whole_number(options, "payment_terms")
        chosen = writer.choose_terms(terms, wanted)
        fee = options.get("fee_product", "RYK")
        self._draft_settings = writer.DraftSettings(
            layout=layout,
            payment_terms=chosen[0],
            payment_terms_type=chosen[1],
            fee_product=fee,
            info_product=options.get("info_product", fee),
            interest_product=options.get("interest_product", "RENTE"),
            compensation_product=options.get("compensation_product", "KOMP"),
        )
        return self._draft_settings

    def checks(self) -> list[tuple[bool, str]]:
        """What would make drafts wrong (bridge.vocab.connector.SetupChecks, economic/setup.py)."""
        from connectors.economic.setup import setup_checks  # noqa: PLC0415 (it imports us)

        return setup_checks(self.client, self.ctx.options, writer.choose_terms)

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Still a draft -> pending; booked with our key -> issued; gone -> rejected."""
        if not pending:
            return
        drafts = self._each(
            self.client.drafts(), lambda o: (mapping.draft_number(o), mapping.reference(o)), "draft"
        )
        by_key = {key: number for number, key in drafts if key}
        unlabelled = {number for number, key in drafts if not key}
        for item in pending:
            draft = by_key.get(item.letter_key)
            if draft is None and item.document.isdigit() and int(item.document) in unlabelled:
                # A draft the accountant kept but whose reference was cleared is still ours.
                draft = int(item.document)
            if draft is not None:
                yield WriteResult(item.letter_key, str(draft), StepStatus.PENDING, f"draft {draft}")
                continue
            booked = self._booked(item.letter_key)
            yield booked or WriteResult(
                item.letter_key,
                item.document,
                StepStatus.REJECTED,
                f"draft {item.document} was deleted without being booked",
            )

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Delete the letter's draft invoice (``DELETE /invoices/drafts/{n}``) before it is booked.

        A draft already booked is an invoice that went out: issued. One already gone: rejected.
        """
        draft = self._draft_of(item)
        if draft is not None:
            try:
                self.client.delete_draft(draft)
            except NotFound:
                pass  # gone meanwhile: booked or deleted, told below
            else:
                return WriteResult(
                    item.letter_key, str(draft), StepStatus.REJECTED, f"draft {draft} deleted"
                )
        booked = self._booked(item.letter_key)
        return booked or WriteResult(
            item.letter_key,
            item.document,
            StepStatus.REJECTED,
            f"draft {item.document} was already deleted",
        )

    def _draft_of(self, item: Pending) -> int | None:
        """The draft that carries the letter: by its key, else by its number (reference cleared)."""
        for obj in self.client.drafts(reference=item.letter_key):
            if mapping.reference(obj) == item.letter_key:
                return mapping.draft_number(obj)
        if not item.document.isdigit():
            return None
        try:
            obj = self.client.draft(int(item.document))
        except NotFound:
            return None
        ours = mapping.reference(obj) in (None, item.letter_key)
        return mapping.draft_number(obj) if ours else None

    def close(self) -> None:
        """Release the HTTP client."""
        self.http.close()


def _not_ours(items: Iterable[Any]) -> Iterator[Any]:
    """Leave out the fee and interest invoices we wrote: they belong to the original claim,
    and dunning them would charge fees on fees."""
    for item in items:
        if not is_letter_key(mapping.reference(item)):
            yield item


def _safe_number(obj: Any) -> int | None:
    try:
        return mapping.customer_number(obj)
    except MalformedResponse:
        return None


def _change(before: Invoice, now: Invoice | None) -> str | None:
    """Say why a letter about ``before`` should not go, given the invoice as it is ``now``."""
    if now is None or now.outstanding <= 0:
        return "paid"
    if now.outstanding < before.outstanding:
        return f"payment arrived (remainder {before.outstanding} -> {now.outstanding})"
    return None


def _settled_late(paid: Iterable[Invoice], payments: Iterable[Payment]) -> list[Invoice]:
    """Paid invoices whose last payment came after the due date, with that date."""
    last: dict[str, date] = {}
    for p in payments:
        last[p.invoice_id] = max(p.date, last.get(p.invoice_id, p.date))
    return [
        replace(i, paid_date=last[i.id]) for i in paid if i.id in last and last[i.id] > i.due_date
    ]


def _current_and_previous(
    years: Iterable[tuple[str, date, date, str | None]], today: date
) -> list[tuple[str, date, date, str | None]]:
    """The accounting year that holds ``today`` (else the latest begun) and the one before."""
    begun = sorted((y for y in years if y[1] <= today), key=lambda y: y[1])
    return begun[-2:]


def open_session(ctx: TenantContext) -> EconomicSession:
    """Open a session; a sandbox transport is not paced (it is in-process), the vendor is."""
    return EconomicSession(ctx, limits=RATE_LIMITS if ctx.transport is None else ())


def _agreement_key(body: Any) -> str:
    """``economic:agreement:N`` from ``GET /self`` (fixtures/traels-it/self.json)."""
    number = body.get("agreementNumber") if isinstance(body, Mapping) else None
    if isinstance(number, bool) or not isinstance(number, int | str) or not str(number).isdigit():
        raise MalformedResponse("GET /self: no agreementNumber")
    return f"economic:agreement:{int(number)}"
