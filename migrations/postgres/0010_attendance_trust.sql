-- Attendance a funder can trust (issue 11): where a class meets (for check-in by shared location),
-- wrong-code lockouts, what happened to each session once it ended, who marked attendance by hand and
-- from how far a location check-in came, and the order status 'not_completed'.

-- Venue coordinates in millionths of a degree and a radius in metres; a session's own override its
-- class's. NULL: no coordinates (check-in by code only).
ALTER TABLE classes ADD COLUMN venue_lat_e6 BIGINT;
ALTER TABLE classes ADD COLUMN venue_lon_e6 BIGINT;
ALTER TABLE classes ADD COLUMN venue_radius_m BIGINT;
ALTER TABLE sessions ADD COLUMN venue_lat_e6 BIGINT;
ALTER TABLE sessions ADD COLUMN venue_lon_e6 BIGINT;
ALTER TABLE sessions ADD COLUMN venue_radius_m BIGINT;

-- Orders: the status 'not_completed' (attended, but can no longer complete).
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending_approval', 'confirmed', 'waitlisted',
    'offered', 'attended', 'completed', 'not_completed', 'cancelled', 'rejected', 'no_show'));

-- Attendance: check-in by shared location ('location', with the distance from the venue); the trainer's
-- hand marks stay 'trainer' (marked_by, at). 'button' is kept for rows from before: the button no
-- longer checks anyone in by itself.
ALTER TABLE attendance DROP CONSTRAINT attendance_source_check;
ALTER TABLE attendance ADD CONSTRAINT attendance_source_check
    CHECK (source IN ('code', 'button', 'location', 'trainer', 'auto'));
ALTER TABLE attendance ADD COLUMN distance_m BIGINT;            -- a location check-in: metres from the venue
CREATE INDEX attendance_session ON attendance (session_id);

-- Each session once it has ended: its attendance made final (everyone booked without a mark absent,
-- or excused), or, when nothing at all was recorded, its trainer asked to mark it by hand (possible
-- for 48 hours after the end; then it is made final as it stands).
CREATE TABLE session_closings (
    session_id BIGINT PRIMARY KEY REFERENCES sessions (id),
    ended_at   BIGINT NOT NULL,                  -- when the end was handled
    asked_at   BIGINT,                           -- the trainer was asked to mark attendance by hand
    final_at   BIGINT                            -- absences recorded; NULL while hand marks are awaited
);
CREATE INDEX session_closings_waiting ON session_closings (final_at);
-- Sessions whose check-in was finalized before this migration are closed already.
INSERT INTO session_closings (session_id, ended_at, final_at)
    SELECT session_id, finalized_at, finalized_at FROM checkins WHERE finalized_at IS NOT NULL;

-- Wrong check-in codes in a row per person: the fifth locks their check-in for a while.
CREATE TABLE checkin_lockouts (
    user_id      BIGINT PRIMARY KEY,
    wrong_in_row BIGINT NOT NULL,
    locked_until BIGINT,
    at           BIGINT NOT NULL
);
