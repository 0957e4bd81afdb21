import { WithStartWorkflowOperation } from '@temporalio/client';
import type { ledgerWorkflow } from '../../workflows/ledger';
import { allocateLedgerNoUpdate, ledgerWorkflowId } from '../../temporal/definitions';
import { useTimeSkipping } from './helpers';

const h = useTimeSkipping();

/**
 * What the API did for each new case before ledger numbers came from the database (db/ledger.ts): update-with-start,
 * so the first request of a year starts the sequencer. The workflow stays registered so that existing sequencers
 * still replay and answer; nothing starts new ones.
 */
function allocate(prefix: string, year: number, caseId: string): Promise<string> {
  return h.client.workflow.executeUpdateWithStart(allocateLedgerNoUpdate, {
    args: [caseId],
    startWorkflowOperation: new WithStartWorkflowOperation<typeof ledgerWorkflow>('ledgerWorkflow', {
      workflowId: ledgerWorkflowId(prefix, year),
      taskQueue: h.taskQueue,
      args: [{ prefix, year, last: 0, recent: [] }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    }),
  });
}

/**
 * The same update-with-start, with a sequencer that continues as new after every `rotateAfter` allocations (its
 * default is far too many for a test). SDK 1.24 builds the operation with `new`; it has no `.create`.
 */
function allocateRotating(prefix: string, year: number, caseId: string, rotateAfter: number): Promise<string> {
  return h.client.workflow.executeUpdateWithStart(allocateLedgerNoUpdate, {
    args: [caseId],
    startWorkflowOperation: new WithStartWorkflowOperation<typeof ledgerWorkflow>('ledgerWorkflow', {
      workflowId: ledgerWorkflowId(prefix, year),
      taskQueue: h.taskQueue,
      args: [{ prefix, year, last: 0, recent: [], rotateAfter }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}

describe('ledger number sequencer (台账编号)', () => {
  test('hands out LZ-2026-000001, 000002, … in order, once per case id', async () => {
    expect(await allocate('LZ', 2026, 'case-a')).toBe('LZ-2026-000001');
    expect(await allocate('LZ', 2026, 'case-b')).toBe('LZ-2026-000002');
    expect(await allocate('LZ', 2026, 'case-c')).toBe('LZ-2026-000003');

    // Asking again for the same case (a retried API call) returns the same number and burns none.
    expect(await allocate('LZ', 2026, 'case-a')).toBe('LZ-2026-000001');
    expect(await allocate('LZ', 2026, 'case-b')).toBe('LZ-2026-000002');
    expect(await allocate('LZ', 2026, 'case-d')).toBe('LZ-2026-000004');

    // One sequencer workflow served all of them.
    const description = await h.client.workflow.getHandle(ledgerWorkflowId('LZ', 2026)).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.type).toBe('ledgerWorkflow');
  });

  test('each prefix and year has its own sequence', async () => {
    expect(await allocate('LZ', 2030, 'x-1')).toBe('LZ-2030-000001');
    expect(await allocate('XF', 2030, 'x-1')).toBe('XF-2030-000001');
    expect(await allocate('LZ', 2030, 'x-2')).toBe('LZ-2030-000002');
  });

  test('20 concurrent allocations for distinct ids give 20 distinct, dense numbers', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
    // A fresh year, so the concurrent calls also race to start the sequencer.
    const numbers = await Promise.all(ids.map((id) => allocate('LZ', 2027, id)));
    expect(new Set(numbers).size).toBe(20);
    const seqs = numbers.map((n) => Number(/^LZ-2027-(\d{6})$/.exec(n)![1])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    // And each id keeps its number when asked again, concurrently too.
    const again = await Promise.all(ids.map((id) => allocate('LZ', 2027, id)));
    expect(again).toEqual(numbers);
    expect(await allocate('LZ', 2027, 'after')).toBe('LZ-2027-000021');
  });

  test('continues as new before the per-run update limit, keeping the sequence and the memory of recent ids', async () => {
    const first = await h.client.workflow
      .getHandle(ledgerWorkflowId('RT', 2026))
      .describe()
      .catch(() => null);
    expect(first).toBeNull();
    const numbers: string[] = [];
    for (let i = 1; i <= 7; i++) numbers.push(await allocateRotating('RT', 2026, `rot-${i}`, 3));
    expect(numbers).toEqual(Array.from({ length: 7 }, (_, i) => `RT-2026-${String(i + 1).padStart(6, '0')}`));
    // An id served before the rotation still gets its number back.
    expect(await allocateRotating('RT', 2026, 'rot-2', 3)).toBe('RT-2026-000002');
    const handle = h.client.workflow.getHandle(ledgerWorkflowId('RT', 2026));
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    // Three allocations per run: the current run was continued from an earlier one.
    const history = await handle.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.continuedExecutionRunId).toBeTruthy();
  });
});
