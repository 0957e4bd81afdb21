import type { Stage } from '../domain/case';
import { listedCase, type ListedCase } from '../domain/summary';
import { SUMMARY_COLUMNS, summaryFromRow } from './case-summaries';
import type { Db } from './pool';

/** An inbox is a worklist, not an archive: past this many waiting cases per role, the oldest are the ones shown. */
export const INBOX_LIMIT = 500;

/** What one role waits for: cases in these stages, optionally of one unit or at these review levels. */
export type InboxSelection =
  | { stages: Stage[]; unit?: string; reviewLevels?: number[] }
  /** Cases carrying this marker (domain/search.ts), e.g. a return awaiting the dispatcher. */
  | { flag: string }
  /** A supervisor's: an extension or an appeal awaiting decision, or a red flag. */
  | { supervisor: true };

/** The cases one role is waiting to act on (not archived), oldest registration first. */
export async function inboxCases(db: Db, selection: InboxSelection): Promise<ListedCase[]> {
  const where = ['NOT archived'];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if ('supervisor' in selection) {
    where.push(`(flags && ARRAY['extension_pending', 'appeal_pending'] OR red_flag)`);
  } else if ('flag' in selection) {
    where.push(`flags @> ARRAY[${param(selection.flag)}::text]`);
  } else {
    where.push(`stage = ANY(${param(selection.stages)}::text[])`);
    if (selection.unit !== undefined) where.push(`unit = ${param(selection.unit)}`);
    if (selection.reviewLevels !== undefined) where.push(`review_level = ANY(${param(selection.reviewLevels)}::smallint[])`);
  }
  const { rows } = await db.query(
    `SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE ${where.join(' AND ')}
     ORDER BY registered_at, id LIMIT ${param(INBOX_LIMIT)}`,
    params,
  );
  return rows.map((row) => listedCase(summaryFromRow(row)));
}
