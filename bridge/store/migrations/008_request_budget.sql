-- 008: the requests each cycle sent to the accounting system, per tenant, so a vendor's daily
-- budget (e-conomic: 50,000 calls per 24 hours per agreement) is planned across cycles and
-- daemon restarts (bridge/budget.py). One row per cycle; rows older than two days are pruned.
-- Portable SQL.
CREATE TABLE request_log (
    tenant TEXT NOT NULL,
    at TEXT NOT NULL,
    requests INTEGER NOT NULL
);

CREATE INDEX request_log_by_tenant ON request_log (tenant, at);
