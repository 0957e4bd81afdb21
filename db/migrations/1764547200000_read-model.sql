-- Up Migration

-- The read model: one row per case, the summary its workflow records after every committed change. Workflow state
-- is the truth; this table answers lists, inboxes, the supervisors' view, metrics, the ledger export and the
-- spot-check draw. No personal data: no name, no phone (only its keyed hash), no content.
CREATE TABLE case_summaries (
  id            text PRIMARY KEY,
  -- The case's version: each recorded change has a higher one, so an older write never replaces a newer.
  version       integer     NOT NULL,
  ledger_no     text        NOT NULL,
  stage         text        NOT NULL,
  type          text        NOT NULL,
  channel       text        NOT NULL,
  unit          text,
  urgent        boolean     NOT NULL,
  review_level  smallint,
  reopen_count  integer     NOT NULL,
  registered_at timestamptz NOT NULL,
  stage_since   timestamptz NOT NULL,
  due_at        timestamptz,
  overdue       boolean     NOT NULL,
  red_flag      boolean     NOT NULL,
  flags         text[]      NOT NULL,
  satisfaction  text,
  closed_at     timestamptz,
  title         text        NOT NULL,
  citizen_key   text,
  -- The workflow finished (after its spot-check window): nothing more can happen to the case.
  archived      boolean     NOT NULL DEFAULT false,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX case_summaries_ledger_no ON case_summaries (ledger_no);
CREATE INDEX case_summaries_registered_at ON case_summaries (registered_at, ledger_no);
CREATE INDEX case_summaries_open_stage_unit ON case_summaries (stage, unit) WHERE stage <> 'closed';
CREATE INDEX case_summaries_open_due_at ON case_summaries (due_at) WHERE stage <> 'closed';
CREATE INDEX case_summaries_closed_at ON case_summaries (closed_at) WHERE stage = 'closed';
CREATE INDEX case_summaries_flags ON case_summaries USING gin (flags);
CREATE INDEX case_summaries_citizen_key ON case_summaries (citizen_key) WHERE stage <> 'closed';

-- Down Migration

DROP TABLE case_summaries;
