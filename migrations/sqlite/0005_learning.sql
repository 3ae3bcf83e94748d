-- Attendance (考勤), theory tests (理论测试), practical checks (实操考核), completion and credits (学分).

-- A trainer opens check-in for a session: a 4-digit code valid for a while (one open check-in per session).
CREATE TABLE checkins (
    session_id     INTEGER PRIMARY KEY REFERENCES sessions (id),
    code           TEXT NOT NULL,
    opened_by      INTEGER NOT NULL,
    opened_at      INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    roster_chat    INTEGER,                 -- the trainer's live roster message, edited as people check in
    roster_message INTEGER,
    finalized_at   INTEGER                  -- after the session: absences recorded, quiz invitations sent
);
CREATE INDEX checkins_code ON checkins (code, expires_at);

CREATE TABLE attendance (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    mark       TEXT NOT NULL CHECK (mark IN ('present', 'absent', 'excused')),
    source     TEXT NOT NULL CHECK (source IN ('code', 'button', 'trainer', 'auto')),
    marked_by  INTEGER,
    at         INTEGER NOT NULL,
    PRIMARY KEY (order_id, session_id)
);

CREATE TABLE practical_checks (
    order_id  INTEGER PRIMARY KEY REFERENCES orders (id),
    passed    INTEGER NOT NULL,
    marked_by INTEGER NOT NULL,
    at        INTEGER NOT NULL
);

CREATE TABLE quiz_attempts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id       INTEGER NOT NULL REFERENCES orders (id),
    user_id        INTEGER NOT NULL,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    position       INTEGER NOT NULL DEFAULT 0,   -- index of the question being asked
    correct        INTEGER NOT NULL DEFAULT 0,
    total          INTEGER NOT NULL,
    passed         INTEGER,                      -- NULL while running
    questions_json TEXT NOT NULL              -- the drawn questions and their shuffled option order
);
CREATE INDEX quiz_attempts_order ON quiz_attempts (order_id, started_at);

CREATE TABLE quiz_answers (
    attempt_id  INTEGER NOT NULL REFERENCES quiz_attempts (id),
    position    INTEGER NOT NULL,
    question_id INTEGER NOT NULL REFERENCES questions (id),
    chosen      INTEGER NOT NULL,                -- index into the question's options as stored
    correct     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, position)
);

CREATE TABLE completions (
    order_id       INTEGER PRIMARY KEY REFERENCES orders (id),
    user_id        INTEGER NOT NULL,
    course_key     TEXT NOT NULL,
    completed_at   INTEGER NOT NULL,
    code           TEXT NOT NULL UNIQUE,      -- printed on the certificate; `fieldschool verify CODE`
    credits_tenths INTEGER NOT NULL
);
CREATE INDEX completions_user ON completions (user_id, completed_at);
