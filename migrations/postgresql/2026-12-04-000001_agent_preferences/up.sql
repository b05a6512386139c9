-- Shift preferences: wishes the scheduler prices, never rules. Start times are minutes after the
-- agent's local midnight and weekdays are codes, each list comma-separated; weights are 0 to 100.
ALTER TABLE agents ADD COLUMN preferred_start_minutes TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN start_weight DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN preferred_days_on TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN days_on_weight DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN preferred_days_off TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN days_off_weight DOUBLE PRECISION NOT NULL DEFAULT 0;
