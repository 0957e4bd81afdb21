import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import express, { type Express } from 'express';
import { supportingUnitsOfCase, unitOfCase } from '../db/case-queries';
import type { Db } from '../db/pool';
import { DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from '../config/defaults';
import { DEFAULT_DATA_DIR } from '../config/paths';
import type { WorkingCalendar } from '../domain/calendar';
import type { TimeLimits } from '../domain/limits';
import { NO_UNIT } from '../domain/search';
import type { SsoSettings } from '../domain/sign-in';
import type { UnitDirectory } from '../domain/units';
import { caseWorkflowId } from '../temporal/definitions';
import { keys } from '../temporal/search-attributes';
import { AUDIT_DIR, AuditLog, auditUnmaskedReads } from './audit';
import type { EncryptedBlobStore } from './blobs/encrypted';
import {
  authorize,
  CASE_SUPPORT_LOOKUP,
  CASE_UNIT_LOOKUP,
  identify,
  requireAuthenticated,
  type AuthSettings,
  type CaseUnitLookup,
} from './auth';
import { CaseService } from './cases';
import { ApiError, errorHandlerWith } from './errors';
import { checkHealth, healthRoutes } from './health';
import { deriveSecret } from './ids';
import { openApiDocument } from './openapi';
import { attachmentRoutes } from './routes/attachments';
import { auditRoutes } from './routes/audit';
import { caseRoutes } from './routes/cases';
import { codecRoutes, type CodecDecodeHook } from './routes/codec';
import { knowledgeRoutes } from './routes/knowledge';
import { ledgerRoutes, type OnExport } from './routes/ledger';
import type { ApiMetrics } from './metrics';
import { requestLog } from './request-log';
import { spotCheckRoutes } from './routes/spot-checks';
import { statsRoutes } from './routes/stats';
import { supervisionRoutes } from './routes/supervision';
import { DEFAULT_PUBLIC_ACCESS, DEFAULT_RATE_LIMITS, type PublicAccess, type RateLimits } from '../config/defaults';
import { consoleRoutes } from './console';
import { sessionRoutes } from './routes/session';
import { open311ErrorBody, open311Routes } from './routes/open311';
import { publicStatusRoutes } from './routes/public-status';
import { Partners } from './partners';
import { anonymousRateLimit, intakeRateLimit, securityHeaders } from './security';

export interface AppDeps {
  client: Client;
  /** The read model (db/): lists, inboxes, the supervisors' view, metrics and the ledger read from it. */
  db: Db;
  taskQueue: string;
  jwtSecret: string;
  units: UnitDirectory;
  ledgerPrefix: string;
  calendar: WorkingCalendar;
  limits: TimeLimits;
  /** Told of every ledger export (who, which filter, which format, how many rows) besides the audit log. */
  onExport?: OnExport;
  /** The audit hook for every decode through the Web UI's codec endpoint (routes/codec.ts). */
  onCodecDecode?: CodecDecodeHook;
  /** Who saw or exported personal data (api/audit.ts); default: a log under `<dataDir>/audit`. Routes get it in their deps. */
  audit?: AuditLog;
  /*
   * The rest come from the configuration (config/index.ts), which api/server.ts passes; the defaults here are
   * the plain ones, so that an app built without any (tests) does not depend on the environment.
   */
  /** Where the default audit log lives (HUIYING_DATA_DIR); default ./data. */
  dataDir?: string;
  /** Clock skew and a county's single sign-on (JWKS) (AUTH_CLOCK_SKEW_S, AUTH_JWKS_URL...); default: 30 s, none. */
  auth?: AuthSettings;
  /** HUIYING_RATE_INTAKE_PER_MIN, HUIYING_RATE_ANON_PER_MIN; default DEFAULT_RATE_LIMITS. */
  rateLimits?: RateLimits;
  /** The citizens' status lookup limit and the Open311 partners' keys (HUIYING_RATE_PUBLIC_STATUS_PER_MIN, HUIYING_OPEN311_API_KEYS); default: 10 a minute, no partner. */
  publicAccess?: PublicAccess;
  /**
   * Express 'trust proxy' (HUIYING_TRUST_PROXY); default none: the client address is the socket's. Rate limits and
   * the audit's IP depend on it: behind a proxy without it, everyone shares the proxy's address.
   */
  trustProxy?: boolean | number | string;
  /** Browser origins of the Web UI for the codec routes (HUIYING_UI_ORIGINS); default localhost:8233. */
  uiOrigins?: string[];
  /** The console's one-click login as a demo person (HUIYING_DEV_LOGIN); default off. */
  devLogin?: boolean;
  /** The county's single sign-on the console signs in at (AUTH_ISSUER, AUTH_CLIENT_ID, AUTH_SCOPE); default none. */
  sso?: SsoSettings;
  /** Where attachments' bytes go, encrypted (api/blobs/, HUIYING_BLOBS); unset: the attachment routes answer 503. */
  blobs?: EncryptedBlobStore;
  /** HUIYING_ATTACHMENT_MAX_MB, HUIYING_ATTACHMENTS_PER_CASE; default DEFAULT_ATTACHMENT_LIMITS. */
  attachmentLimits?: AttachmentLimits;
  /** Where the built console is (default console/dist); its page answers 503 until it is built. */
  consoleDir?: string;
  /** Values the error log must never show besides the JWT secret (every secret-looking environment value). */
  logSecrets?: readonly string[];
  /** Where each request is counted and timed (api/metrics.ts, served by api/server.ts on its own listener); default none. */
  metrics?: ApiMetrics;
}

/** Endpoints whose routes (in files shared with others) do not call `authorize` themselves: it runs here before them. */
const AUTHORIZED_HERE = ['GET /cases', 'GET /cases/:id', 'GET /inbox'] as const;

/** The HTTP API. A case it asks Temporal; lists and reports it reads from the read model (db/); every rule it applies lives in domain/. */
export function createApp(appDeps: AppDeps): Express {
  const audit = appDeps.audit ?? new AuditLog(path.join(appDeps.dataDir ?? DEFAULT_DATA_DIR, AUDIT_DIR));
  const deps = { ...appDeps, audit };
  const rateLimits = deps.rateLimits ?? DEFAULT_RATE_LIMITS;

  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.locals[CASE_UNIT_LOOKUP] = caseUnitLookup(deps.db, deps.client);
  app.locals[CASE_SUPPORT_LOOKUP] = (id: string) => supportingUnitsOfCase(deps.db, id);

  // First: every answer, a refusal or a 404 too, carries its request id and gets its access-log line and metrics.
  app.use(requestLog(deps.metrics));
  app.use(securityHeaders());
  app.use(healthRoutes(deps)); // before the rate limits, which count in the database the readiness probe checks
  // The console's page and hashed assets: static, public, and outside the anonymous rate limit (a page load is a dozen requests).
  app.use(consoleRoutes(deps.consoleDir, { ssoIssuer: deps.sso?.issuer }));
  app.use(codecRoutes({ ...deps, onCodecDecode: deps.onCodecDecode ?? auditCodecDecode(audit) })); // /codec/*: own CORS, 4 MB body limit and cookie session, so before the JSON limit below
  app.use(express.json({ limit: '100kb' }));
  // Who is calling (if anyone): the token is checked here, refused below for all but the public endpoints.
  app.use(identify({ secret: deps.jwtSecret, ...deps.auth }));
  app.use(anonymousRateLimit(rateLimits, deps.db));
  app.use(auditUnmaskedReads(audit));

  const openapi = openApiDocument();
  app.get('/openapi.json', authorize('GET /openapi.json'), (_req, res) => {
    res.json(openapi);
  });
  app.get('/health', authorize('GET /health'), async (_req, res) => {
    const health = await checkHealth(deps.client, deps.taskQueue);
    res.status(health.ok ? 200 : 503).json(health);
  });
  app.use(sessionRoutes(deps));
  // Derived from the JWT secret: changing that secret means repeats of older open cases are no longer merged automatically.
  const cases = new CaseService({ ...deps, citizenKeySecret: deriveSecret(deps.jwtSecret, 'citizen-key') });
  // Citizens and partner platforms: no token (a partner's key for posting).
  const publicAccess = deps.publicAccess ?? DEFAULT_PUBLIC_ACCESS;
  app.use(publicStatusRoutes({ cases, db: deps.db, units: deps.units, audit, publicAccess }));
  app.use(open311Routes({ cases, db: deps.db, units: deps.units, partners: new Partners(publicAccess.partners), rateLimits }));

  app.use(requireAuthenticated);
  app.get('/units', authorize('GET /units'), (_req, res) => {
    res.json(deps.units.units);
  });
  for (const endpoint of AUTHORIZED_HERE) {
    const [method, route] = endpoint.split(' ') as ['GET', string];
    app[method.toLowerCase() as 'get'](route, authorize(endpoint));
  }
  app.post('/cases', intakeRateLimit(rateLimits, deps.db));
  app.use(caseRoutes({ cases, db: deps.db, units: deps.units, calendar: deps.calendar, audit: deps.audit }));
  app.use(supervisionRoutes(deps));
  app.use(auditRoutes(deps));
  app.use(spotCheckRoutes(deps));
  app.use(statsRoutes(deps));
  app.use(ledgerRoutes(deps));
  app.use(knowledgeRoutes(deps));
  app.use(attachmentRoutes({ ...deps, cases, limits: deps.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS }));

  app.use((_req, _res, next) => next(new ApiError('not_found', '没有这个接口')));
  const secrets = [deps.jwtSecret, ...(deps.logSecrets ?? [])];
  app.use('/open311', errorHandlerWith({ secrets, body: open311ErrorBody })); // GeoReport's error shape for its routes
  app.use(errorHandlerWith({ secrets }));
  return app;
}

/**
 * The unit a case is assigned to, from the read model; from its search attributes (a describe: no history is
 * replayed, no worker needed) only when the read model has no row for it yet (a case started before it existed and
 * not rebuilt, or a row being written right now).
 */
function caseUnitLookup(db: Db, client: Client): CaseUnitLookup {
  return async (id) => {
    if (!/^[0-9a-z]{16}$/.test(id)) return undefined; // the route answers 404 for an id that cannot exist
    const recorded = await unitOfCase(db, id);
    if (recorded !== undefined) return recorded;
    try {
      const description = await client.withDeadline(Date.now() + 15_000, () => client.workflow.getHandle(caseWorkflowId(id)).describe());
      const unit = description.typedSearchAttributes.get(keys.HuiyingUnit);
      return unit && unit !== NO_UNIT ? unit : null;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };
}

/** Every decode through the codec endpoint is a read of personal data: it goes into the audit log first. */
function auditCodecDecode(audit: AuditLog): CodecDecodeHook {
  return async (access) => {
    if (access.decrypted === 0) return;
    await audit.record({
      action: 'codec.decode',
      actor: { id: access.actor.id, name: access.actor.name, roles: access.actor.roles },
      endpoint: 'POST /codec/decode',
      count: access.decrypted,
      ip: access.ip,
      userAgent: access.userAgent,
      details: {
        via: access.via,
        namespace: access.namespace,
        keyIds: access.keyIds,
        origin: access.origin,
        actorUnit: access.actor.unit,
        workflowIds: access.workflowIds,
      },
    });
  };
}
