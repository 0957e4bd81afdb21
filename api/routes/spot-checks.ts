import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../auth';
import { parseQuery } from '../validate';
import { parseFlags } from '../../domain/search';
import type { Db } from '../../db/pool';
import { sampledCases } from '../../db/spot-check-queries';

const SpotCheckQuerySchema = z.object({
  round: z
    .string()
    .regex(/^[a-z]+-[0-9T:-]+$/)
    .optional(),
});

/** 定期抽查: the sampled cases, each with its round and result (pending until a supervisor records one). */
export function spotCheckRoutes(deps: { db: Db }): Router {
  const router = Router();
  router.get('/spot-checks', authorize('GET /spot-checks'), async (req, res) => {
    const { round } = parseQuery(SpotCheckQuerySchema, req.query);
    // Without a round: every sampled case still inside its spot-check window.
    const cases = await sampledCases(deps.db, round);
    const items = cases.map((c) => {
      const flags = parseFlags(c.flags);
      return {
        ...c,
        round: flags.spotCheckRound,
        result: flags.has('spot_check_passed') ? 'passed' : flags.has('spot_check_failed') ? 'failed' : 'pending',
      };
    });
    res.json({ items });
  });
  return router;
}
