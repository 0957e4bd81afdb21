import type pg from 'pg';
import { formatLedgerNo, ledgerNoStem } from '../domain/ledger';
import type { Db } from './pool';

/**
 * Ledger numbers and intakes (migration 1764720000000_intake-ledger.sql). A number is taken from the counter of its
 * prefix and year under the counter's row lock, in the same transaction that records the intake: concurrent
 * intakes queue on that one row for a few statements (not on a workflow), numbers are unique and increasing, and a
 * number exists only together with its intake — which holds what is needed to start its case — so none is lost.
 */

/** A sealed (codec-encoded) start input as stored: JSON, opaque to the database. */
export type SealedInput = unknown;

export interface Intake {
  caseId: string;
  ledgerNo: string;
  requestHash: string;
  /** The start input without its ledger number, sealed with the payload codec; null once the case started. */
  input: SealedInput | null;
  createdAt: string;
  startedAt: string | null;
}

export interface NewIntake {
  caseId: string;
  prefix: string;
  year: number;
  requestHash: string;
  /** Null only for a caller that starts the case itself right away and cannot leave it to the sweeper (tests). */
  input: SealedInput | null;
  /** What GET /cases?q= finds the case by (domain/text-search.ts `caseSearchGrams`), recorded with the intake. */
  searchGrams?: string[];
}

const INTAKE_COLUMNS = 'case_id, ledger_no, request_hash, input, created_at, started_at';

function intakeFromRow(row: Record<string, unknown>): Intake {
  return {
    caseId: row.case_id as string,
    ledgerNo: row.ledger_no as string,
    requestHash: row.request_hash as string,
    input: (row.input as SealedInput | null) ?? null,
    createdAt: row.created_at as string,
    startedAt: (row.started_at as string | null) ?? null,
  };
}

export async function findIntake(db: Db | pg.PoolClient, caseId: string): Promise<Intake | null> {
  const { rows } = await db.query(`SELECT ${INTAKE_COLUMNS} FROM intakes WHERE case_id = $1`, [caseId]);
  return rows[0] ? intakeFromRow(rows[0]) : null;
}

/**
 * The intake of `caseId` with its ledger number: the existing one (`created: false`) if the case id already has one
 * — the same Idempotency-Key always gets the same number — or a new one with the next number of its prefix and year.
 * Concurrent calls for one case id allocate once: the loser's insert conflicts, its transaction (and so its counter
 * step) rolls back, and it returns the winner's intake.
 */
export async function allocateIntake(db: Db, intake: NewIntake): Promise<{ intake: Intake; created: boolean }> {
  const existing = await findIntake(db, intake.caseId);
  if (existing) return { intake: existing, created: false };
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const no = await nextNumber(client, intake.prefix, intake.year);
    const { rows } = await client.query(
      `INSERT INTO intakes (case_id, ledger_no, request_hash, input) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id) DO NOTHING RETURNING ${INTAKE_COLUMNS}`,
      [intake.caseId, formatLedgerNo(intake.prefix, intake.year, no), intake.requestHash, intake.input],
    );
    if (rows[0]) {
      if (intake.searchGrams) {
        await client.query('INSERT INTO case_search (case_id, grams) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING', [
          intake.caseId,
          intake.searchGrams,
        ]);
      }
      await client.query('COMMIT');
      return { intake: intakeFromRow(rows[0]), created: true };
    }
    await client.query('ROLLBACK');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  const winner = await findIntake(db, intake.caseId);
  if (!winner) throw new Error(`intake ${intake.caseId} conflicted but cannot be read`);
  return { intake: winner, created: false };
}

/**
 * The next number of `prefix` and `year`, inside the caller's transaction (the counter row stays locked until it
 * ends). The first number of a year continues after the highest one the read model already holds for it, so a
 * county that upgrades mid-year from the sequencer workflow keeps counting where it was.
 */
async function nextNumber(client: pg.PoolClient, prefix: string, year: number): Promise<number> {
  const step = await client.query<{ last: number }>(
    'UPDATE ledger_counters SET last = last + 1 WHERE prefix = $1 AND year = $2 RETURNING last',
    [prefix, year],
  );
  if (step.rows[0]) return step.rows[0].last;
  // No counter yet (once per prefix and year): seed it. Two first intakes racing here both insert; the second
  // conflicts, waits for the first to commit, and steps the counter the first created.
  const seeded = await client.query<{ last: number }>(
    `INSERT INTO ledger_counters (prefix, year, last)
     SELECT $1, $2, coalesce(max(substr(ledger_no, length($3) + 1)::integer), 0) + 1
       FROM case_summaries
      WHERE starts_with(ledger_no, $3) AND substr(ledger_no, length($3) + 1) ~ '^[0-9]+$'
     ON CONFLICT (prefix, year) DO UPDATE SET last = ledger_counters.last + 1
     RETURNING last`,
    [prefix, year, ledgerNoStem(prefix, year)],
  );
  return seeded.rows[0].last;
}

/** The case of this intake runs: its sealed input is no longer needed (Temporal holds it) and is dropped. */
export async function markIntakeStarted(db: Db, caseId: string): Promise<void> {
  await db.query('UPDATE intakes SET started_at = coalesce(started_at, now()), input = NULL, last_error = NULL WHERE case_id = $1', [
    caseId,
  ]);
}

/** A failed attempt to start the case of this intake (the sweeper tries again later). */
export async function recordIntakeFailure(db: Db, caseId: string, message: string): Promise<void> {
  await db.query('UPDATE intakes SET attempts = attempts + 1, last_error = $2 WHERE case_id = $1 AND started_at IS NULL', [
    caseId,
    message.slice(0, 1000),
  ]);
}

/**
 * Intakes whose case has not started for `olderThanMs` (its API call failed or died), oldest first — those that
 * failed more often last, so that one that cannot start does not hold back the others.
 */
export async function stalledIntakes(db: Db, olderThanMs: number, limit = 100): Promise<Intake[]> {
  const { rows } = await db.query(
    `SELECT ${INTAKE_COLUMNS} FROM intakes
      WHERE started_at IS NULL AND created_at < now() - make_interval(secs => $1::double precision / 1000)
      ORDER BY attempts, created_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.map(intakeFromRow);
}
