import { Router } from 'express';
import type { Db } from '../../db/pool';
import type { WorkingCalendar } from '../../domain/calendar';
import type { TimeLimits } from '../../domain/limits';
import { actorOf, authorize } from '../auth';
import { inboxFor } from '../inbox';
import { findStuckCases, StuckQuerySchema } from '../supervision';
import { parseQuery } from '../validate';

export function supervisionRoutes(deps: { db: Db; calendar: WorkingCalendar; limits: TimeLimits }): Router {
  const router = Router();
  router.get('/supervision/stuck', authorize('GET /supervision/stuck'), async (req, res) => {
    const query = parseQuery(StuckQuerySchema, req.query);
    res.json(await findStuckCases(deps.db, deps.calendar, deps.limits, query));
  });
  router.get('/inbox', async (_req, res) => {
    res.json({ items: await inboxFor(deps.db, actorOf(res), deps.calendar) });
  });
  return router;
}
