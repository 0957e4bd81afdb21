import type { Client } from '@temporalio/client';
import type { CaseStart, CaseState } from '../domain/case';
import { joinSample } from '../domain/spot-check';
import { operatorSearchValuesOf } from '../domain/search';
import { caseWorkflowId, sampleSignal } from '../temporal/definitions';
import { startSearchAttributes } from '../temporal/search-attributes';

export interface SamplingDeps {
  client: Client;
  taskQueue: string;
}

/**
 * Puts the drawn cases into a spot-check round's sample. A case whose run still goes on (the first workflow
 * version keeps closed cases running) gets the signal; a closed case of the current version has completed, so its
 * next run starts from its final state with the sample joined. Idempotent: a case already in a sample is left as it
 * is, so a retried or rerun round changes nothing. Returns the ids signalled (their run decides) or brought back in
 * this round's sample.
 */
export function createSampler({ client, taskQueue }: SamplingDeps) {
  return async function sampleCases({ round, ids }: { round: string; ids: string[] }): Promise<string[]> {
    const marked: string[] = [];
    for (const id of ids) if (await sampleOne(id, round)) marked.push(id);
    return marked;
  };

  async function sampleOne(id: string, round: string): Promise<boolean> {
    const handle = client.workflow.getHandle(caseWorkflowId(id));
    const { status, type } = await handle.describe();
    if (status.name === 'RUNNING') {
      await handle.signal(sampleSignal, round);
      return true;
    }
    if (status.name !== 'COMPLETED' || type !== 'caseWorkflowV2') return false; // archived on the first version
    const last = (await handle.result()) as CaseState;
    if (last.spotCheck.round !== null) return last.spotCheck.round === round;
    if (!joinSample(last, round, new Date().toISOString())) return false;
    const start: CaseStart = { resume: last, sample: round };
    // If another run started meanwhile the start fails, the activity is retried and finds it running.
    await client.workflow.start('caseWorkflowV2', {
      workflowId: caseWorkflowId(id),
      taskQueue,
      args: [start],
      typedSearchAttributes: startSearchAttributes(operatorSearchValuesOf(last)),
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: { title: last.title },
    });
    return true;
  }
}
