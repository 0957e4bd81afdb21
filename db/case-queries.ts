import type { RequestType, Stage } from '../domain/case';
import { parseFlags } from '../domain/search';
import { listedCase, type ListedCase } from '../domain/summary';
import { SUMMARY_COLUMNS, summaryFromRow } from './case-summaries';
import type { Db } from './pool';

/** Where a page of GET /cases ends: the last case listed, in the list's order (newest registration first). */
export interface CaseCursor {
  registeredAt: string;
  id: string;
}

export interface CaseListFilter {
  stage?: Stage;
  unit?: string;
  type?: RequestType;
  /** The keyed hash of a citizen's phone (api/ids.ts `citizenKeyOf`): that citizen's cases. */
  citizenKey?: string;
  /** Only cases still open (not closed, not archived). */
  open?: boolean;
  ledgerNo?: string;
  /** Cases whose words hold every one of these grams (domain/text-search.ts `queryGrams`). */
  grams?: string[];
  /** Registered at or after this instant. */
  from?: Date;
  /** Registered before this instant. */
  to?: Date;
  /** Only overdue (true) or only not overdue (false) cases. */
  overdue?: boolean;
}

export interface CasePage {
  items: ListedCase[];
  /** Set when more cases may follow: the last item's position. */
  next: CaseCursor | null;
}

/**
 * One page of cases, newest registration first (as Temporal visibility listed them before), by keyset: each page
 * starts strictly after the previous one's last (registered_at, id), so a page costs the same however deep, and a
 * case registered meanwhile never shifts the pages already read.
 */
export async function listCasePage(db: Db, filter: CaseListFilter, pageSize: number, after?: CaseCursor): Promise<CasePage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.stage) where.push(`stage = ${param(filter.stage)}`);
  if (filter.unit) where.push(`unit = ${param(filter.unit)}`);
  if (filter.type) where.push(`type = ${param(filter.type)}`);
  if (filter.citizenKey) where.push(`citizen_key = ${param(filter.citizenKey)}`);
  if (filter.open) where.push(`stage <> 'closed' AND NOT archived`);
  if (filter.ledgerNo) where.push(`ledger_no = ${param(filter.ledgerNo)}`);
  if (filter.grams?.length) where.push(`id IN (SELECT case_id FROM case_search WHERE grams @> ${param(filter.grams)}::text[])`);
  if (filter.from) where.push(`registered_at >= ${param(filter.from.toISOString())}::timestamptz`);
  if (filter.to) where.push(`registered_at < ${param(filter.to.toISOString())}::timestamptz`);
  if (filter.overdue !== undefined) where.push(`overdue = ${param(filter.overdue)}`);
  if (after) where.push(`(registered_at, id) < (${param(after.registeredAt)}::timestamptz, ${param(after.id)})`);
  // One row more than the page tells whether another page follows, without a count.
  const { rows } = await db.query(
    `SELECT ${SUMMARY_COLUMNS} FROM case_summaries
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY registered_at DESC, id DESC
     LIMIT ${param(pageSize + 1)}`,
    params,
  );
  const items = rows.slice(0, pageSize).map((row) => listedCase(summaryFromRow(row)));
  const last = items.at(-1);
  return { items, next: rows.length > pageSize && last ? { registeredAt: last.registeredAt, id: last.id } : null };
}

/** The open cases of one citizen (by the keyed hash of the phone) and type: the candidates of 并单. */
export async function openCasesOfCitizen(db: Db, citizenKey: string, type: RequestType, limit = 20): Promise<{ id: string }[]> {
  const { rows } = await db.query(
    `SELECT id FROM case_summaries
     WHERE citizen_key = $1 AND type = $2 AND stage <> 'closed' AND NOT archived
     ORDER BY registered_at DESC
     LIMIT $3`,
    [citizenKey, type, limit],
  );
  return rows as { id: string }[];
}

/** The supporting units (协办) of a case, from its markers (domain/search.ts); none when there is no row. */
export async function supportingUnitsOfCase(db: Db, id: string): Promise<string[]> {
  const { rows } = await db.query('SELECT flags FROM case_summaries WHERE id = $1', [id]);
  return rows.length === 0 ? [] : parseFlags(rows[0].flags as string[]).supporting;
}

/** The unit a case is assigned to (null: none yet); undefined when the read model has no row for it. */
export async function unitOfCase(db: Db, id: string): Promise<string | null | undefined> {
  const { rows } = await db.query('SELECT unit FROM case_summaries WHERE id = $1', [id]);
  return rows.length === 0 ? undefined : ((rows[0].unit as string | null) ?? null);
}
