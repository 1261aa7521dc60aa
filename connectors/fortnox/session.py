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

Where each part lives: the session's state in state.py, the snapshot read in fetch.py (the
lists from the change feed in feed.py, the full reads remembered in memory.py, each
customer's credit in credit.py), the re-check before a write in recheck.py, the writes in
apply.py (a hand-over to Fortnox Finans in finans.py), the read-back of our invoices in
readback.py, their withdrawal in withdraw.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bridge.infra.http import stats_of
from bridge.vocab.connector import TenantContext
from bridge.vocab.errors import AuthError, MalformedResponse, RejectedRequest
from connectors.fortnox.apply import Apply
from connectors.fortnox.client import RATE_LIMITS
from connectors.fortnox.fetch import Fetch
from connectors.fortnox.recheck import Recheck
from connectors.fortnox.setup import setup_checks
from connectors.fortnox.state import log
from connectors.fortnox.withdraw import Withdraw


class FortnoxSession(Apply, Withdraw, Recheck, Fetch):
    """bridge.vocab.connector.Session for one Fortnox company."""

    @property
    def request_count(self) -> int:
        """How many requests this session has sent."""
        return stats_of(self.http).total

    def checks(self) -> list[tuple[bool, str]]:
        """What would make drafts wrong (bridge.vocab.connector.SetupChecks, fortnox/setup.py)."""
        return setup_checks(
            self.client, self.rows, self.ctx.options, self.ctx.mode, self.auth.granted_scopes()
        )

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

    def close(self) -> None:
        """Keep the drafts this session wrote; release the HTTP client."""
        try:
            self._keep_written()
        finally:
            self.http.close()


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
