-- Issue 14: the catalogue is held in memory (db::snapshot) and read from there on every update. This
-- counter says which catalogue a copy shows: every write to a catalogue table bumps it, through
-- triggers, so no writer (the import, an operator's UPDATE, a test) can forget to.
CREATE TABLE catalog_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 1);

-- Once per statement: an import's thousand rows cost a handful of bumps, not a thousand.
CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER regions_bumps_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER trainers_bumps_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON trainers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER courses_bumps_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON courses
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER classes_bumps_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON classes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER sessions_bumps_catalog_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
