-- 005: find a letter's newest row by its key without scanning the outbox.
-- The unique index on live keys (001) is partial, so it cannot answer "the newest row of this
-- key" (cancelled and rejected rows are outside it); every write and read-back asks that.
CREATE INDEX letters_by_key ON letters (letter_key, id);
