import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { formatLedgerNo } from '../domain/ledger';
import { allocateLedgerNoUpdate } from '../temporal/definitions';

export interface LedgerInput {
  prefix: string;
  year: number;
  /** The last number handed out (0 before the first). */
  last: number;
  /** Recent case ids and their numbers, so a retried allocation gets the same number back. */
  recent: [caseId: string, no: number][];
  /** Allocations per run before continuing as new (Temporal allows 2,000 updates per run). */
  rotateAfter?: number;
}

/** How many recent allocations to remember: far more than any client retries within a continue-as-new span. */
const REMEMBER = 5000;
const ROTATE_AFTER = 1000;

/**
 * One sequencer per prefix and year — how ledger numbers were handed out before they came from the database
 * (db/ledger.ts): Temporal allows 10 in-flight updates per workflow, so it throttled intake to a handful of
 * concurrent requests. Nothing starts it any more; it stays registered so that sequencers already running still
 * replay and finish cleanly.
 */
export async function ledgerWorkflow(input: LedgerInput): Promise<void> {
  let last = input.last;
  const recent = new Map(input.recent);
  let served = 0;

  setHandler(allocateLedgerNoUpdate, (caseId: string) => {
    served += 1;
    let no = recent.get(caseId);
    if (no === undefined) {
      no = ++last;
      recent.set(caseId, no);
      if (recent.size > REMEMBER) recent.delete(recent.keys().next().value as string);
    }
    return formatLedgerNo(input.prefix, input.year, no);
  });

  const rotateAfter = input.rotateAfter ?? ROTATE_AFTER;
  await condition(() => served >= rotateAfter || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof ledgerWorkflow>({ ...input, last, recent: [...recent] });
}
