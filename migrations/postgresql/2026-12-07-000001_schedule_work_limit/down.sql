ALTER TABLE schedules DROP COLUMN work_limit;
