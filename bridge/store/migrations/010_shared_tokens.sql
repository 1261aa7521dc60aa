-- 010: rotating OAuth refresh tokens kept in the database, so every daemon sharing it refreshes
-- from the one token that is still valid (docs/operations.md § Tokens shared by daemons).
-- Portable SQL except where marked [sqlite]: see docs/store.md for the PostgreSQL spelling.

-- One row per tenant and credential (a connector's grant, e.g. "dinero"). ``sealed`` is the
-- refresh token, the access token and its expiry, encrypted with the store key (AES-256-GCM,
-- bridge/vocab/tokenseal.py): the database never holds a token in clear. ``key_id`` names the key that
-- sealed it (a one-way tag, not the key), so a daemon with another key says so instead of
-- failing blind. ``version`` counts rotations. ``refreshing_by``/``refreshing_since``: the
-- intent of a refresh under way, committed before the vendor is asked and cleared with the new
-- token; found set by the next holder of the lock, it tells that a refresh was interrupted.
CREATE TABLE tokens (
    tenant           TEXT NOT NULL,
    credential       TEXT NOT NULL,
    sealed           TEXT NOT NULL,
    key_id           TEXT NOT NULL,
    version          INTEGER NOT NULL,
    updated_at       TEXT NOT NULL,
    refreshing_by    TEXT,
    refreshing_since TEXT,
    PRIMARY KEY (tenant, credential)
) STRICT; -- [sqlite] STRICT
