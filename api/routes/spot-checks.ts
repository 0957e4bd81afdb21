import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { authorize } from '../auth';
import { parseQuery } from '../validate';
import { parseFlags, spotCheckRoundFlag } from '../../domain/search';
import { listAllCaseSummaries } from '../../temporal/visibility';
import { caseQuery, eq, oneOf, running } from '../../temporal/visibility-query';

const SpotCheckQuerySchema = z.object({
  round: z
    .string()
    .regex(/^[a-z]+-[0-9T:-]+$/)
    .optional(),
});

/** 定期抽查: the sampled cases, each with its round and result (pending until a supervisor records one). */
export function spotCheckRoutes(deps: { client: Client }): Router {
  const router = Router();
  router.get('/spot-checks', authorize('GET /spot-checks'), async (req, res) => {
    const { round } = parseQuery(SpotCheckQuerySchema, req.query);
    // Without a round: every sampled case still inside its spot-check window.
    const query = round
      ? caseQuery(eq('HuiyingFlags', spotCheckRoundFlag(round)))
      : caseQuery(running, oneOf('HuiyingFlags', ['spot_check_pending', 'spot_check_passed', 'spot_check_failed']));
    const cases = await listAllCaseSummaries(deps.client, query);
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
