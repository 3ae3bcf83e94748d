-- Issue 16: lessons a trainer makes in the chat (`/lesson`). Their photos and voice messages are known
-- only by the file id Telegram gave the trainer's message (the bot re-sends them by that id, no upload):
-- such a media row has source 'chat', no bytes (content empty, sha256 empty) and the file id in
-- `file_id`. A lesson made in the chat names who made it and when; a catalogue import leaves it alone.
ALTER TABLE lesson_media ADD COLUMN source TEXT NOT NULL DEFAULT 'catalogue';  -- 'catalogue' | 'chat'
ALTER TABLE lessons ADD COLUMN author_id INTEGER;                              -- NULL: from the catalogue
ALTER TABLE lessons ADD COLUMN published_at INTEGER;
CREATE INDEX lessons_author ON lessons (author_id);
