-- Time and faults: how each queued message is timed (so the gate can be asked again when it is sent
-- late), when its Bot API call began (so a row whose call was cut off by a crash is never sent twice),
-- and which process holds each worker identity (so a restarted process takes its predecessor's claims
-- back at once instead of waiting for their leases).

-- The gate's rule for the row: 'notice', 'digest', 'survey', 'broadcast', 'broadcast!' (urgent),
-- 'reminder@<session start, epoch seconds>', each optionally followed by ';personal' (a pause does
-- not hold it). NULL on rows queued before this migration: timed as a personal notice.
ALTER TABLE outbox ADD COLUMN send_rule TEXT;
-- Set just before the Bot API call, cleared with the outcome.
ALTER TABLE outbox ADD COLUMN send_started_at BIGINT;

CREATE TABLE outbox_workers (
    worker_id  TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        BIGINT NOT NULL,
    started_at BIGINT NOT NULL
);

-- The gate looks a recipient up by chat when it times a message again at send time.
CREATE INDEX people_chat ON people (chat_id);
