-- Staff who registered through an invite take no courses until they choose an audience: `trainee` = 0,
-- and `audience` holds only the column's placeholder until then.
ALTER TABLE people ADD COLUMN trainee BIGINT NOT NULL DEFAULT 1;

-- The inline keyboard of the latest bot message per chat, so a typed button label acts like a press
-- (also after a restart). `buttons` is JSON: [[label, callback data], …]; `message_id` is NULL when the
-- message was sent by the outbox.
CREATE TABLE chat_keyboards (
    chat_id    BIGINT PRIMARY KEY,
    message_id BIGINT,
    buttons    TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
