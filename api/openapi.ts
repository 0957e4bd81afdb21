import { z } from 'zod';
import { ACTIONS, routeBody, ROUTED_ACTIONS } from '../domain/actions';
import { ERROR_CODES } from '../domain/errors';
import { CaseStateSchema, NewCaseSchema } from '../domain/case';
import { DEFAULT_UNITS, UnitDirectory, UnitSchema } from '../domain/units';
import { CaseListQuerySchema } from './case-list';
import { LEDGER_CONTENT_TYPES, reportQuerySchema } from './ledger-export';
import { attachmentOpenApiPaths } from './routes/attachments';
import { auditOpenApiPaths } from './routes/audit';
import { codecOpenApiPaths } from './routes/codec';
import { knowledgeOpenApiPaths } from './routes/knowledge';
import { open311OpenApiPaths } from './routes/open311';
import { publicStatusOpenApiPaths } from './routes/public-status';
import { sessionOpenApiPaths } from './routes/session';
import { consoleOpenApiPaths } from './console';
import { StuckQuerySchema } from './supervision';
import { StuckPageSchema } from '../domain/stuck';
import { WorkloadSchema } from '../domain/workload';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'input') => z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' });

const ErrorSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: STATUS_TEXT[s], ...json('Error') }]));
const STATUS_TEXT: Record<number, string> = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_type',
  429: 'rate_limited',
  503: 'unavailable',
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const idempotencyHeader = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } };

const queryParams = (q: z.ZodType) =>
  Object.entries((schema(q) as { properties: Record<string, unknown> }).properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    schema: s,
  }));

/** The OpenAPI 3 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument(): Record<string, unknown> {
  const actionPaths = Object.fromEntries(
    ROUTED_ACTIONS.map((kind) => [
      `/cases/{id}/${ACTIONS[kind].path}`,
      {
        post: {
          summary: `${kind} (role: ${ACTIONS[kind].role})`,
          parameters: [idParam, idempotencyHeader],
          requestBody: { required: true, ...json(`${kind}Body`) },
          responses: { '200': { description: 'the case after the action', ...json('Case') }, ...errors(400, 401, 403, 404, 409) },
        },
      },
    ]),
  );
  const listParams = queryParams(CaseListQuerySchema);
  // The unit check against the directory is a refinement: it does not change the documented shape.
  const reportQuery = reportQuerySchema(new UnitDirectory(DEFAULT_UNITS));
  const ledger = (format: 'xlsx' | 'csv') => ({
    get: {
      summary: `the ledger (台账) as ${format}, streamed: one row per case registered in [from, to) (a handler: its own unit)`,
      parameters: queryParams(reportQuery),
      responses: {
        '200': {
          description: `ledger-<period>.${format} (Content-Disposition); Chinese headers, no personal data`,
          content: { [LEDGER_CONTENT_TYPES[format]]: { schema: { type: 'string', format: 'binary' } } },
        },
        ...errors(400, 401, 403, 503),
      },
    },
  });
  return {
    openapi: '3.0.3',
    info: { title: 'Huiying (回应) API', version: '1' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: schema(ErrorSchema, 'output'),
        NewCase: schema(NewCaseSchema),
        Case: schema(
          CaseStateSchema.omit({ requestHash: true }).extend({
            unitName: z.string().nullable(),
            dueAt: z.string().nullable(),
            dueAtProvisional: z.boolean(),
            overdue: z.boolean(),
            redFlag: z.boolean(),
            citizenVisibility: z.enum(['full', 'masked', 'hidden']),
          }),
          'output',
        ),
        Unit: schema(UnitSchema, 'output'),
        StuckPage: schema(StuckPageSchema, 'output'),
        Workload: schema(WorkloadSchema, 'output'),
        ...Object.fromEntries(ROUTED_ACTIONS.map((k) => [`${k}Body`, schema(routeBody(k))])),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/cases': {
        post: {
          summary: 'register a case (role: operator)',
          parameters: [idempotencyHeader],
          requestBody: { required: true, ...json('NewCase') },
          responses: {
            '201': { description: 'the new (or, for a repeated Idempotency-Key, the same) case', ...json('Case') },
            ...errors(400, 401, 403, 409, 429),
          },
        },
        get: {
          summary: 'list cases from the read model, newest first, paged by an opaque pageToken (a handler sees only its unit)',
          parameters: listParams,
          responses: { '200': { description: '{items, nextPageToken}' }, ...errors(400, 401, 403) },
        },
      },
      '/cases/{id}': {
        get: {
          summary: 'one case',
          parameters: [idParam],
          responses: { '200': { description: 'the case', ...json('Case') }, ...errors(401, 403, 404) },
        },
      },
      ...actionPaths,
      ...attachmentOpenApiPaths,
      '/supervision/stuck': {
        get: {
          summary:
            'overdue, due-soon and stalled cases, most severe first, paged by an opaque pageToken, with exact totals (roles: supervisor, admin)',
          parameters: queryParams(StuckQuerySchema),
          responses: {
            '200': {
              description: '{items, nextPageToken, total, byReason, asOf}: each case with reasons, late, redFlag; totals over every page',
              ...json('StuckPage'),
            },
            ...errors(400, 401, 403),
          },
        },
      },
      '/supervision/workload': {
        get: {
          summary:
            'open cases by unit × stage, with overdue and red-flagged counts, unassigned first, then the most loaded unit (roles: supervisor, admin)',
          responses: { '200': { description: '{asOf, stages, rows, totals}', ...json('Workload') }, ...errors(401, 403) },
        },
      },
      '/stats': {
        get: {
          summary: 'unit metrics for the cases registered in [from, to) (roles: supervisor, admin; a handler: its own unit)',
          parameters: queryParams(reportQuery.pick({ from: true, to: true, unit: true })),
          responses: {
            '200': {
              description: '{from, to, timeZone, unit, registered?, merged?, unassigned?, units}: rates with numerator and denominator',
            },
            ...errors(400, 401, 403, 503),
          },
        },
      },
      '/ledger.xlsx': ledger('xlsx'),
      '/ledger.csv': ledger('csv'),
      '/spot-checks': {
        get: {
          summary: 'the spot-check sample (定期抽查): each sampled case with its round and result (roles: supervisor, admin)',
          parameters: [{ name: 'round', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { '200': { description: '{items}' }, ...errors(400, 401, 403) },
        },
      },
      '/inbox': {
        get: {
          summary: 'what awaits the caller, per role',
          responses: { '200': { description: '{items}: each case with what it awaits' }, ...errors(401) },
        },
      },
      '/units': {
        get: {
          summary: 'the unit directory',
          responses: {
            '200': {
              description: 'units',
              content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Unit' } } } },
            },
          },
        },
      },
      '/health': {
        get: {
          summary: 'API, Temporal and worker health',
          security: [],
          responses: { '200': { description: 'healthy' }, '503': { description: 'something is down' } },
        },
      },
      '/health/live': {
        get: {
          summary: 'liveness: the API process answers',
          security: [],
          responses: { '200': { description: '{ok: true}' } },
        },
      },
      '/health/ready': {
        get: {
          summary: "readiness: the read model's database and Temporal answer (the answer is reused for a second)",
          security: [],
          responses: {
            '200': { description: "{ok: true, database: 'ok', temporal: 'ok'}" },
            '503': { description: "{ok: false, …} naming what is 'unreachable' or 'timed out'" },
          },
        },
      },
      ...codecOpenApiPaths,
      ...auditOpenApiPaths,
      ...knowledgeOpenApiPaths,
      ...sessionOpenApiPaths,
      ...publicStatusOpenApiPaths,
      ...open311OpenApiPaths,
      ...consoleOpenApiPaths,
      '/openapi.json': { get: { summary: 'this document', security: [], responses: { '200': { description: 'OpenAPI 3' } } } },
    },
  };
}
