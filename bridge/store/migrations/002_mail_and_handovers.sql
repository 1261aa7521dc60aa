-- 002: e-mail the bridge sends itself, and hand-overs to collection.
-- Portable SQL except where marked [sqlite]: see docs/store.md for the PostgreSQL spelling.

-- One row per e-mail the bridge sends (a letter by a channel the accounting system lacks, a
-- task for a person, a case file for the agency). The row, with its Message-ID, is written
-- before the SMTP conversation starts: a key that is sending or sent is never sent again.
CREATE TABLE mail (
    tenant      TEXT NOT NULL,
    mail_key    TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
    detail      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (tenant, mail_key)
) STRICT; -- [sqlite] STRICT

-- Claims handed over to a collection agency: once per letter key. An invoice named here is
-- never dunned again by the bridge.
CREATE TABLE handovers (
    tenant       TEXT NOT NULL,
    letter_key   TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    customer_id  TEXT NOT NULL,
    invoices     TEXT NOT NULL, -- JSON list of invoice ids
    channel      TEXT NOT NULL CHECK (channel IN ('folder', 'email')),
    delivered_to TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (tenant, letter_key)
) STRICT;

CREATE INDEX handovers_by_customer ON handovers (tenant, customer_id);
