-- Trainer and coordinator broadcasts: one row per broadcast, one outbox row per recipient
-- (group_key 'broadcast:<id>'), and the "收到" acknowledgements.

CREATE TABLE broadcasts (
    id               BIGSERIAL PRIMARY KEY,
    sender_id        BIGINT NOT NULL,
    sender_chat      BIGINT NOT NULL,
    target_json      TEXT NOT NULL,
    text             TEXT NOT NULL,
    photo_id         TEXT,
    urgent           BIGINT NOT NULL,
    recipients       BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    progress_message BIGINT,             -- the sender's progress message, edited in place
    reported_at      BIGINT              -- the delivery report was sent (once, whichever replica sees the end)
);

CREATE TABLE broadcast_acks (
    broadcast_id BIGINT NOT NULL REFERENCES broadcasts (id),
    user_id      BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (broadcast_id, user_id)
);
