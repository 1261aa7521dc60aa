"""The contract between the core and a connector: a descriptor and the session it opens.

The core never imports a connector by name: it loads descriptors from the entry-point group
``dunning_bridge.connectors`` (bridge/vocab/registry.py) and asks them what they can do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import httpx

from bridge.vocab.domain import (
    FOR_PEOPLE,
    ActionKind,
    Customer,
    Letter,
    Mode,
    Snapshot,
    StepStatus,
    WriteResult,
)
from bridge.vocab.errors import RejectedRequest
from bridge.vocab.faults import Fault


class SecretStore(Protocol):
    """Read and write one tenant's secrets (tokens rotate, so writes are needed)."""

    def get(self, name: str) -> str:
        """Return the secret or raise SecretMissing."""
        ...

    def set(self, name: str, value: str) -> None:
        """Store the secret."""
        ...


@dataclass(frozen=True, slots=True)
class FeedSnapshot:
    """A connector's last full read of a tenant's lists, kept between cycles (the store).

    ``version`` names the body's shape (a connector that changes it reads everything again),
    ``swept_at`` when the lists were last read whole, ``watermark`` when the vendor's change
    feed was last read up to (the next cycle reads what changed since, less a skew margin).
    """

    version: int
    swept_at: datetime
    watermark: datetime
    body: dict[str, Any]


class FeedKeeper(Protocol):
    """Where a session keeps its tenant's feed snapshots between cycles."""

    def load(self, name: str) -> FeedSnapshot | None:
        """The snapshot kept under ``name``; None when there is none (or it is unreadable)."""
        ...

    def save(self, name: str, snapshot: FeedSnapshot) -> None:
        """Keep ``snapshot`` under ``name``, replacing the one before."""
        ...


@dataclass(frozen=True, slots=True)
class TenantContext:
    """What a connector needs to open a session for one tenant."""

    tenant: str
    country: str
    mode: Mode
    secrets: SecretStore
    base_url: str | None = None
    # A ready client for tests and the demo (an in-process sandbox transport); None = build one.
    transport: httpx.BaseTransport | None = None
    options: dict[str, str] = field(default_factory=dict)
    # The tenant's feed snapshots (the store); None: nothing is kept between cycles.
    feeds: FeedKeeper | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    """A letter we wrote earlier whose fate the accountant decides in the accounting system."""

    letter_key: str
    document: str
    written_on: date

    def result(self, status: StepStatus, note: str, document: str | None = None) -> WriteResult:
        """What became of this letter: ``status`` with ``note``, on its document (or another)."""
        return WriteResult(
            self.letter_key, self.document if document is None else document, status, note
        )


class Session(Protocol):
    """One tenant's open connection to its accounting system.

    Optional: ``company_key() -> str | None``, the vendor's identity of the company the session
    works on (system and company id), when the connector knows it cheaply; the store binds the
    tenant's history to it (bridge.engine.cycle.company_of, docs/store.md).
    """

    # What the last fetch could not read, item by item (bridge/infra/items.py), for the outcome.
    skipped: list[str]

    def fetch(self, today: date, since: datetime | None) -> Snapshot:
        """Read customers, open invoices, payments and existing reminders as one snapshot."""
        ...

    def recheck(self, invoice_ids: Sequence[str]) -> dict[str, str | None]:
        """Re-read invoices just before a write.

        Maps each id to the reason to cancel, or None if it is still due.
        """
        ...

    def find(self, letter_key: str) -> WriteResult | None:
        """Find a document we wrote by the key embedded in it (read-back before any retry)."""
        ...

    def apply(self, letter: Letter, text: str) -> WriteResult:
        """Write the letter back: a draft in review mode, booked and sent in autonomous mode."""
        ...

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Tell what became of earlier drafts: booked -> issued, deleted -> rejected."""
        ...

    def close(self) -> None:
        """Release the HTTP client."""
        ...


@runtime_checkable
class SetupChecks(Protocol):
    """A session that can tell what in the vendor's set-up would make its documents wrong.

    Optional: `doctor` calls it on sessions that have it, after a successful fetch.
    """

    def checks(self) -> list[tuple[bool, str]]:
        """Return findings as (ok, detail); a failed detail names the option that fixes it."""
        ...


class Sandbox(Protocol):
    """An in-process emulator of a vendor API."""

    def transport(self) -> httpx.BaseTransport:
        """Return an httpx transport that answers like the vendor."""
        ...

    def save(self, path: Path) -> None:
        """Persist the emulator's state (the demo keeps it between runs)."""
        ...

    def accept_drafts(self) -> int:
        """Book every draft we wrote, as the accountant does in review mode; return how many."""
        ...

    def inject(self, fault: Fault) -> None:
        """Misbehave on upcoming requests as ``fault`` says (bridge/vocab/faults.py)."""
        ...

    def documents_by_key(self) -> dict[str, int]:
        """How many documents (drafts, invoices, reminders...) carry each of our letter keys.

        The exactly-once tests read this: every key must count exactly one.
        """
        ...


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    """What `dunning-bridge authorize TENANT` hands a connector's one-time set-up."""

    tenant: str
    secrets: SecretStore
    # The tenant's connector options from the env file, plus --option KEY=VALUE from the CLI.
    options: dict[str, str]
    ask: Callable[[str], str]  # a prompt that echoes
    ask_secret: Callable[[str], str]  # a prompt that does not echo
    say: Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A declared vendor limit: ``requests`` per ``seconds``."""

    requests: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ConnectorDescriptor:
    """What the core knows about a connector: identity, limits, capabilities, factories."""

    key: str
    display_name: str
    country: str
    auth_kind: str
    base_url: str
    rate_limits: tuple[RateLimit, ...]
    capabilities: frozenset[str]
    secret_names: tuple[str, ...]
    open: Callable[[TenantContext], Session]
    sandbox: Callable[[Path | None, date], Sandbox]
    # The one secret name per tenant the sandbox accepts, for the demo.
    sandbox_secrets: dict[str, str] = field(default_factory=dict)
    # Where the accountant finds what we wrote for review, in the system's own words.
    review_hint: str = ""
    # The letters wait in the bridge and `dunning-bridge approve KEY` sends them (the system
    # holds no draft a bookkeeper could book); elsewhere approving is booking the draft there.
    approves_in_bridge: bool = False
    # The one-time consent for OAuth systems (print a URL, take the code, store the tokens);
    # None where `secrets set` is all the set-up there is.
    authorize: Callable[[AuthorizeRequest], None] | None = None
    # How a letter of an action would reach a debtor with (or without) an e-mail address under
    # the tenant's options: ``paper``, ``email``, ``electronic`` (bridge/engine/letter_checks.py);
    # None
    # where the connector cannot say. `doctor` reports a Norwegian warning that would go by
    # e-mail only; the cycle asks the session (Delivery) for each letter.
    delivery_routes: (
        Callable[[ActionKind, str | None, Mapping[str, str]], frozenset[str]] | None
    ) = None
    # The tenant options the connector reads (``BRIDGE_TENANTS__<NAME>__OPTIONS__<KEY>``, lower
    # case), besides the bridge's own: a key no one reads is refused when the settings load
    # (bridge/vocab/option_names.py also lists those of the shipped connectors).
    option_names: frozenset[str] = frozenset()
    # How long the vendor replays the first answer to a write carrying the same idempotency
    # key (0: it honours none). Inside it an interrupted write whose read-back finds nothing is
    # sent again with the same key (a replay if it had been created, else the first creation);
    # past it, or without one, it goes to the accountant as "could not confirm"
    # (bridge/engine/cycle.py).
    idempotency_window: timedelta = timedelta(0)

    def can(self, capability: str) -> bool:
        """Tell whether the connector declares ``capability``."""
        return capability in self.capabilities


@runtime_checkable
class Delivery(Protocol):
    """A session that can tell how a letter would reach the debtor (Tripletex's dispatch)."""

    def delivery_routes(self, letter: Letter, customer: Customer) -> frozenset[str]:
        """The routes: ``paper``, ``email``, ``electronic`` (bridge/engine/letter_checks.py)."""
        ...


@runtime_checkable
class CollectionService(Protocol):
    """A session whose system hands claims to a collection service (CAP_HANDOVER)."""

    def takes_handover(self, letter: Letter) -> bool:
        """Tell whether the service takes this hand-over (else it goes to the agency)."""
        ...


@runtime_checkable
class Withdrawer(Protocol):
    """A session that can take back a draft it wrote, before the accountant books it.

    Used when a dispute, hold, promise or payment comes after the draft was written: booking
    it then would send a letter on an invoice that must not be dunned (bridge/engine/withdraw.py).
    """

    def withdraw(self, item: Pending, reason: str) -> WriteResult:
        """Remove the letter's draft from the system where it allows, and say what became of it.

        REJECTED: the draft is gone (deleted or cancelled, now or earlier); PENDING: it is
        still there (the system would not remove it; ``detail`` says why); ISSUED: it was
        booked before we got to it. The answer is safe to ask for twice.
        """
        ...


# The capability vocabulary, shared by all connectors.
CAP_DRAFT = "write_draft"  # can write a reviewable draft
CAP_SEND = "book_and_send"  # can book and send itself (autonomous mode)
CAP_INCREMENTAL = "incremental_fetch"  # a changed-since cursor cuts the next fetch
CAP_VENDOR_REMINDERS = "vendor_reminders"  # reports reminders the system sent itself
CAP_COMBINE = "combine_invoices"  # one document may cover several invoices of a customer
CAP_SEND_NOTICE = "send_notice"  # can send a fee-less notice (pre-due) to the customer itself
CAP_HANDOVER = "hand_over"  # can hand a claim to a collection service itself (Fortnox Finans)
# Has an internal note for the accountant that a debtor never receives (Dinero's contact
# notes): tasks for people may go there. Without it they go by e-mail or wait in the bridge.
CAP_INTERNAL_NOTE = "internal_note"

# The system's own document (its invoice or reminder layout) prints the company's bank details,
# so a letter written there says how to pay even without the bridge's payment options.
CAP_PAYMENT_DETAILS = "payment_details"


def refuse_for_people(letter: Letter, written_as: str) -> None:
    """Refuse a letter for the creditor's own people (FOR_PEOPLE) where a connector can write
    only what could reach the debtor (``written_as``: what it would have become)."""
    if letter.action in FOR_PEOPLE:
        raise RejectedRequest(
            f"letter {letter.key}: a {letter.action.value} is for the creditor's own "
            f"people; it is never written as {written_as} a debtor could receive (it goes "
            "by e-mail or waits in the bridge's task list)"
        )
