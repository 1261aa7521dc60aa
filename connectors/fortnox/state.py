"""What one Fortnox session holds between its calls, for its parts to share.

The token route and the HTTP client, the tenant's row accounts and delivery options, the
tenant's remembered full reads (memory.py), and per cycle: what the fetch read, the re-check's
last look at ``lastmodified``, and the invoices written, kept in the read-back snapshot at
close. fetch.py, recheck.py, apply.py, finans.py, readback.py and withdraw.py are mixins on
FortnoxState.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import structlog

from bridge.infra.http import build_client
from bridge.infra.items import ItemReader
from bridge.vocab.connector import RateLimit, TenantContext
from bridge.vocab.domain import Customer, Invoice, money
from bridge.vocab.errors import ConfigError
from bridge.vocab.options import pre_due_days, whole_number
from connectors.fortnox import writer
from connectors.fortnox.auth import TOKEN_URL, FortnoxAuth, choose_route
from connectors.fortnox.client import BASE_URL, FortnoxClient, status_table
from connectors.fortnox.memory import memory_of

# The largest answer read from the API (pages of at most 500 invoices):
# a bigger one is refused, never read whole (bridge/infra/http.py send_bounded).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024

log = structlog.get_logger("connectors.fortnox")


class FortnoxState(ItemReader):
    """The state a Fortnox session's parts share (see connectors/fortnox/session.py)."""

    item_log = log
    skip_event = "fortnox.item_skipped"

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
        self.pre_due_days = pre_due_days(options)
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
        self._memory = memory_of(ctx)
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
