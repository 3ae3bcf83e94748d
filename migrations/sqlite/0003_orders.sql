-- Orders (报名): one row per person per class ordered; waitlist and offers live in the same row.

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    number           TEXT    NOT NULL UNIQUE,         -- FS-7K3Q-2, read out on the phone
    user_id          INTEGER NOT NULL REFERENCES people (user_id),
    class_key        TEXT    NOT NULL REFERENCES classes (key),
    status           TEXT    NOT NULL CHECK (status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered',
                         'attended', 'completed', 'cancelled', 'rejected', 'no_show')),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    waitlisted_at    INTEGER,                         -- queue order of the waitlist
    offer_expires_at INTEGER,                         -- while status = 'offered'
    cancel_requested_at INTEGER                       -- a cancellation after the cut-off, waiting for the coordinator
);
-- One live order per person and class: a double-tapped confirm cannot create two.
CREATE UNIQUE INDEX orders_one_live_per_class ON orders (user_id, class_key) WHERE status NOT IN ('cancelled', 'rejected');
CREATE INDEX orders_class_status ON orders (class_key, status, waitlisted_at);
CREATE INDEX orders_user ON orders (user_id, created_at);
CREATE INDEX orders_offer_expiry ON orders (status, offer_expires_at);

-- Every status change, for the person's history and the coordinators' figures.
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    at          INTEGER NOT NULL,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    actor       INTEGER                               -- user id of who caused it; NULL = the system
);
CREATE INDEX order_events_order ON order_events (order_id);
CREATE INDEX order_events_at ON order_events (at);

-- 点单: requests for courses not offered, tallied per township and topic.
CREATE TABLE course_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES people (user_id),
    township_key TEXT    NOT NULL,
    topic        TEXT    NOT NULL,                    -- a category key, or the typed topic normalised
    topic_text   TEXT    NOT NULL,                    -- as the person wrote or chose it
    created_at   INTEGER NOT NULL,
    UNIQUE (user_id, township_key, topic)
);
CREATE INDEX course_requests_tally ON course_requests (township_key, topic);

-- A threshold message is sent once per township and topic.
CREATE TABLE course_request_alerts (
    township_key TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    sent_at      INTEGER NOT NULL,
    PRIMARY KEY (township_key, topic)
);
