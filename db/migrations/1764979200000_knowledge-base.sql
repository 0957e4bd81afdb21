-- Up Migration

-- The knowledge base (知识库): answers to common questions that operators give on the phone (直接答复) and
-- supervisors maintain. `grams` holds the search grams of question, answer and keywords (domain/text-search.ts),
-- written by the API with every change, so that a search is one GIN lookup (`grams @> query grams`).
CREATE TABLE knowledge_entries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Raised by every change; a change names the version it was made from, and a stale one is refused (409).
  version     integer     NOT NULL DEFAULT 1 CHECK (version > 0),
  question    text        NOT NULL,
  answer      text        NOT NULL,
  category    text        NOT NULL,
  keywords    text[]      NOT NULL DEFAULT '{}',
  -- Asia/Shanghai days, both included; no end: valid until changed.
  valid_from  date        NOT NULL,
  valid_to    date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  source      text        NOT NULL DEFAULT '',
  grams       text[]      NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  jsonb       NOT NULL,
  -- Retired entries are never deleted: history and usage keep pointing at them.
  retired_at  timestamptz,
  retired_by  jsonb
);

CREATE INDEX knowledge_entries_grams ON knowledge_entries USING gin (grams);
CREATE INDEX knowledge_entries_category ON knowledge_entries (category) WHERE retired_at IS NULL;

-- Who changed what, when: one row per version, with the entry's values before and after (null when created / retired).
CREATE TABLE knowledge_history (
  entry_id   bigint      NOT NULL REFERENCES knowledge_entries (id),
  version    integer     NOT NULL,
  action     text        NOT NULL CHECK (action IN ('created', 'updated', 'retired')),
  actor_id   text        NOT NULL,
  actor_name text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  before     jsonb,
  after      jsonb,
  PRIMARY KEY (entry_id, version)
);

-- Which case a direct answer took from which entry: a case counts once per entry, however often it is reported.
CREATE TABLE knowledge_usage (
  entry_id    bigint      NOT NULL REFERENCES knowledge_entries (id),
  case_id     text        NOT NULL,
  recorded_by text        NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entry_id, case_id)
);

-- Down Migration

DROP TABLE knowledge_usage;
DROP TABLE knowledge_history;
DROP TABLE knowledge_entries;
