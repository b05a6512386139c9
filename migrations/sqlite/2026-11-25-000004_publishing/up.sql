-- Publishing: the published shift timeline per agent, the outbox of emails, sign-in links and calendar feeds.

-- One row per publication of a schedule; outbox rows and shifts point at it.
CREATE TABLE publications (
    id TEXT PRIMARY KEY,
    schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    period_start TIMESTAMP NOT NULL,
    period_end TIMESTAMP NOT NULL,
    agents_notified INTEGER NOT NULL,
    published_by TEXT,
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX publications_schedule ON publications (schedule_id, published_at);

-- The shifts agents see. An id never changes once published (it is the iCalendar UID); a change bumps
-- `sequence`. `agent_id` is NULL for an open shift nobody holds yet.
CREATE TABLE shifts (
    id TEXT PRIMARY KEY,
    agent_id TEXT REFERENCES agents (id) ON DELETE CASCADE,
    queue_id TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL CHECK (end_at > start_at),
    breaks TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
    schedule_id TEXT REFERENCES schedules (id) ON DELETE SET NULL,
    publication_id TEXT REFERENCES publications (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX shifts_agent_start ON shifts (agent_id, start_at);
CREATE INDEX shifts_start ON shifts (start_at);

-- Emails waiting to be sent. Rendered when written, so a send never depends on data that changed since.
-- `message_id` is fixed at insert: a resend after a crash carries the same Message-ID.
CREATE TABLE outbox_messages (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_name TEXT,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT,
    attachments TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_by TEXT,
    lease_expires_at TIMESTAMP,
    last_error TEXT,
    publication_id TEXT REFERENCES publications (id) ON DELETE CASCADE,
    agent_id TEXT REFERENCES agents (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox_messages (status, next_attempt_at);
CREATE INDEX outbox_publication ON outbox_messages (publication_id, agent_id);

-- One-time sign-in links (also the invitation a newly hired agent receives). Only the hash is stored.
CREATE TABLE sign_in_links (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('sign_in', 'invitation')),
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- Personal calendar feed per agent; regenerating replaces the secret, deleting revokes it.
CREATE TABLE calendar_feeds (
    agent_id TEXT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
