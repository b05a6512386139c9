-- Hand edits: the problem a roster was solved for (edits are validated against it; its pinned shifts
-- are the locks a re-solve keeps) and when the roster was last edited.
ALTER TABLE schedules ADD COLUMN problem TEXT;
ALTER TABLE schedules ADD COLUMN edited_at TIMESTAMP;
