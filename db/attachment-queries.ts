import type { AttachmentKind, AttachmentType } from '../domain/attachments';
import type { Role } from '../domain/roles';
import type { Db } from './pool';

/**
 * Attachments' metadata (migration 1765065600000_attachments.sql); their bytes are in the blob store. Names come and
 * go sealed: this layer never sees one in clear.
 */
export interface AttachmentRecord {
  id: string;
  caseId: string;
  kind: AttachmentKind;
  fileNameSealed: Buffer;
  contentType: AttachmentType;
  size: number;
  sha256: string;
  uploadedBy: { id: string; name: string; role: Role; unit: string | null };
  at: string;
  blobKey: string;
  fromCitizen: boolean;
}

const COLUMNS = `id, case_id, kind, file_name_sealed, content_type, size, sha256, uploaded_by_id, uploaded_by_name,
  uploaded_by_role, uploaded_by_unit, uploaded_at, blob_key, from_citizen`;

function recordOf(row: Record<string, unknown>): AttachmentRecord {
  return {
    id: row.id as string,
    caseId: row.case_id as string,
    kind: row.kind as AttachmentKind,
    fileNameSealed: row.file_name_sealed as Buffer,
    contentType: row.content_type as AttachmentType,
    size: row.size as number,
    sha256: row.sha256 as string,
    uploadedBy: {
      id: row.uploaded_by_id as string,
      name: row.uploaded_by_name as string,
      role: row.uploaded_by_role as Role,
      unit: (row.uploaded_by_unit as string | null) ?? null,
    },
    at: row.uploaded_at as string,
    blobKey: row.blob_key as string,
    fromCitizen: row.from_citizen as boolean,
  };
}

/** A case's attachments, oldest first. */
export async function listAttachments(db: Db, caseId: string): Promise<AttachmentRecord[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM attachments WHERE case_id = $1 ORDER BY uploaded_at, id`, [caseId]);
  return rows.map(recordOf);
}

export async function getAttachment(db: Db, caseId: string, id: string): Promise<AttachmentRecord | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM attachments WHERE case_id = $1 AND id = $2`, [caseId, id]);
  return rows.length ? recordOf(rows[0]) : undefined;
}

/** The attachment holding these very bytes as this kind, if the case has one. */
export async function findSameAttachment(
  db: Db,
  caseId: string,
  kind: AttachmentKind,
  sha256: string,
): Promise<AttachmentRecord | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM attachments WHERE case_id = $1 AND kind = $2 AND sha256 = $3`, [
    caseId,
    kind,
    sha256,
  ]);
  return rows.length ? recordOf(rows[0]) : undefined;
}

export async function countAttachments(db: Db, caseId: string): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::integer AS n FROM attachments WHERE case_id = $1', [caseId]);
  return rows[0].n as number;
}

export type InsertOutcome = { created: AttachmentRecord } | { same: AttachmentRecord } | { full: number };

/**
 * Records an attachment whose blob is stored, unless the case holds the same bytes as the same kind already
 * (`same`) or is at its limit (`full`). One case's inserts queue on an advisory lock, so two uploads at once can
 * neither both pass the limit nor both store one file.
 */
export async function insertAttachment(db: Db, record: Omit<AttachmentRecord, 'at'>, perCase: number): Promise<InsertOutcome> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('attachments:' || $1))", [record.caseId]);
    const same = await client.query(`SELECT ${COLUMNS} FROM attachments WHERE case_id = $1 AND kind = $2 AND sha256 = $3`, [
      record.caseId,
      record.kind,
      record.sha256,
    ]);
    if (same.rows.length) {
      await client.query('ROLLBACK');
      return { same: recordOf(same.rows[0]) };
    }
    const count = (await client.query('SELECT count(*)::integer AS n FROM attachments WHERE case_id = $1', [record.caseId])).rows[0]
      .n as number;
    if (count >= perCase) {
      await client.query('ROLLBACK');
      return { full: count };
    }
    const { rows } = await client.query(
      `INSERT INTO attachments (id, case_id, kind, file_name_sealed, content_type, size, sha256, uploaded_by_id,
         uploaded_by_name, uploaded_by_role, uploaded_by_unit, blob_key, from_citizen)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
      [
        record.id,
        record.caseId,
        record.kind,
        record.fileNameSealed,
        record.contentType,
        record.size,
        record.sha256,
        record.uploadedBy.id,
        record.uploadedBy.name,
        record.uploadedBy.role,
        record.uploadedBy.unit,
        record.blobKey,
        record.fromCitizen,
      ],
    );
    await client.query('COMMIT');
    return { created: recordOf(rows[0]) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
