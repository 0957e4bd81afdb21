-- Up Migration

-- Rate-limit counters shared by every API process (api/rate-limit-store.ts): with two API processes behind one port
-- an in-memory count would let each caller through twice as often. One row per limiter and key (an address, a caller,
-- a ledger number), a fixed window: the count starts again at 1 once `reset_at` has passed. Expired rows are deleted
-- now and then by the store; nothing else reads them.
CREATE TABLE rate_limit_hits (
  key       text        PRIMARY KEY,
  hits      integer     NOT NULL,
  reset_at  timestamptz NOT NULL
);

CREATE INDEX rate_limit_hits_reset_at ON rate_limit_hits (reset_at);

-- Down Migration

DROP TABLE rate_limit_hits;
