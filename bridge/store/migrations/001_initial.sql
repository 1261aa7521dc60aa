-- 001: the initial schema.
-- Portable SQL except where marked [sqlite]: see docs/store.md for the PostgreSQL spelling.
-- Amounts are Decimal strings, dates ISO "YYYY-MM-DD", instants ISO with a UTC offset.

-- Tenants seen by a cycle, for `status`.
CREATE TABLE tenants (
    tenant      TEXT NOT NULL PRIMARY KEY,
    system      TEXT NOT NULL,
    country     TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
) STRICT; -- [sqlite] STRICT

-- One row per cycle run of one tenant.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY, -- [sqlite] rowid alias; PostgreSQL: identity column
    tenant      TEXT NOT NULL,
    dry_run     INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '{}',
    error       TEXT
) STRICT;

CREATE INDEX runs_by_tenant ON runs (tenant, id);

-- Incremental-sync positions (e.g. the last "changed since" a vendor accepted).
CREATE TABLE cursors (
    tenant      TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (tenant, name)
) STRICT;

-- The outbox: one row per attempt to write a letter back. A letter key may come back after
-- its earlier attempt was rejected or cancelled, so the key is unique among live rows only.
CREATE TABLE letters (
    id          INTEGER PRIMARY KEY,
    letter_key  TEXT NOT NULL,
    tenant      TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    action      TEXT NOT NULL,
    step        INTEGER NOT NULL,
    letter_date TEXT NOT NULL,
    currency    TEXT NOT NULL,
    body        TEXT NOT NULL, -- the Letter as JSON (bridge/store/codec.py)
    text        TEXT NOT NULL, -- the rendered letter as written back
    state       TEXT NOT NULL
                CHECK (state IN ('intended', 'pending', 'issued', 'cancelled', 'rejected')),
    document    TEXT,
    detail      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX letters_live_key ON letters (letter_key)
    WHERE state IN ('intended', 'pending', 'issued');

CREATE INDEX letters_by_tenant ON letters (tenant, state);

-- The decisions a letter carries, one row each. `active` is 1 while the letter may still act;
-- the partial unique index is what makes "never act twice on one decision" a database rule.
CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    letter_id     INTEGER NOT NULL REFERENCES letters (id),
    position      INTEGER NOT NULL,
    tenant        TEXT NOT NULL,
    decision_key  TEXT NOT NULL,
    invoice_id    TEXT NOT NULL,
    action        TEXT NOT NULL,
    step          INTEGER NOT NULL,
    decision_date TEXT NOT NULL,
    currency      TEXT NOT NULL,
    fee           TEXT NOT NULL,
    interest      TEXT NOT NULL,
    interest_from TEXT,
    interest_to   TEXT,
    compensation  TEXT NOT NULL,
    deadline      TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (letter_id, position)
) STRICT;

CREATE UNIQUE INDEX decisions_live_key ON decisions (tenant, decision_key) WHERE active = 1;

CREATE INDEX decisions_by_invoice ON decisions (tenant, invoice_id, decision_date);

-- Disputes and pauses the accountant records through the CLI; one row per period.
CREATE TABLE disputes (
    tenant      TEXT NOT NULL,
    invoice_id  TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    note        TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (tenant, invoice_id, start_date),
    CHECK (end_date IS NULL OR end_date >= start_date)
) STRICT;

-- The audit log: append-only.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    tenant      TEXT NOT NULL,
    event       TEXT NOT NULL,
    logged_at   TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX audit_log_by_tenant ON audit_log (tenant, id);

-- [sqlite] trigger syntax; PostgreSQL: a trigger function, or REVOKE UPDATE, DELETE.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
