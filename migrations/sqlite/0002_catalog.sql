-- The catalogue, loaded by `fieldschool import` (see docs/catalog-format.md). Stable keys come from the
-- catalogue file; rows are never deleted by an import (orders may point at them), only marked cancelled.

CREATE TABLE regions (
    key        TEXT PRIMARY KEY,
    parent_key TEXT REFERENCES regions (key),
    level      TEXT NOT NULL CHECK (level IN ('county', 'township', 'village')),
    name       TEXT NOT NULL,
    name_en    TEXT,
    timezone   TEXT NOT NULL,               -- resolved: the region's own, else inherited, else Asia/Shanghai
    agri_zone  TEXT NOT NULL,               -- resolved: the region's own, else inherited
    own_timezone TEXT,                      -- as the catalogue set it on this region (NULL = inherit)
    own_zone     TEXT,
    busy_json  TEXT NOT NULL DEFAULT '[]',  -- region-specific busy ranges (added to or replacing the zone's)
    sort_order INTEGER NOT NULL DEFAULT 0,
    busy_mode  TEXT NOT NULL DEFAULT 'add' CHECK (busy_mode IN ('add', 'replace')),
    quiet_hours       TEXT,                 -- 'HH:MM-HH:MM' set on this region; NULL = inherit
    busy_windows_json TEXT                  -- JSON array of 'HH:MM-HH:MM' set on this region; NULL = inherit
);
CREATE INDEX regions_parent ON regions (parent_key, sort_order);

CREATE TABLE trainers (
    key        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('expert', 'industry', 'local')),
    bio        TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE courses (
    key                TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    title_en           TEXT,
    audience           TEXT NOT NULL CHECK (audience IN ('villager', 'cadre')),
    category           TEXT NOT NULL,
    summary            TEXT NOT NULL,
    mode               TEXT NOT NULL CHECK (mode IN ('classroom', 'field', 'village', 'online')),
    trainer_key        TEXT NOT NULL REFERENCES trainers (key),
    cost_yuan          INTEGER NOT NULL DEFAULT 0,     -- 0 = government-funded, free to the trainee
    funded_by          TEXT,
    needs_approval     INTEGER NOT NULL DEFAULT 0,
    credits_tenths     INTEGER NOT NULL DEFAULT 0,     -- cadre training credits x 10 (1.5 credits = 15)
    what_to_bring      TEXT,
    photo              TEXT,
    min_attendance_pct INTEGER NOT NULL DEFAULT 80,
    practical_check    INTEGER NOT NULL DEFAULT 0,
    pass_mark_pct      INTEGER NOT NULL DEFAULT 60,
    sort_order         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX courses_audience ON courses (audience, sort_order);

CREATE TABLE questions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    course_key   TEXT    NOT NULL REFERENCES courses (key),
    key          TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    options_json TEXT    NOT NULL,                     -- JSON array of 2-6 strings
    answer       INTEGER NOT NULL,                     -- 0-based index into options
    explanation  TEXT    NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1,           -- 0 once a re-import drops it (answers keep pointing at it)
    sort_order   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (course_key, key)
);

CREATE TABLE classes (
    key        TEXT PRIMARY KEY,
    course_key TEXT    NOT NULL REFERENCES courses (key),
    region_key TEXT    NOT NULL REFERENCES regions (key),
    place      TEXT    NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity >= 1),
    status     TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'cancelled')),
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX classes_course ON classes (course_key, sort_order);
CREATE INDEX classes_region ON classes (region_key);

CREATE TABLE sessions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    class_key TEXT    NOT NULL REFERENCES classes (key),
    key       TEXT    NOT NULL,                        -- unique within its class
    starts_at INTEGER NOT NULL,                        -- UTC epoch seconds
    ends_at   INTEGER NOT NULL,
    place     TEXT,                                    -- NULL = the class's place
    topic     TEXT,
    status    TEXT    NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    UNIQUE (class_key, key)
);
CREATE INDEX sessions_starts ON sessions (starts_at);
