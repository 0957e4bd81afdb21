/**
 * GET /public/cases/:ledgerNo?phoneLast4=1234: where a citizen's request stands, without an account. The ledger
 * number (on the citizen's receipt) and the last four digits of the phone they gave are the key; the answer is the
 * public view of domain/public-view.ts, which holds no person at all.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { ipKeyGenerator } from 'express-rate-limit';
import { PUBLIC_STATUS_FAILURES_PER_CASE_PER_HOUR, type PublicAccess } from '../../config/defaults';
import { caseIdOfLedgerNo } from '../../db/public-queries';
import type { Db } from '../../db/pool';
import type { CaseState } from '../../domain/case';
import { LedgerNoSchema, PublicCaseViewSchema, PublicStatusQuerySchema, publicCaseView } from '../../domain/public-view';
import type { UnitDirectory } from '../../domain/units';
import type { AuditLog } from '../audit';
import { authorize } from '../auth';
import type { CaseService } from '../cases';
import { ApiError } from '../errors';
import { limiter } from '../security';
import { parseQuery } from '../validate';

export const PUBLIC_STATUS_ENDPOINT = 'GET /public/cases/:ledgerNo';

/** Who looked, in the audit log: nobody signed in. The IP and user agent say the rest. */
const THE_PUBLIC = { id: 'public', name: '公众查询', roles: [] };

export interface PublicStatusDeps {
  cases: CaseService;
  db: Db;
  units: UnitDirectory;
  audit: AuditLog;
  publicAccess: PublicAccess;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `last4` are the last four digits of `phone`, compared in constant time. */
export function lastFourMatch(phone: string, last4: string): boolean {
  return timingSafeEqual(digest(phone.replace(/\D/g, '').slice(-4)), digest(last4));
}

export function publicStatusRoutes(deps: PublicStatusDeps): Router {
  const { cases, db, units, audit, publicAccess } = deps;
  const router = Router();
  const perAddress = limiter('本地址的进度查询', publicAccess.statusPerWindow, publicAccess.windowMs, {
    name: 'public-status-address',
    db,
    key: (req) => `public-status:${ipKeyGenerator(req.ip ?? 'unknown')}`,
  });
  // Guessing the digits of one case from many addresses: counted per ledger number, only the failures.
  const perCase = limiter(
    '对该工单的错误查询',
    publicAccess.statusPerWindow > 0 ? PUBLIC_STATUS_FAILURES_PER_CASE_PER_HOUR : 0,
    3_600_000,
    { name: 'public-status-case', db, key: (req) => `public-status-case:${String(req.params.ledgerNo)}`, failuresOnly: true },
  );

  router.get('/public/cases/:ledgerNo', authorize(PUBLIC_STATUS_ENDPOINT), perAddress, perCase, async (req, res) => {
    const ledgerNo = LedgerNoSchema.safeParse(req.params.ledgerNo);
    if (!ledgerNo.success)
      throw new ApiError('invalid_input', '台账编号格式有误', [{ field: 'ledgerNo', message: ledgerNo.error.issues[0].message }]);
    const { phoneLast4 } = parseQuery(PublicStatusQuerySchema, req.query);
    // One answer for a number that does not exist and for wrong digits: the lookup must not confirm either.
    const notFound = new ApiError('not_found', '没有与该台账编号和电话号码相符的诉求');
    const id = await caseIdOfLedgerNo(db, ledgerNo.data);
    const state = id === undefined ? undefined : await readCase(cases, id);
    if (!state || !lastFourMatch(state.citizen.phone, phoneLast4)) throw notFound;
    const view = publicCaseView(state, (code) => units.name(code));
    try {
      await audit.record({
        action: 'case.public_read',
        actor: THE_PUBLIC,
        caseId: state.id,
        ledgerNo: state.ledgerNo,
        endpoint: PUBLIC_STATUS_ENDPOINT,
        visibility: 'hidden',
        ip: req.ip ?? null,
        userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
      });
    } catch {
      throw new ApiError('unavailable', '审计日志暂时无法记录本次查询，请重试');
    }
    res.set('Cache-Control', 'no-store').json(PublicCaseViewSchema.parse(view));
  });
  return router;
}

/** The case, or undefined when its workflow is gone (the same 404 as any other miss). */
async function readCase(cases: CaseService, id: string): Promise<CaseState | undefined> {
  try {
    return await cases.get(id);
  } catch (err) {
    if ((err as Error)?.name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

export const publicStatusOpenApiPaths: Record<string, unknown> = {
  '/public/cases/{ledgerNo}': {
    get: {
      summary:
        "a citizen's request as the public may see it: stage, dates, the unit, public progress notes (no person, free text redacted; none for a protected case). No token; rate-limited per address and per case",
      security: [],
      parameters: [
        { name: 'ledgerNo', in: 'path', required: true, schema: { type: 'string', example: 'LZ-2026-000123' } },
        { name: 'phoneLast4', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{4}$' } },
      ],
      responses: {
        '200': {
          description: 'the public view (domain/public-view.ts)',
          content: { 'application/json': { schema: z.toJSONSchema(PublicCaseViewSchema, { target: 'openapi-3.0', io: 'output' }) } },
        },
        '400': { description: 'invalid_input: a malformed ledger number or phoneLast4' },
        '404': { description: 'not_found: no such case, or other digits (the same answer)' },
        '429': { description: 'rate_limited' },
      },
    },
  },
};
