-- Timestamps are Unix milliseconds (UTC) in BIGINT columns and calendar dates are ISO 8601
-- text, so that one SQL text serves SQLite and PostgreSQL through sqlx's Any driver.

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'verifier')),
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    last_value BIGINT NOT NULL
);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    registration_number TEXT NOT NULL UNIQUE,
    submission_key TEXT NOT NULL UNIQUE,
    status_token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    identity_type TEXT NOT NULL,
    identity_number TEXT NOT NULL,
    guardian_name TEXT,
    guardian_relationship TEXT,
    password_hash TEXT NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    full_name TEXT NOT NULL,
    mother_maiden_name TEXT NOT NULL,
    birth_place TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    religion TEXT,
    marital_status TEXT,
    occupation TEXT NOT NULL,
    education TEXT NOT NULL,
    phone TEXT NOT NULL,
    phone_e164 TEXT NOT NULL,
    id_address TEXT NOT NULL,
    current_address TEXT,
    domicile TEXT NOT NULL,
    member_type TEXT NOT NULL,
    warnings TEXT NOT NULL,
    locale TEXT NOT NULL,
    decision_reason TEXT,
    consent_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX applications_queue ON applications (status, submitted_at);
CREATE INDEX applications_identity_number ON applications (identity_number);
CREATE INDEX applications_email ON applications (email_normalized);

CREATE TABLE uploads (
    id INTEGER PRIMARY KEY,
    application_id BIGINT REFERENCES applications (id) ON DELETE CASCADE,
    draft_key TEXT,
    slot TEXT NOT NULL,
    storage_name TEXT NOT NULL UNIQUE,
    card_storage_name TEXT,
    content_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    width BIGINT,
    height BIGINT,
    created_at BIGINT NOT NULL,
    superseded_at BIGINT
);

CREATE INDEX uploads_application ON uploads (application_id);
CREATE INDEX uploads_draft ON uploads (draft_key);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    decision TEXT NOT NULL,
    reason TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX decisions_application ON decisions (application_id);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    member_number TEXT NOT NULL UNIQUE,
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications (id),
    identity_number TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    full_name TEXT NOT NULL,
    member_type TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX members_identity_number ON members (identity_number);
CREATE INDEX members_email ON members (email_normalized);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    application_id BIGINT REFERENCES applications (id) ON DELETE CASCADE,
    member_id BIGINT REFERENCES members (id),
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    -- Set right before the message goes to the provider. A claim that expires with this set
    -- may or may not have been delivered, so it is not sent again (see OutboxState::Failed).
    handed_over_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_application ON outbox (application_id);

-- Values generated once per installation and shared by every application node, such as the
-- key that derives applicants' status tokens.
CREATE TABLE instance_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
