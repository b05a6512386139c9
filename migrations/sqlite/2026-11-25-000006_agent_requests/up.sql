-- Agent self-service: time off, availability conflicts with published shifts, swaps and open shifts.

-- Time off an agent asks for. `start_at`/`end_at` are the UTC instants of the local request
-- (`start_local`/`end_local` in the agent's zone, as entered); approved rows are hard rules for the scheduler.
CREATE TABLE time_off_requests (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL CHECK (end_at > start_at),
    start_local TEXT NOT NULL,
    end_local TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'cancelled')),
    decision_note TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX time_off_agent ON time_off_requests (agent_id, start_at);
CREATE INDEX time_off_status ON time_off_requests (status, start_at);

-- A published shift an availability change no longer covers; open until a manager resolves it.
CREATE TABLE availability_conflicts (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    shift_id TEXT NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution_note TEXT,
    resolved_by TEXT,
    resolved_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX availability_conflicts_status ON availability_conflicts (status, created_at);
CREATE INDEX availability_conflicts_shift ON availability_conflicts (shift_id, status);

-- A shift its holder offers to others. `taker_id` is set when someone asks to take it.
CREATE TABLE shift_offers (
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
    offered_by TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('offered', 'requested', 'approved', 'rejected', 'withdrawn')),
    taker_id TEXT REFERENCES agents (id) ON DELETE SET NULL,
    requested_at TIMESTAMP,
    decision_note TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX shift_offers_status ON shift_offers (status, created_at);
CREATE INDEX shift_offers_shift ON shift_offers (shift_id, status);

-- How an open shift (a `shifts` row without an agent) is handed out.
CREATE TABLE open_shifts (
    shift_id TEXT PRIMARY KEY REFERENCES shifts (id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('first_come', 'ranked')),
    status TEXT NOT NULL CHECK (status IN ('open', 'filled')),
    posted_by TEXT,
    filled_by TEXT REFERENCES agents (id) ON DELETE SET NULL,
    filled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX open_shifts_status ON open_shifts (status, created_at);

-- Agents asking for an open shift; one claim per agent and shift.
CREATE TABLE open_shift_claims (
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES open_shifts (shift_id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'won', 'lost')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (shift_id, agent_id)
);
