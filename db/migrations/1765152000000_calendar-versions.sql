-- Up Migration

-- The calendars (by the years they cover) whose news has been taken to the open cases: when a worker starts with a
-- calendar covering a year the last applied one did not, the cases with provisional deadlines are told, in batches
-- (worker/calendar-sweep.ts). A row is finished once every case was told; `last_case_id` lets a sweep cut short by a
-- crash go on after the last case it reached.
CREATE TABLE calendar_versions (
  version        text        PRIMARY KEY,
  covered_years  integer[]   NOT NULL,
  newly_covered  integer[]   NOT NULL,
  started_at     timestamptz NOT NULL DEFAULT now(),
  last_case_id   text,
  signalled      integer     NOT NULL DEFAULT 0,
  finished_at    timestamptz
);

CREATE INDEX calendar_versions_finished_at ON calendar_versions (finished_at DESC) WHERE finished_at IS NOT NULL;

-- Down Migration

DROP TABLE calendar_versions;
