import type { Client } from '@temporalio/client';
import { recordCaseSearch } from '../db/case-search';
import { recordSummary } from '../db/case-summaries';
import { caseSearchGrams } from '../domain/text-search';
import type { Db } from '../db/pool';
import type { CaseState } from '../domain/case';
import { summaryOf } from '../domain/summary';
import { getCaseQuery } from './definitions';
import { caseQuery } from './visibility-query';

export interface RebuildReport {
  /** Case workflows found in Temporal. */
  found: number;
  /** Rows written (the rest were already as new or newer). */
  written: number;
  /** Cases whose state could not be read (terminated or failed runs), by workflow id. */
  skipped: string[];
}

/**
 * Fills the read model from Temporal, the source of truth: every case workflow, running (its current state, by
 * query) or completed (its final state, archived). Safe at any time, also while cases move: a row is replaced only by
 * a newer version. Used after a restore, for cases registered before the read model existed, and by `npm start` when
 * the read model is empty.
 */
export async function rebuildReadModel(
  client: Client,
  db: Db,
  opts: { concurrency?: number; log?: (line: string) => void } = {},
): Promise<RebuildReport> {
  const report: RebuildReport = { found: 0, written: 0, skipped: [] };
  const pending = new Set<Promise<void>>();
  // A case has several runs once a spot-check sample brought it back: each id is read once, at its latest run.
  const seen = new Set<string>();
  for await (const execution of client.workflow.list({ query: caseQuery() })) {
    if (seen.has(execution.workflowId)) continue;
    seen.add(execution.workflowId);
    report.found += 1;
    const task = rebuildOne(client, db, execution.workflowId)
      .then((written) => {
        if (written) report.written += 1;
      })
      .catch((err: unknown) => {
        report.skipped.push(execution.workflowId);
        opts.log?.(`skipped ${execution.workflowId} (${execution.status.name}): ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => pending.delete(task));
    pending.add(task);
    if (pending.size >= (opts.concurrency ?? 8)) await Promise.race(pending);
  }
  await Promise.all(pending);
  return report;
}

async function rebuildOne(client: Client, db: Db, workflowId: string): Promise<boolean> {
  const handle = client.workflow.getHandle(workflowId);
  const status = (await handle.describe()).status.name;
  let state: CaseState;
  if (status === 'RUNNING') {
    state = await handle.query(getCaseQuery);
  } else if (status === 'COMPLETED') {
    state = (await handle.result()) as CaseState;
  } else {
    throw new Error(`the run ended ${status.toLowerCase()}: it has no state to show`);
  }
  await recordCaseSearch(db, state.id, caseSearchGrams(state));
  return recordSummary(db, summaryOf(state, status !== 'RUNNING'));
}
