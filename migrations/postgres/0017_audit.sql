-- The audit log (issue 13): who did what to whose data, and when. Append-only: the trigger below
-- refuses every UPDATE and DELETE (and TRUNCATE), so not even a bug or a hand-typed query rewrites history.
CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,                  -- UTC epoch seconds
    actor      TEXT   NOT NULL,                  -- a user id, or 'cli' / 'system'
    action     TEXT   NOT NULL,                  -- db::audit::AuditAction
    region_key TEXT,                             -- the region it concerns, for coordinators' view
    scope      TEXT   NOT NULL,                  -- region / class / person it was about
    detail     TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_region ON audit_log (region_key, at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
