import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { CaseInput, CaseState } from '../domain/case';
import { initialState } from '../domain/rules';
import { operatorSearchValuesOf } from '../domain/search';
import type { caseWorkflowV2 } from '../workflows';
import { caseWorkflowId } from './definitions';
import { startSearchAttributes } from './search-attributes';

export type CaseHandle = WorkflowHandle<typeof caseWorkflowV2>;

/** The workflow type new cases start on (temporal/visibility-query.ts `caseQuery` finds both versions). */
export const CASE_WORKFLOW_TYPE = 'caseWorkflowV2';

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
  const handle = await client.workflow.start<typeof caseWorkflowV2>(CASE_WORKFLOW_TYPE, {
    workflowId: caseWorkflowId(input.id),
    taskQueue,
    args: [input],
    // Setting them at start is free; the workflow upserts only what changes later.
    typedSearchAttributes: startSearchAttributes(operatorSearchValuesOf(firstState)),
    // Concurrent retries with one Idempotency-Key meet the same running workflow instead of failing.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    // Lists and the ledger export show the title without reading the case (memo values go through the codec).
    memo: { title: input.request.title },
  });
  return { handle, firstState };
}

/** A start input sealed for storage outside Temporal: a payload of the client's data converter, as JSON (base64). */
export interface SealedPayload {
  metadata: Record<string, string>;
  data: string;
}

/**
 * `value` as the client's data converter would send it to Temporal — converted, then encoded by its payload codecs
 * (encrypted) — so that it can wait in the database (db/ledger.ts, intakes) with no personal data in clear.
 */
export async function sealForStorage(client: Client, value: unknown): Promise<SealedPayload> {
  const converter = client.options.loadedDataConverter;
  let payloads: Payload[] = [converter.payloadConverter.toPayload(value)];
  for (const codec of converter.payloadCodecs) payloads = await codec.encode(payloads);
  const [p] = payloads;
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

/** The value `sealForStorage` sealed, decoded (decrypted) with the client's codecs in reverse order. */
export async function openFromStorage<T>(client: Client, sealed: SealedPayload): Promise<T> {
  const converter = client.options.loadedDataConverter;
  let payloads: Payload[] = [
    {
      metadata: Object.fromEntries(Object.entries(sealed.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: Buffer.from(sealed.data, 'base64'),
    },
  ];
  for (const codec of [...converter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  return converter.payloadConverter.fromPayload<T>(payloads[0]);
}
