import type { OpenStage, Stage } from '../domain/case';
import { listedCase, type ListedCase } from '../domain/summary';
import type { WorkloadCount } from '../domain/workload';
import { SUMMARY_COLUMNS, summaryFromRow } from './case-summaries';
import type { Db } from './pool';

export interface StuckSelection {
  unit?: string;
  stage?: OpenStage;
  /** Due at or before this instant: overdue, or about to be. */
  dueBy: Date;
  /** Per open stage: in it since before this instant is stalled. */
  stalledBefore: Record<OpenStage, Date>;
}

/** What the supervisors' rule reads of a case (api/supervision.ts `StuckRule`): instants as epoch milliseconds. */
export interface StuckCandidate {
  id: string;
  stage: Stage;
  sinceMs: number | null;
  dueMs: number | null;
  overdue: boolean;
  redFlag: boolean;
}

/**
 * Every open case that may be stuck: overdue, due by `dueBy`, or in its stage since before its stage's stall
 * instant. All of them, however many (the supervisors' view must be complete); each branch of the OR has an index
 * (db/migrations), and `StuckRule` (api/supervision.ts) then says why, and drops any the domain rule does not keep.
 * Only the six columns the rule reads, instants as numbers (no timestamp parsing per row): the whole rows of one
 * page are read by `stuckCasesByIds`.
 */
export async function stuckCandidates(db: Db, s: StuckSelection): Promise<StuckCandidate[]> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ['NOT archived', `stage <> 'closed'`];
  if (s.unit) where.push(`unit = ${param(s.unit)}`);
  if (s.stage) where.push(`stage = ${param(s.stage)}`);
  const stalled = (Object.entries(s.stalledBefore) as [OpenStage, Date][])
    .filter(([stage]) => !s.stage || stage === s.stage)
    .map(([stage, before]) => `(stage = ${param(stage)} AND stage_since < ${param(before.toISOString())}::timestamptz)`);
  where.push(`(overdue OR due_at <= ${param(s.dueBy.toISOString())}::timestamptz${stalled.map((c) => ` OR ${c}`).join('')})`);
  const { rows } = await db.query(
    `SELECT id, stage, (extract(epoch FROM stage_since) * 1000)::float8 AS since_ms, (extract(epoch FROM due_at) * 1000)::float8 AS due_ms,
            overdue, red_flag
       FROM case_summaries WHERE ${where.join(' AND ')}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id as string,
    stage: r.stage as Stage,
    sinceMs: (r.since_ms as number | null) ?? null,
    dueMs: (r.due_ms as number | null) ?? null,
    overdue: r.overdue as boolean,
    redFlag: r.red_flag as boolean,
  }));
}

/** The listed cases with these ids (one page of the supervisors' view), in no particular order. */
export async function stuckCasesByIds(db: Db, ids: readonly string[]): Promise<ListedCase[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(`SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE id = ANY($1::text[])`, [ids]);
  return rows.map((row) => listedCase(summaryFromRow(row)));
}

/** Open cases counted by unit and stage (with how many are overdue or red-flagged): the supervisors' workload table. */
export async function openCaseCounts(db: Db): Promise<WorkloadCount[]> {
  const { rows } = await db.query(
    `SELECT unit, stage, count(*)::int AS count, count(*) FILTER (WHERE overdue)::int AS overdue,
            count(*) FILTER (WHERE red_flag)::int AS red_flags
       FROM case_summaries WHERE stage <> 'closed' AND NOT archived
      GROUP BY unit, stage`,
  );
  return rows.map((r) => ({
    unit: (r.unit as string | null) ?? null,
    stage: r.stage as OpenStage,
    count: r.count as number,
    overdue: r.overdue as number,
    redFlags: r.red_flags as number,
  }));
}
