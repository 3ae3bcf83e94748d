-- The durable inbox: every update Telegram delivers is stored here before Telegram is told it arrived
-- (the next getUpdates offset, or the webhook's HTTP 200), then handled by workers in each chat's order.
CREATE TABLE inbox (
    update_id     BIGINT PRIMARY KEY,
    chat_key      BIGINT NOT NULL,          -- the chat, else the user (poll answers): one at a time, in order
    kind          TEXT NOT NULL,          -- message, callback_query, …
    payload       TEXT NOT NULL,          -- the update as Telegram sent it (JSON)
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'working', 'handled', 'parked')),
    attempts      BIGINT NOT NULL DEFAULT 0,  -- handlings begun
    last_error    TEXT,
    claimed_by    TEXT,                   -- the worker handling it ('working')
    claimed_until BIGINT,                     -- its lease (epoch seconds, wall clock)
    received_at   BIGINT NOT NULL,            -- wall clock
    handled_at    BIGINT
);
CREATE INDEX inbox_status ON inbox (status, update_id);
CREATE INDEX inbox_chat ON inbox (chat_key, status, update_id);

-- The scheduler runs on one replica at a time: the holder of the 'scheduler' lease, renewed while it
-- lives, taken over by another replica once it runs out.
CREATE TABLE job_leases (
    job    TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  BIGINT NOT NULL
);

-- The update whose handling placed an order: handled again after a crash, it finds its own order and
-- answers as the first time, instead of "you have ordered this already".
ALTER TABLE orders ADD COLUMN placed_by_update BIGINT;
