ALTER TABLE schedules DROP COLUMN edited_at;
ALTER TABLE schedules DROP COLUMN problem;
