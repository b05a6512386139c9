ALTER TABLE shifts DROP COLUMN queue_ids;
