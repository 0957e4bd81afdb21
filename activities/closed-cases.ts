import { closedCasesToSample } from '../db/spot-check-queries';
import type { Db } from '../db/pool';

/**
 * The cases closed in [from, to) that are still open to a spot-check (not archived) and were not merged into
 * another, nor already in a sample: a query of the read model, never a scan of histories.
 */
export function createClosedCaseFinder(db: Db) {
  return async function findClosedCases({ from, to }: { from: string; to: string }): Promise<{ id: string; ledgerNo: string }[]> {
    return closedCasesToSample(db, from, to);
  };
}
