-- The audit log (issue 13): who did what to whose data, and when. Append-only: the triggers below
-- refuse every UPDATE and DELETE, so not even a bug or a hand-typed query rewrites history.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,                 -- UTC epoch seconds
    actor      TEXT    NOT NULL,                 -- a user id, or 'cli' / 'system'
    action     TEXT    NOT NULL,                 -- db::audit::AuditAction
    region_key TEXT,                             -- the region it concerns, for coordinators' view
    scope      TEXT    NOT NULL,                 -- region / class / person it was about
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_region ON audit_log (region_key, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
