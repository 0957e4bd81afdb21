import { WithStartWorkflowOperation, type Client, type WorkflowHandle } from '@temporalio/client';
import type { CaseInput, CaseState } from '../domain/case';
import { initialState } from '../domain/rules';
import { searchValuesOf } from '../domain/search';
import type { caseWorkflow, ledgerWorkflow } from '../workflows';
import { allocateLedgerNoUpdate, caseWorkflowId, ledgerWorkflowId } from './definitions';
import { startSearchAttributes } from './search-attributes';

export type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

/**
 * The one way a case workflow is started — by the API, the tests and the benchmarks alike — so that every case
 * carries the same search attributes, memo and id policies. Returns the handle and the state the case starts in
 * (known here already: the workflow computes the same from the same input).
 */
export async function startCase(
  client: Client,
  taskQueue: string,
  input: CaseInput,
): Promise<{ handle: CaseHandle; firstState: CaseState }> {
  const firstState = initialState(input, input.registeredAt ?? new Date().toISOString());
  const handle = await client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
    workflowId: caseWorkflowId(input.id),
    taskQueue,
    args: [input],
    // Setting them at start is free; the workflow upserts only what changes later.
    typedSearchAttributes: startSearchAttributes(searchValuesOf(firstState)),
    // Concurrent retries with one Idempotency-Key meet the same running workflow instead of failing.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    // Lists and the ledger export show the title without reading the case (memo values go through the codec).
    memo: { title: input.request.title },
  });
  return { handle, firstState };
}

/** The next ledger number of `prefix` and `year` for `caseId`, the same number however often it is asked. */
export function allocateLedgerNo(client: Client, taskQueue: string, prefix: string, year: number, caseId: string): Promise<string> {
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof ledgerWorkflow>('ledgerWorkflow', {
    workflowId: ledgerWorkflowId(prefix, year),
    taskQueue,
    args: [{ prefix, year, last: 0, recent: [] }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // Never silently restart a year's numbering at 1 if its sequencer was terminated.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  return client.workflow.executeUpdateWithStart(allocateLedgerNoUpdate, { args: [caseId], startWorkflowOperation });
}
