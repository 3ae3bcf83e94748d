-- Attendance (考勤), theory tests (理论测试), practical checks (实操考核), completion and credits (学分).

-- A trainer opens check-in for a session: a 4-digit code valid for a while (one open check-in per session).
CREATE TABLE checkins (
    session_id     BIGINT PRIMARY KEY REFERENCES sessions (id),
    code           TEXT NOT NULL,
    opened_by      BIGINT NOT NULL,
    opened_at      BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    roster_chat    BIGINT,                 -- the trainer's live roster message, edited as people check in
    roster_message BIGINT,
    finalized_at   BIGINT                  -- after the session: absences recorded, quiz invitations sent
);
CREATE INDEX checkins_code ON checkins (code, expires_at);

CREATE TABLE attendance (
    order_id   BIGINT NOT NULL REFERENCES orders (id),
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    mark       TEXT NOT NULL CHECK (mark IN ('present', 'absent', 'excused')),
    source     TEXT NOT NULL CHECK (source IN ('code', 'button', 'trainer', 'auto')),
    marked_by  BIGINT,
    at         BIGINT NOT NULL,
    PRIMARY KEY (order_id, session_id)
);

CREATE TABLE practical_checks (
    order_id  BIGINT PRIMARY KEY REFERENCES orders (id),
    passed    BIGINT NOT NULL,
    marked_by BIGINT NOT NULL,
    at        BIGINT NOT NULL
);

CREATE TABLE quiz_attempts (
    id             BIGSERIAL PRIMARY KEY,
    order_id       BIGINT NOT NULL REFERENCES orders (id),
    user_id        BIGINT NOT NULL,
    started_at     BIGINT NOT NULL,
    finished_at    BIGINT,
    position       BIGINT NOT NULL DEFAULT 0,   -- index of the question being asked
    correct        BIGINT NOT NULL DEFAULT 0,
    total          BIGINT NOT NULL,
    passed         BIGINT,                      -- NULL while running
    questions_json TEXT NOT NULL              -- the drawn questions and their shuffled option order
);
CREATE INDEX quiz_attempts_order ON quiz_attempts (order_id, started_at);

CREATE TABLE quiz_answers (
    attempt_id  BIGINT NOT NULL REFERENCES quiz_attempts (id),
    position    BIGINT NOT NULL,
    question_id BIGINT NOT NULL REFERENCES questions (id),
    chosen      BIGINT NOT NULL,                -- index into the question's options as stored
    correct     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);

CREATE TABLE completions (
    order_id       BIGINT PRIMARY KEY REFERENCES orders (id),
    user_id        BIGINT NOT NULL,
    course_key     TEXT NOT NULL,
    completed_at   BIGINT NOT NULL,
    code           TEXT NOT NULL UNIQUE,      -- printed on the certificate; `fieldschool verify CODE`
    credits_tenths BIGINT NOT NULL
);
CREATE INDEX completions_user ON completions (user_id, completed_at);
