import type { Stage } from '../domain/case';
import { listedCase, type ListedCase } from '../domain/summary';
import { SUMMARY_COLUMNS, summaryFromRow } from './case-summaries';
import type { Db } from './pool';

type OpenStage = Exclude<Stage, 'closed'>;

export interface StuckSelection {
  unit?: string;
  stage?: OpenStage;
  /** Due at or before this instant: overdue, or about to be. */
  dueBy: Date;
  /** Per open stage: in it since before this instant is stalled. */
  stalledBefore: Record<OpenStage, Date>;
}

/**
 * Every open case that may be stuck: overdue, due by `dueBy`, or in its stage since before its stage's stall
 * instant. All of them, however many (the supervisors' view must be complete); each branch of the OR has an index
 * (db/migrations), and `classifyStuck` (api/supervision.ts) then says why, and drops any the domain rule does not keep.
 */
export async function stuckCandidates(db: Db, s: StuckSelection): Promise<ListedCase[]> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ['NOT archived', `stage <> 'closed'`];
  if (s.unit) where.push(`unit = ${param(s.unit)}`);
  if (s.stage) where.push(`stage = ${param(s.stage)}`);
  const stalled = (Object.entries(s.stalledBefore) as [OpenStage, Date][])
    .filter(([stage]) => !s.stage || stage === s.stage)
    .map(([stage, before]) => `(stage = ${param(stage)} AND stage_since < ${param(before.toISOString())}::timestamptz)`);
  where.push(`(overdue OR due_at <= ${param(s.dueBy.toISOString())}::timestamptz${stalled.map((c) => ` OR ${c}`).join('')})`);
  const { rows } = await db.query(`SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE ${where.join(' AND ')}`, params);
  return rows.map((row) => listedCase(summaryFromRow(row)));
}
