-- Up Migration

-- GET /cases pages by keyset, newest first: (registered_at, id) is the cursor.
CREATE INDEX case_summaries_registered_at_id ON case_summaries (registered_at, id);
-- The supervisors' view: open cases in their stage since before the stage's stall instant...
CREATE INDEX case_summaries_open_stage_since ON case_summaries (stage, stage_since) WHERE stage <> 'closed';
-- ...or overdue (due_at has its own index: case_summaries_open_due_at). Few rows, so a small partial index.
CREATE INDEX case_summaries_open_overdue ON case_summaries (due_at) WHERE overdue AND stage <> 'closed';

-- Down Migration

DROP INDEX case_summaries_open_overdue;
DROP INDEX case_summaries_open_stage_since;
DROP INDEX case_summaries_registered_at_id;
