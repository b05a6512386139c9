-- Hand edits: the problem a roster was solved for (edits are validated against it; its pinned shifts
-- are the locks a re-solve keeps) and when the roster was last edited.
ALTER TABLE schedules ADD COLUMN problem TEXT;
ALTER TABLE schedules ADD COLUMN edited_at TIMESTAMP;
-- The roster holder a swapped shift came from: re-publishing the roster must not give it back.
ALTER TABLE shifts ADD COLUMN handed_over_from TEXT;
