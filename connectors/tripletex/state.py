"""What one Tripletex session holds between its calls, for its parts to share.

The session token's auth, the header-paced transport and the HTTP client, the tenant's reading
and charging options, and per cycle: what the fetch read (open invoices, their reminders, the
customers, our own draft orders, the currencies' ids), the VAT-free type looked up once, and
the cycle's day. fetch.py, recheck.py, apply.py, send.py, readback.py and withdraw.py are mixins
on TripletexState.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
import structlog

from bridge.infra.http import build_client
from bridge.infra.items import ItemReader
from bridge.infra.retry import RetryPolicy
from bridge.vocab.connector import RateLimit, TenantContext
from bridge.vocab.domain import Customer, Invoice
from bridge.vocab.errors import ConfigError
from bridge.vocab.options import pre_due_days, whole_number
from connectors.tripletex import mapping
from connectors.tripletex.auth import OWN_COMPANY, TripletexAuth, oslo_today
from connectors.tripletex.client import (
    BASE_URL,
    RETRY_POLICY,
    HeaderPacedTransport,
    TripletexClient,
    status_table,
)
from connectors.tripletex.mapping import OrderInfo, ReminderInfo

# The largest answer read from the API (pages of 1000 invoices with their customers expanded):
# a bigger one is refused, never read whole (bridge/infra/http.py send_bounded).
MAX_RESPONSE_BYTES = 32 * 1024 * 1024

log = structlog.get_logger("connectors.tripletex")

DEFAULT_LOOKBACK_DAYS = 730
DEFAULT_WINDOW_DAYS = 366
ORDER_LOOKBACK = timedelta(days=400)
STRATEGIES = ("invoices", "openposts")

# The VAT types that charge no VAT, by the number Tripletex shows (the SAF-T standard tax code),
# most fitting first: 7 "no VAT treatment, no turnover under the VAT act" (a reminder fee,
# interest and compensation are no consideration for a supply), then 6 "outside the scope of
# the VAT act". The tenant option ``vat_type`` (an id) overrides both.
VAT_FREE_NUMBERS = ("7", "6")


class TripletexState(ItemReader):
    """The state a Tripletex session's parts share (see connectors/tripletex/session.py)."""

    item_log = log
    skip_event = "tripletex.item_skipped"

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
        self.pre_due_days = pre_due_days(options)
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

    def _learn_currency(self, obj: Any) -> None:
        found = mapping.currency_of(obj)
        if found is not None:
            self._currencies.setdefault(*found)

    def _warn(self, reason: str) -> None:
        self.warnings.append(reason)
        log.warning("tripletex.warning", tenant=self.ctx.tenant, reason=reason)


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
