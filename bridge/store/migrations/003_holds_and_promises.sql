-- 003: holds on invoices, and promises to pay / payment plans, recorded through the CLI.
-- Portable SQL except where marked [sqlite]: see docs/store.md for the PostgreSQL spelling.

-- A hold stops dunning of one invoice from start_date through until_date (NULL: until lifted).
-- lifted_on is the day it was lifted; one hold per invoice is open (not lifted) at a time.
CREATE TABLE holds (
    id          INTEGER PRIMARY KEY, -- [sqlite] rowid alias; PostgreSQL: identity column
    tenant      TEXT NOT NULL,
    invoice_id  TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    until_date  TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    lifted_on   TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (until_date IS NULL OR until_date >= start_date)
) STRICT; -- [sqlite] STRICT

CREATE UNIQUE INDEX holds_open ON holds (tenant, invoice_id) WHERE lifted_on IS NULL;

CREATE INDEX holds_by_invoice ON holds (tenant, invoice_id, start_date);

-- A promise covers one invoice, or every invoice of a customer in its currency.
CREATE TABLE promises (
    id          INTEGER PRIMARY KEY,
    tenant      TEXT NOT NULL,
    customer_id TEXT,
    invoice_id  TEXT,
    made_on     TEXT NOT NULL,
    currency    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    ended_on    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (customer_id IS NOT NULL OR invoice_id IS NOT NULL)
) STRICT;

CREATE INDEX promises_by_tenant ON promises (tenant, id);

-- The instalments of a promise: one row for a single promise, several for a payment plan.
CREATE TABLE promise_instalments (
    promise_id  INTEGER NOT NULL REFERENCES promises (id),
    position    INTEGER NOT NULL,
    due_date    TEXT NOT NULL,
    amount      TEXT NOT NULL,
    PRIMARY KEY (promise_id, position)
) STRICT;
