-- Staff who registered through an invite take no courses until they choose an audience: `trainee` = 0,
-- and `audience` holds only the column's placeholder until then.
ALTER TABLE people ADD COLUMN trainee INTEGER NOT NULL DEFAULT 1;

-- The inline keyboard of the latest bot message per chat, so a typed button label acts like a press
-- (also after a restart). `buttons` is JSON: [[label, callback data], …]; `message_id` is NULL when the
-- message was sent by the outbox.
CREATE TABLE chat_keyboards (
    chat_id    INTEGER PRIMARY KEY,
    message_id INTEGER,
    buttons    TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
