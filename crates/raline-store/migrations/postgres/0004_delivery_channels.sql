-- Delivery over several channels (e-mail and WhatsApp), provider receipts, staff resends,
-- WhatsApp opt-out and message texts edited by the admin.

-- Sent with every attempt of the message to providers that accept it (the e-mail
-- Message-ID, Meta's biz_opaque_callback_data), so a provider can recognise a repeat.
ALTER TABLE outbox ADD COLUMN idempotency_key TEXT;
UPDATE outbox SET idempotency_key = 'raline-outbox-' || CAST(id AS TEXT);
-- Which transport took the message (smtp, file, memory, cloud_api, gateway) and the id it
-- gave back, matched by the WhatsApp status webhook.
ALTER TABLE outbox ADD COLUMN provider TEXT;
ALTER TABLE outbox ADD COLUMN provider_message_id TEXT;
ALTER TABLE outbox ADD COLUMN delivered_at BIGINT;
ALTER TABLE outbox ADD COLUMN read_at BIGINT;
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
-- Worker that holds or last held the claim: host name and process id.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
-- 1 when the message failed with its delivery unknown (its worker died, or the provider
-- did not answer after receiving it). A later provider report may still prove it sent.
ALTER TABLE outbox ADD COLUMN outcome_unknown BIGINT NOT NULL DEFAULT 0;
-- A copy queued by staff from an earlier message, and who asked for it.
ALTER TABLE outbox ADD COLUMN resend_of BIGINT REFERENCES outbox (id);
ALTER TABLE outbox ADD COLUMN requested_by BIGINT REFERENCES staff (id);
-- At most one copy of a message waits to be sent, so a double-clicked resend sends once.
CREATE UNIQUE INDEX outbox_one_pending_resend ON outbox (resend_of)
    WHERE state IN ('queued', 'sending');
CREATE UNIQUE INDEX outbox_idempotency_key ON outbox (idempotency_key);
CREATE INDEX outbox_provider_message ON outbox (provider_message_id);
CREATE INDEX outbox_failed ON outbox (failed_at);
CREATE INDEX outbox_state ON outbox (state);

-- 1 when the person asked for e-mail only.
ALTER TABLE applications ADD COLUMN whatsapp_opt_out BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN whatsapp_opt_out BIGINT NOT NULL DEFAULT 0;

-- Last message a WhatsApp user sent to the library, which opens Meta's 24-hour
-- customer-service window for free-form messages.
CREATE TABLE whatsapp_contacts (
    phone_e164 TEXT PRIMARY KEY,
    last_inbound_at BIGINT NOT NULL
);

-- Message texts changed by the admin; a missing row means the built-in text.
CREATE TABLE message_templates (
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'whatsapp')),
    locale TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    updated_by BIGINT REFERENCES staff (id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, channel, locale)
);
