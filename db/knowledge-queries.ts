import type pg from 'pg';
import { refusal, type Refusal } from '../domain/errors';
import {
  isValidOn,
  searchableText,
  shanghaiToday,
  type KnowledgeChange,
  type KnowledgeEntry,
  type KnowledgeInput,
  type KnowledgePage,
} from '../domain/knowledge';
import type { Actor } from '../domain/roles';
import { indexGrams } from '../domain/text-search';
import type { Db } from './pool';

/**
 * The knowledge base (migration 1764979200000_knowledge-base.sql). Every change runs in one transaction that locks
 * the entry's row, checks the version it was made from, writes the new values (and their search grams) and the
 * history row: an entry never changes without a record of who changed it, and two editors never overwrite each other.
 */

const ENTRY_COLUMNS = `e.id, e.version, e.question, e.answer, e.category, e.keywords,
  to_char(e.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(e.valid_to, 'YYYY-MM-DD') AS valid_to, e.source,
  e.created_at, e.created_by, e.updated_at, e.updated_by, e.retired_at,
  (SELECT count(*) FROM knowledge_usage u WHERE u.entry_id = e.id)::integer AS usage_count`;

type Row = Record<string, unknown>;
type Person = { id: string; name: string };

function fieldsOf(row: Row): KnowledgeInput {
  return {
    question: row.question as string,
    answer: row.answer as string,
    category: row.category as string,
    keywords: row.keywords as string[],
    validFrom: row.valid_from as string,
    validTo: (row.valid_to as string | null) ?? null,
    source: row.source as string,
  };
}

function entryOf(row: Row, today: string): KnowledgeEntry {
  const fields = fieldsOf(row);
  return {
    ...fields,
    id: Number(row.id),
    version: row.version as number,
    createdAt: row.created_at as string,
    createdBy: row.created_by as Person,
    updatedAt: row.updated_at as string,
    updatedBy: row.updated_by as Person,
    retiredAt: (row.retired_at as string | null) ?? null,
    usageCount: row.usage_count as number,
    validToday: isValidOn(fields, today),
  };
}

const person = (actor: Actor): Person => ({ id: actor.id, name: actor.name });

export interface KnowledgeSelection {
  /** Query grams (queryGrams): an entry must hold every one. Empty: no text condition. */
  grams: string[];
  category?: string;
  /** true: valid on `today` only; false: not valid on it; undefined: both. */
  valid?: boolean;
  limit: number;
  offset: number;
}

/** Entries not retired, most used first, then the latest changed; with the number matching in all. */
export async function listKnowledge(db: Db, s: KnowledgeSelection, today = shanghaiToday()): Promise<KnowledgePage> {
  const where = ['e.retired_at IS NULL'];
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  if (s.grams.length > 0) where.push(`e.grams @> ${param(s.grams)}::text[]`);
  if (s.category !== undefined) where.push(`e.category = ${param(s.category)}`);
  if (s.valid !== undefined) {
    // isValidOn (domain/knowledge.ts) in SQL, so that paging and the total count only the entries shown.
    const d = param(today);
    const valid = `(e.valid_from <= ${d}::date AND (e.valid_to IS NULL OR e.valid_to >= ${d}::date))`;
    where.push(s.valid ? valid : `NOT ${valid}`);
  }
  const { rows } = await db.query(
    `SELECT ${ENTRY_COLUMNS}, count(*) OVER ()::integer AS total FROM knowledge_entries e
      WHERE ${where.join(' AND ')}
      ORDER BY usage_count DESC, e.updated_at DESC, e.id DESC
      LIMIT ${param(s.limit)} OFFSET ${param(s.offset)}`,
    params,
  );
  const total = (rows[0]?.total as number | undefined) ?? (s.offset > 0 ? await countKnowledge(db, s, today) : 0);
  return { items: rows.map((r) => entryOf(r, today)), total };
}

/** The total of a selection whose page is past its end (an offset beyond the last entry). */
async function countKnowledge(db: Db, s: KnowledgeSelection, today: string): Promise<number> {
  const page = await listKnowledge(db, { ...s, limit: 1, offset: 0 }, today);
  return page.total;
}

/** One entry, retired or not; null when there is none. */
export async function getKnowledge(db: Db | pg.PoolClient, id: number, today = shanghaiToday()): Promise<KnowledgeEntry | null> {
  const { rows } = await db.query(`SELECT ${ENTRY_COLUMNS} FROM knowledge_entries e WHERE e.id = $1`, [id]);
  return rows[0] ? entryOf(rows[0], today) : null;
}

/** Every entry not retired, in id order (the export; a county's knowledge base is thousands of entries, not millions). */
export async function allKnowledge(db: Db, today = shanghaiToday()): Promise<KnowledgeEntry[]> {
  const { rows } = await db.query(`SELECT ${ENTRY_COLUMNS} FROM knowledge_entries e WHERE e.retired_at IS NULL ORDER BY e.id`);
  return rows.map((r) => entryOf(r, today));
}

/** An entry's changes, oldest first; null when there is no such entry. */
export async function knowledgeHistory(db: Db, id: number): Promise<KnowledgeChange[] | null> {
  const { rows } = await db.query(
    `SELECT h.entry_id, h.version, h.action, h.actor_id, h.actor_name, h.at, h.before, h.after
       FROM knowledge_entries e LEFT JOIN knowledge_history h ON h.entry_id = e.id
      WHERE e.id = $1 ORDER BY h.version`,
    [id],
  );
  if (rows.length === 0) return null;
  return rows
    .filter((r) => r.version !== null)
    .map((r) => ({
      entryId: Number(r.entry_id),
      version: r.version as number,
      action: r.action as KnowledgeChange['action'],
      actor: { id: r.actor_id as string, name: r.actor_name as string },
      at: r.at as string,
      before: (r.before as KnowledgeInput | null) ?? null,
      after: (r.after as KnowledgeInput | null) ?? null,
    }));
}

/**
 * A refusal of a knowledge change (no such entry, retired, stale version, a bad import row). Thrown inside a
 * transaction it rolls everything back; the API turns it into its error answer (api/routes/knowledge.ts).
 */
export class KnowledgeRefused extends Error {
  constructor(
    readonly refusal: Refusal,
    /** For an import: the sheet's column the refusal is about. */
    readonly column?: string,
  ) {
    super(refusal.message);
  }
}

/** Runs `work` in one transaction: anything thrown inside rolls it all back. */
async function transaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function insertEntry(client: pg.PoolClient, input: KnowledgeInput, actor: Actor): Promise<number> {
  const by = person(actor);
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO knowledge_entries (question, answer, category, keywords, valid_from, valid_to, source, grams, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
    [input.question, input.answer, input.category, input.keywords, input.validFrom, input.validTo, input.source, grams(input), by],
  );
  const id = Number(rows[0].id);
  await recordChange(client, id, 1, 'created', actor, null, input);
  return id;
}

function grams(input: KnowledgeInput): string[] {
  return indexGrams(searchableText(input));
}

async function recordChange(
  client: pg.PoolClient,
  id: number,
  version: number,
  action: KnowledgeChange['action'],
  actor: Actor,
  before: KnowledgeInput | null,
  after: KnowledgeInput | null,
): Promise<void> {
  await client.query(
    `INSERT INTO knowledge_history (entry_id, version, action, actor_id, actor_name, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, version, action, actor.id, actor.name, before, after],
  );
}

const sameFields = (a: KnowledgeInput, b: KnowledgeInput): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * Changes (or, with `next` null, retires) entry `id` made from `expected` (its version; undefined: whatever it is
 * now). The entry's row stays locked until the transaction ends. Unchanged values change nothing (no new version).
 */
async function changeEntry(
  client: pg.PoolClient,
  id: number,
  expected: number | undefined,
  next: KnowledgeInput | null,
  actor: Actor,
): Promise<'changed' | 'unchanged'> {
  const { rows } = await client.query(
    `SELECT e.version, e.question, e.answer, e.category, e.keywords, e.source, e.retired_at,
            to_char(e.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(e.valid_to, 'YYYY-MM-DD') AS valid_to
       FROM knowledge_entries e WHERE e.id = $1 FOR UPDATE`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new KnowledgeRefused(refusal('not_found', `没有知识库条目 ${id}`), '编号');
  if (row.retired_at !== null) throw new KnowledgeRefused(refusal('conflict', `知识库条目 ${id} 已停用`, { retired: true }), '编号');
  if (expected !== undefined && expected !== row.version) {
    const message = `知识库条目 ${id} 已被他人修改：当前版本 ${row.version}，而非 ${expected}`;
    throw new KnowledgeRefused(refusal('conflict', message, { version: row.version }), '版本');
  }
  const before = fieldsOf(row);
  const version = (row.version as number) + 1;
  const by = person(actor);
  if (next === null) {
    await client.query(
      `UPDATE knowledge_entries SET version = $2, retired_at = now(), retired_by = $3, updated_at = now(), updated_by = $3 WHERE id = $1`,
      [id, version, by],
    );
    await recordChange(client, id, version, 'retired', actor, before, null);
    return 'changed';
  }
  if (sameFields(before, next)) return 'unchanged';
  await client.query(
    `UPDATE knowledge_entries
        SET version = $2, question = $3, answer = $4, category = $5, keywords = $6, valid_from = $7, valid_to = $8,
            source = $9, grams = $10, updated_at = now(), updated_by = $11
      WHERE id = $1`,
    [id, version, next.question, next.answer, next.category, next.keywords, next.validFrom, next.validTo, next.source, grams(next), by],
  );
  await recordChange(client, id, version, 'updated', actor, before, next);
  return 'changed';
}

export async function createKnowledge(db: Db, input: KnowledgeInput, actor: Actor): Promise<KnowledgeEntry> {
  return transaction(db, async (client) => (await getKnowledge(client, await insertEntry(client, input, actor)))!);
}

/** PUT: the new values, made from version `expected`. Refused: no such entry, retired, or stale (409). */
export async function updateKnowledge(
  db: Db,
  id: number,
  expected: number | undefined,
  input: KnowledgeInput,
  actor: Actor,
): Promise<KnowledgeEntry> {
  return transaction(db, async (client) => {
    await changeEntry(client, id, expected, input, actor);
    return (await getKnowledge(client, id))!;
  });
}

/** DELETE: retired, kept with its history and usage. */
export async function retireKnowledge(db: Db, id: number, expected: number | undefined, actor: Actor): Promise<KnowledgeEntry> {
  return transaction(db, async (client) => {
    await changeEntry(client, id, expected, null, actor);
    return (await getKnowledge(client, id))!;
  });
}

/** One row of an import: its row number in the sheet, and the entry it updates (编号, 版本) if any. */
export interface ImportRow {
  row: number;
  id?: number;
  version?: number;
  input: KnowledgeInput;
}

/** How an import names a bad cell in its 400 (and 409): the row as the sheet numbers it, and the column's header. */
export function importProblem(row: number, column: string, message: string) {
  return { row, column, field: `row ${row} ${column}`, message };
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

/** An import, all or nothing: every row is written in one transaction, and one refused row undoes them all. */
export async function importKnowledge(db: Db, rows: readonly ImportRow[], actor: Actor): Promise<ImportResult> {
  return transaction(db, async (client) => {
    const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
    for (const r of rows) {
      if (r.id === undefined) {
        await insertEntry(client, r.input, actor);
        result.created++;
        continue;
      }
      try {
        result[(await changeEntry(client, r.id, r.version, r.input, actor)) === 'changed' ? 'updated' : 'unchanged']++;
      } catch (err) {
        if (!(err instanceof KnowledgeRefused)) throw err;
        // The same refusal said about the sheet (which row, which column); an unknown 编号 is a bad row, not a missing page.
        const column = err.column ?? '编号';
        const code = err.refusal.code === 'not_found' ? 'invalid_input' : err.refusal.code;
        const message = `第 ${r.row} 行：${err.refusal.message}`;
        throw new KnowledgeRefused(refusal(code, message, [importProblem(r.row, column, err.refusal.message)]));
      }
    }
    return result;
  });
}

/**
 * Records that case `caseId` was answered directly with entry `entryId`; a case counts once per entry. Refused when
 * the entry does not exist (404), the case is unknown to the read model (400) or was not answered directly (409).
 */
export async function recordKnowledgeUse(
  db: Db,
  entryId: number,
  caseId: string,
  actor: Actor,
): Promise<{ counted: boolean; usageCount: number }> {
  const entry = await db.query('SELECT 1 FROM knowledge_entries WHERE id = $1', [entryId]);
  if (entry.rowCount === 0) throw new KnowledgeRefused(refusal('not_found', `没有知识库条目 ${entryId}`));
  const found = await db.query<{ direct: boolean }>(`SELECT flags @> ARRAY['direct_answer'] AS direct FROM case_summaries WHERE id = $1`, [
    caseId,
  ]);
  if (!found.rows[0])
    throw new KnowledgeRefused(refusal('invalid_input', `没有工单「${caseId}」`, [{ field: 'caseId', message: 'no such case' }]));
  if (!found.rows[0].direct) throw new KnowledgeRefused(refusal('conflict', `工单「${caseId}」不是直接答复的工单`));
  const inserted = await db.query(
    'INSERT INTO knowledge_usage (entry_id, case_id, recorded_by) VALUES ($1, $2, $3) ON CONFLICT (entry_id, case_id) DO NOTHING',
    [entryId, caseId, actor.id],
  );
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM knowledge_usage WHERE entry_id = $1', [entryId]);
  return { counted: inserted.rowCount === 1, usageCount: rows[0].n };
}
