"""The state store: one database connection behind one lock, and the API the cycle and CLI use.

The database is a SQLite file (the default) or a PostgreSQL server (several daemons sharing
the tenants, bridge/store/pg.py); the API and the schema are the same on both. Each mutating
call is one transaction that also appends its audit row, so the audit log and the state never
disagree. Calls may come from several threads (the daemon runs tenants in a pool); they are
serialised by the store's lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from bridge.store import (
    audit,
    db,
    disputes,
    feeds,
    holds,
    leases,
    lock,
    mail,
    outbox,
    pg,
    review,
    runs,
    tenants,
    tokens,
)
from bridge.store.audit import AuditRow
from bridge.store.leases import Lease
from bridge.store.mail import HandoverRow, MailRow
from bridge.store.outbox import OutboxLetter
from bridge.store.review import KnownInvoice, TaskRow, WithdrawalRow
from bridge.store.runs import RunRow
from bridge.store.tenants import TenantRow
from bridge.store.tokens import TokenRow
from bridge.vocab.connector import FeedSnapshot, Pending
from bridge.vocab.domain import (
    ActionKind,
    Dispute,
    Hold,
    Instalment,
    Invoice,
    Letter,
    Promise,
    StepRecord,
    StepStatus,
    WriteResult,
)
from bridge.vocab.dsn import DatabaseUrl, database_target
from bridge.vocab.errors import StoreError

# How long a refresh waits for another daemon's refresh of the same grant: longer than a token
# request may take with its retries (connectors/*/auth.py), short enough to fail the cycle
# cleanly if a holder hangs.
TOKEN_LOCK_WAIT = timedelta(seconds=90)


class Store:
    """The bridge's durable state: runs, cursors, the outbox, disputes and the audit log."""

    def __init__(self, conn: sqlite3.Connection | pg.PgConnection, path: str) -> None:
        self._conn: sqlite3.Connection | pg.PgConnection | None = conn
        self._path = path
        self._lock = threading.RLock()
        # What known_invoices holds per tenant, so a cycle writes only what changed.
        self._known: dict[str, set[review.Known]] = {}
        # One refresh per grant among this store's threads; daemons exclude each other in the
        # database (PostgreSQL) or by a file lock (SQLite), see token_lock.
        self._token_locks: dict[tuple[str, str], threading.Lock] = {}

    @property
    def path(self) -> str:
        """The database file (or ":memory:"); for PostgreSQL its URL, password masked."""
        return self._path

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "postgresql" if isinstance(self._conn, pg.PgConnection) else "sqlite"

    @property
    def is_file(self) -> bool:
        """Tell whether the database is a local file (things may be kept next to it)."""
        return self.backend == "sqlite" and self._path != db.MEMORY

    @property
    def shared(self) -> bool:
        """Tell whether several daemons may share this database (by leasing tenants)."""
        return self.backend == "postgresql"

    def close(self) -> None:
        """Close the connection; later calls raise StoreError. Closing twice is harmless."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[db.Connection]:
        with self._lock:
            if self._conn is None:
                raise StoreError("the store is closed")
            if isinstance(self._conn, pg.PgConnection):
                self._conn.revive()
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"state database error: {exc}") from exc

    @contextmanager
    def _write(self) -> Iterator[db.Connection]:
        with self._lock:
            if self._conn is None:
                raise StoreError("the store is closed")
            if isinstance(self._conn, pg.PgConnection):
                with self._conn.transaction() as conn:
                    yield conn
            else:
                with db.transaction(self._conn) as sqlite_conn:
                    yield sqlite_conn

    @contextmanager
    def exclusive(self, owner: str, *, shared: bool = False) -> Iterator[None]:
        """Hold the database for this process, or raise StoreLocked naming the holder.

        On a file database the hold is always exclusive: one daemon per file. On PostgreSQL
        ``shared`` holders (daemons, which lease tenants among themselves) may hold it
        together, while a plain hold (a manual cycle, approvals) waits for none of them and
        keeps them all out, as the file lock does.
        """
        if isinstance(self._conn, pg.PgConnection):
            with self._lock:
                self._conn.take(owner, shared=shared)
            try:
                yield
            finally:
                with self._lock:
                    if self._conn is not None:
                        self._conn.give_back()
            return
        if self._path == db.MEMORY:
            # Nobody else can reach an in-memory database.
            yield
            return
        with lock.hold(self._path, owner):
            yield

    # runs

    def start_run(self, tenant: str, *, dry_run: bool, started_at: datetime) -> int:
        """Record the start of a cycle run and return its id."""
        with self._write() as conn:
            return runs.start(conn, tenant, dry_run=dry_run, started_at=started_at)

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        finished_at: datetime,
        summary: Mapping[str, Any],
        error: str | None = None,
    ) -> None:
        """Record how a run ended."""
        with self._write() as conn:
            runs.finish(
                conn, run_id, status=status, finished_at=finished_at, summary=summary, error=error
            )

    def runs(self, tenant: str | None = None, limit: int = 20) -> list[RunRow]:
        """Return recent runs, newest first."""
        with self._read() as conn:
            return runs.recent(conn, tenant, limit)

    # cursors

    def cursor(self, tenant: str, name: str) -> str | None:
        """Return an incremental-sync cursor, None when never set."""
        with self._read() as conn:
            return tenants.cursor(conn, tenant, name)

    def set_cursor(self, tenant: str, name: str, value: str) -> None:
        """Set an incremental-sync cursor."""
        with self._write() as conn:
            tenants.set_cursor(conn, tenant, name, value, datetime.now(UTC))

    # feed snapshots: a connector's last full read of a tenant's lists (bridge/store/feeds.py)

    def feed_snapshot(self, tenant: str, name: str) -> FeedSnapshot | None:
        """Return the tenant's feed snapshot ``name``; None when none is kept."""
        with self._read() as conn:
            return feeds.load(conn, tenant, name)

    def save_feed_snapshot(self, tenant: str, name: str, snapshot: FeedSnapshot) -> None:
        """Keep the tenant's feed snapshot ``name``."""
        with self._write() as conn:
            feeds.save(conn, tenant, name, snapshot)

    # requests against a vendor's daily budget (bridge/infra/budget.py)

    def log_requests(self, tenant: str, requests: int, *, at: datetime) -> None:
        """Record the requests one cycle of the tenant sent."""
        with self._write() as conn:
            tenants.log_requests(conn, tenant, requests, at)

    def requests_since(self, tenant: str, since: datetime) -> int:
        """The requests the tenant's cycles sent from ``since`` on."""
        with self._read() as conn:
            return tenants.requests_since(conn, tenant, since)

    def budget_frees_at(self, tenant: str, now: datetime) -> datetime | None:
        """When the oldest request still inside the last 24 hours leaves them; None if none."""
        with self._read() as conn:
            oldest = tenants.oldest_request_since(conn, tenant, now - timedelta(hours=24))
        return oldest + timedelta(hours=24) if oldest is not None else None

    # outbox

    def intend(self, letter: Letter, text: str, *, at: datetime) -> bool:
        """Claim the letter's decisions before writing it; False when any is already claimed."""
        with self._write() as conn:
            return outbox.intend(conn, letter, text, at)

    def done(self, letter_key: str, result: WriteResult, *, at: datetime) -> None:
        """Record the vendor's answer for an intended letter (pending draft or issued)."""
        with self._write() as conn:
            outbox.done(conn, letter_key, result, at)

    def cancel(self, letter_key: str, reason: str, *, at: datetime) -> None:
        """Give up an intended letter that was not written; its decisions are freed."""
        with self._write() as conn:
            outbox.cancel(conn, letter_key, reason, at)

    def attempt(self, letter_key: str, *, at: datetime) -> None:
        """Note that an intended letter's request is about to leave the process."""
        with self._write() as conn:
            outbox.attempt(conn, letter_key, at)

    def unconfirm(self, letter_key: str, reason: str, *, at: datetime) -> bool:
        """Hand an intended letter whose outcome cannot be read back to the accountant."""
        with self._write() as conn:
            return outbox.unconfirm(conn, letter_key, reason, at)

    def found_rejected(self, letter_key: str, result: WriteResult, *, at: datetime) -> None:
        """Record an interrupted letter the read-back found cancelled by the accountant."""
        with self._write() as conn:
            outbox.found_rejected(conn, letter_key, result, at)

    def supersede(self, letter_key: str, reason: str, *, at: datetime) -> None:
        """Close an unconfirmed letter as rejected: its next step is due."""
        with self._write() as conn:
            outbox.supersede(conn, letter_key, reason, at)

    def unconfirmed(self, tenant: str) -> list[OutboxLetter]:
        """Return the letters waiting for the accountant's word, oldest first."""
        with self._read() as conn:
            return outbox.unconfirmed(conn, tenant)

    def unconfirmed_mail(self, tenant: str) -> list[MailRow]:
        """Return e-mails left ``sending`` whose letter is settled or that have none (a task
        or withdrawal notice, a case's copy to the agency): settled alone by `confirm`."""
        held = {r.letter.key for r in self.unconfirmed(tenant)}
        return [
            m
            for m in self.mails(tenant)
            if m.state == mail.SENDING
            and m.key not in held
            and m.key.removesuffix("-case") not in held
        ]

    def confirm(
        self, tenant: str, key: str, verdict: str, *, at: datetime, note: str = ""
    ) -> tuple[str, str]:
        """Record the accountant's word on an unconfirmed letter or e-mail.

        Return (what, new state): ``letter`` with the letter's state, or ``mail`` with the
        e-mail's. A letter's e-mails still ``sending`` are settled with it (sent, or failed so
        a later cycle may send them again); an e-mail of its own (a task or withdrawal notice,
        a case's copy to the agency) is settled alone. One transaction.
        """
        with self._write() as conn:
            row = outbox.find(conn, key)
            mails = [
                m
                for m in (mail.find(conn, tenant, key), mail.find(conn, tenant, f"{key}-case"))
                if m is not None and m.state == mail.SENDING
            ]
            said = {outbox.SENT: "sent", outbox.NOT_SENT: "not sent"}
            if row is not None and row.letter.tenant == tenant and row.unconfirmed:
                if mails and verdict == outbox.REJECTED_BY_ACCOUNTANT:
                    raise StoreError(
                        f"letter {key} went by e-mail: it was sent or not, there is no draft to "
                        "reject (use --sent or --not-sent)"
                    )
                if verdict == outbox.NOT_SENT and _resent(row, mails):
                    # A task for the tenant's own people is not decided again (its trigger
                    # was the day its step was reached): the same e-mail goes once more.
                    state = outbox.retry(conn, key, at, note=note)
                    mail.settle(
                        conn, tenant, key, state=mail.FAILED, detail=mail.RESEND_ASKED, at=at
                    )
                    return "letter", state
                document = mails[0].message_id if mails and verdict == outbox.SENT else None
                state = outbox.confirm(conn, key, verdict, at, document=document, note=note)
                for m in mails:
                    mail.settle(
                        conn,
                        tenant,
                        m.key,
                        state=mail.SENT if verdict == outbox.SENT else mail.FAILED,
                        detail=f"confirmed by the accountant: {said[verdict]}",
                        at=at,
                    )
                return "letter", state
            if len(mails) == 1 and mails[0].key == key:
                if verdict not in said:
                    raise StoreError(f"e-mail {key} was sent or not (use --sent or --not-sent)")
                state = mail.SENT if verdict == outbox.SENT else mail.FAILED
                detail = f"confirmed by the accountant: {said[verdict]}"
                mail.settle(
                    conn,
                    tenant,
                    key,
                    state=state,
                    detail=detail + (f" ({note})" if note else ""),
                    at=at,
                )
                return "mail", state
            raise StoreError(
                f"nothing of tenant {tenant} waits for confirmation under {key} "
                "(`dunning-bridge pending` lists what does)"
            )

    def refused(self, letter: Letter, text: str) -> str | None:
        """Why the vendor refused this same letter today (None: not refused, try it)."""
        with self._read() as conn:
            return outbox.refused(conn, letter, text)

    def unresolved(self, tenant: str) -> list[OutboxLetter]:
        """Return intended letters whose outcome is unknown, oldest first."""
        with self._read() as conn:
            return outbox.unresolved(conn, tenant)

    def pending(self, tenant: str) -> list[Pending]:
        """Return drafts waiting for the accountant, oldest first."""
        with self._read() as conn:
            return outbox.pending(conn, tenant)

    def settle(
        self, letter_key: str, status: StepStatus, *, at: datetime, document: str | None = None
    ) -> None:
        """Reconcile a pending letter to issued or rejected (repeating a settle is harmless).

        A letter the bridge set out to withdraw is recorded as withdrawn when its draft is gone
        (read back after a crash between the vendor's answer and our record), or as booked.
        """
        with self._write() as conn:
            if status is not StepStatus.PENDING:
                asked = review.withdrawal(conn, letter_key)
                if asked is not None and asked.state in review.OPEN:
                    answer = WriteResult(letter_key, document or "", status, "")
                    review.withdrawal_done(conn, answer, at)
                    return
            outbox.settle(conn, letter_key, status, at, document)

    def history(self, tenant: str, invoice_id: str | None = None) -> list[StepRecord]:
        """Return the steps of every letter not cancelled, one per decision, by date."""
        with self._read() as conn:
            return outbox.history(conn, tenant, invoice_id)

    def letter(self, letter_key: str) -> OutboxLetter | None:
        """Return the newest outbox row for a letter key."""
        with self._read() as conn:
            return outbox.find(conn, letter_key)

    def letters(
        self,
        tenant: str | None = None,
        *,
        states: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[OutboxLetter]:
        """Return outbox letters newest first, optionally by tenant and state."""
        with self._read() as conn:
            return outbox.listing(conn, tenant, states, limit)

    # disputes

    def set_dispute(
        self,
        tenant: str,
        invoice_id: str,
        *,
        start: date,
        end: date | None,
        note: str,
        at: datetime,
    ) -> None:
        """Record a dispute period, or update (e.g. end) the one that began on ``start``."""
        with self._write() as conn:
            disputes.set_dispute(conn, tenant, invoice_id, start=start, end=end, note=note, at=at)

    def disputes(self, tenant: str) -> list[Dispute]:
        """Return the tenant's dispute periods."""
        with self._read() as conn:
            return disputes.disputes(conn, tenant)

    # holds and promises (migration 003)

    def set_hold(
        self,
        tenant: str,
        invoice_id: str,
        *,
        today: date,
        until: date | None,
        reason: str,
        at: datetime,
    ) -> Hold:
        """Put an invoice on hold from today (or change the open hold's end and reason)."""
        with self._write() as conn:
            return holds.set_hold(
                conn, tenant, invoice_id, today=today, until=until, reason=reason, at=at
            )

    def lift_hold(self, tenant: str, invoice_id: str, *, today: date, at: datetime) -> bool:
        """Lift the open hold on an invoice from today on; False when there was none."""
        with self._write() as conn:
            return holds.lift_hold(conn, tenant, invoice_id, today=today, at=at)

    def holds(self, tenant: str) -> list[Hold]:
        """Return the tenant's holds, lifted ones too."""
        with self._read() as conn:
            return holds.holds(conn, tenant)

    def add_promise(
        self,
        tenant: str,
        *,
        customer_id: str | None,
        invoice_id: str | None,
        made_on: date,
        currency: str,
        instalments: Sequence[Instalment],
        note: str = "",
        at: datetime,
    ) -> Promise:
        """Record a promise to pay or a payment plan."""
        with self._write() as conn:
            return holds.add_promise(
                conn,
                tenant,
                customer_id=customer_id,
                invoice_id=invoice_id,
                made_on=made_on,
                currency=currency,
                instalments=instalments,
                note=note,
                at=at,
            )

    def end_promise(self, tenant: str, promise_id: str, *, today: date, at: datetime) -> bool:
        """Withdraw a promise from today on; False when no such open promise exists."""
        with self._write() as conn:
            return holds.end_promise(conn, tenant, promise_id, today=today, at=at)

    def promises(self, tenant: str) -> list[Promise]:
        """Return the tenant's promises, ended ones too."""
        with self._read() as conn:
            return holds.promises(conn, tenant)

    # the review loop (migration 006): withdrawals, tasks, known invoices

    def intend_withdrawal(self, letter_key: str, reason: str, *, at: datetime) -> bool:
        """Record the intent to withdraw a pending letter's draft; False when nothing is to do."""
        with self._write() as conn:
            return review.intend_withdrawal(conn, letter_key, reason, at)

    def withdrawal_done(self, result: WriteResult, *, at: datetime) -> str:
        """Record the system's answer to a withdrawal; return withdrawn, marked or booked."""
        with self._write() as conn:
            return review.withdrawal_done(conn, result, at)

    def withdrawal(self, letter_key: str) -> WithdrawalRow | None:
        """The withdrawal asked for the letter, None when none."""
        with self._read() as conn:
            return review.withdrawal(conn, letter_key)

    def withdrawals(
        self, tenant: str | None = None, *, states: Collection[str] | None = None
    ) -> list[WithdrawalRow]:
        """Withdrawals newest first, by tenant and state."""
        with self._read() as conn:
            return review.withdrawals(conn, tenant, states)

    def add_task(self, letter: Letter, subject: str, body: str, *, at: datetime) -> bool:
        """List a task in the bridge once; False when it is listed already."""
        with self._write() as conn:
            return review.add_task(conn, letter, subject, body, at)

    def task(self, tenant: str, letter_key: str) -> TaskRow | None:
        """The task listed under a letter key, None when none."""
        with self._read() as conn:
            return review.task(conn, tenant, letter_key)

    def tasks(self, tenant: str | None = None, *, open_only: bool = True) -> list[TaskRow]:
        """Tasks waiting in the bridge (all of them with ``open_only=False``), oldest first."""
        with self._read() as conn:
            return review.tasks(conn, tenant, open_only=open_only)

    def task_done(self, tenant: str, letter_key: str, *, note: str = "", at: datetime) -> bool:
        """Mark a listed task done; False when it was done already."""
        with self._write() as conn:
            return review.task_done(conn, tenant, letter_key, note, at)

    def remember_invoices(self, tenant: str, invoices: Sequence[Invoice], *, at: datetime) -> None:
        """Record the invoices a cycle read, so commands can tell a known invoice."""
        with self._write() as conn:
            self._known[tenant] = review.remember_invoices(
                conn, tenant, invoices, at, self._known.get(tenant)
            )

    def known_invoices(self, tenant: str, ref: str) -> list[KnownInvoice]:
        """The known invoices an id or number names (empty: none)."""
        with self._read() as conn:
            return review.known_invoices(conn, tenant, ref)

    def knows_customer(self, tenant: str, customer_id: str) -> bool:
        """Tell whether a cycle read an invoice of the customer."""
        with self._read() as conn:
            return review.knows_customer(conn, tenant, customer_id)

    def invoices_seen(self, tenant: str) -> int:
        """How many invoices the tenant's cycles have read (0: none yet)."""
        with self._read() as conn:
            return review.invoices_seen(conn, tenant)

    # rotating tokens (migration 010; bridge/engine/shared_tokens.py seals and opens them)

    @contextmanager
    def token_lock(
        self, tenant: str, credential: str, *, wait: timedelta = TOKEN_LOCK_WAIT
    ) -> Iterator[None]:
        """Hold the lock of one tenant's grant while it is refreshed, across every daemon.

        PostgreSQL: a session advisory lock on a connection of its own. A SQLite file: an
        ``flock`` on ``<db>.tokens.lock`` (one daemon per file, but a CLI command may refresh
        beside it). Either is released by the operating system or the server when its holder
        dies, so a killed daemon never blocks the next. The rows are read and written in short
        transactions while it is held, never one long transaction across the vendor's answer.
        """
        with self._lock:
            local = self._token_locks.setdefault((tenant, credential), threading.Lock())
        seconds = wait.total_seconds()
        if not local.acquire(timeout=seconds):
            raise StoreError(f"the token refresh of {tenant!r} waited over {seconds:.0f} s")
        try:
            conn = self._conn
            if isinstance(conn, pg.PgConnection):
                with pg.held(conn.url, f"tokens/{tenant}/{credential}", wait=seconds):
                    yield
            elif self._path != db.MEMORY:
                with lock.waiting(Path(f"{self._path}.tokens.lock"), wait=seconds):
                    yield
            else:
                yield
        finally:
            local.release()

    def token_row(self, tenant: str, credential: str) -> TokenRow | None:
        """The sealed tokens of a tenant's grant, None when none are stored."""
        with self._read() as conn:
            return tokens.read(conn, tenant, credential)

    def put_tokens(
        self,
        tenant: str,
        credential: str,
        *,
        sealed: str,
        key_id: str,
        at: datetime,
        event: str | None = None,
    ) -> int:
        """Store a grant's new sealed tokens (clearing any intent); return the row's version.

        ``event`` (a consent, a move from the keyring) is audited; a rotation is not, as it
        happens every hour and says nothing a person acts on.
        """
        with self._write() as conn:
            version = tokens.put(conn, tenant, credential, sealed=sealed, key_id=key_id, at=at)
            if event is not None:
                audit.write(conn, tenant, event, at, {"credential": credential, "version": version})
            return version

    def reseal_tokens(
        self, reseal: Callable[[TokenRow], tuple[str, str] | None], *, at: datetime
    ) -> int:
        """Re-seal every stored grant in one transaction; return how many rows changed.

        ``reseal`` gives a row's new sealed text and key id, or None to leave it. An error
        from it (a row no key opens) rolls every row back. Each changed row is audited.
        """
        with self._write() as conn:
            changed = 0
            for row in tokens.every(conn):
                found = reseal(row)
                if found is None:
                    continue
                sealed, key_id = found
                tokens.reseal(conn, row.tenant, row.credential, sealed=sealed, key_id=key_id)
                audit.write(
                    conn,
                    row.tenant,
                    "tokens.resealed",
                    at,
                    {"system": row.credential, "sealed_by": key_id},
                )
                changed += 1
            return changed

    def intend_refresh(self, tenant: str, credential: str, *, holder: str, at: datetime) -> None:
        """Commit that ``holder`` is about to spend the grant's refresh token."""
        with self._write() as conn:
            tokens.intend(conn, tenant, credential, holder=holder, at=at)

    def settle_refresh(self, tenant: str, credential: str) -> None:
        """Clear a refresh's intent (the vendor refused it: nothing was spent)."""
        with self._write() as conn:
            tokens.settle(conn, tenant, credential)

    # audit

    def audit(self, tenant: str, event: str, *, at: datetime, **data: Any) -> None:
        """Append an audit entry; values under secret-looking names are masked."""
        with self._write() as conn:
            audit.write(conn, tenant, event, at, data)

    def audit_log(self, tenant: str | None = None, limit: int = 100) -> list[AuditRow]:
        """Return audit entries, newest first."""
        with self._read() as conn:
            return audit.read(conn, tenant, limit)

    # mail and hand-overs (migration 002)

    def mail_claim(
        self,
        tenant: str,
        key: str,
        *,
        message_id: str,
        recipient: str,
        subject: str,
        at: datetime,
    ) -> bool:
        """Claim an e-mail before sending it; False when the key is already sending or sent."""
        with self._write() as conn:
            return mail.claim(
                conn,
                tenant,
                key,
                message_id=message_id,
                recipient=recipient,
                subject=subject,
                at=at,
            )

    def mail_settle(
        self, tenant: str, key: str, state: str, *, detail: str = "", at: datetime
    ) -> None:
        """Record that a claimed e-mail was sent, or failed without reaching the server."""
        with self._write() as conn:
            mail.settle(conn, tenant, key, state=state, detail=detail, at=at)

    def mail(self, tenant: str, key: str) -> MailRow | None:
        """Return the e-mail recorded under a key, None when none."""
        with self._read() as conn:
            return mail.find(conn, tenant, key)

    def mails(self, tenant: str) -> list[MailRow]:
        """Return a tenant's e-mails, oldest first."""
        with self._read() as conn:
            return mail.listing(conn, tenant)

    def record_handover(self, row: HandoverRow) -> bool:
        """Record a delivered hand-over once; False when it was already recorded."""
        with self._write() as conn:
            return mail.record_handover(conn, row)

    def handover(self, tenant: str, letter_key: str) -> HandoverRow | None:
        """Return the hand-over recorded for a letter key, None when none."""
        with self._read() as conn:
            return mail.find_handover(conn, tenant, letter_key)

    def handovers(self, tenant: str) -> list[HandoverRow]:
        """Return a tenant's hand-overs, oldest first."""
        with self._read() as conn:
            return mail.handovers(conn, tenant)

    # leases (several daemons on one database)

    def clock(self) -> datetime:
        """The time leases are judged by: the database server's clock on PostgreSQL."""
        with self._read() as conn:
            if isinstance(conn, pg.PgConnection):
                return conn.clock()
        return datetime.now(UTC)

    def acquire_lease(self, tenant: str, holder: str, *, ttl: timedelta) -> Lease | None:
        """Take the tenant's lease for ``ttl``; None when another holder's lease still runs."""
        now = self.clock()
        with self._write() as conn:
            return leases.acquire(conn, tenant, holder, now=now, ttl=ttl)

    def renew_lease(self, tenant: str, holder: str, *, ttl: timedelta) -> bool:
        """Extend a held lease by ``ttl`` from now; False when the holder lost it."""
        now = self.clock()
        with self._write() as conn:
            return leases.renew(conn, tenant, holder, now=now, ttl=ttl)

    def release_lease(self, tenant: str, holder: str) -> bool:
        """Give a tenant back; False when the holder no longer had it."""
        with self._write() as conn:
            return leases.release(conn, tenant, holder)

    def leases(self) -> list[Lease]:
        """Return every lease row by tenant (expired ones too, until taken or released)."""
        with self._read() as conn:
            return leases.listing(conn)

    # tenants

    def touch_tenant(self, tenant: str, system: str, country: str, *, at: datetime) -> None:
        """Record that a cycle ran for the tenant."""
        with self._write() as conn:
            tenants.touch(conn, tenant, system, country, at)

    def tenants(self) -> list[TenantRow]:
        """Return every tenant seen, by name."""
        with self._read() as conn:
            return tenants.all_tenants(conn)

    def company_key(self, tenant: str) -> str | None:
        """Return the accounting company recorded for the tenant, None when none is."""
        with self._read() as conn:
            return tenants.company_key(conn, tenant)

    def bind_company(self, tenant: str, key: str, *, at: datetime) -> str | None:
        """Record the tenant's company; return the old name when this name is a renamed tenant."""
        with self._write() as conn:
            return tenants.bind_company(conn, tenant, key, at)

    def rename_tenant(self, old: str, new: str, *, at: datetime) -> dict[str, int]:
        """Move every row of tenant ``old`` to ``new`` in one transaction (rows per table)."""
        with self._write() as conn:
            counts = tenants.rename(conn, old, new, at)
        self._known.pop(old, None)
        self._known.pop(new, None)
        return counts


def open_store(path: str | Path | DatabaseUrl) -> Store:
    """Open the state database and bring its schema up.

    ``path`` is a SQLite file (created with its folder), ``:memory:``, or a PostgreSQL URL
    (a ``postgresql://`` string or a :class:`~bridge.vocab.dsn.DatabaseUrl`).
    """
    if isinstance(path, str) and path != ":memory:":
        try:
            path = database_target(path)
        except ValueError as exc:
            raise StoreError(str(exc)) from None
    if isinstance(path, DatabaseUrl):
        server = pg.connect(path)
        try:
            pg.migrate(server)
        except BaseException:
            server.close()
            raise
        return Store(server, path.masked)
    target = str(path)
    conn = db.connect(target)
    try:
        db.migrate(conn)
    except BaseException:
        conn.close()
        raise
    return Store(conn, target)


# Letters for the tenant's own people that go by e-mail (bridge/engine/channels.py).
_TASK_ACTIONS = frozenset({ActionKind.CREDIT_HOLD, ActionKind.TASK})


def _resent(row: OutboxLetter, mails: Sequence[MailRow]) -> bool:
    """Whether "not sent" on this letter sends its task e-mail again (rather than cancelling)."""
    return row.letter.action in _TASK_ACTIONS and [m.key for m in mails] == [row.letter.key]
