-- People, roles, invites, dialog state and the outbox. Instants are UTC epoch seconds.

CREATE TABLE people (
    user_id        BIGINT  PRIMARY KEY,          -- Telegram user id
    chat_id        BIGINT  NOT NULL,             -- private chat with the bot
    name           TEXT    NOT NULL,
    audience       TEXT    NOT NULL CHECK (audience IN ('villager', 'cadre')),
    lang           TEXT    NOT NULL CHECK (lang IN ('zh', 'en')),
    village_key    TEXT,
    phone          TEXT,
    consent_at     BIGINT  NOT NULL,
    registered_at  BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    unreachable_at BIGINT,                      -- set when Telegram answers 403 (blocked the bot)
    paused_until   BIGINT                        -- non-urgent messages held until then
);
CREATE INDEX people_village ON people (village_key);

CREATE TABLE person_roles (
    user_id    BIGINT  NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('trainer', 'coordinator', 'admin')),
    region_key TEXT    NOT NULL DEFAULT '',      -- coordinators are scoped to a region; '' = everywhere
    granted_at BIGINT  NOT NULL,
    PRIMARY KEY (user_id, role, region_key)
);

CREATE TABLE invites (
    token      TEXT    PRIMARY KEY,
    role       TEXT    NOT NULL CHECK (role IN ('trainer', 'coordinator', 'admin')),
    region_key TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_by    BIGINT,
    used_at    BIGINT
);

CREATE TABLE dialogs (
    chat_id    BIGINT  PRIMARY KEY,
    state      TEXT    NOT NULL,                 -- JSON of domain::dialog::State
    updated_at BIGINT  NOT NULL
);

CREATE TABLE outbox (
    id            BIGSERIAL PRIMARY KEY,
    chat_id       BIGINT  NOT NULL,
    kind          TEXT    NOT NULL,
    payload       TEXT    NOT NULL,              -- JSON of text, parse mode and buttons (outbox::Payload)
    photo         BYTEA,                         -- PNG bytes kept out of the JSON
    document_name TEXT,
    document      BYTEA,
    dedupe_key    TEXT,                          -- the same planned message is never queued twice
    group_key     TEXT,                          -- e.g. 'broadcast:42', for progress counts
    planned_at    BIGINT  NOT NULL,
    due_at        BIGINT  NOT NULL,
    deadline_at   BIGINT,
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts      BIGINT  NOT NULL DEFAULT 0,     -- failed transient attempts (429 waits do not count)
    claimed_by    TEXT,
    claimed_until BIGINT, -- lease: a 'sending' row past it is claimable again
    last_error    TEXT,
    sent_at       BIGINT,
    created_at    BIGINT  NOT NULL
);
-- The due query reads this index in order and stops after LIMIT rows, whatever the queue size.
CREATE INDEX outbox_due ON outbox (status, due_at, id);
-- A withdrawn (cancelled) message does not block planning the same message again.
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe_key) WHERE status <> 'cancelled';
CREATE INDEX outbox_group ON outbox (group_key, status);
CREATE INDEX outbox_chat ON outbox (chat_id, status);
