-- Contact history per queue and interval; reason '' means "not classified".
CREATE TABLE history (
    queue_id TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    interval_start TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    offered INTEGER NOT NULL,
    ai_resolved INTEGER NOT NULL,
    handed_to_human INTEGER NOT NULL,
    abandoned INTEGER NOT NULL,
    aht_seconds DOUBLE,
    escalations INTEGER,
    escalation_aht_seconds DOUBLE,
    PRIMARY KEY (queue_id, interval_start, reason)
);

-- Holidays, campaigns and outages in a queue's local calendar (queue_id NULL: every queue).
CREATE TABLE special_days (
    id TEXT PRIMARY KEY,
    queue_id TEXT REFERENCES queues (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('multiplier', 'closed')),
    multiplier DOUBLE,
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX special_days_day ON special_days (day);
