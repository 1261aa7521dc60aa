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

Where each part lives: the session's state in state.py, the snapshot read in fetch.py, the
re-check before a write in recheck.py, the draft orders written in apply.py, the reminders sent
for an approved order in send.py, the read-back of our orders in readback.py, their withdrawal
in withdraw.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bridge.infra.http import stats_of
from bridge.vocab.connector import TenantContext
from bridge.vocab.errors import MalformedResponse, RejectedRequest
from connectors.tripletex.apply import Apply
from connectors.tripletex.auth import OWN_COMPANY
from connectors.tripletex.client import RATE_LIMITS
from connectors.tripletex.fetch import Fetch
from connectors.tripletex.recheck import Recheck
from connectors.tripletex.setup import setup_checks
from connectors.tripletex.state import VAT_FREE_NUMBERS, log
from connectors.tripletex.withdraw import Withdraw


class TripletexSession(Apply, Withdraw, Recheck, Fetch):
    """bridge.vocab.connector.Session for one Tripletex company."""

    def checks(self) -> list[tuple[bool, str]]:
        """What would make orders wrong (bridge.vocab.connector.SetupChecks, tripletex/setup.py)."""
        return setup_checks(self.client, self.ctx.options, VAT_FREE_NUMBERS, self._today())

    @property
    def request_count(self) -> int:
        """How many requests this session has sent (session-token minting included)."""
        return stats_of(self.http).total

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
