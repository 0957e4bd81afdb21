import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { WorkingCalendar } from '../domain/calendar';
import type { TimeLimits } from '../domain/limits';
import type { UnitDirectory } from '../domain/units';
import { authenticate } from './auth';
import { CaseService } from './cases';
import { ApiError, errorHandler } from './errors';
import { checkHealth } from './health';
import { deriveSecret } from './ids';
import { openApiDocument } from './openapi';
import { caseRoutes } from './routes/cases';
import { ledgerRoutes, type OnExport } from './routes/ledger';
import { spotCheckRoutes } from './routes/spot-checks';
import { statsRoutes } from './routes/stats';
import { supervisionRoutes } from './routes/supervision';

export interface AppDeps {
  client: Client;
  taskQueue: string;
  jwtSecret: string;
  units: UnitDirectory;
  ledgerPrefix: string;
  calendar: WorkingCalendar;
  limits: TimeLimits;
  /** Told of every ledger export (who, which filter, which format, how many rows), e.g. for an audit log. */
  onExport?: OnExport;
}

/** The HTTP API. Everything it knows about cases it asks Temporal; every rule it applies lives in domain/. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
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
  // Derived from the JWT secret: changing that secret means repeats of older open cases are no longer merged automatically.
  const cases = new CaseService({ ...deps, citizenKeySecret: deriveSecret(deps.jwtSecret, 'citizen-key') });
  app.use(caseRoutes({ cases, client: deps.client, units: deps.units }));
  app.use(supervisionRoutes(deps));
  app.use(spotCheckRoutes(deps));
  app.use(statsRoutes(deps));
  app.use(ledgerRoutes(deps));

  app.use((_req, _res, next) => next(new ApiError('not_found', 'no such endpoint')));
  app.use(errorHandler);
  return app;
}
