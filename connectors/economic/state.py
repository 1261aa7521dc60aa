"""What one e-conomic session holds between its calls, for its parts to share.

The HTTP client with the agreement's two tokens, and per cycle: what the fetch read (open and
settled invoices, customers as mapped and as e-conomic gave them, each customer's unpaid
remainders in the base currency), the reminder contacts and employees read once, and the draft
settings chosen once. fetch.py, recheck.py, apply.py, readback.py and withdraw.py are mixins on
EconomicState.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import structlog

from bridge.infra.http import build_client
from bridge.infra.items import ItemReader
from bridge.infra.retry import RetryPolicy
from bridge.vocab.connector import RateLimit, TenantContext
from bridge.vocab.domain import Customer, Invoice
from bridge.vocab.options import pre_due_days
from connectors.economic import mapping, writer
from connectors.economic.auth import EconomicAuth
from connectors.economic.client import BASE_URL, RETRY_POLICY, EconomicClient, status_table

# The largest answer read from the API (pages of at most 1000 booked invoices, about 1.5 kB each):
# a bigger one is refused, never read whole (bridge/infra/http.py send_bounded).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024

log = structlog.get_logger("connectors.economic")


class EconomicState(ItemReader):
    """The state an e-conomic session's parts share (see connectors/economic/session.py)."""

    item_log = log
    skip_event = "economic.item_skipped"

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
        self.pre_due_days = pre_due_days(ctx.options)
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
