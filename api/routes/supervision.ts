import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { WorkingCalendar } from '../../domain/calendar';
import type { TimeLimits } from '../../domain/limits';
import { actorOf, authorize } from '../auth';
import { inboxFor } from '../inbox';
import { findStuckCases, StuckQuerySchema } from '../supervision';
import { parseQuery } from '../validate';

export function supervisionRoutes(deps: { client: Client; calendar: WorkingCalendar; limits: TimeLimits }): Router {
  const router = Router();
  router.get('/supervision/stuck', authorize('GET /supervision/stuck'), async (req, res) => {
    const filter = parseQuery(StuckQuerySchema, req.query);
    res.json({ items: await findStuckCases(deps.client, deps.calendar, deps.limits, filter) });
  });
  router.get('/inbox', async (_req, res) => {
    res.json({ items: await inboxFor(deps.client, actorOf(res)) });
  });
  return router;
}
