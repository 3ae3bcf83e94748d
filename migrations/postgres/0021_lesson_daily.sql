-- Issue 16: the daily lesson (每日一课). Who asked for one a day and at what local time; and each day's
-- plan per person, so a day is planned once (whatever replica or restart), at most one is waiting per
-- person, and the reading it became is known once it was sent.

CREATE TABLE lesson_subscriptions (
    user_id    BIGINT PRIMARY KEY,
    at_minute  BIGINT NOT NULL CHECK (at_minute >= 0 AND at_minute < 1440), -- local time, minutes after midnight
    since      BIGINT NOT NULL,           -- when the time was chosen: a day whose time came before is not planned
    created_at BIGINT NOT NULL
);

-- One row per person and local date planned. state: 'pending' (queued in the outbox), 'sent' (the
-- reading below counts it as sent), 'dropped' (the outbox did not deliver it: withdrawn, refused,
-- unreachable), 'nothing' (no lesson was left that day, or the gate found no time: nothing queued).
CREATE TABLE lesson_daily_plans (
    user_id    BIGINT NOT NULL,
    local_date TEXT NOT NULL,              -- YYYY-MM-DD in the person's time zone
    lesson_id  BIGINT REFERENCES lessons (id),
    outbox_id  BIGINT,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dropped', 'nothing')),
    planned_at BIGINT NOT NULL,
    sent_at    BIGINT,
    reading_id BIGINT REFERENCES lesson_readings (id),
    PRIMARY KEY (user_id, local_date)
);
CREATE INDEX lesson_daily_plans_pending ON lesson_daily_plans (state, user_id);
