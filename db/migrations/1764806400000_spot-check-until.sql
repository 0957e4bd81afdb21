-- Up Migration

-- Closed cases of the current workflow version complete at once; until when one may still be drawn into a
-- spot-check sample is recorded here instead of being implied by a running workflow (domain/archive.ts).
ALTER TABLE case_summaries ADD COLUMN spot_check_until timestamptz;

-- Down Migration

ALTER TABLE case_summaries DROP COLUMN spot_check_until;
