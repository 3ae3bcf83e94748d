-- Trainer and coordinator broadcasts: one row per broadcast, one outbox row per recipient
-- (group_key 'broadcast:<id>'), and the "收到" acknowledgements.

CREATE TABLE broadcasts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    sender_id        INTEGER NOT NULL,
    sender_chat      INTEGER NOT NULL,
    target_json      TEXT NOT NULL,
    text             TEXT NOT NULL,
    photo_id         TEXT,
    urgent           INTEGER NOT NULL,
    recipients       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    progress_message INTEGER,             -- the sender's progress message, edited in place
    reported_at      INTEGER              -- the delivery report was sent (once, whichever replica sees the end)
);

CREATE TABLE broadcast_acks (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
    user_id      INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (broadcast_id, user_id)
);
