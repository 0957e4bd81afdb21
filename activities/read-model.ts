import { recordSummary } from '../db/case-summaries';
import type { Db } from '../db/pool';
import type { CaseSummary } from '../domain/summary';

/**
 * Records a case's summary in the read model after each committed change. Idempotent by the summary's version: a
 * retry, a replay or a late write never replaces a newer summary (db/case-summaries.ts).
 */
export function createReadModelRecorder(db: Db) {
  return async function recordCase(summary: CaseSummary): Promise<void> {
    await recordSummary(db, summary);
  };
}
