-- Hand-over of members to INLISLite: the admin's lookup mapping, the direct sync state of
-- each member, and the import files staff downloaded.

-- Which row of the installation's lookup table stands for each RALINE value. The name is
-- kept as INLISLite spells it, because the import file matches lookups by name.
CREATE TABLE inlislite_mappings (
    category TEXT NOT NULL,
    raline_value TEXT NOT NULL,
    lookup_id BIGINT NOT NULL,
    lookup_name TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (category, raline_value)
);

-- The sync outbox: one row per member, written in the transaction of the event that changes
-- what INLISLite should hold (approval, renewal, contact or identity change). A sync writes
-- the member's whole current state, so events coalesce: each bumps `generation`, and a sync
-- that finishes after a newer event leaves the row due again.
CREATE TABLE inlislite_sync (
    member_id BIGINT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    -- pending, synced or failed (failed waits for staff: a mapping, a name, a number).
    state TEXT NOT NULL CHECK (state IN ('pending', 'synced', 'failed')),
    -- What last asked for a sync: approved, renewed, contact, identity, portal or staff.
    reason TEXT NOT NULL,
    generation BIGINT NOT NULL,
    synced_generation BIGINT,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    -- A worker's claim: until then no other worker takes the row.
    locked_until BIGINT,
    claimed_by TEXT,
    claimed_generation BIGINT,
    -- Stable code and Indonesian text of the last failure; cleared on success.
    last_error_code TEXT,
    last_error TEXT,
    last_attempt_at BIGINT,
    -- The member's `members.ID` in INLISLite.
    inlislite_id BIGINT,
    -- The number INLISLite held for the member before the sync moved the row (found by
    -- identity number) to RALINE's number: the old plastic card's barcode no longer works.
    previous_member_number TEXT,
    synced_at BIGINT,
    -- SHA-1 of the password for INLISLite's portal login (`membersonline`), set at a RALINE
    -- login only when the library enables that login, and cleared once written.
    portal_password_sha1 TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX inlislite_sync_due ON inlislite_sync (state, next_attempt_at);

-- Import files made by staff, and the members each one held.
CREATE TABLE inlislite_exports (
    id INTEGER PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    -- 'new' (members in no earlier file) or 'range' (registered between two dates).
    selection TEXT NOT NULL CHECK (selection IN ('new', 'range')),
    from_date TEXT,
    to_date TEXT,
    member_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE inlislite_export_members (
    export_id BIGINT NOT NULL REFERENCES inlislite_exports (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (export_id, member_id)
);
CREATE INDEX inlislite_export_members_member ON inlislite_export_members (member_id);
CREATE INDEX members_registered_on ON members (registered_on);
