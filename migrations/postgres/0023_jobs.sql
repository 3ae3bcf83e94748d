-- Issue 17: from certificate to job (培训合格后推荐就业). Openings (用工信息) from the catalogue file or a
-- coordinator's `/opening` dialog, the courses whose certificate qualifies for each, which openings the
-- scheduler offered to whom (at most a few a week, never one twice), referrals with their statuses, a
-- person's work intent (就业意向) and each region's pay floor.

CREATE TABLE openings (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT UNIQUE,                   -- the catalogue's key; NULL for openings made in the chat
    employer    TEXT NOT NULL,
    contact     TEXT NOT NULL,                 -- contact person and phone: shown to a person who asked
    region_key  TEXT NOT NULL REFERENCES regions (key),
    place       TEXT NOT NULL,
    work        TEXT NOT NULL,
    pay_min     BIGINT NOT NULL,              -- yuan
    pay_max     BIGINT NOT NULL,
    pay_unit    TEXT NOT NULL CHECK (pay_unit IN ('month', 'day')),
    starts_on   TEXT,                          -- local date 'YYYY-MM-DD'; NULL: at once
    closes_on   TEXT,                          -- last local date it takes people; NULL: long-term (长期)
    seats       BIGINT NOT NULL,
    travel      BIGINT NOT NULL DEFAULT 0,    -- 1: travel offered (路费 / 接送)
    tr_json     TEXT NOT NULL DEFAULT '{}',    -- translations of employer, place and work
    author_id   BIGINT,                       -- the coordinator who published it in the chat
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    closed_at   BIGINT,                       -- closed by a coordinator or left out of a later catalogue
    sort_order  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX openings_region ON openings (region_key);

CREATE TABLE opening_courses (
    opening_id BIGINT NOT NULL REFERENCES openings (id),
    course_key TEXT NOT NULL REFERENCES courses (key),
    PRIMARY KEY (opening_id, course_key)
);

-- An opening offered to a person by the scheduler (through the outbox and the gate): once per pair.
CREATE TABLE opening_offers (
    opening_id BIGINT NOT NULL REFERENCES openings (id),
    user_id    BIGINT NOT NULL,
    offered_at BIGINT NOT NULL,
    outbox_id  BIGINT,
    PRIMARY KEY (opening_id, user_id)
);
CREATE INDEX opening_offers_user ON opening_offers (user_id, offered_at);

-- A person referred to an opening after they agreed to share their name, village, phone and
-- certificate with the employer. One per person and opening; deleted with the person's data.
CREATE TABLE referrals (
    id             BIGSERIAL PRIMARY KEY,
    opening_id     BIGINT NOT NULL REFERENCES openings (id),
    user_id        BIGINT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('referred', 'interviewed', 'hired', 'not_hired', 'withdrew')),
    consented_at   BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    updated_by     BIGINT NOT NULL,           -- who set the status (the person, or a coordinator)
    interviewed_at BIGINT,                    -- when it first reached interviewed (or an outcome after one)
    settled_at     BIGINT,                    -- hired, not hired or withdrew
    follow_up_at   BIGINT,                    -- when the two-week follow-up question was queued
    UNIQUE (opening_id, user_id)
);
CREATE INDEX referrals_user ON referrals (user_id);

-- NULL: never asked (treated as near home); see domain::job::WorkIntent.
ALTER TABLE people ADD COLUMN work_intent TEXT
    CHECK (work_intent IN ('near_home', 'migrant', 'own_business', 'not_looking'));

-- The lowest pay (yuan per month; a day rate counts 21.75 days) an opening in a region may offer, set
-- by its coordinators; the nearest one on the region or above it applies.
CREATE TABLE pay_floors (
    region_key TEXT PRIMARY KEY NOT NULL REFERENCES regions (key),
    yuan_month BIGINT NOT NULL,
    set_by     BIGINT NOT NULL,
    set_at     BIGINT NOT NULL
);
