"""One tenant's Dinero session: read a snapshot, re-check, write native reminders, read back.

Request budget of one fetch (n = open invoices due within the horizon, p = invoices paid since
the last cycle, c = contacts):

- ``ceil(n/1000)`` pages of Overdue and Booked invoices, ``ceil(c/1000)`` pages of contacts,
  ``ceil(p/1000)`` pages of Paid invoices;
- per open invoice one ``GET /v2/.../payments`` (Dinero's list has no remaining amount), and per
  overdue invoice one ``GET .../reminders`` (Dinero's own reminders are per invoice);
- per paid invoice one payments read (when was it paid: interest after a late payment).

The per-invoice reads dominate, so they are remembered for the life of the process (the daemon
runs for days), keyed by the list's ``UpdatedAt`` and ``Status``: the next cycle re-reads only
the invoices whose stamp moved (a payment, a booked reminder) or that fell due. Tenant option
``incremental=off`` reads every invoice again. Every write still re-reads what it relies on.

Writes per letter and invoice: the invoice (its Timestamp), its reminders (Dinero's limits and
our key), the create; a note when Dinero's amounts differ; book and e-mail in autonomous mode.

A page that fails fails the fetch: the tenant decides nothing from a partial view. An item that
cannot be read is skipped and logged: one bad invoice never stops the others.

Where each part lives: the session's state in state.py, the snapshot read in fetch.py (the
lists from the change feed in feed.py, the per-invoice reads remembered in memory.py, each
contact's credit in credit.py), the re-check before a write in recheck.py, the writes in
apply.py, the read-back of our drafts and notes in readback.py, their withdrawal in
withdraw.py.
"""

from __future__ import annotations

from bridge.infra.http import stats_of
from bridge.vocab.connector import TenantContext
from connectors.dinero.apply import Apply
from connectors.dinero.auth import token_scopes
from connectors.dinero.client import RATE_LIMITS
from connectors.dinero.fetch import Fetch
from connectors.dinero.recheck import Recheck
from connectors.dinero.setup import setup_checks
from connectors.dinero.withdraw import Withdraw


class DineroSession(Apply, Withdraw, Recheck, Fetch):
    """bridge.vocab.connector.Session for one Dinero organization."""

    @property
    def request_count(self) -> int:
        """How many requests this session has sent (token refreshes included)."""
        return stats_of(self.http).total + self.tokens.endpoint.requests

    def checks(self) -> list[tuple[bool, str]]:
        """What would make drafts wrong (bridge.vocab.connector.SetupChecks, dinero/setup.py)."""
        return setup_checks(self.client, token_scopes(self.tokens.current()), self.ctx.tenant)

    def company_key(self) -> str | None:
        """The organization dunned: the tenant option, or the only one the credentials reach."""
        return f"dinero:organization:{self.client.organization}"

    def close(self) -> None:
        """Keep what this session's writes left waiting; release the HTTP clients."""
        try:
            self._keep_written()
        finally:
            self.http.close()
        self.tokens.endpoint.close()


def open_session(ctx: TenantContext) -> DineroSession:
    """Open a session; a sandbox transport is not paced (it is in-process), the vendor is."""
    return DineroSession(ctx, limits=RATE_LIMITS if ctx.transport is None else ())
