import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { RequestTypeSchema, StageSchema } from '../domain/case';
import { hasRole, type Actor } from '../domain/roles';
import { UnitSchema } from '../domain/units';
import { ApiError } from './errors';
import { listCaseSummaries, type CaseSummary, type Page } from '../temporal/visibility';
import { caseQuery, eq } from '../temporal/visibility-query';

export const CaseListQuerySchema = z.object({
  stage: StageSchema.optional(),
  unit: UnitSchema.shape.code.optional(),
  type: RequestTypeSchema.optional(),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional(),
});
export type CaseListQuery = z.infer<typeof CaseListQuerySchema>;

/** Lists cases from Temporal visibility. A handler is held to its own unit whatever it asks for. */
export async function listCases(client: Client, actor: Actor, q: CaseListQuery): Promise<Page<CaseSummary>> {
  const unit = restrictUnit(actor, q.unit);
  const query = caseQuery(q.stage && eq('HuiyingStage', q.stage), unit && eq('HuiyingUnit', unit), q.type && eq('HuiyingType', q.type));
  return listCaseSummaries(client, query, q.pageSize, q.pageToken);
}

/** Handlers see their unit only; anyone holding another role as well sees what that role sees. */
export function restrictUnit(actor: Actor, asked: string | undefined): string | undefined {
  const onlyHandler = hasRole(actor, 'handler') && actor.roles.every((r) => r === 'handler');
  if (!onlyHandler) return asked;
  if (asked && asked !== actor.unit) throw new ApiError('forbidden', "a handler sees only its own unit's cases");
  return actor.unit;
}
