import { spotCheckRoundFlag } from '../domain/search';
import { listedCase, type ListedCase } from '../domain/summary';
import { SUMMARY_COLUMNS, summaryFromRow } from './case-summaries';
import type { Db } from './pool';

const SAMPLED = ['spot_check_pending', 'spot_check_passed', 'spot_check_failed'];

/** The cases a round sampled (archived ones too); without a round, every sampled case still in its spot-check window. */
export async function sampledCases(db: Db, round?: string): Promise<ListedCase[]> {
  const { rows } = round
    ? await db.query(`SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE flags @> ARRAY[$1::text] ORDER BY closed_at, id`, [
        spotCheckRoundFlag(round),
      ])
    : await db.query(`SELECT ${SUMMARY_COLUMNS} FROM case_summaries WHERE flags && $1::text[] AND NOT archived ORDER BY closed_at, id`, [
        SAMPLED,
      ]);
  return rows.map((row) => listedCase(summaryFromRow(row)));
}

/**
 * The population of a spot-check round: closed in [from, to), still open to a check at `at` (its window has not
 * passed; rows recorded before the window was recorded: not archived), not merged into another case, and not in a
 * sample already (no `spot_check_round:` marker), in the order they closed.
 */
export async function closedCasesToSample(db: Db, from: string, to: string, at: string): Promise<{ id: string; ledgerNo: string }[]> {
  const { rows } = await db.query(
    `SELECT id, ledger_no FROM case_summaries
     WHERE stage = 'closed' AND closed_at >= $1::timestamptz AND closed_at < $2::timestamptz
       AND (spot_check_until > $3::timestamptz OR (spot_check_until IS NULL AND NOT archived))
       AND NOT flags @> ARRAY['merged']
       AND NOT EXISTS (SELECT 1 FROM unnest(flags) AS f WHERE f LIKE 'spot\\_check\\_round:_%')
     ORDER BY closed_at, id`,
    [from, to, at],
  );
  return rows.map((r) => ({ id: r.id as string, ledgerNo: r.ledger_no as string }));
}
