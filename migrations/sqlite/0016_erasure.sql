-- Erasure and consent versions (issue 13). An erased person leaves a tombstone row (random negative
-- user and chat ids, no name, no phone, no pseudonym) so the orders, attendance and survey answers
-- already counted in county totals keep their region; `erased_at` marks it. `consent_version` is the
-- version of the consent text the person agreed to (people registered before versions existed agreed
-- to version 1). A certificate of an erased person is revoked at the holder's request.
ALTER TABLE people ADD COLUMN consent_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE people ADD COLUMN erased_at INTEGER;
ALTER TABLE completions ADD COLUMN revoked_at INTEGER;
