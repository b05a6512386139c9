-- The objective weights a manager chose for the schedule, as JSON; NULL = the documented defaults.
ALTER TABLE schedules ADD COLUMN weights TEXT;
