-- 007: a tenant is its accounting company. The key of the company a tenant's cycles work on
-- (system and the vendor's own company id, e.g. "economic:agreement:123456") is recorded on the
-- first cycle, so a tenant renamed in the env file is recognised instead of starting afresh
-- (`dunning-bridge tenants rename OLD NEW`, docs/store.md). NULL: not known yet, or the
-- connector cannot tell.
-- Portable SQL.
ALTER TABLE tenants ADD COLUMN company_key TEXT;

CREATE INDEX tenants_by_company ON tenants (company_key);
