-- A schedule solved on work done rather than the clock (work units); NULL = stopped by its time limit.
ALTER TABLE schedules ADD COLUMN work_limit DOUBLE;
