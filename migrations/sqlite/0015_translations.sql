-- Catalogue translations (issue 11, languages): every visible catalogue text is written in Chinese
-- and may carry translations, kept as JSON {"<lang>": {"<field>": "text" | ["option", …]}} beside the
-- row (domain::catalog::Translations). The old English columns (title_en, name_en) move into it and
-- are no longer read.
ALTER TABLE regions   ADD COLUMN tr_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE trainers  ADD COLUMN tr_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE courses   ADD COLUMN tr_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE questions ADD COLUMN tr_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE classes   ADD COLUMN tr_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sessions  ADD COLUMN tr_json TEXT NOT NULL DEFAULT '{}';

UPDATE courses SET tr_json = json_object('en', json_object('title', title_en)) WHERE title_en IS NOT NULL;
UPDATE regions SET tr_json = json_object('en', json_object('name', name_en)) WHERE name_en IS NOT NULL;

-- The languages are the locale folders, so people.lang takes any language code: the CHECK (lang IN
-- ('zh', 'en')) goes. SQLite cannot drop a constraint, so the table is rebuilt (Db::migrate runs the
-- migrations with foreign keys off, as SQLite's documented procedure asks, and checks them after).
CREATE TABLE people_new (
    user_id        INTEGER PRIMARY KEY,
    chat_id        INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    audience       TEXT    NOT NULL CHECK (audience IN ('villager', 'cadre')),
    lang           TEXT    NOT NULL CHECK (length(lang) BETWEEN 1 AND 16),
    village_key    TEXT,
    phone          TEXT,
    consent_at     INTEGER NOT NULL,
    registered_at  INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    unreachable_at INTEGER,
    paused_until   INTEGER,
    instant_lines  INTEGER NOT NULL DEFAULT 1,
    surveys_stopped INTEGER NOT NULL DEFAULT 0,
    pseudonym      TEXT,
    trainee        INTEGER NOT NULL DEFAULT 1
);
INSERT INTO people_new (user_id, chat_id, name, audience, lang, village_key, phone, consent_at, registered_at,
                        updated_at, unreachable_at, paused_until, instant_lines, surveys_stopped, pseudonym, trainee)
SELECT user_id, chat_id, name, audience, lang, village_key, phone, consent_at, registered_at,
       updated_at, unreachable_at, paused_until, instant_lines, surveys_stopped, pseudonym, trainee
FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;
CREATE INDEX people_village ON people (village_key);
CREATE UNIQUE INDEX people_pseudonym ON people (pseudonym);
CREATE INDEX people_chat ON people (chat_id);
