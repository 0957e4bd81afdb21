import { Router } from 'express';
import { openCaseCounts } from '../../db/supervision-queries';
import type { Db } from '../../db/pool';
import type { UnitDirectory } from '../../domain/units';
import { workloadTable } from '../../domain/workload';
import type { WorkingCalendar } from '../../domain/calendar';
import type { TimeLimits } from '../../domain/limits';
import { actorOf, authorize } from '../auth';
import { inboxFor } from '../inbox';
import { findStuckCases, StuckQuerySchema } from '../supervision';
import { parseQuery } from '../validate';

export function supervisionRoutes(deps: { db: Db; calendar: WorkingCalendar; limits: TimeLimits; units: UnitDirectory }): Router {
  const router = Router();
  router.get('/supervision/stuck', authorize('GET /supervision/stuck'), async (req, res) => {
    const query = parseQuery(StuckQuerySchema, req.query);
    res.json(await findStuckCases(deps.db, deps.calendar, deps.limits, query));
  });
  router.get('/supervision/workload', authorize('GET /supervision/workload'), async (_req, res) => {
    const asOf = new Date();
    res.json(workloadTable(await openCaseCounts(deps.db), (code) => deps.units.name(code), asOf));
  });
  router.get('/inbox', async (_req, res) => {
    res.json({ items: await inboxFor(deps.db, actorOf(res), deps.calendar) });
  });
  return router;
}
