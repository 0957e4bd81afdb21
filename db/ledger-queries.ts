import type { RequestType, Stage } from '../domain/case';
import { listedCase, type ListedCase } from '../domain/summary';
import { SUMMARY_COLUMNS, summaryFromRow } from './case-summaries';
import type { Db } from './pool';

export interface LedgerSelection {
  /** Registered in [from, to). */
  from: Date;
  to: Date;
  /** The unit holding the case now; `hotline`: the direct answers. */
  holder?: { unit: string } | 'hotline';
  stage?: Stage;
  type?: RequestType;
}

/** Rows per round trip: one batch in memory, whatever the period. */
export const LEDGER_BATCH = 1000;

/**
 * The selection's cases in registration order (then ledger number), in batches by keyset: each batch starts after
 * the last row of the one before, on the (registered_at, ledger_no) index, so memory holds one batch, never the period.
 */
export async function* ledgerCases(db: Db, s: LedgerSelection, batchSize = LEDGER_BATCH): AsyncGenerator<ListedCase[]> {
  let after: { registeredAt: string; ledgerNo: string; id: string } | null = null;
  for (;;) {
    const params: unknown[] = [s.from.toISOString(), s.to.toISOString()];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = ['registered_at >= $1::timestamptz', 'registered_at < $2::timestamptz'];
    if (s.holder === 'hotline') where.push(`flags @> ARRAY['direct_answer']`);
    else if (s.holder) where.push(`unit = ${param(s.holder.unit)}`);
    if (s.stage) where.push(`stage = ${param(s.stage)}`);
    if (s.type) where.push(`type = ${param(s.type)}`);
    if (after)
      where.push(
        `(registered_at, ledger_no, id) > (${param(after.registeredAt)}::timestamptz, ${param(after.ledgerNo)}, ${param(after.id)})`,
      );
    const { rows } = await db.query(
      `SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE ${where.join(' AND ')}
       ORDER BY registered_at, ledger_no, id LIMIT ${param(batchSize)}`,
      params,
    );
    const batch = rows.map((row) => listedCase(summaryFromRow(row)));
    if (batch.length > 0) yield batch;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1];
    after = { registeredAt: last.registeredAt, ledgerNo: last.ledgerNo, id: last.id };
  }
}
