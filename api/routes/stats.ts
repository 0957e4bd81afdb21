import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { computeUnitMetrics, HOTLINE } from '../../domain/metrics';
import { hasRole, type Actor } from '../../domain/roles';
import type { UnitDirectory } from '../../domain/units';
import { actorOf, authorize } from '../auth';
import { ApiError } from '../errors';
import { parseReportFilter, periodClause, reportQuerySchema } from '../ledger-export';
import { returnedByFlag } from '../../domain/search';
import { listAllCaseSummaries } from '../../temporal/visibility';
import { caseQuery, eq, or } from '../../temporal/visibility-query';

/** More cases than this in one period is not a county's month or year: ask for a shorter period. */
export const MAX_STATS_CASES = 50_000;

/**
 * GET /stats?from=&to=&unit= — unit metrics (README "Unit metrics") over the cases registered in [from, to).
 *
 * Computed in the API from ONE paginated visibility listing of the period's cases (search attributes and
 * `HuiyingFlags` markers), never by replaying histories: visibility counts cannot GROUP BY on the dev
 * server's SQLite (one count per unit and figure would be hundreds of count queries per request), while one
 * listing of a county's month is a few thousand rows, cheap to count in memory; replaying histories would cost
 * a round trip per case.
 *
 * Who: supervisors and admins see every unit (or the one asked for). A handler sees only its own unit's line
 * (the default for it; another unit → 403). Anyone else → 403.
 */
export function statsRoutes(deps: { client: Client; units: UnitDirectory }): Router {
  const router = Router();
  const schema = reportQuerySchema(deps.units).pick({ from: true, to: true, unit: true });

  router.get('/stats', authorize('GET /stats'), async (req, res) => {
    const actor = actorOf(res);
    const seesAll = hasRole(actor, 'supervisor') || hasRole(actor, 'admin');
    if (!seesAll && !hasRole(actor, 'handler'))
      throw new ApiError('forbidden', 'unit metrics are for supervisors, admins and handlers (their own unit)');
    const filter = parseReportFilter(schema, req.query);
    const unit = seesAll ? filter.unit : ownUnit(actor, filter.unit);

    // A unit's line needs the cases it holds and the cases it returned (now held by others, or merged).
    const unitClause = !unit
      ? undefined
      : unit === HOTLINE
        ? eq('HuiyingFlags', 'direct_answer')
        : or(eq('HuiyingUnit', unit), eq('HuiyingFlags', returnedByFlag(unit)));
    const cases = await listAllCaseSummaries(deps.client, caseQuery(periodClause(filter), unitClause), MAX_STATS_CASES + 1);
    if (cases.length > MAX_STATS_CASES) {
      throw new ApiError('invalid_input', `more than ${MAX_STATS_CASES} cases in the period; ask for a shorter one`, [
        { field: 'query.to', message: 'period too large' },
      ]);
    }
    const report = computeUnitMetrics(cases, deps.units);
    const period = { from: filter.from, to: filter.to, timeZone: 'Asia/Shanghai' };
    if (unit) {
      res.json({ ...period, unit, units: report.units.filter((line) => line.unit === unit) });
      return;
    }
    res.json({
      ...period,
      unit: null,
      registered: report.registered,
      merged: report.merged,
      unassigned: report.unassigned,
      units: report.units,
    });
  });
  return router;
}

/** A handler's unit: its own, whatever else it holds no role to see. */
function ownUnit(actor: Actor, asked: string | undefined): string {
  if (!actor.unit) throw new ApiError('forbidden', 'a handler token needs a unit');
  if (asked && asked !== actor.unit) throw new ApiError('forbidden', "a handler sees only its own unit's metrics");
  return actor.unit;
}
