ALTER TABLE schedules DROP COLUMN weights;
