import type { Db } from './pool';

/** Records (or replaces) what a case is found by: its grams (domain/text-search.ts `caseSearchGrams`). */
export async function recordCaseSearch(db: Db, caseId: string, grams: string[]): Promise<void> {
  await db.query(
    `INSERT INTO case_search (case_id, grams) VALUES ($1, $2)
     ON CONFLICT (case_id) DO UPDATE SET grams = EXCLUDED.grams`,
    [caseId, grams],
  );
}
