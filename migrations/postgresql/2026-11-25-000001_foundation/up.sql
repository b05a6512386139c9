CREATE TABLE queues (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    interval_minutes INTEGER NOT NULL CHECK (interval_minutes IN (15, 30)),
    service_level_target DOUBLE PRECISION NOT NULL,
    service_level_seconds INTEGER NOT NULL,
    max_occupancy DOUBLE PRECISION NOT NULL,
    chat_concurrency INTEGER NOT NULL,
    shrinkage DOUBLE PRECISION NOT NULL,
    staffing_floor INTEGER NOT NULL,
    patience_seconds INTEGER,
    opening_hours TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX queues_language ON queues (language);

CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    time_zone TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    min_hours_per_week DOUBLE PRECISION NOT NULL,
    max_hours_per_week DOUBLE PRECISION NOT NULL,
    max_shifts_per_week INTEGER NOT NULL,
    min_rest_hours DOUBLE PRECISION NOT NULL,
    max_consecutive_days INTEGER NOT NULL,
    min_consecutive_days_off INTEGER NOT NULL,
    max_weekends_per_period INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agents_time_zone ON agents (time_zone);

CREATE TABLE agent_languages (
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    proficiency TEXT NOT NULL,
    PRIMARY KEY (agent_id, language)
);
CREATE INDEX agent_languages_language ON agent_languages (language);

CREATE TABLE availability_windows (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL CHECK (end_minute > start_minute)
);
CREATE INDEX availability_windows_agent ON availability_windows (agent_id);

CREATE TABLE availability_exceptions (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    start_minute INTEGER,
    end_minute INTEGER,
    available BOOLEAN NOT NULL,
    note TEXT
);
CREATE INDEX availability_exceptions_agent ON availability_exceptions (agent_id, day);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('manager', 'agent')),
    agent_id TEXT UNIQUE REFERENCES agents (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress DOUBLE PRECISION NOT NULL,
    progress_message TEXT,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_after TIMESTAMP NOT NULL,
    locked_by TEXT,
    lease_expires_at TIMESTAMP,
    result TEXT,
    error TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_claimable ON jobs (status, run_after);
