-- Issue 16: micro-lessons (碎片化学习). The catalogue's lessons with their cards, check questions and
-- media files; each person's readings of them, their answers and the credits cadres earn from them.
-- Lessons are read from these tables when someone reads one, not from the in-memory catalogue
-- (db::snapshot), so they need no catalog_version triggers.

-- A media file of a lesson, as imported from next to the catalogue file: its bytes (so any replica can
-- send it) and, once Telegram has it, the file id Telegram returned: later sends reuse the id instead of
-- uploading the file again. A changed file is a new row (another hash).
CREATE TABLE lesson_media (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    path        TEXT NOT NULL,                 -- as the catalogue names it, relative to the catalogue file
    sha256      TEXT NOT NULL,                 -- of the content, in hex
    kind        TEXT NOT NULL CHECK (kind IN ('photo', 'voice', 'video')),
    size_bytes  INTEGER NOT NULL,
    content     BLOB NOT NULL,
    file_id     TEXT,                          -- Telegram's, after the first upload
    uploaded_at INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (path, sha256, kind)
);

CREATE TABLE lessons (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    key            TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    tr_json        TEXT NOT NULL DEFAULT '{}',
    topic          TEXT NOT NULL,              -- a course category
    audience       TEXT NOT NULL CHECK (audience IN ('villager', 'cadre', 'both')),
    region_key     TEXT REFERENCES regions (key),
    credits_tenths INTEGER NOT NULL DEFAULT 0,
    course_key     TEXT REFERENCES courses (key),
    sort_order     INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1  -- 0: no longer in the catalogue (readings still point here)
);

-- Cards in order; replaced whole when a re-import changes them (readings keep their place by number).
CREATE TABLE lesson_cards (
    lesson_id        INTEGER NOT NULL REFERENCES lessons (id),
    position         INTEGER NOT NULL,         -- 0-based
    text             TEXT,
    tr_json          TEXT NOT NULL DEFAULT '{}',
    media_id         INTEGER REFERENCES lesson_media (id),
    voice_version_id INTEGER REFERENCES lesson_media (id),
    PRIMARY KEY (lesson_id, position)
);

-- Check questions, matched on (lesson, key) so re-imports keep their ids (answers point at them).
CREATE TABLE lesson_questions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson_id    INTEGER NOT NULL REFERENCES lessons (id),
    key          TEXT NOT NULL,
    position     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    options_json TEXT NOT NULL,
    answer       INTEGER NOT NULL,             -- 0-based index into the options
    explanation  TEXT NOT NULL,
    tr_json      TEXT NOT NULL DEFAULT '{}',
    active       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (lesson_id, key)
);

-- A person's reading of a lesson: when its first card was sent, when they opened it (acted on it),
-- when they finished, and where they are. `source` says how it came: 'menu' (📖 学一课); a daily
-- lesson or one sent before or after a class would say so. Reports count sent, opened and finished
-- per lesson and region from here; a streak reads the days of `finished_at`.
CREATE TABLE lesson_readings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    lesson_id   INTEGER NOT NULL REFERENCES lessons (id),
    source      TEXT NOT NULL,
    sent_at     INTEGER NOT NULL,
    opened_at   INTEGER,
    finished_at INTEGER,
    step        TEXT NOT NULL CHECK (step IN ('card', 'question', 'done')),
    step_index  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX lesson_readings_user ON lesson_readings (user_id, lesson_id);
CREATE INDEX lesson_readings_lesson ON lesson_readings (lesson_id, finished_at);
-- One unfinished reading per person and lesson.
CREATE UNIQUE INDEX lesson_readings_open ON lesson_readings (user_id, lesson_id) WHERE finished_at IS NULL;

-- Each answer of a reading (one per question: the answer given is the reading's only try).
CREATE TABLE lesson_answers (
    reading_id  INTEGER NOT NULL REFERENCES lesson_readings (id),
    position    INTEGER NOT NULL,              -- the question's place in the lesson when asked
    question_id INTEGER NOT NULL REFERENCES lesson_questions (id),
    chosen      INTEGER NOT NULL,              -- index into the question's options as stored
    correct     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (reading_id, position)
);
CREATE INDEX lesson_answers_question ON lesson_answers (question_id);

-- Credits a cadre earned from lessons: once per lesson, person and calendar year (the person's time
-- zone), whatever happens twice.
CREATE TABLE lesson_credits (
    user_id        INTEGER NOT NULL,
    lesson_id      INTEGER NOT NULL REFERENCES lessons (id),
    year           INTEGER NOT NULL,
    credits_tenths INTEGER NOT NULL,
    earned_at      INTEGER NOT NULL,
    reading_id     INTEGER NOT NULL REFERENCES lesson_readings (id),
    PRIMARY KEY (user_id, lesson_id, year)
);
CREATE INDEX lesson_credits_year ON lesson_credits (year, user_id);
