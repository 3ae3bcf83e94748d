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

UPDATE courses SET tr_json = json_build_object('en', json_build_object('title', title_en))::text
WHERE title_en IS NOT NULL;
UPDATE regions SET tr_json = json_build_object('en', json_build_object('name', name_en))::text
WHERE name_en IS NOT NULL;

-- The languages are the locale folders, so people.lang takes any language code.
ALTER TABLE people DROP CONSTRAINT IF EXISTS people_lang_check;
ALTER TABLE people ADD CONSTRAINT people_lang_length CHECK (length(lang) BETWEEN 1 AND 16);
