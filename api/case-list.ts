import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { z } from 'zod';
import { RequestTypeSchema, StageSchema } from '../domain/case';
import { hasRole, type Actor } from '../domain/roles';
import { NO_UNIT } from '../domain/search';
import { keys } from '../workflows/search-attributes';
import { ApiError } from './errors';

export const CaseListQuerySchema = z.object({
  stage: StageSchema.optional(),
  unit: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
  type: RequestTypeSchema.optional(),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  pageToken: z.string().regex(/^[A-Za-z0-9_-]*$/).optional(),
});
export type CaseListQuery = z.infer<typeof CaseListQuerySchema>;

export interface CaseSummary {
  id: string;
  ledgerNo: string;
  stage: string;
  type: string;
  channel: string;
  unit: string | null;
  urgent: boolean;
  reviewLevel: number | null;
  reopenCount: number;
  registeredAt: string;
  status: string;
}

/**
 * Lists cases from Temporal visibility (never by replaying histories). Filter values are schema-checked
 * before they reach the query string. A handler is held to its own unit whatever it asks for.
 */
export async function listCases(client: Client, actor: Actor, q: CaseListQuery): Promise<{ items: CaseSummary[]; nextPageToken: string | null }> {
  const unit = restrictUnit(actor, q.unit);
  const clauses = [`WorkflowType = 'caseWorkflow'`];
  if (q.stage) clauses.push(`HuiyingStage = '${q.stage}'`);
  if (unit) clauses.push(`HuiyingUnit = '${unit}'`);
  if (q.type) clauses.push(`HuiyingType = '${q.type}'`);
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: clauses.join(' AND '),
    pageSize: q.pageSize,
    nextPageToken: q.pageToken ? Buffer.from(q.pageToken, 'base64url') : undefined,
  });
  const items = await Promise.all(
    (response.executions ?? []).map(async (raw) => {
      const info = await executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, client.options.namespace);
      const sa = info.typedSearchAttributes;
      const unitValue = sa.get(keys.HuiyingUnit);
      const level = sa.get(keys.HuiyingReviewLevel) ?? 0;
      return {
        id: info.workflowId.replace(/^case-/, ''),
        ledgerNo: sa.get(keys.HuiyingLedgerNo) ?? '',
        stage: sa.get(keys.HuiyingStage) ?? '',
        type: sa.get(keys.HuiyingType) ?? '',
        channel: sa.get(keys.HuiyingChannel) ?? '',
        unit: unitValue && unitValue !== NO_UNIT ? unitValue : null,
        urgent: sa.get(keys.HuiyingUrgent) ?? false,
        reviewLevel: level > 0 ? level : null,
        reopenCount: sa.get(keys.HuiyingReopenCount) ?? 0,
        registeredAt: info.startTime.toISOString(),
        status: info.status.name,
      } satisfies CaseSummary;
    }),
  );
  const token = response.nextPageToken && response.nextPageToken.length > 0 ? Buffer.from(response.nextPageToken).toString('base64url') : null;
  return { items, nextPageToken: token };
}

function restrictUnit(actor: Actor, asked: string | undefined): string | undefined {
  const seesAll = actor.roles.some((r) => r !== 'handler');
  if (seesAll || !hasRole(actor, 'handler')) return asked;
  if (asked && asked !== actor.unit) throw new ApiError('forbidden', 'a handler sees only its own unit\'s cases');
  return actor.unit;
}
