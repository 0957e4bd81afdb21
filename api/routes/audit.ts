import { Router } from 'express';
import { z } from 'zod';
import { AUDIT_ROLES } from '../../domain/permissions';
import type { AuditLog } from '../audit';
import { authorize } from '../auth';
import { parseQuery } from '../validate';

/** A day (`2026-05-01`, from 00:00 Asia/Shanghai) or an instant with its offset (`2026-05-01T08:00:00Z`). */
const When = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((s) => (s.length === 10 ? new Date(`${s}T00:00:00+08:00`) : new Date(s)));

export const AuditQuerySchema = z
  .object({
    from: When.optional(),
    /** Exclusive; a day means up to the end of that day. */
    to: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
    actor: z.string().min(1).max(200).optional(),
    case: z
      .string()
      .regex(/^[0-9a-z]{16}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

function endOf(to: string): Date {
  return to.length === 10 ? new Date(Date.parse(`${to}T00:00:00+08:00`) + 24 * 3_600_000) : new Date(to);
}

/** GET /audit: who saw or exported personal data, newest first (supervisors, admins). */
export function auditRoutes(deps: { audit: AuditLog }): Router {
  const router = Router();
  router.get('/audit', authorize('GET /audit'), async (req, res) => {
    const q = parseQuery(AuditQuerySchema, req.query);
    const items = await deps.audit.query({
      from: q.from,
      to: q.to ? endOf(q.to) : undefined,
      actorId: q.actor,
      caseId: q.case,
      limit: q.limit,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items });
  });
  return router;
}

/** Documentation of GET /audit, merged into the OpenAPI document. */
export const auditOpenApiPaths: Record<string, unknown> = {
  '/audit': {
    get: {
      summary: `who saw a citizen's data unmasked or exported it, newest first (roles: ${[...AUDIT_ROLES].join(', ')})`,
      parameters: [
        {
          name: 'from',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'a day (YYYY-MM-DD, Asia/Shanghai) or an ISO instant; inclusive',
        },
        {
          name: 'to',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'a day (up to its end) or an ISO instant; exclusive',
        },
        {
          name: 'actor',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'the id (token subject) of whoever read or exported',
        },
        { name: 'case', in: 'query', required: false, schema: { type: 'string' }, description: 'a case id' },
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      ],
      responses: {
        '200': {
          description: '{items}: each with id, at, action, actor {id, name, roles}, caseId?, ledgerNo?, filter?, endpoint?, ip, userAgent',
        },
        '400': { description: 'invalid_input', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        '401': { description: 'unauthorized', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        '403': { description: 'forbidden', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  },
};
