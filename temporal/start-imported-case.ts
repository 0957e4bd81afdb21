import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { importedState, type ImportedCase } from '../domain/historical-ledger';
import { operatorSearchValuesOf } from '../domain/search';
import type { caseWorkflowV2 } from '../workflows';
import { caseWorkflowId } from './definitions';
import { startSearchAttributes } from './search-attributes';
import { CASE_WORKFLOW_TYPE } from './start-case';

/**
 * Starts the case workflow of a closed case from the county's old ledger (domain/historical-ledger.ts): it starts
 * closed, records its row in the read model and completes. Once per case: a second import of it meets the workflow
 * (running or completed) and starts nothing. Returns whether this call started it.
 */
export async function startImportedCase(client: Client, taskQueue: string, imported: ImportedCase): Promise<'started' | 'existing'> {
  const state = importedState(imported);
  try {
    await client.workflow.start<typeof caseWorkflowV2>(CASE_WORKFLOW_TYPE, {
      workflowId: caseWorkflowId(imported.id),
      taskQueue,
      args: [{ imported }],
      typedSearchAttributes: startSearchAttributes(operatorSearchValuesOf(state)),
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { title: state.title },
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'existing';
    throw err;
  }
}
