-- 004: tenant leases, so that several daemons sharing one database never work a tenant at once.
-- Portable SQL except where marked [sqlite]: see docs/store.md for the PostgreSQL spelling.

-- One row per tenant being worked (or last worked): who holds it and until when. A holder
-- renews its lease while the cycle runs and deletes the row at the end; a crashed holder's
-- lease simply runs out, and the next daemon takes the tenant over. Instants are ISO text in
-- UTC, so text order is time order, on the database server's clock.
CREATE TABLE leases (
    tenant      TEXT NOT NULL PRIMARY KEY,
    holder      TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    renewed_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    CHECK (expires_at > acquired_at)
) STRICT; -- [sqlite] STRICT
