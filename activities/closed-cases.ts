import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/activity';
import { parseFlags } from '../domain/search';
import { listAllCaseSummaries } from '../temporal/visibility';
import { caseQuery, eq, gte, lt, running } from '../temporal/visibility-query';

/**
 * The cases closed in [from, to) that are still open to a spot-check (their workflows still run) and were not
 * merged into another, nor already in a sample: a visibility query, never a scan of histories.
 */
export function createClosedCaseFinder(client: Client | undefined) {
  return async function findClosedCases({ from, to }: { from: string; to: string }): Promise<{ id: string; ledgerNo: string }[]> {
    if (!client)
      throw ApplicationFailure.nonRetryable('this worker was started without a Temporal client for visibility queries', 'Misconfigured');
    const query = caseQuery(running, eq('HuiyingStage', 'closed'), gte('HuiyingClosedAt', from), lt('HuiyingClosedAt', to));
    const cases = await listAllCaseSummaries(client, query, 100_000);
    // Not merged, and not sampled by an earlier round already.
    return cases
      .filter((c) => {
        const flags = parseFlags(c.flags);
        return !flags.has('merged') && flags.spotCheckRound === null;
      })
      .map(({ id, ledgerNo }) => ({ id, ledgerNo }));
  };
}
