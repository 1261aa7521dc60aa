"""The state store: ``Store``, the API the cycle and the CLI use, and ``open_store``.

``Store`` is one connection behind one lock (bridge/store/facade/base.py) with the methods of
each area put together: letters and e-mails, cases, the review loop, tenants, the run ledger
and audit log, rotating tokens (bridge/store/facade/). Each method is one transaction over one
SQL module of bridge/store/.
"""

from __future__ import annotations

from pathlib import Path

from bridge.store import db, pg
from bridge.store.facade.cases import Cases
from bridge.store.facade.ledger import Ledger
from bridge.store.facade.letters import Letters
from bridge.store.facade.review import Review
from bridge.store.facade.tenants import Tenants
from bridge.store.facade.tokens import Tokens
from bridge.vocab.dsn import DatabaseUrl, database_target
from bridge.vocab.errors import StoreError


class Store(Letters, Cases, Review, Tenants, Ledger, Tokens):
    """The bridge's durable state: runs, cursors, the outbox, disputes and the audit log."""


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
