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

Where each part lives: the session's state in state.py, the snapshot read in fetch.py, the
re-check before a write in recheck.py, the writes in apply.py, the read-back of our drafts in
readback.py, their withdrawal in withdraw.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bridge.infra.http import stats_of
from bridge.vocab.connector import TenantContext
from bridge.vocab.errors import MalformedResponse, RejectedRequest
from connectors.economic import writer
from connectors.economic.apply import Apply
from connectors.economic.client import RATE_LIMITS
from connectors.economic.fetch import Fetch
from connectors.economic.recheck import Recheck
from connectors.economic.setup import setup_checks
from connectors.economic.state import log
from connectors.economic.withdraw import Withdraw


class EconomicSession(Apply, Withdraw, Recheck, Fetch):
    """bridge.vocab.connector.Session for one e-conomic agreement."""

    @property
    def request_count(self) -> int:
        """How many requests this session has sent."""
        return stats_of(self.http).total

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

    def checks(self) -> list[tuple[bool, str]]:
        """What would make drafts wrong (bridge.vocab.connector.SetupChecks, economic/setup.py)."""
        return setup_checks(self.client, self.ctx.options, writer.choose_terms)

    def close(self) -> None:
        """Release the HTTP client."""
        self.http.close()


def open_session(ctx: TenantContext) -> EconomicSession:
    """Open a session; a sandbox transport is not paced (it is in-process), the vendor is."""
    return EconomicSession(ctx, limits=RATE_LIMITS if ctx.transport is None else ())


def _agreement_key(body: Any) -> str:
    """``economic:agreement:N`` from ``GET /self`` (fixtures/traels-it/self.json)."""
    number = body.get("agreementNumber") if isinstance(body, Mapping) else None
    if isinstance(number, bool) or not isinstance(number, int | str) or not str(number).isdigit():
        raise MalformedResponse("GET /self: no agreementNumber")
    return f"economic:agreement:{int(number)}"
