ALTER TABLE agents DROP COLUMN days_off_weight;
ALTER TABLE agents DROP COLUMN preferred_days_off;
ALTER TABLE agents DROP COLUMN days_on_weight;
ALTER TABLE agents DROP COLUMN preferred_days_on;
ALTER TABLE agents DROP COLUMN start_weight;
ALTER TABLE agents DROP COLUMN preferred_start_minutes;
