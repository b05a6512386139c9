ALTER TABLE shifts DROP COLUMN handed_over_from;
ALTER TABLE schedules DROP COLUMN edited_at;
ALTER TABLE schedules DROP COLUMN problem;
