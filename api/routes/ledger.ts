import { Router, type Response } from 'express';
import type { Db } from '../../db/pool';
import type { Actor } from '../../domain/roles';
import type { UnitDirectory } from '../../domain/units';
import { log } from '../../observability/logger';
import { requestContext, type AuditLog } from '../audit';
import { actorOf, authorize } from '../auth';
import { requestIdOf } from '../request-log';
import { restrictUnit } from '../case-list';
import {
  LEDGER_CONTENT_TYPES,
  ledgerBatches,
  ledgerFileName,
  parseReportFilter,
  reportQuerySchema,
  writeLedger,
  type LedgerFormat,
  type ReportFilter,
} from '../ledger-export';

/** Called once per export that started streaming, with the rows written (all of them unless it broke off). */
export type OnExport = (actor: Actor, filter: ReportFilter, format: LedgerFormat, rows: number) => void | Promise<void>;

/**
 * GET /ledger.xlsx and GET /ledger.csv?from=&to=&unit=&stage=&type= — the ledger (台账) of the cases registered
 * in [from, to), streamed batch by batch from the read model. Anyone may export what GET /cases would list for them:
 * a handler only its own unit's cases (another unit → 403).
 */
export function ledgerRoutes(deps: { db: Db; units: UnitDirectory; audit: AuditLog; onExport?: OnExport }): Router {
  const router = Router();
  const schema = reportQuerySchema(deps.units);
  for (const format of ['xlsx', 'csv'] as const) {
    router.get(`/ledger.${format}`, authorize(`GET /ledger.${format}`), async (req, res) => {
      const actor = actorOf(res);
      const asked = parseReportFilter(schema, req.query);
      const unit = restrictUnit(actor, asked.unit);
      const filter: ReportFilter = { ...asked, ...(unit ? { unit } : {}) };
      // Recorded before a byte leaves: an export that cannot be audited does not happen.
      await deps.audit.record({
        action: 'export',
        ...requestContext(req, res),
        filter: { ...filter, format },
        endpoint: `GET /ledger.${format}`,
      });
      await exportLedger(deps, actor, filter, format, res);
    });
  }
  return router;
}

async function exportLedger(
  deps: { db: Db; units: UnitDirectory; onExport?: OnExport },
  actor: Actor,
  filter: ReportFilter,
  format: LedgerFormat,
  res: Response,
): Promise<void> {
  const batches = ledgerBatches(deps.db, filter);
  // The first batch is fetched before anything is sent, so that the database failing is still a JSON error.
  const first = await batches.next();
  res.status(200);
  res.setHeader('content-type', LEDGER_CONTENT_TYPES[format]);
  res.setHeader('content-disposition', `attachment; filename="${ledgerFileName(filter, format)}"`);
  res.setHeader('cache-control', 'no-store');
  async function* all() {
    if (!first.done) yield first.value;
    yield* batches;
  }
  const progress = { rows: 0 };
  try {
    await writeLedger(format, res, all(), deps.units, progress);
  } catch (err) {
    // Headers are gone: the only honest signal left is a broken download, never a file that looks complete.
    log().error({ reqId: requestIdOf(res), err }, 'ledger export broke off');
    res.destroy(err as Error);
  } finally {
    if (deps.onExport) {
      try {
        await deps.onExport(actor, filter, format, progress.rows);
      } catch (err) {
        log().error({ reqId: requestIdOf(res), err }, 'ledger export: the onExport hook failed');
      }
    }
  }
}
