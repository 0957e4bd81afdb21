import { ledgerNoStem } from '../domain/ledger';
import type { Db } from './pool';

/**
 * The ledger number of a case imported from the county's old ledger (domain/historical-ledger.ts), taken as an intake
 * takes one (db/ledger.ts) so that no two cases ever share a number: an intake row (already started — the import starts
 * the case itself, never the sweeper), and, when the old number is of Huiying's own form (`LZ-2026-000123`), the
 * counter of its prefix and year moved past it, so that the next registration does not hand it out again.
 */
export type Claim = { outcome: 'claimed' | 'again' } | { outcome: 'conflict'; reason: string };

export async function claimHistoricalNumber(
  db: Db,
  c: { caseId: string; ledgerNo: string; requestHash: string; prefix: string; searchGrams: string[] },
): Promise<Claim> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const own = /^(.+)-(\d{4})-(\d{1,9})$/.exec(c.ledgerNo);
    if (own && own[1] === c.prefix) {
      const [year, no] = [Number(own[2]), Number(own[3])];
      const stem = ledgerNoStem(c.prefix, year);
      // Under the counter's row lock, as intakes take numbers; seeded as db/ledger.ts seeds a year's first number.
      await client.query(
        `INSERT INTO ledger_counters (prefix, year, last)
         SELECT $1, $2, greatest($4, coalesce(max(substr(ledger_no, length($3) + 1)::integer), 0))
           FROM case_summaries
          WHERE starts_with(ledger_no, $3) AND substr(ledger_no, length($3) + 1) ~ '^[0-9]+$'
         ON CONFLICT (prefix, year) DO UPDATE SET last = greatest(ledger_counters.last, EXCLUDED.last)`,
        [c.prefix, year, stem, no],
      );
    }
    const held = await client.query<{ id: string }>('SELECT id FROM case_summaries WHERE ledger_no = $1 AND id <> $2 LIMIT 1', [
      c.ledgerNo,
      c.caseId,
    ]);
    if (held.rows[0]) {
      await client.query('ROLLBACK');
      return { outcome: 'conflict', reason: `台账编号 ${c.ledgerNo} 已被另一件工单使用` };
    }
    const inserted = await client.query(
      `INSERT INTO intakes (case_id, ledger_no, request_hash, input, started_at) VALUES ($1, $2, $3, NULL, now())
       ON CONFLICT DO NOTHING RETURNING case_id`,
      [c.caseId, c.ledgerNo, c.requestHash],
    );
    if (inserted.rows[0]) {
      await client.query('INSERT INTO case_search (case_id, grams) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING', [
        c.caseId,
        c.searchGrams,
      ]);
      await client.query('COMMIT');
      return { outcome: 'claimed' };
    }
    await client.query('ROLLBACK');
    const { rows } = await db.query<{ ledger_no: string; request_hash: string }>(
      'SELECT ledger_no, request_hash FROM intakes WHERE case_id = $1',
      [c.caseId],
    );
    if (!rows[0]) return { outcome: 'conflict', reason: `台账编号 ${c.ledgerNo} 已被另一件工单使用` };
    if (rows[0].request_hash !== c.requestHash) {
      return { outcome: 'conflict', reason: `台账编号 ${c.ledgerNo} 已按另一份内容导入过` };
    }
    return { outcome: 'again' };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
