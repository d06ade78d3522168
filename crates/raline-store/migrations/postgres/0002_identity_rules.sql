-- Rules of identity, duplicates and regions.

-- The Kemendagri region table, loaded by `raline regions import`. Rows with `last_listed`
-- are district codes that only earlier lists carry: NIKs issued there keep them.
CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    last_listed BIGINT
);

-- The full name without case, accents or punctuation (raline_domain::name_key), filled by
-- the application for rows written before this column existed.
ALTER TABLE applications ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX applications_phone ON applications (phone_e164);
CREATE INDEX applications_name_birth_date ON applications (name_key, birth_date);

-- Serial numbers of e-Meterai found in signed statement letters.
ALTER TABLE uploads ADD COLUMN signature_count BIGINT;
CREATE TABLE upload_serials (
    upload_id BIGINT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    serial TEXT NOT NULL,
    PRIMARY KEY (upload_id, serial)
);
CREATE INDEX upload_serials_serial ON upload_serials (serial);

-- One member per identity number. Children registered with a parent's KTP share that
-- number, so they are left out of the rule.
ALTER TABLE members ADD COLUMN uses_guardian_identity BIGINT NOT NULL DEFAULT 0;
UPDATE members SET uses_guardian_identity = 1
    WHERE application_id IN (SELECT id FROM applications WHERE guardian_name IS NOT NULL);
CREATE UNIQUE INDEX members_one_per_identity ON members (identity_number)
    WHERE uses_guardian_identity = 0;
