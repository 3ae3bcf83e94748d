-- Session reminders: per-region timing (inherited down the tree; NULL = inherit, else the default
-- 19:30 the evening before and 2 hours before), answers to "I'll come / can't come", and the link
-- between a trainer in the catalogue and the person who is that trainer on Telegram.

ALTER TABLE regions ADD COLUMN remind_evening_at TEXT;          -- 'HH:MM', or 'off'
ALTER TABLE regions ADD COLUMN remind_hours_before INTEGER;        -- 0 = off

CREATE TABLE session_rsvps (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    answer     TEXT NOT NULL CHECK (answer IN ('coming', 'not_coming')),
    at         INTEGER NOT NULL,
    PRIMARY KEY (order_id, session_id)
);

CREATE TABLE trainer_links (
    user_id     INTEGER PRIMARY KEY,
    trainer_key TEXT NOT NULL REFERENCES trainers (key),
    linked_at   INTEGER NOT NULL
);
CREATE INDEX trainer_links_trainer ON trainer_links (trainer_key);

ALTER TABLE invites ADD COLUMN trainer_key TEXT;                -- trainer invites: which catalogue trainer
