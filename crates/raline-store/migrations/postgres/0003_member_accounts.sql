-- Member accounts, e-mail links, renewals and reminders.

-- The member's own login and contact details, copied from the application at approval and
-- changed by the member afterwards. `address` NULL means the application's address.
ALTER TABLE members ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN phone_e164 TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN address TEXT;
ALTER TABLE members ADD COLUMN email_verified_at BIGINT;
UPDATE members SET
    password_hash = (SELECT a.password_hash FROM applications a WHERE a.id = members.application_id),
    email = (SELECT a.email FROM applications a WHERE a.id = members.application_id),
    phone = (SELECT a.phone FROM applications a WHERE a.id = members.application_id),
    phone_e164 = (SELECT a.phone_e164 FROM applications a WHERE a.id = members.application_id);
CREATE INDEX members_valid_until ON members (valid_until);

-- Set when the applicant opened the verification link sent at registration.
ALTER TABLE applications ADD COLUMN email_verified_at BIGINT;

-- Browser sessions (`cookie`) and API bearer tokens (`api`) of members; only hashes.
CREATE TABLE member_sessions (
    token_hash TEXT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('cookie', 'api')),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX member_sessions_member ON member_sessions (member_id);

-- Single-use links sent by e-mail: address verification and password reset.
CREATE TABLE email_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    application_id BIGINT REFERENCES applications (id) ON DELETE CASCADE,
    member_id BIGINT REFERENCES members (id) ON DELETE CASCADE,
    -- The address the link went to: opening it verifies this address only.
    email_normalized TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE renewals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'desk')),
    -- The member's end date when the renewal was submitted: a renewal extends that end
    -- date only, so a member renewed meanwhile is not renewed twice.
    base_valid_until TEXT NOT NULL,
    -- The end date the renewal moved from and to; set when it is approved.
    old_valid_until TEXT,
    new_valid_until TEXT,
    term TEXT NOT NULL,
    fee_rupiah BIGINT NOT NULL,
    paid BIGINT NOT NULL DEFAULT 0,
    -- Form key or hashed API Idempotency-Key, unique per member.
    submission_key TEXT,
    decision_reason TEXT,
    -- NULL with a decision time: approved automatically.
    decided_by BIGINT REFERENCES staff (id),
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One open renewal per member: of two racing submissions, one fails on this index.
CREATE UNIQUE INDEX renewals_one_open ON renewals (member_id)
    WHERE status IN ('submitted', 'needs_correction');
-- One live renewal per end date: requests racing an approval, or sent with a stale page,
-- find the approved renewal of that end date and fail on this index.
CREATE UNIQUE INDEX renewals_one_per_end_date ON renewals (member_id, base_valid_until)
    WHERE status <> 'rejected';
CREATE UNIQUE INDEX renewals_submission_key ON renewals (member_id, submission_key);
CREATE INDEX renewals_queue ON renewals (status, submitted_at);
CREATE INDEX renewals_member ON renewals (member_id);

ALTER TABLE uploads ADD COLUMN renewal_id BIGINT REFERENCES renewals (id) ON DELETE CASCADE;
CREATE INDEX uploads_renewal ON uploads (renewal_id);

-- Messages about renewals, and the secret of an e-mail link until the message is sent.
ALTER TABLE outbox ADD COLUMN renewal_id BIGINT REFERENCES renewals (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN link_token TEXT;
CREATE INDEX outbox_member ON outbox (member_id);

-- Renewal reminders already queued, so each is sent once per end date.
CREATE TABLE reminders (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    valid_until TEXT NOT NULL,
    days_before BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, valid_until, days_before)
);

-- Members' requests to change identity data, which staff decide on.
CREATE TABLE identity_corrections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    full_name TEXT,
    identity_number TEXT,
    birth_date TEXT,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected')),
    decision_reason TEXT,
    decided_by BIGINT REFERENCES staff (id),
    decided_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX identity_corrections_one_open ON identity_corrections (member_id)
    WHERE status = 'submitted';
