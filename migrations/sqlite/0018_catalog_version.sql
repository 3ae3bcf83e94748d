-- Issue 14: the catalogue is held in memory (db::snapshot) and read from there on every update. This
-- counter says which catalogue a copy shows: every write to a catalogue table bumps it, through
-- triggers, so no writer (the import, an operator's UPDATE, a test) can forget to.
CREATE TABLE catalog_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 1);

-- SQLite has row triggers only: an import bumps it once per row it writes.
CREATE TRIGGER regions_insert_bumps_catalog_version AFTER INSERT ON regions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER regions_update_bumps_catalog_version AFTER UPDATE ON regions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER regions_delete_bumps_catalog_version AFTER DELETE ON regions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER trainers_insert_bumps_catalog_version AFTER INSERT ON trainers
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER trainers_update_bumps_catalog_version AFTER UPDATE ON trainers
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER trainers_delete_bumps_catalog_version AFTER DELETE ON trainers
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER courses_insert_bumps_catalog_version AFTER INSERT ON courses
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER courses_update_bumps_catalog_version AFTER UPDATE ON courses
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER courses_delete_bumps_catalog_version AFTER DELETE ON courses
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER classes_insert_bumps_catalog_version AFTER INSERT ON classes
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER classes_update_bumps_catalog_version AFTER UPDATE ON classes
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER classes_delete_bumps_catalog_version AFTER DELETE ON classes
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_insert_bumps_catalog_version AFTER INSERT ON sessions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_update_bumps_catalog_version AFTER UPDATE ON sessions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_delete_bumps_catalog_version AFTER DELETE ON sessions
BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END;
