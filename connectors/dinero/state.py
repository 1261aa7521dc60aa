"""What one Dinero session holds between its calls, for its parts to share.

The OAuth tokens and the HTTP client, the organization (asked once), and per cycle: what the
fetch read (open and settled invoices, contacts, the reminders it read itself), what the
re-check found unchanged, and the drafts and notes written, kept in the read-back snapshot at
close. fetch.py, recheck.py, apply.py, readback.py and withdraw.py are mixins on DineroState.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import structlog

from bridge.infra.http import build_client
from bridge.infra.items import ItemReader
from bridge.infra.retry import RetryPolicy
from bridge.vocab.connector import RateLimit, TenantContext
from bridge.vocab.domain import Customer, Invoice
from bridge.vocab.errors import ConfigError, NotFound
from bridge.vocab.options import pre_due_days
from connectors.dinero import mapping, writer
from connectors.dinero.auth import Clock, DineroAuth, open_tokens
from connectors.dinero.client import BASE_URL, RETRY_POLICY, DineroClient, status_table

# The largest answer read from the API (pages of at most 1000 invoices, a few hundred bytes each):
# a bigger one is refused, never read whole (bridge/infra/http.py send_bounded).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024

log = structlog.get_logger("connectors.dinero")


class DineroState(ItemReader):
    """The state a Dinero session's parts share (see connectors/dinero/session.py)."""

    item_log = log
    skip_event = "dinero.item_skipped"
    customer_noun = "contact"

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
        self.pre_due_days = pre_due_days(ctx.options)
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

    def _customer(self, obj: Any) -> Customer:
        return mapping.customer(obj, default_country=self.ctx.country)

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


def _only_organization(found: list[Any], tenant: str) -> str:
    ids = [str(o.get("Id")) for o in found if isinstance(o, Mapping) and o.get("Id") is not None]
    if len(ids) == 1:
        return ids[0]
    raise ConfigError(
        f"tenant {tenant!r}: the Dinero grant reaches {len(ids)} organizations; set the tenant "
        "option 'organization_id' to the one to dun"
    )
