-- Every queue a published shift serves, as a JSON list of queue ids (`queue_id` is the one it serves
-- most): a publication replaces only the shifts that serve nothing but its schedule's queues. Shifts
-- published before this column existed recorded only their main queue.
ALTER TABLE shifts ADD COLUMN queue_ids TEXT NOT NULL DEFAULT '[]';
UPDATE shifts SET queue_ids = '["' || queue_id || '"]';
