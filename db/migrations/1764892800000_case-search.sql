-- Up Migration

-- What GET /cases?q= searches: the grams (domain/text-search.ts: Chinese bigrams and single characters, Latin words
-- whole) of a case's title, content, location and category, written with the intake in the same transaction, and by
-- `npm run read-model:rebuild` from the case's state. The citizen's name and phone are cut out and other phone and ID
-- numbers masked before the text is cut (domain/privacy.ts `redactText`), so no personal data of the reporter is here.
CREATE TABLE case_search (
  case_id text PRIMARY KEY,
  grams   text[] NOT NULL
);

CREATE INDEX case_search_grams ON case_search USING gin (grams);

-- GET /cases?ledgerNo= and the period filters use case_summaries_ledger_no and case_summaries_registered_at.

-- Down Migration

DROP TABLE case_search;
