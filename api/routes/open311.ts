/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2/, JSON only: the request types as
 * services, cases as service requests (open data, no token), and partner platforms posting requests with their
 * `api_key`, registered as cases of channel `online` through the same intake as POST /cases. Errors in GeoReport's
 * shape, `[{code, description}]` (`open311ErrorBody`, mounted for /open311 in api/app.ts).
 */
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { RateLimits } from '../../config/defaults';
import { caseIdOfLedgerNo, listOpen311Rows } from '../../db/public-queries';
import type { Db } from '../../db/pool';
import {
  OPEN311_DEFAULT_DAYS,
  OPEN311_MAX_REQUESTS,
  OPEN311_SERVICES,
  Open311ErrorSchema,
  Open311ListQuerySchema,
  Open311RequestSchema,
  Open311ServiceSchema,
  open311ListedRequest,
  open311Request,
} from '../../domain/open311';
import { Open311PostSchema, newCaseFromOpen311 } from '../../domain/open311-intake';
import { LedgerNoSchema } from '../../domain/public-view';
import type { UnitDirectory } from '../../domain/units';
import { authorize } from '../auth';
import type { CaseService } from '../cases';
import { ApiError, type ErrorBody } from '../errors';
import { hashRequest } from '../ids';
import { partnerActor, type Partners } from '../partners';
import { limiter } from '../security';
import { parseBody, parseQuery } from '../validate';

const V2 = '/open311/v2';

export interface Open311Deps {
  cases: CaseService;
  db: Db;
  units: UnitDirectory;
  partners: Partners;
  rateLimits: RateLimits;
}

/** GeoReport's error list; the code is the HTTP status. */
export const open311ErrorBody: ErrorBody = (error, status) => [{ code: status, description: error.message }];

const PartnerSchema = z.object({ api_key: z.string().optional() });

export function open311Routes(deps: Open311Deps): Router {
  const { cases, db, units, partners } = deps;
  const unitName = (code: string) => units.name(code);
  const router = Router();

  router.get(`${V2}/services.json`, authorize('GET /open311/v2/services.json'), (_req, res) => {
    res.json(OPEN311_SERVICES);
  });

  router.get(`${V2}/requests.json`, authorize('GET /open311/v2/requests.json'), async (req, res) => {
    const q = parseQuery(Open311ListQuerySchema, req.query);
    const unbounded = !q.service_request_id && !q.start_date && !q.end_date;
    const rows = await listOpen311Rows(db, {
      ledgerNos: q.service_request_id,
      types: q.service_code,
      from: unbounded ? new Date(Date.now() - OPEN311_DEFAULT_DAYS * 86_400_000) : q.start_date,
      to: q.end_date,
      open: q.status?.length === 1 ? q.status[0] === 'open' : undefined,
      limit: OPEN311_MAX_REQUESTS,
    });
    res.json(rows.map((row) => open311ListedRequest(row, unitName)));
  });

  router.get(`${V2}/requests/:id.json`, authorize('GET /open311/v2/requests/:id.json'), async (req, res) => {
    const ledgerNo = LedgerNoSchema.safeParse(req.params.id);
    if (!ledgerNo.success) throw new ApiError('invalid_input', 'service_request_id 应为台账编号，如 LZ-2026-000123');
    const id = await caseIdOfLedgerNo(db, ledgerNo.data);
    if (id === undefined) throw new ApiError('not_found', `没有诉求 ${ledgerNo.data}`);
    // GeoReport answers a single request as a list of one.
    res.json([open311Request(await cases.get(id), unitName)]);
  });

  /** The partner the api_key names (body or query), or 403 before anything else is read. */
  const partnerOnly: RequestHandler = (req, res, next) => {
    const key = PartnerSchema.safeParse(req.body ?? {}).data?.api_key ?? PartnerSchema.safeParse(req.query).data?.api_key;
    const partner = partners.byKey(key);
    if (partner === undefined) return next(new ApiError('forbidden', '提交诉求须提供有效的合作方 api_key'));
    res.locals.partner = partner;
    next();
  };
  const perPartner = limiter('service requests from this partner', deps.rateLimits.intakePerWindow, deps.rateLimits.windowMs, {
    name: 'open311-partner',
    db: deps.db,
    key: (_req, res) => `open311:${String(res.locals.partner)}`,
  });

  router.post(
    `${V2}/requests.json`,
    authorize('POST /open311/v2/requests.json'),
    express.urlencoded({ extended: false, limit: '100kb' }), // GeoReport posts forms; JSON is parsed by the app already
    partnerOnly,
    perPartner,
    async (req, res) => {
      const post = parseBody(Open311PostSchema, req.body);
      const request = newCaseFromOpen311(post);
      const actor = partnerActor(res.locals.partner as string);
      // A partner's retry must not make a second case: its own key if it sends one, else the request itself.
      const key = req.get('idempotency-key')?.slice(0, 200) || `open311-${hashRequest(request)}`;
      const state = await cases.create(actor, request, key);
      const notice = state.mergedInto
        ? `已受理，编号${state.ledgerNo}；与${state.mergedInto.ledgerNo}为同一事项，合并办理。`
        : `已受理，编号${state.ledgerNo}；凭编号和手机号后四位可查询办理进度。`;
      res.status(201).json([{ service_request_id: state.ledgerNo, service_notice: notice, account_id: post.account_id ?? null }]);
    },
  );
  // Anything else under /open311 (the XML formats, other versions) is not here: 404, not the API's 401 for a missing token.
  router.use('/open311', (req, _res, next) =>
    next(new ApiError('not_found', `没有 Open311 接口 ${req.method} ${req.originalUrl.split('?')[0]}`)),
  );
  return router;
}

const jsonOf = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) },
});
const open311Errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: 'GeoReport error list [{code, description}]', content: jsonOf(Open311ErrorSchema) }]),
  );

export const open311OpenApiPaths: Record<string, unknown> = {
  [`${V2}/services.json`]: {
    get: {
      summary: 'Open311 GeoReport v2: the request types as services (no token)',
      security: [],
      responses: { '200': { description: 'services', content: jsonOf(z.array(Open311ServiceSchema)) } },
    },
  },
  [`${V2}/requests.json`]: {
    get: {
      summary:
        'Open311: service requests from the read model, newest first, at most 1000 (default: the last 90 days); no description or address in lists (no token)',
      security: [],
      parameters: ['service_request_id', 'service_code', 'start_date', 'end_date', 'status'].map((name) => ({
        name,
        in: 'query',
        required: false,
        schema: { type: 'string' },
      })),
      responses: { '200': { description: 'requests', content: jsonOf(z.array(Open311RequestSchema)) }, ...open311Errors(400, 429) },
    },
    post: {
      summary:
        "Open311: a partner platform posts a service request (form or JSON) with its api_key; registered as a case of channel online. Idempotent per partner: the Idempotency-Key header, else the request's content",
      security: [],
      parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: z.toJSONSchema(Open311PostSchema.extend({ api_key: z.string() }), {
              target: 'openapi-3.0',
              io: 'input',
              unrepresentable: 'any',
            }),
          },
          'application/json': {
            schema: z.toJSONSchema(Open311PostSchema.extend({ api_key: z.string() }), {
              target: 'openapi-3.0',
              io: 'input',
              unrepresentable: 'any',
            }),
          },
        },
      },
      responses: {
        '201': { description: '[{service_request_id, service_notice, account_id}]' },
        ...open311Errors(400, 403, 409, 429, 503),
      },
    },
  },
  [`${V2}/requests/{id}.json`]: {
    get: {
      summary:
        'Open311: one service request by its ledger number, from the case itself (redacted description and address; none for a protected case)',
      security: [],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', example: 'LZ-2026-000123' } }],
      responses: {
        '200': { description: 'a list of one request', content: jsonOf(z.array(Open311RequestSchema)) },
        ...open311Errors(400, 404, 429, 503),
      },
    },
  },
};
