-- The catalogue, loaded by `fieldschool import`. Stable keys come from the catalogue file.

CREATE TABLE regions (
    key        TEXT PRIMARY KEY,
    parent_key TEXT REFERENCES regions (key),
    level      TEXT NOT NULL CHECK (level IN ('county', 'township', 'village')),
    name       TEXT NOT NULL,
    name_en    TEXT,
    timezone   TEXT NOT NULL,
    agri_zone  TEXT NOT NULL,
    busy_json  TEXT NOT NULL DEFAULT '[]',  -- region-specific busy ranges (added to or replacing the zone's)
    sort_order BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX regions_parent ON regions (parent_key, sort_order);
