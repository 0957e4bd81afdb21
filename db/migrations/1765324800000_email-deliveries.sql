-- Up Migration

-- Notification e-mails the SMTP server has accepted, or that an attempt is sending now (activities/email-notifier.ts).
-- SMTP has no idempotency key, so this table is what makes a retried activity send a notification once: an attempt
-- claims the id ('sending', with a random claim token), sends, then marks it 'sent'. Another attempt finds 'sent'
-- and does nothing, or a fresh claim and waits; a claim older than the lease (its attempt crashed) is taken over.
CREATE TABLE email_deliveries (
  notification_id  text        PRIMARY KEY,
  message_id       text        NOT NULL,
  state            text        NOT NULL CHECK (state IN ('sending', 'sent')),
  claim            uuid        NOT NULL,
  claimed_at       timestamptz NOT NULL DEFAULT now(),
  -- How many attempts claimed it: above 1, a crashed attempt may have sent it already (a repeat, same Message-ID).
  claims           integer     NOT NULL DEFAULT 1,
  sent_at          timestamptz,
  -- The server's reply to the message (250 … queued as …), for tracing a message in its logs.
  response         text
);

-- Down Migration

DROP TABLE email_deliveries;
