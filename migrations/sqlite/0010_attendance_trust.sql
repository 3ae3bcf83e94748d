-- Attendance a funder can trust (issue 11): where a class meets (for check-in by shared location),
-- wrong-code lockouts, what happened to each session once it ended, who marked attendance by hand and
-- from how far a location check-in came, and the order status 'not_completed'.

-- Migrations run in one transaction (sqlx), where `PRAGMA foreign_keys` cannot be switched off:
-- rebuilding `orders` below leaves the rows that point at it without a parent until it is filled
-- again, so the foreign-key check waits for the commit.
PRAGMA defer_foreign_keys = ON;

-- Venue coordinates in millionths of a degree and a radius in metres; a session's own override its
-- class's. NULL: no coordinates (check-in by code only).
ALTER TABLE classes ADD COLUMN venue_lat_e6 INTEGER;
ALTER TABLE classes ADD COLUMN venue_lon_e6 INTEGER;
ALTER TABLE classes ADD COLUMN venue_radius_m INTEGER;
ALTER TABLE sessions ADD COLUMN venue_lat_e6 INTEGER;
ALTER TABLE sessions ADD COLUMN venue_lon_e6 INTEGER;
ALTER TABLE sessions ADD COLUMN venue_radius_m INTEGER;

-- Orders: the status 'not_completed' (attended, but can no longer complete). SQLite cannot change a
-- CHECK in place: the table is rebuilt with the same columns, ids and indexes. (Copied out and back
-- rather than renamed: a rename would rewrite the references of the tables that point at `orders`.)
CREATE TABLE orders_0010 AS SELECT * FROM orders;
DROP TABLE orders;
CREATE TABLE orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    number           TEXT    NOT NULL UNIQUE,         -- FS-7K3Q-2, read out on the phone
    user_id          INTEGER NOT NULL REFERENCES people (user_id),
    class_key        TEXT    NOT NULL REFERENCES classes (key),
    status           TEXT    NOT NULL CHECK (status IN ('pending_approval', 'confirmed', 'waitlisted', 'offered',
                         'attended', 'completed', 'not_completed', 'cancelled', 'rejected', 'no_show')),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    waitlisted_at    INTEGER,                         -- queue order of the waitlist
    offer_expires_at INTEGER,                         -- while status = 'offered'
    cancel_requested_at INTEGER                       -- a cancellation after the cut-off, waiting for the coordinator
);
INSERT INTO orders (id, number, user_id, class_key, status, created_at, updated_at, waitlisted_at, offer_expires_at,
                    cancel_requested_at)
    SELECT id, number, user_id, class_key, status, created_at, updated_at, waitlisted_at, offer_expires_at,
           cancel_requested_at
    FROM orders_0010 ORDER BY id;
DROP TABLE orders_0010;
-- One live order per person and class: a double-tapped confirm cannot create two.
CREATE UNIQUE INDEX orders_one_live_per_class ON orders (user_id, class_key) WHERE status NOT IN ('cancelled', 'rejected');
CREATE INDEX orders_class_status ON orders (class_key, status, waitlisted_at);
CREATE INDEX orders_user ON orders (user_id, created_at);
CREATE INDEX orders_offer_expiry ON orders (status, offer_expires_at);

-- Attendance: check-in by shared location ('location', with the distance from the venue); the trainer's
-- hand marks stay 'trainer' (marked_by, at). 'button' is kept for rows from before: the button no
-- longer checks anyone in by itself.
CREATE TABLE attendance_0010 AS SELECT * FROM attendance;
DROP TABLE attendance;
CREATE TABLE attendance (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    mark       TEXT NOT NULL CHECK (mark IN ('present', 'absent', 'excused')),
    source     TEXT NOT NULL CHECK (source IN ('code', 'button', 'location', 'trainer', 'auto')),
    marked_by  INTEGER,
    at         INTEGER NOT NULL,
    distance_m INTEGER,                          -- a location check-in: metres from the venue
    PRIMARY KEY (order_id, session_id)
);
INSERT INTO attendance (order_id, session_id, mark, source, marked_by, at)
    SELECT order_id, session_id, mark, source, marked_by, at FROM attendance_0010;
DROP TABLE attendance_0010;
CREATE INDEX attendance_session ON attendance (session_id);

-- Each session once it has ended: its attendance made final (everyone booked without a mark absent,
-- or excused), or, when nothing at all was recorded, its trainer asked to mark it by hand (possible
-- for 48 hours after the end; then it is made final as it stands).
CREATE TABLE session_closings (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id),
    ended_at   INTEGER NOT NULL,                 -- when the end was handled
    asked_at   INTEGER,                          -- the trainer was asked to mark attendance by hand
    final_at   INTEGER                           -- absences recorded; NULL while hand marks are awaited
);
CREATE INDEX session_closings_waiting ON session_closings (final_at);
-- Sessions whose check-in was finalized before this migration are closed already.
INSERT INTO session_closings (session_id, ended_at, final_at)
    SELECT session_id, finalized_at, finalized_at FROM checkins WHERE finalized_at IS NOT NULL;

-- Wrong check-in codes in a row per person: the fifth locks their check-in for a while.
CREATE TABLE checkin_lockouts (
    user_id      INTEGER PRIMARY KEY,
    wrong_in_row INTEGER NOT NULL,
    locked_until INTEGER,
    at           INTEGER NOT NULL
);
