-- Follow-up surveys (跟踪问效): the baseline at first sign-up, follow-up waves months after a course,
-- and the course feedback at completion. One row per survey a person is asked; one row per answer.
CREATE TABLE surveys (
    id           BIGSERIAL PRIMARY KEY,
    survey_key   TEXT NOT NULL UNIQUE,       -- 'baseline:<user>', 'm3:<order>', 'feedback:<order>': planned once
    user_id      BIGINT NOT NULL,
    wave         TEXT NOT NULL,              -- baseline, m3, m6, m12, feedback
    order_id     BIGINT REFERENCES orders (id),
    opens_at     BIGINT NOT NULL,
    closes_at    BIGINT,                    -- answers after this are refused; NULL: open until answered
    completed_at BIGINT,
    stopped_at   BIGINT,                    -- withdrawn because the person stopped surveys
    created_at   BIGINT NOT NULL
);
CREATE INDEX surveys_user ON surveys (user_id, wave);
CREATE INDEX surveys_order ON surveys (order_id);

CREATE TABLE survey_answers (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    question  TEXT NOT NULL,
    number    BIGINT,                       -- household size, yuan, stars
    choice    TEXT,                          -- a choice code (farming, yes, …)
    text      TEXT,                          -- a comment
    declined  BIGINT NOT NULL DEFAULT 0,    -- "prefer not to say"
    at        BIGINT NOT NULL,
    PRIMARY KEY (survey_id, question)
);

-- A person may stop surveys in settings; exports without names use a stable pseudonym made on first use.
ALTER TABLE people ADD COLUMN surveys_stopped BIGINT NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN pseudonym TEXT;
CREATE UNIQUE INDEX people_pseudonym ON people (pseudonym);
