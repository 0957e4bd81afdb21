import { Router } from 'express';
import { metricsCases } from '../../db/metrics-queries';
import type { Db } from '../../db/pool';
import { computeUnitMetrics, HOTLINE } from '../../domain/metrics';
import { hasRole, type Actor } from '../../domain/roles';
import type { UnitDirectory } from '../../domain/units';
import { actorOf, authorize } from '../auth';
import { ApiError } from '../errors';
import { parseReportFilter, periodInstants, reportQuerySchema } from '../ledger-export';

/** More cases than this in one period is not a county's month or year: ask for a shorter period. */
export const MAX_STATS_CASES = 50_000;

/**
 * GET /stats?from=&to=&unit= — unit metrics (README "Unit metrics") over the cases registered in [from, to).
 *
 * Computed in the API by `computeUnitMetrics` (domain/metrics.ts, the one statement of what counts where) from ONE
 * narrow SELECT of the period's rows in the read model (unit, stage, overdue, reopen count, markers, satisfaction),
 * never by replaying histories. PostgreSQL groups the cases alike in all those fields into one row with its count
 * (db/metrics-queries.ts), so a month of tens of thousands of cases reaches the API as a few hundred rows; it decides
 * nothing, the definitions are stated once, in the domain.
 *
 * Who: supervisors and admins see every unit (or the one asked for). A handler sees only its own unit's line
 * (the default for it; another unit → 403). Anyone else → 403.
 */
export function statsRoutes(deps: { db: Db; units: UnitDirectory }): Router {
  const router = Router();
  const schema = reportQuerySchema(deps.units).pick({ from: true, to: true, unit: true });

  router.get('/stats', authorize('GET /stats'), async (req, res) => {
    const actor = actorOf(res);
    const seesAll = hasRole(actor, 'supervisor') || hasRole(actor, 'admin');
    if (!seesAll && !hasRole(actor, 'handler')) throw new ApiError('forbidden', '单位考核指标仅供督办员、管理员和承办人（本单位）查看');
    const filter = parseReportFilter(schema, req.query);
    const unit = seesAll ? filter.unit : ownUnit(actor, filter.unit);

    // A unit's line needs the cases it holds and the cases it returned (now held by others, or merged).
    const cases = await metricsCases(deps.db, {
      ...periodInstants(filter),
      unit: !unit ? undefined : unit === HOTLINE ? HOTLINE : { code: unit },
    });
    if (cases.reduce((n, c) => n + (c.count ?? 1), 0) > MAX_STATS_CASES) {
      throw new ApiError('invalid_input', `该期间工单超过 ${MAX_STATS_CASES} 件，请缩短期间`, [
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
      voided: report.voided,
      units: report.units,
    });
  });
  return router;
}

/** A handler's unit: its own, whatever else it holds no role to see. */
function ownUnit(actor: Actor, asked: string | undefined): string {
  if (!actor.unit) throw new ApiError('forbidden', '承办人的登录凭证须注明所属单位');
  if (asked && asked !== actor.unit) throw new ApiError('forbidden', '承办人只能查看本单位的考核指标');
  return actor.unit;
}
