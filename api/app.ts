import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { WorkingCalendar } from '../domain/calendar';
import type { TimeLimits } from '../domain/limits';
import type { UnitDirectory } from '../domain/units';
import { authenticate } from './auth';
import { CaseService } from './cases';
import { ApiError, errorHandler } from './errors';
import { checkHealth } from './health';
import { openApiDocument } from './openapi';
import { caseRoutes } from './routes/cases';
import { codecRoutes, type CodecDecodeHook } from './routes/codec';
import { supervisionRoutes } from './routes/supervision';

export interface AppDeps {
  client: Client;
  taskQueue: string;
  jwtSecret: string;
  units: UnitDirectory;
  ledgerPrefix: string;
  calendar: WorkingCalendar;
  limits: TimeLimits;
  /** The audit hook for every decode through the Web UI's codec endpoint (routes/codec.ts). */
  onCodecDecode?: CodecDecodeHook;
}

/** The HTTP API. Everything it knows about cases it asks Temporal; every rule it applies lives in domain/. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(codecRoutes(deps)); // /codec/*: own CORS, 4 MB body limit and cookie session, so before the JSON limit below
  app.use(express.json({ limit: '100kb' }));

  const openapi = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/health', async (_req, res) => {
    const health = await checkHealth(deps.client, deps.taskQueue);
    res.status(health.ok ? 200 : 503).json(health);
  });

  app.use(authenticate(deps.jwtSecret));
  app.get('/units', (_req, res) => {
    res.json(deps.units.units);
  });
  const cases = new CaseService(deps);
  app.use(caseRoutes({ cases, client: deps.client, units: deps.units }));
  app.use(supervisionRoutes(deps));

  app.use((_req, _res, next) => next(new ApiError('not_found', 'no such endpoint')));
  app.use(errorHandler);
  return app;
}
