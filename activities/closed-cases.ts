import { closedCasesToSample } from '../db/spot-check-queries';
import type { Db } from '../db/pool';

/**
 * The cases closed in [from, to) that are still open to a spot-check and were not merged into
 * another, nor already in a sample: a query of the read model, never a scan of histories.
 */
export function createClosedCaseFinder(db: Db) {
  return async function findClosedCases({
    from,
    to,
    at,
  }: {
    from: string;
    to: string;
    at?: string;
  }): Promise<{ id: string; ledgerNo: string }[]> {
    // `at` is the round's workflow time (tests skip time); rounds recorded before it was passed draw as of now.
    return closedCasesToSample(db, from, to, at ?? new Date().toISOString());
  };
}
