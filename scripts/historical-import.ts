/**
 * Brings closed cases of the county's old ledger into Huiying (domain/historical-ledger.ts): for each, its number taken
 * as an intake's (db/historical-ledger.ts) and its case workflow started closed (temporal/start-imported-case.ts), which
 * records the read model's row itself. Idempotent: the case id comes from the old ledger number, so importing a
 * sheet again finds what it imported and starts nothing twice.
 */
import type { Client } from '@temporalio/client';
import { caseIdFor, citizenKeyOf, hashRequest } from '../api/ids';
import { claimHistoricalNumber } from '../db/historical-ledger';
import type { Db } from '../db/pool';
import type { HistoricalCase } from '../domain/historical-ledger';
import { policyFrom, type TimeLimits } from '../domain/limits';
import type { ActorRef } from '../domain/roles';
import { caseSearchGrams } from '../domain/text-search';
import { startImportedCase } from '../temporal/start-imported-case';

export interface ImportTarget {
  db: Db;
  client: Client;
  taskQueue: string;
  ledgerPrefix: string;
  limits: TimeLimits;
  /** Keys the phone hash an intake records (the API's `citizen-key` secret), so the citizen's cases find each other. */
  citizenKeySecret: string;
}

export interface ImportReport {
  /** Started now, by ledger number. */
  imported: string[];
  /** Imported before. */
  again: string[];
  refused: { ledgerNo: string; reason: string }[];
  /** The case ids of the imported and the again, in the order given. */
  ids: string[];
}

/** The caller id the case ids of imported cases are derived from (with the old ledger number as the key). */
const IMPORT_CALLER = 'old-ledger-import';

export function importedCaseId(ledgerNo: string): string {
  return caseIdFor(IMPORT_CALLER, ledgerNo);
}

export async function importHistoricalCases(
  t: ImportTarget,
  records: readonly HistoricalCase[],
  opts: { importedBy: ActorRef; now?: Date },
): Promise<ImportReport> {
  const report: ImportReport = { imported: [], again: [], refused: [], ids: [] };
  const importedAt = (opts.now ?? new Date()).toISOString();
  for (const record of records) {
    const id = importedCaseId(record.ledgerNo);
    const claim = await claimHistoricalNumber(t.db, {
      caseId: id,
      ledgerNo: record.ledgerNo,
      requestHash: hashRequest(record),
      prefix: t.ledgerPrefix,
      searchGrams: caseSearchGrams(record),
    });
    if (claim.outcome === 'conflict') {
      report.refused.push({ ledgerNo: record.ledgerNo, reason: claim.reason });
      continue;
    }
    const started = await startImportedCase(t.client, t.taskQueue, {
      id,
      record,
      importedAt,
      importedBy: opts.importedBy,
      policy: policyFrom(t.limits),
      citizenKey: citizenKeyOf(t.citizenKeySecret, record.citizen.phone),
    });
    // A claim made by an earlier run whose start failed is started now: that is this run's import.
    (claim.outcome === 'claimed' || started === 'started' ? report.imported : report.again).push(record.ledgerNo);
    report.ids.push(id);
  }
  return report;
}
