-- Recruiting: postings for remote roles, public applications with double opt-in, their pipeline
-- history, and the attempt log that rate-limits applying across every instance sharing the database.

CREATE TABLE postings (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- JSON lists: BCP 47 tags, ISO 3166-1 alpha-2 regions, IANA zones.
    languages TEXT NOT NULL,
    regions TEXT NOT NULL,
    time_zones TEXT NOT NULL,
    hours_per_week_min DOUBLE NOT NULL,
    hours_per_week_max DOUBLE NOT NULL,
    pay TEXT NOT NULL,
    hires_wanted INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX postings_status ON postings (status, created_at);

-- One application per posting and email: applying again updates it once the new data is confirmed.
-- Secrets (confirmation token, private status key) are stored only as SHA-256 digests.
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    posting_id TEXT NOT NULL REFERENCES postings (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    -- JSON: [[tag, proficiency 1-10], ...] and [{weekday, start_minute, end_minute}, ...] local time.
    languages TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    country TEXT NOT NULL,
    availability TEXT NOT NULL,
    hours_per_week INTEGER NOT NULL,
    earliest_start DATE NOT NULL,
    is_student BOOLEAN NOT NULL,
    motivation TEXT NOT NULL,
    consent_text_version TEXT NOT NULL,
    consented_at TIMESTAMP NOT NULL,
    confirm_token_hash TEXT UNIQUE,
    confirm_expires_at TIMESTAMP,
    -- A re-application waiting for its email confirmation (JSON of the validated form).
    pending_update TEXT,
    status_key_hash TEXT UNIQUE,
    -- JSON contract offered, set on the move to offer; the hire uses it.
    offer TEXT,
    agent_id TEXT REFERENCES agents (id) ON DELETE SET NULL,
    erased BOOLEAN NOT NULL,
    state_changed_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (posting_id, email)
);
CREATE INDEX applications_state ON applications (state, state_changed_at);

CREATE TABLE application_events (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    -- `manager`, `applicant` or `system`; actor_id is the manager's user id.
    actor TEXT NOT NULL,
    actor_id TEXT,
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX application_events_application ON application_events (application_id, at);

-- One row per attempt; `bucket` is a purpose plus a digest of the IP or email, never the raw value.
CREATE TABLE rate_limit_hits (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX rate_limit_hits_bucket ON rate_limit_hits (bucket, at);
