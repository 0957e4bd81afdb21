-- Up Migration

-- Evidence and attachments (附件): what each file is and who added it. The bytes are in the blob store (api/blobs/,
-- encrypted), never here nor in Temporal; the file name is sealed too (it may name the citizen), so this table holds
-- no personal data in clear. `from_citizen` files are hidden, like the citizen, from the units a protected case concerns.
CREATE TABLE attachments (
  id                text        PRIMARY KEY,
  case_id           text        NOT NULL,
  kind              text        NOT NULL CHECK (kind IN ('intake', 'progress', 'result')),
  -- The name as uploaded, sealed with the blob key (AES-256-GCM, bound to this row's id).
  file_name_sealed  bytea       NOT NULL,
  -- Sniffed from the content, never as declared.
  content_type      text        NOT NULL,
  size              integer     NOT NULL CHECK (size > 0),
  sha256            text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_by_id    text        NOT NULL,
  uploaded_by_name  text        NOT NULL,
  uploaded_by_role  text        NOT NULL,
  uploaded_by_unit  text,
  uploaded_at       timestamptz NOT NULL DEFAULT now(),
  blob_key          text        NOT NULL UNIQUE,
  from_citizen      boolean     NOT NULL,
  -- The same bytes of the same kind are one attachment: a retried upload never stores twice. Also the case's index.
  UNIQUE (case_id, kind, sha256)
);

-- Down Migration

DROP TABLE attachments;
