-- 009: a write whose outcome is unknown is settled by the accountant, not re-sent blindly
-- (docs/reliability.md § Could not confirm). attempted_at: when the request was about to leave
-- the process (NULL: a crash before it left, so it is known not sent). unconfirmed_at: when the
-- read-back found nothing and the write went to the accountant as "could not confirm" (NULL:
-- not asked). Both only on an intended letter.
-- Portable SQL.
ALTER TABLE letters ADD COLUMN attempted_at TEXT;

ALTER TABLE letters ADD COLUMN unconfirmed_at TEXT;
