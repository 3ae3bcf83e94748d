-- Issue 14: the inbox and the outbox are queues. Their indexes on `status` held an entry for every row
-- ever stored, and for every version of it (stored, claimed, handled): a claim walked over entries of
-- rows long handled. Partial indexes hold only the rows a claim or a sweep looks for; a handled update
-- or a sent message leaves them.
DROP INDEX inbox_status;
DROP INDEX inbox_chat;
CREATE INDEX inbox_pending ON inbox (update_id) WHERE status = 'pending';
CREATE INDEX inbox_open_by_chat ON inbox (chat_key, update_id) WHERE status IN ('pending', 'working');
CREATE INDEX inbox_working ON inbox (claimed_until) WHERE status = 'working';
CREATE INDEX inbox_parked ON inbox (update_id) WHERE status = 'parked';
CREATE INDEX inbox_handled ON inbox (handled_at) WHERE status = 'handled';

DROP INDEX outbox_due;
CREATE INDEX outbox_pending_due ON outbox (due_at, id) WHERE status = 'pending';
CREATE INDEX outbox_sending ON outbox (claimed_until) WHERE status = 'sending';

-- Who holds a role (coordinators of a region, admins) is asked on every order: from the few grants,
-- not by walking everyone.
CREATE INDEX person_roles_role_region ON person_roles (role, region_key);

