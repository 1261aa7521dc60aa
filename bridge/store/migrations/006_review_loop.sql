-- 006: the review loop closes: drafts the bridge withdraws, tasks that wait in the bridge, and
-- the invoices the last cycles of each tenant saw (to refuse a dispute, hold or promise on an
-- invoice nobody knows).
-- Portable SQL except where marked [sqlite]: see docs/store.md for the PostgreSQL spelling.

-- One row per outbox letter the bridge set out to withdraw (a dispute, hold, promise or payment
-- came after its draft was written). The row is written before the vendor is asked, so a crash
-- in between is read back by the letter key. state: intended (asked, answer not recorded),
-- withdrawn (the draft is gone; the letter is cancelled, never sent), marked (the system would
-- not remove it: it stays pending, shown as "do not book"), booked (the accountant booked it
-- first: it was sent).
CREATE TABLE withdrawals (
    letter_id   INTEGER NOT NULL REFERENCES letters (id),
    tenant      TEXT NOT NULL,
    letter_key  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('intended', 'withdrawn', 'marked', 'booked')),
    detail      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (letter_id)
) STRICT; -- [sqlite] STRICT

CREATE INDEX withdrawals_by_tenant ON withdrawals (tenant, state);

-- Tasks for the own people of the creditor (a ladder task, a credit hold) that have nowhere to go:
-- no e-mail, and an accounting system without an internal note a debtor never sees. They wait
-- here, shown by `pending` and the report, until `dunning-bridge tasks done` marks them done.
CREATE TABLE tasks (
    tenant      TEXT NOT NULL,
    letter_key  TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    action      TEXT NOT NULL,
    invoices    TEXT NOT NULL, -- invoice numbers, comma separated
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    done_at     TEXT,
    done_note   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant, letter_key)
) STRICT;

CREATE INDEX tasks_open ON tasks (tenant, done_at);

-- Every invoice (open or settled) a cycle read, by id and by the number people type.
CREATE TABLE known_invoices (
    tenant      TEXT NOT NULL,
    invoice_id  TEXT NOT NULL,
    number      TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    currency    TEXT NOT NULL,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (tenant, invoice_id)
) STRICT;

CREATE INDEX known_invoices_by_number ON known_invoices (tenant, number);
CREATE INDEX known_invoices_by_customer ON known_invoices (tenant, customer_id);
