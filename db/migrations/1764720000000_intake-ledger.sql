-- Up Migration

-- Ledger numbers (台账编号) come from here, not from a sequencer workflow: one counter per prefix and year, taken
-- under its row lock in the same transaction that records the intake, so numbers are unique, dense and increasing.
-- A county upgrading mid-year starts the counter after the highest number already in case_summaries (db/ledger.ts).
CREATE TABLE ledger_counters (
  prefix text    NOT NULL,
  year   integer NOT NULL,
  -- The last number handed out.
  last   integer NOT NULL CHECK (last > 0),
  PRIMARY KEY (prefix, year)
);

-- One row per registered request, keyed by the case id (derived from the caller and the Idempotency-Key): the same
-- key always finds its number here. Every number handed out belongs to a row here, and every row becomes a case: the
-- API starts it at once, a retry or the intake sweeper (api/intake.ts) starts it if that failed.
CREATE TABLE intakes (
  case_id      text PRIMARY KEY,
  ledger_no    text        NOT NULL UNIQUE,
  -- The request's hash: the same key with a different request is refused (409).
  request_hash text        NOT NULL,
  -- The case workflow's start input (without its ledger number), encoded with the payload codec (encrypted): what
  -- the sweeper needs to start the case if the API could not. No personal data in clear; NULL once the case started.
  input        jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  attempts     integer     NOT NULL DEFAULT 0,
  last_error   text
);

CREATE INDEX intakes_not_started ON intakes (created_at) WHERE started_at IS NULL;

-- Down Migration

DROP TABLE intakes;
DROP TABLE ledger_counters;
