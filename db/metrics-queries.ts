import { returnedByFlag } from '../domain/search';
import type { MetricsCase } from '../domain/metrics';
import type { Db } from './pool';

export interface MetricsSelection {
  /** Registered in [from, to). */
  from: Date;
  to: Date;
  /** One unit's line needs the cases it holds and those it returned (now others', or merged); `hotline`: direct answers. */
  unit?: { code: string } | 'hotline';
}

/**
 * The period's cases as unit metrics count them (domain/metrics.ts `computeUnitMetrics`): only the fields the figures
 * read, and cases alike in all of them as ONE row with their `count`. The grouping decides nothing (it groups by every
 * field a `MetricsCase` has, so any rule over those fields counts a group as it would count its cases one by one); it
 * only keeps PostgreSQL from shipping and `pg` from parsing a row and a `flags` array per case: a county's month is a
 * few hundred groups instead of tens of thousands of rows. The sum of the counts is the number of cases.
 */
export async function metricsCases(db: Db, s: MetricsSelection): Promise<MetricsCase[]> {
  const params: unknown[] = [s.from.toISOString(), s.to.toISOString()];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ['registered_at >= $1::timestamptz', 'registered_at < $2::timestamptz'];
  if (s.unit === 'hotline') where.push(`flags @> ARRAY['direct_answer']`);
  else if (s.unit) where.push(`(unit = ${param(s.unit.code)} OR flags @> ARRAY[${param(returnedByFlag(s.unit.code))}::text])`);
  const { rows } = await db.query(
    `SELECT unit, stage, overdue, reopen_count, flags, satisfaction, count(*)::int AS n FROM case_summaries
     WHERE ${where.join(' AND ')}
     GROUP BY unit, stage, overdue, reopen_count, flags, satisfaction`,
    params,
  );
  return rows.map((r) => ({
    unit: (r.unit as string | null) ?? null,
    stage: r.stage as MetricsCase['stage'],
    overdue: r.overdue as boolean,
    reopenCount: r.reopen_count as number,
    flags: r.flags as string[],
    satisfaction: (r.satisfaction as MetricsCase['satisfaction']) ?? null,
    count: r.n as number,
  }));
}
