-- A planning run: the period, which queues, and the roster once the solve job has produced it.
CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    period_start DATE NOT NULL,
    weeks INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 6),
    queue_ids TEXT NOT NULL,
    time_limit_seconds DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'solving', 'solved', 'failed', 'discarded')),
    job_id TEXT NOT NULL,
    roster TEXT,
    error TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX schedules_period ON schedules (period_start);
