-- 009: a connector's last full read of a tenant's lists (Fortnox, Dinero), so an unchanged
-- cycle reads only what the vendor's change feed lists since the watermark
-- (bridge/store/feeds.py). A cache of the vendor's data, never state of our own: dropping a row
-- costs one full read. Portable SQL.
CREATE TABLE feed_snapshots (
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    swept_at TEXT NOT NULL,
    watermark TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant, name)
);
