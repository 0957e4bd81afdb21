import type { CaseSummary } from '../domain/summary';
import type { Db } from './pool';

const COLUMNS = [
  'id',
  'version',
  'ledger_no',
  'stage',
  'type',
  'channel',
  'unit',
  'urgent',
  'review_level',
  'reopen_count',
  'registered_at',
  'stage_since',
  'due_at',
  'overdue',
  'red_flag',
  'flags',
  'satisfaction',
  'closed_at',
  'title',
  'citizen_key',
  'archived',
  'spot_check_until',
] as const;

function values(s: CaseSummary): unknown[] {
  return [
    s.id,
    s.version,
    s.ledgerNo,
    s.stage,
    s.type,
    s.channel,
    s.unit,
    s.urgent,
    s.reviewLevel,
    s.reopenCount,
    s.registeredAt,
    s.stageSince,
    s.dueAt,
    s.overdue,
    s.redFlag,
    s.flags,
    s.satisfaction,
    s.closedAt,
    s.title,
    s.citizenKey,
    s.archived,
    s.spotCheckUntil,
  ];
}

const UPSERT = `
  INSERT INTO case_summaries (${COLUMNS.join(', ')}, recorded_at)
  VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, now())
  ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ')}, recorded_at = now()
  WHERE case_summaries.version < EXCLUDED.version
     OR (case_summaries.version = EXCLUDED.version AND EXCLUDED.archived AND NOT case_summaries.archived)`;

/**
 * Records a case's summary unless the read model already holds a newer version: a retried or replayed write, or a
 * rebuild racing the workflow, never puts an older state over a newer one. Returns whether the row changed.
 */
export async function recordSummary(db: Db, summary: CaseSummary): Promise<boolean> {
  const result = await db.query(UPSERT, values(summary));
  return (result.rowCount ?? 0) > 0;
}

/** A row of case_summaries as the domain's summary. */
export function summaryFromRow(row: Record<string, unknown>): CaseSummary {
  return {
    id: row.id as string,
    version: row.version as number,
    ledgerNo: row.ledger_no as string,
    stage: row.stage as CaseSummary['stage'],
    type: row.type as CaseSummary['type'],
    channel: row.channel as CaseSummary['channel'],
    unit: (row.unit as string | null) ?? null,
    urgent: row.urgent as boolean,
    reviewLevel: (row.review_level as CaseSummary['reviewLevel']) ?? null,
    reopenCount: row.reopen_count as number,
    registeredAt: row.registered_at as string,
    stageSince: row.stage_since as string,
    dueAt: (row.due_at as string | null) ?? null,
    overdue: row.overdue as boolean,
    redFlag: row.red_flag as boolean,
    flags: row.flags as string[],
    satisfaction: (row.satisfaction as CaseSummary['satisfaction']) ?? null,
    closedAt: (row.closed_at as string | null) ?? null,
    title: row.title as string,
    citizenKey: (row.citizen_key as string | null) ?? null,
    archived: row.archived as boolean,
    spotCheckUntil: (row.spot_check_until as string | null) ?? null,
  };
}

/** Every summary column, for the queries that read the read model. */
export const SUMMARY_COLUMNS = COLUMNS.join(', ');
